package web

import (
	"html/template"
)

// parseTemplates parses web/templates. The asset function gives the
// versioned URL of a static file as it is served now.
func (s *Server) parseTemplates() (*template.Template, error) {
	funcs := template.FuncMap{
		"asset": func(name string) string { return s.static.current().url(name) },
		"add":   func(a, b int) int { return a + b },
	}
	return template.New("").Funcs(funcs).ParseFS(assets, "templates/*.html")
}
