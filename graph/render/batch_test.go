package render

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// TestRenderBatch: graphs drawn in batches come out byte for byte as
// Render draws them one by one; a graph dot rejects has no SVG and costs
// the others nothing; graphs with clusters are left to Render; a pool
// without a native dot draws nothing in batches.
func TestRenderBatch(t *testing.T) {
	p := nativePool(t, Config{Workers: 1})
	var dots [][]byte
	for i := 0; i < 2*batchSize+5; i++ {
		dots = append(dots, []byte(fmt.Sprintf(`digraph "local" { graph [id="local"]; a%d [id="local-a%d", label="A %d", URL="/a/%d"]; b [id="local-b"]; a%d -> b [id="local-e%d"]; c%d -> a%d }`, i, i, i, i, i, i, i%7, i)))
	}
	bad := 17
	dots[bad] = []byte(`digraph "local" { a -> ; }`)
	clustered := 40
	dots[clustered] = []byte(`digraph "concept" { subgraph cluster_x { a } subgraph cluster_y { b } a -> b }`)
	out := p.RenderBatch(context.Background(), dots, "dot", 3)
	if len(out) != len(dots) {
		t.Fatalf("%d SVGs for %d graphs", len(out), len(dots))
	}
	for i, svg := range out {
		switch i {
		case bad, clustered:
			if svg != nil {
				t.Errorf("graph %d: drawn in a batch: %.80s", i, svg)
			}
			continue
		}
		want, err := p.Render(context.Background(), dots[i], "dot", "svg")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(svg, want) {
			t.Errorf("graph %d: batch and Render differ:\n%s\n%s", i, svg, want)
		}
	}
	if got := testPool(t, Config{Workers: 1}).RenderBatch(context.Background(), dots[:3], "dot", 2); got[0] != nil || len(got) != 3 {
		t.Errorf("a WASM pool drew in batches: %q", got)
	}
}

// TestDiskCacheWarm: Warm stores what is not on disk yet, once per DOT,
// and Render then answers from disk with the same bytes.
func TestDiskCacheWarm(t *testing.T) {
	p := nativePool(t, Config{Workers: 1})
	c, err := NewDiskCache(p, t.TempDir(), p.EngineID(), 0)
	if err != nil {
		t.Fatal(err)
	}
	dots := [][]byte{[]byte(`digraph { a -> b }`), []byte(`digraph { c -> d }`), []byte(`digraph { a -> b }`)}
	if n := c.Warm(context.Background(), dots, "dot", 2); n != 2 {
		t.Errorf("warm stored %d, want 2", n)
	}
	if n := c.Warm(context.Background(), dots, "dot", 2); n != 0 {
		t.Errorf("warm again stored %d, want 0", n)
	}
	got, err := c.Render(context.Background(), dots[1], "dot", "svg")
	want, _ := p.Render(context.Background(), dots[1], "dot", "svg")
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("render after warm: %v\n%s\n%s", err, got, want)
	}
}
