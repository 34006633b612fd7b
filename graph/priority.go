package graph

import "sort"

// LabelOrder ranks the view's nodes for labelling: the browser keeps every
// label at a readable size on screen and, where two would collide, shows
// the one that comes first here. The focus (and path ends) come first, then
// projects, then the nodes with the most edges in the view (weighted by
// their evidence), then by id so the order is stable.
func (v *View) LabelOrder() []string {
	degree := map[string]int{}
	for _, e := range v.Edges {
		w := e.Weight
		if w < 1 {
			w = 1
		}
		// Distinct neighbours count more than heavy edges: a hub is what a
		// reader looks for.
		degree[e.From] += 3 + min(w, 4)
		degree[e.To] += 3 + min(w, 4)
	}
	tier := func(n *ViewNode) int {
		switch {
		case n.Focus:
			return 0
		case n.Kind == Project, n.Heading:
			return 1
		}
		return 2
	}
	ids := make([]*ViewNode, len(v.Nodes))
	copy(ids, v.Nodes)
	sort.SliceStable(ids, func(i, j int) bool {
		a, b := ids[i], ids[j]
		if ta, tb := tier(a), tier(b); ta != tb {
			return ta < tb
		}
		if degree[a.ID] != degree[b.ID] {
			return degree[a.ID] > degree[b.ID]
		}
		return a.ID < b.ID
	})
	out := make([]string, len(ids))
	for i, n := range ids {
		out[i] = n.ID
	}
	return out
}
