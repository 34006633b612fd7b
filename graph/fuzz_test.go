package graph_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
)

// FuzzWriteDOT puts arbitrary ids, titles, summaries and URLs into a small
// graph: the DOT written must always parse in Graphviz, and no URL other
// than a site path or http(s) may reach it.
func FuzzWriteDOT(f *testing.F) {
	for _, s := range []string{"raft", `say "hi"`, `a\`, "x\ny", "<b>", "javascript:alert(1)", "服务发现", "}; node [shape=box", "\\\"", "\x00\xff"} {
		f.Add(s, s, s)
	}
	pool := newPool(f)
	f.Fuzz(func(t *testing.T, id, title, url string) {
		id = strings.ToValidUTF8(id, "")
		c := &extract.Corpus{
			Docs: []*extract.Document{
				{ID: "a/" + id, Kind: extract.KindArticle, Title: title, Summary: title},
				{ID: "c/x", Kind: extract.KindConcept, Title: "x"},
			},
			Facts: []extract.Fact{{Subject: "a/" + id, Relation: extract.Mentions, Object: "c/x", Evidence: extract.Evidence{Path: title, Line: 1, Text: title}}},
		}
		g, err := graph.Build(c)
		if err != nil {
			return // duplicate ids and the like are Build's to refuse
		}
		v, err := g.View(graph.Query{View: graph.Full})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := v.WriteDOT(&buf, graph.DOTOptions{NodeURL: func(string) string { return url }}); err != nil {
			t.Fatal(err)
		}
		if u := strings.ToLower(url); strings.Contains(buf.String(), "URL=") && !(strings.HasPrefix(url, "/") || strings.HasPrefix(u, "http")) {
			t.Fatalf("unsafe URL %q written", url)
		}
		if _, err := pool.Render(context.Background(), buf.Bytes(), "dot", "svg"); err != nil {
			t.Fatalf("Graphviz rejects DOT for id=%q title=%q: %v\n%s", id, title, err, buf.String())
		}
	})
}
