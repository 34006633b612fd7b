package graph

import (
	"os"
	"strings"
	"testing"

	"github.com/codeatlas/codeatlas/extract"
)

// TestCapEdges: beyond the budget a view keeps the focus's edges and the
// paths' edges, then the heaviest, and counts what it drops in Hidden.
func TestCapEdges(t *testing.T) {
	edge := func(from, to string, w int) *ViewEdge { return &ViewEdge{From: from, To: to, Weight: w} }
	tests := []struct {
		name   string
		v      View
		max    int
		kept   string
		hidden int
	}{
		{"under the budget", View{Edges: []*ViewEdge{edge("a", "b", 1), edge("b", "c", 2)}}, 2, "a>b b>c", 0},
		{"heaviest", View{Edges: []*ViewEdge{edge("a", "b", 1), edge("b", "c", 5), edge("c", "d", 3)}}, 2, "b>c c>d", 1},
		{"focus first", View{Query: Query{Focus: "a"}, Edges: []*ViewEdge{edge("a", "b", 1), edge("b", "c", 5), edge("c", "d", 3)}}, 2, "a>b b>c", 3},
		{"paths first", View{Paths: [][]Hop{{{From: "d", To: "c"}}}, Edges: []*ViewEdge{edge("a", "b", 9), edge("b", "c", 5), edge("c", "d", 1)}}, 1, "c>d", 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.v
			capEdges(&v, tt.max)
			var got []string
			for _, e := range v.Edges {
				got = append(got, e.From+">"+e.To)
			}
			if strings.Join(got, " ") != tt.kept || v.Hidden != tt.hidden {
				t.Errorf("kept %q hidden %d, want %q and %d", got, v.Hidden, tt.kept, tt.hidden)
			}
		})
	}
}

// leaves is a trivial view kind, written as a new one would be: a builder
// function in a file of its own (here, this test) and a row of the views
// table (here, the spec passed to build). It shows the nodes nothing else
// points away from, within the budget; the shared builder does the rest.
func (b *builder) leaves() error {
	b.title = "Leaves"
	for _, n := range b.g.Nodes() {
		if len(b.g.out[n.ID]) == 0 && b.q.allows(n.Kind) {
			b.show(n.ID)
		}
	}
	b.collapse(func(vn *ViewNode) int { return b.degree(vn.ID) },
		func(k Kind) Query { return Query{View: Full, Kinds: []Kind{k}} })
	return nil
}

// TestNewViewKind: a view kind is a build function and a row of the views
// table; the edges between its nodes, the budget's stubs, the layout and
// the DOT come from the shared builder, and the query's checks from the
// row.
func TestNewViewKind(t *testing.T) {
	c, err := extract.Load(os.DirFS("testdata/notes"), extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := Build(c)
	if err != nil {
		t.Fatal(err)
	}
	row := viewSpec{kind: "leaves", build: (*builder).leaves}
	q := Query{View: row.kind, Depth: 1, Budget: row.defaultBudget()}
	if err := row.check(q); err != nil {
		t.Fatal(err)
	}
	v, err := g.build(q, row)
	if err != nil {
		t.Fatal(err)
	}
	var leaves []string
	for _, n := range g.Nodes() {
		if len(g.out[n.ID]) == 0 {
			leaves = append(leaves, n.ID)
		}
	}
	var got []string
	for _, n := range v.Nodes {
		got = append(got, n.ID)
	}
	if strings.Join(got, " ") != strings.Join(leaves, " ") || v.Title != "Leaves" || v.Query.Layout == "" {
		t.Errorf("leaves view: nodes %q (want %q), title %q, layout %q", got, leaves, v.Title, v.Query.Layout)
	}
	var dot strings.Builder
	if err := v.WriteDOT(&dot, DOTOptions{}); err != nil || !strings.Contains(dot.String(), `label="Leaves"`) {
		t.Errorf("DOT of the new view (%v):\n%s", err, dot.String())
	}
	small, err := g.build(Query{View: row.kind, Depth: 1, Budget: 10}, row)
	if err != nil {
		t.Fatal(err)
	}
	if len(small.Nodes) > 10 || len(leaves) > 10 && small.Node(stubID("view", Concept)) == nil && small.Node(stubID("view", Module)) == nil {
		t.Errorf("budget 10: %d nodes, no stub", len(small.Nodes))
	}
	// The rows of the table are the views forms, flags and Normalize
	// offer, in order.
	if len(ViewKinds) != len(views) {
		t.Fatalf("%d view kinds, %d rows", len(ViewKinds), len(views))
	}
	for i, row := range views {
		if ViewKinds[i] != row.kind {
			t.Errorf("ViewKinds[%d] = %s, the table's row %s", i, ViewKinds[i], row.kind)
		}
	}
}
