package graph

import (
	"fmt"

	"github.com/codeatlas/codeatlas/extract"
)

// Ego is the neighbourhood of a node, up to Depth steps away, found by a
// level-by-level search from the focus. When the budget is reached, a
// node's remaining neighbours collapse into one stub per kind that opens
// the narrower view: that node's neighbours of that kind.
const Ego ViewKind = "ego"

// starNodes is the size beyond which a depth-1 neighbourhood is drawn round.
const starNodes = 24

func (b *builder) ego() error {
	f := b.g.nodes[b.q.Focus]
	b.title = fmt.Sprintf("Around %s (depth %d)", f.Label, b.q.Depth)
	// The map is the search tree: the edges that reached each node, plus
	// every edge of the focus. At depth 1 that is a star; deeper, drawing
	// every edge among 150 nodes took thousands of lines and seconds of
	// layout. The other edges are counted in Hidden and the text version.
	parent := map[string]string{}
	b.hide = func(from, to *Node, k extract.Relation) bool {
		if from.ID == f.ID || to.ID == f.ID {
			return false
		}
		return parent[to.ID] != from.ID && parent[from.ID] != to.ID
	}
	b.show(f.ID)
	frontier := []string{f.ID}
	for level := 1; level <= b.q.Depth && len(frontier) > 0; level++ {
		var next []string
		for _, id := range frontier {
			rest := map[Kind]int{}
			for _, nb := range b.neighbours(id) {
				if _, seen := b.rep[nb]; seen {
					continue
				}
				n := b.g.nodes[nb]
				if !b.q.allows(n.Kind) {
					continue
				}
				parent[nb] = id
				if len(b.nodes) >= b.q.Budget {
					rest[n.Kind]++
					b.rep[nb] = stubID(id, n.Kind)
					continue
				}
				b.show(nb)
				next = append(next, nb)
			}
			for _, k := range Kinds {
				if rest[k] > 0 {
					b.addStub(stubID(id, k), k, rest[k], Query{View: Ego, Focus: id, Depth: 1, Kinds: []Kind{k}, Budget: max(rest[k]+10, DefaultBudget)})
				}
			}
		}
		frontier = next
	}
	// A neighbourhood of depth 1 is a star: dot ranks it as one column of
	// fifty nodes, a strip too thin to read on a screen; sfdp spreads it
	// round the focus.
	if b.q.Depth == 1 && len(b.nodes) > starNodes {
		b.layout = "sfdp"
	}
	return nil
}
