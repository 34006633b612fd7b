package render

import (
	"bytes"
	"context"
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-graphviz"
)

// rawSVG draws dot with go-graphviz as it comes, without svgDirect's
// reset and overlap choice, after a reset of its own so that two calls
// are comparable.
func rawSVG(t *testing.T, dot []byte) []byte {
	t.Helper()
	ctx := context.Background()
	gv, err := graphviz.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer gv.Close()
	if err := wasmReset(ctx, gv); err != nil {
		t.Fatal(err)
	}
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	gv.SetLayout(graphviz.SFDP)
	var buf bytes.Buffer
	if err := gv.Render(ctx, g, graphviz.SVG, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// crowdDOT is a star of long labels that sfdp lays out overlapping, so
// that every overlap removal moves nodes and draws it its own way.
func crowdDOT(overlap string) []byte {
	var b strings.Builder
	b.WriteString("graph crowd {\n  graph [layout=sfdp, overlap=" + overlap + ", splines=false];\n")
	for i := 0; i < 40; i++ {
		b.WriteString("  hub -- \"a rather long label for node " + string(rune('A'+i%26)) + string(rune('a'+i/26)) + "\";\n")
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// TestWasmHasNoPrism holds wasmOverlap's premise: the WebAssembly
// Graphviz draws overlap=prism as it draws Voronoi (it has no
// triangulation library), and scalexy otherwise. If go-graphviz comes
// with prism one day, this fails: wasmOverlap should go then.
func TestWasmHasNoPrism(t *testing.T) {
	prism, voronoi, scalexy := rawSVG(t, crowdDOT("prism")), rawSVG(t, crowdDOT("voronoi")), rawSVG(t, crowdDOT("scalexy"))
	strip := func(svg []byte) []byte { // the graph's own attributes differ
		return regexp.MustCompile(`overlap=\w+`).ReplaceAll(svg, nil)
	}
	if !bytes.Equal(strip(prism), strip(voronoi)) {
		t.Errorf("overlap=prism draws otherwise than Voronoi: the WASM Graphviz has prism now, and wasmOverlap should go")
	}
	if bytes.Equal(strip(scalexy), strip(voronoi)) {
		t.Errorf("scalexy draws as Voronoi does: the test graph moves nothing")
	}
	got, err := svgDirect(context.Background(), crowdDOT("prism"), "sfdp")
	if err != nil {
		t.Fatal(err)
	}
	if want := CleanSVG(scalexy); !bytes.Equal(got, want) {
		t.Errorf("svgDirect drew overlap=prism otherwise than scalexy")
	}
	for _, o := range []string{"voronoi", "false", "scale"} {
		got, err := svgDirect(context.Background(), crowdDOT(o), "sfdp")
		if err != nil {
			t.Fatal(err)
		}
		if want := CleanSVG(rawSVG(t, crowdDOT(o))); !bytes.Equal(got, want) {
			t.Errorf("svgDirect changed overlap=%s, which it should leave alone", o)
		}
	}
}

// TestWasmSameDrawing: the WebAssembly module lives as long as its worker,
// so, as with kept dot processes, a map must come out the same whatever
// the worker drew before: sfdp graphs that coarsen and neato graphs, drawn
// in a shuffled order after others, match their first drawing byte for
// byte.
func TestWasmSameDrawing(t *testing.T) {
	var dots [][]byte
	var layouts []string
	for i := int64(0); i < 5; i++ {
		dots = append(dots, meshDOT(i, 60, "sfdp"))
		layouts = append(layouts, "sfdp")
	}
	for i := int64(5); i < 7; i++ {
		dots = append(dots, meshDOT(i, 30, "neato"))
		layouts = append(layouts, "neato")
	}
	want := make([][]byte, len(dots))
	for i, d := range dots {
		svg, err := svgDirect(context.Background(), d, layouts[i])
		if err != nil {
			t.Fatal(err)
		}
		want[i] = svg
	}
	for _, i := range rand.New(rand.NewSource(1)).Perm(len(dots)) {
		got, err := svgDirect(context.Background(), dots[i], layouts[i])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want[i]) {
			t.Errorf("graph %d drawn otherwise after other graphs", i)
		}
	}
}
