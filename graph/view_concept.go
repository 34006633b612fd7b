package graph

import "github.com/codeatlas/codeatlas/extract"

// ConceptView shows every article touching a concept, grouped by project,
// and its broader and narrower concepts.
const ConceptView ViewKind = "concept"

func (b *builder) concept() error {
	c := b.g.nodes[b.q.Focus]
	b.title = "Concept: " + c.Label
	b.skip[extract.Contains], b.skip[extract.Next] = true, true
	// The map answers who touches the concept: edges not at the concept
	// (articles linking each other, or naming other concepts) are counted.
	b.hide = func(from, to *Node, k extract.Relation) bool {
		return from.ID != c.ID && to.ID != c.ID && k != extract.Broader
	}
	b.show(c.ID)
	clusters := map[string]*Cluster{}
	for _, e := range b.g.in[c.ID] {
		n := b.g.nodes[e.From]
		if !b.q.allows(n.Kind) {
			continue
		}
		vn := b.show(n.ID)
		if n.Kind == Article && n.Project != "" {
			cl := clusters[n.Project]
			if cl == nil {
				label := n.Project
				if p, ok := b.g.nodes["p/"+n.Project]; ok {
					label = p.Label
				}
				cl = &Cluster{ID: "cluster_p/" + n.Project, Label: label, NodeID: "p/" + n.Project}
				clusters[n.Project] = cl
				b.clusters = append(b.clusters, cl)
			}
			vn.Cluster = cl.ID
		}
	}
	for _, e := range b.g.out[c.ID] {
		if n := b.g.nodes[e.To]; n.Kind == Concept || b.q.allows(n.Kind) {
			b.show(n.ID)
		}
	}
	b.collapse(func(vn *ViewNode) int { return b.degree(vn.ID) },
		func(k Kind) Query { return Query{View: Ego, Focus: c.ID, Depth: 1, Kinds: []Kind{k}, Budget: 1000} })
	return nil
}
