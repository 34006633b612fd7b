package graph

// Full is everything, for export.
const Full ViewKind = "full"

func (b *builder) full() error {
	b.title = "Everything"
	b.layout = "sfdp"
	b.everyEdge = true
	for _, n := range b.g.Nodes() {
		if b.q.allows(n.Kind) {
			b.show(n.ID)
		}
	}
	b.collapse(func(vn *ViewNode) int { return b.degree(vn.ID) }, func(k Kind) Query { return Query{View: Full, Kinds: []Kind{k}, Budget: 100000} })
	return nil
}
