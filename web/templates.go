package web

import (
	"html/template"
	"strings"

	"github.com/codeatlas/codeatlas/graph"
)

// parseTemplates parses web/templates. The asset function gives the
// versioned URL of a static file as it is served now.
func (s *Server) parseTemplates() (*template.Template, error) {
	funcs := template.FuncMap{
		"asset":   func(name string) string { return s.static.current().url(name) },
		"nodeURL": NodeURL,
		"mapURL":  MapURL,
		"upper":   strings.ToUpper,
		"egoURL": func(id string) string {
			return MapURL(graph.Query{View: graph.Ego, Focus: id, Depth: 2})
		},
		"pathURL": func(from, to string) string { return MapURL(graph.Query{View: graph.PathView, From: from, To: to}) },
		"add":     func(a, b int) int { return a + b },
		"conceptsURL": func() string {
			return MapURL(graph.Query{View: graph.Full, Kinds: []graph.Kind{graph.Project, graph.Concept}})
		},
	}
	return template.New("").Funcs(funcs).ParseFS(assets, "templates/*.html")
}
