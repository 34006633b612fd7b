package graph

import (
	"fmt"
	"sort"

	"github.com/codeatlas/codeatlas/extract"
)

// PathView shows the shortest paths between From and To through typed
// edges, walked in either direction, each hop with its evidence; next
// (reading order) is not a relation between ideas, so paths do not use it.
const PathView ViewKind = "path"

func (b *builder) path() error {
	b.skip[extract.Next] = true
	from, to := b.q.From, b.q.To
	b.title = fmt.Sprintf("Path from %s to %s", b.g.nodes[from].Label, b.g.nodes[to].Label)
	dist := map[string]int{from: 0}
	preds := map[string][]string{}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == to {
			break
		}
		for _, nb := range b.neighbours(cur) {
			n := b.g.nodes[nb]
			if nb != to && !b.q.allows(n.Kind) {
				continue
			}
			d, seen := dist[nb]
			if !seen {
				dist[nb] = dist[cur] + 1
				queue = append(queue, nb)
				d = dist[nb]
			}
			if d == dist[cur]+1 {
				preds[nb] = append(preds[nb], cur)
			}
		}
	}
	if _, ok := dist[to]; !ok {
		return fmt.Errorf("%w between %s and %s", ErrNoPath, from, to)
	}
	const maxPaths = 5
	var walk func(id string, suffix []string)
	walk = func(id string, suffix []string) {
		if len(b.paths) >= maxPaths {
			return
		}
		if id == from {
			nodes := append([]string{from}, suffix...)
			b.paths = append(b.paths, b.hops(nodes))
			return
		}
		ps := append([]string(nil), preds[id]...)
		sort.Strings(ps)
		for _, p := range ps {
			walk(p, append([]string{id}, suffix...))
		}
	}
	if from == to {
		b.show(from)
		return nil
	}
	walk(to, nil)
	for _, p := range b.paths {
		for _, h := range p {
			b.show(h.From)
			b.show(h.To)
		}
	}
	return nil
}

func (b *builder) hops(nodes []string) []Hop {
	var hops []Hop
	for i := 1; i < len(nodes); i++ {
		h := Hop{From: nodes[i-1], To: nodes[i]}
		if e := b.g.edge(h.From, h.To); e != nil {
			h.Forward = true
			h.Relations = b.keep(e.Relations)
		} else if e := b.g.edge(h.To, h.From); e != nil {
			h.Relations = b.keep(e.Relations)
		}
		hops = append(hops, h)
	}
	return hops
}

func (b *builder) keep(rs []Relation) []Relation {
	var out []Relation
	for _, r := range rs {
		if !b.skip[r.Kind] {
			out = append(out, r)
		}
	}
	return out
}

func (g *Graph) edge(from, to string) *Edge {
	es := g.out[from]
	i := sort.Search(len(es), func(i int) bool { return es[i].To >= to })
	if i < len(es) && es[i].To == to {
		return es[i]
	}
	return nil
}
