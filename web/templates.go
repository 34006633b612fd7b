package web

import (
	"html/template"
	"strings"

	"github.com/codeatlas/codeatlas/graph"
)

func parseTemplates() (*template.Template, error) {
	static, err := newStaticFilesFromAssets()
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"asset":   static.url,
		"nodeURL": NodeURL,
		"mapURL":  MapURL,
		"upper":   strings.ToUpper,
		"egoURL": func(id string) string {
			return MapURL(graph.Query{View: graph.Ego, Focus: id, Depth: 2})
		},
		"pathURL": func(from, to string) string { return MapURL(graph.Query{View: graph.PathView, From: from, To: to}) },
		"add":     func(a, b int) int { return a + b },
	}
	return template.New("").Funcs(funcs).ParseFS(assets, "templates/*.html")
}

func newStaticFilesFromAssets() (*staticFiles, error) {
	sub, err := subFS("static")
	if err != nil {
		return nil, err
	}
	return newStaticFiles(sub)
}
