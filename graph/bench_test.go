package graph_test

import (
	"bytes"
	"context"
	"io/fs"
	"testing"

	"github.com/codeatlas/codeatlas/bench/gencorpus"
	"github.com/codeatlas/codeatlas/content"
	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
)

// BenchmarkLoadBuild times extract.Load plus graph.Build on a generated
// corpus of 10,000 articles (about 5 KB each) and on the bundled notes.
func BenchmarkLoadBuild(b *testing.B) {
	gen := gencorpus.Generate(10000, 1)
	size := 0
	for _, f := range gen {
		size += len(f.Data)
	}
	for _, bc := range []struct {
		name  string
		fsys  fs.FS
		bytes int
	}{{"generated-10k", gen, size}, {"bundled", content.FS(), 0}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(bc.bytes))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c, err := extract.Load(bc.fsys, extract.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := graph.Build(c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEgoSVG renders the depth-2 neighbourhood of every concept of
// the bundled notes to SVG, cold (no cache): one render per iteration.
func BenchmarkEgoSVG(b *testing.B) {
	c, err := extract.Load(content.FS(), extract.Options{})
	if err != nil {
		b.Fatal(err)
	}
	g, err := graph.Build(c)
	if err != nil {
		b.Fatal(err)
	}
	var views []*graph.View
	for _, n := range g.Nodes() {
		if n.Kind == graph.Concept {
			v, err := g.View(graph.Query{View: graph.Ego, Focus: n.ID, Depth: 2})
			if err != nil {
				b.Fatal(err)
			}
			views = append(views, v)
		}
	}
	if len(views) == 0 {
		b.Skip("no concepts in the bundled notes")
	}
	pool := newPool(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := views[i%len(views)]
		var buf bytes.Buffer
		_ = v.WriteDOT(&buf, opts())
		// A distinct comment defeats the cache: every iteration is cold.
		buf.WriteString("\n// " + string(rune('a'+i%26)) + string(rune(i)) + "\n")
		if _, err := pool.Render(context.Background(), buf.Bytes(), v.Query.Layout, "svg"); err != nil {
			b.Fatal(err)
		}
	}
}
