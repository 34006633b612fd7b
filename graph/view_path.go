package graph

import (
	"container/heap"
	"fmt"
	"sort"

	"github.com/codeatlas/codeatlas/extract"
)

// PathView shows the shortest paths between From and To through typed
// edges, walked in either direction, each hop with its evidence; next
// (reading order) is not a relation between ideas, so paths do not use it.
// Paths prefer established relations: a hop whose relations are all
// passing mentions or comparisons costs weakHop, so a path of two
// established hops beats one through a single sentence that mentions both
// ends.
const PathView ViewKind = "path"

// Hop costs: an established hop costs 1, a weak one weakHop.
const weakHop = 3

// cheapest runs Dijkstra's algorithm from from, stopping once to is
// settled, and returns the cost of every reached node and, for each, all
// the neighbours it is reached from at that cost.
func (b *builder) cheapest(from, to string) (map[string]int, map[string][]string) {
	dist := map[string]int{from: 0}
	preds := map[string][]string{}
	done := map[string]bool{}
	q := &costQueue{{id: from}}
	for q.Len() > 0 {
		cur := heap.Pop(q).(costItem)
		if done[cur.id] || cur.cost > dist[cur.id] {
			continue
		}
		done[cur.id] = true
		if cur.id == to {
			break
		}
		for _, nb := range b.neighbours(cur.id) {
			if done[nb] {
				continue
			}
			if n := b.g.nodes[nb]; nb != to && !b.q.allows(n.Kind) {
				continue
			}
			c := cur.cost + b.hopCost(cur.id, nb)
			d, seen := dist[nb]
			switch {
			case !seen || c < d:
				dist[nb] = c
				preds[nb] = []string{cur.id}
				heap.Push(q, costItem{id: nb, cost: c})
			case c == d:
				preds[nb] = append(preds[nb], cur.id)
			}
		}
	}
	for id := range dist {
		if !done[id] {
			delete(dist, id)
		}
	}
	return dist, preds
}

// hopCost is 1 when a relation the view keeps between a and c, in either
// direction, is established, weakHop otherwise.
func (b *builder) hopCost(a, c string) int {
	if _, _, ok := b.hopEdge(a, c); ok {
		return 1
	}
	return weakHop
}

// hopEdge is the edge a hop from a to c shows and whether it runs a to c:
// of the two directions, one with an established relation the view keeps
// (a to c first), else a to c if there is one, else c to a. ok reports
// whether the edge is established. Traefik mentions load balancing in
// passing while the concept's page links Traefik's balancer: the hop shows
// the established one.
func (b *builder) hopEdge(a, c string) (e *Edge, forward, ok bool) {
	fw, bw := b.g.edge(a, c), b.g.edge(c, a)
	for _, x := range []struct {
		e       *Edge
		forward bool
	}{{fw, true}, {bw, false}} {
		if x.e == nil {
			continue
		}
		for _, r := range b.keep(x.e.Relations) {
			if r.Established() {
				return x.e, x.forward, true
			}
		}
	}
	if fw != nil {
		return fw, true, false
	}
	return bw, false, false
}

type costItem struct {
	id   string
	cost int
}

// costQueue is a min-heap of costs, ties broken by id so paths are stable.
type costQueue []costItem

func (q costQueue) Len() int { return len(q) }
func (q costQueue) Less(i, j int) bool {
	if q[i].cost != q[j].cost {
		return q[i].cost < q[j].cost
	}
	return q[i].id < q[j].id
}
func (q costQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *costQueue) Push(x any)   { *q = append(*q, x.(costItem)) }
func (q *costQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

func (b *builder) path() error {
	b.skip[extract.Next] = true
	from, to := b.q.From, b.q.To
	b.title = fmt.Sprintf("Path from %s to %s", b.g.nodes[from].Label, b.g.nodes[to].Label)
	dist, preds := b.cheapest(from, to)
	if _, ok := dist[to]; !ok {
		return fmt.Errorf("%w between %s and %s", ErrNoPath, from, to)
	}
	// Two paths at most: with weighted hops many paths tie (go-micro reaches
	// service discovery through five of its articles), and a third drew the
	// path answer too small to label on a phone (TestBrowserReadableMaps).
	const maxPaths = 2
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
	b.post = orientPath
	return nil
}

// orientPath lays a path answer out the way its hops are listed: each hop
// runs from its From on the left to its To on the right, a hop walked
// against its relation drawn backwards (the arrow still pointing the way
// the relation goes, as the list's ← does), and every other edge between
// the path's nodes is left out of the ranking, so it cannot turn the path
// round.
func orientPath(v *View) {
	type pair = [2]string
	forward, backward := map[pair]bool{}, map[pair]bool{}
	for _, p := range v.Paths {
		for _, h := range p {
			if h.Forward {
				forward[pair{h.From, h.To}] = true
			} else {
				backward[pair{h.To, h.From}] = true
			}
		}
	}
	for _, e := range v.Edges {
		k := pair{e.From, e.To}
		switch {
		case forward[k]:
		case backward[k]:
			e.Back = true
		default:
			e.Loose = true
		}
	}
}

func (b *builder) hops(nodes []string) []Hop {
	var hops []Hop
	for i := 1; i < len(nodes); i++ {
		h := Hop{From: nodes[i-1], To: nodes[i]}
		if e, forward, _ := b.hopEdge(h.From, h.To); e != nil {
			h.Forward = forward
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
