package graph

import (
	"strings"
	"testing"
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
