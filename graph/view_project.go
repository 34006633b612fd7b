package graph

import "github.com/codeatlas/codeatlas/extract"

// ProjectView shows a project's table of contents as nested clusters, the
// concepts its articles touch and the other projects they reference.
const ProjectView ViewKind = "project"

func (b *builder) project() error {
	p := b.g.nodes[b.q.Focus]
	b.title = "Project: " + p.Label
	b.skip[extract.Contains], b.skip[extract.Next] = true, true
	// The clusters show how the articles belong together; links between
	// two of them are counted, and drawn on the articles' own maps.
	member := map[string]bool{}
	// Edges that do not touch the project at all (another project's
	// articles naming concepts) are not this map's question either.
	b.hide = func(from, to *Node, k extract.Relation) bool {
		return conceptPageNoise(from, to, k) || member[from.ID] == member[to.ID]
	}
	b.show(p.ID)
	root := &Cluster{ID: "cluster_" + p.ID, Label: p.Label, NodeID: p.ID}
	b.clusters = append(b.clusters, root)
	b.nodes[p.ID].Cluster = root.ID
	var members []string
	var walk func(id string, cluster *Cluster, depth int)
	walk = func(id string, cluster *Cluster, depth int) {
		for _, e := range b.g.out[id] {
			if !e.Has(extract.Contains) || depth > 8 {
				continue
			}
			child := b.g.nodes[e.To]
			if _, seen := b.rep[child.ID]; seen || !b.q.allows(child.Kind) {
				continue
			}
			vn := b.show(child.ID)
			members = append(members, child.ID)
			vn.Cluster = cluster.ID
			sub := cluster
			if hasContains(b.g.out[child.ID]) {
				sub = &Cluster{ID: "cluster_" + child.ID, Label: child.Label, Parent: cluster.ID, NodeID: child.ID}
				b.clusters = append(b.clusters, sub)
				vn.Cluster = sub.ID
			}
			walk(child.ID, sub, depth+1)
		}
	}
	walk(p.ID, root, 0)
	members = append(members, p.ID)
	for _, id := range members {
		member[id] = true
	}
	b.post = func(v *View) { topConcepts(v, Article, projectConceptsPerArticle) }
	for _, id := range members {
		for _, e := range b.g.out[id] {
			b.reach(e.To)
		}
		for _, e := range b.g.in[id] {
			b.reach(e.From)
		}
	}
	b.collapse(func(vn *ViewNode) int {
		if vn.Cluster != "" {
			return 1 << 20
		}
		return b.degree(vn.ID)
	}, func(k Kind) Query { return Query{View: Ego, Focus: p.ID, Depth: 2, Kinds: []Kind{k}, Budget: 1000} })
	return nil
}

// projectConceptsPerArticle is the same limit for each article on a project
// map.
const projectConceptsPerArticle = 4

func hasContains(es []*Edge) bool {
	for _, e := range es {
		if e.Has(extract.Contains) {
			return true
		}
	}
	return false
}

// reach shows a node referenced from the view's members: a concept or a
// module as itself, an article of another project as that project.
func (b *builder) reach(id string) {
	if _, ok := b.rep[id]; ok {
		return
	}
	n := b.g.nodes[id]
	switch n.Kind {
	case Concept, Project:
		if b.q.allows(n.Kind) {
			b.show(id)
		}
	case Module:
		if n.Project != "" && b.q.allows(Project) {
			if _, ok := b.nodes["p/"+n.Project]; !ok {
				b.show("p/" + n.Project)
			}
			b.rep[id] = "p/" + n.Project
		} else if b.q.allows(Module) {
			b.show(id)
		}
	case Article:
		owner := "p/" + n.Project
		if _, ok := b.g.nodes[owner]; ok && n.Project != "" && b.q.allows(Project) {
			b.show(owner)
			b.rep[id] = owner
		}
	}
}
