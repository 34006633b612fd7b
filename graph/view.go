package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/codeatlas/codeatlas/extract"
)

// maxViewEvidence caps the evidence a view keeps per relation on an edge;
// the edge's Weight still counts all of it.
const maxViewEdgeEvidence = 5

// View answers a query. Unknown nodes wrap ErrUnknownNode, bad queries
// ErrBadQuery, unconnected path ends ErrNoPath.
func (g *Graph) View(q Query) (*View, error) {
	q, err := q.Normalize()
	if err != nil {
		return nil, err
	}
	for _, id := range []string{q.Focus, q.From, q.To} {
		if id == "" {
			continue
		}
		if _, err := g.Node(id); err != nil {
			return nil, err
		}
	}
	b := &builder{g: g, q: q, rep: map[string]string{}, nodes: map[string]*ViewNode{}, edges: map[[2]string]*ViewEdge{}, skip: map[extract.Relation]bool{}}
	switch q.View {
	case Overview:
		b.overview()
	case ProjectView:
		b.project()
	case ConceptView:
		b.concept()
	case Ego:
		b.ego()
	case PathView:
		if err := b.path(); err != nil {
			return nil, err
		}
	case Full:
		b.full()
	}
	return b.finish(), nil
}

// builder assembles a view: rep maps each base node the view shows to the
// view node standing for it (itself, its project, or a stub); edges are the
// base edges between represented nodes, aggregated.
type builder struct {
	g        *Graph
	q        Query
	title    string
	rep      map[string]string
	nodes    map[string]*ViewNode
	edges    map[[2]string]*ViewEdge
	clusters []*Cluster
	skip     map[extract.Relation]bool // relations the view shows otherwise (clusters) or not at all
	hide     func(from, to *Node, k extract.Relation) bool
	hidden   int
	paths    [][]Hop
	post     func(v *View) // view-specific pruning after aggregation
}

func (b *builder) show(id string) *ViewNode {
	if vn, ok := b.nodes[id]; ok {
		b.rep[id] = id
		return vn
	}
	n := b.g.nodes[id]
	vn := &ViewNode{Node: n, Focus: id == b.q.Focus || id == b.q.From || id == b.q.To}
	b.nodes[id] = vn
	b.rep[id] = id
	return vn
}

func (b *builder) overview() {
	b.title = "Overview: projects and concepts"
	b.skip[extract.Contains], b.skip[extract.Next] = true, true
	// Concept pages mention each other all the time; drawn, those edges
	// turn the overview into a hairball. They are counted, and the concept
	// pages and maps show them.
	b.hide = conceptPageNoise
	// The units of the overview are the projects; notes without any (a
	// book, one project's notes) use the top of their table of contents:
	// each article stands for the section it heads.
	unit := Project
	if !b.g.hasKind(Project) {
		unit = Article
		b.title = "Overview: sections and concepts"
	}
	for _, n := range b.g.Nodes() {
		switch {
		case n.Kind == Concept || n.Kind == Project,
			unit == Article && n.Kind == Article && b.g.parentArticle(n.ID) == "":
			if b.q.allows(n.Kind) {
				b.show(n.ID)
			}
		}
	}
	for _, n := range b.g.Nodes() {
		var owner string
		switch {
		case unit == Project && (n.Kind == Article || n.Kind == Module) && n.Project != "":
			owner = "p/" + n.Project
		case unit == Article && n.Kind == Article:
			owner = b.g.sectionOf(n.ID)
		default:
			continue
		}
		if _, ok := b.nodes[owner]; ok && owner != n.ID {
			b.rep[n.ID] = owner
		}
	}
	// The overview shows shared concepts: those the articles of at least
	// two projects touch. The others collapse into one stub that opens the
	// list of every concept.
	projectsOf := map[string]map[string]bool{}
	for id, r := range b.rep {
		if vn := b.nodes[r]; vn == nil || vn.Kind != unit {
			continue
		}
		for _, e := range b.g.out[id] {
			if b.g.nodes[e.To].Kind == Concept && (e.Has(extract.Mentions) || e.Has(extract.Related)) {
				if projectsOf[e.To] == nil {
					projectsOf[e.To] = map[string]bool{}
				}
				projectsOf[e.To][r] = true
			}
		}
	}
	var lonely []string
	for id, vn := range b.nodes {
		if vn.Kind == Concept && len(projectsOf[id]) < 2 {
			lonely = append(lonely, id)
		}
	}
	if len(lonely) > 0 && len(lonely) < len(projectsOf)+len(lonely) {
		stub := stubID("view", Concept)
		for _, id := range lonely {
			delete(b.nodes, id)
			b.rep[id] = stub
		}
		b.addStub(stub, Concept, len(lonely), Query{View: Full, Kinds: []Kind{Concept}})
		what := "project"
		if unit == Article {
			what = "section"
		}
		b.nodes[stub].Label = fmt.Sprintf("+%d concepts of one %s", len(lonely), what)
		b.nodes[stub].Summary = "Concepts the articles of only one " + what + " touch; open the list of every concept"
	}
	b.collapse(func(vn *ViewNode) int {
		if vn.Kind == unit {
			return 1 << 20
		}
		return b.degree(vn.ID)
	}, func(k Kind) Query { return Query{View: Full, Kinds: []Kind{k}} })
	b.post = func(v *View) { topConcepts(v, unit, overviewConceptsPerProject) }
}

// parentArticle is the article whose table-of-contents entry holds id's,
// or "".
func (g *Graph) parentArticle(id string) string {
	for _, e := range g.in[id] {
		if e.Has(extract.Contains) && g.nodes[e.From].Kind == Article {
			return e.From
		}
	}
	return ""
}

// sectionOf is the top article of id's branch of the table of contents.
func (g *Graph) sectionOf(id string) string {
	seen := map[string]bool{id: true}
	for {
		p := g.parentArticle(id)
		if p == "" || seen[p] {
			return id
		}
		seen[p] = true
		id = p
	}
}

func (g *Graph) hasKind(k Kind) bool {
	for _, n := range g.nodes {
		if n.Kind == k {
			return true
		}
	}
	return false
}

// overviewConceptsPerProject is how many concept edges a project keeps on
// the overview: its heaviest. Ten projects by eighty concepts drawn in full
// is a hairball nobody can read; the rest are counted in Hidden and shown
// on the project maps.
const overviewConceptsPerProject = 8

// projectConceptsPerArticle is the same limit for each article on a project
// map.
const projectConceptsPerArticle = 4

// topConcepts keeps, for each node of kind from, only its per heaviest
// edges to concepts; the rest are counted in Hidden. A concept left without
// edges collapses into the view's concept stub.
func topConcepts(v *View, from Kind, per int) {
	kind := map[string]Kind{}
	for _, n := range v.Nodes {
		kind[n.ID] = n.Kind
	}
	byProject := map[string][]*ViewEdge{}
	var kept []*ViewEdge
	for _, e := range v.Edges {
		if kind[e.From] == from && kind[e.To] == Concept {
			byProject[e.From] = append(byProject[e.From], e)
			continue
		}
		kept = append(kept, e)
	}
	for _, es := range byProject {
		sort.SliceStable(es, func(i, j int) bool {
			if es[i].Weight != es[j].Weight {
				return es[i].Weight > es[j].Weight
			}
			return es[i].To < es[j].To
		})
		n := min(len(es), per)
		kept = append(kept, es[:n]...)
		for _, e := range es[n:] {
			v.Hidden += e.Weight
		}
	}
	sort.Slice(kept, func(i, j int) bool {
		if kept[i].From != kept[j].From {
			return kept[i].From < kept[j].From
		}
		return kept[i].To < kept[j].To
	})
	v.Edges = kept
	// A concept left with no edge would float alone; count it in the stub.
	linked := map[string]bool{}
	for _, e := range v.Edges {
		linked[e.From], linked[e.To] = true, true
	}
	var nodes []*ViewNode
	var stub *ViewNode
	dropped := 0
	for _, n := range v.Nodes {
		if n.ID == stubID("view", Concept) {
			stub = n
		}
		if n.Kind == Concept && !linked[n.ID] {
			dropped++
			continue
		}
		nodes = append(nodes, n)
	}
	if dropped == 0 {
		return
	}
	if stub == nil {
		stub = &ViewNode{Node: &Node{ID: stubID("view", Concept), Kind: Stub}, Target: Query{View: Full, Kinds: []Kind{Concept}}}
		nodes = append(nodes, stub)
		sort.Slice(nodes, func(i, j int) bool { return nodes[i].ID < nodes[j].ID })
	}
	stub.Count += dropped
	stub.Label = fmt.Sprintf("+%d more concepts", stub.Count)
	stub.Summary = "Concepts not among any project's strongest on this overview; open the list of every concept"
	v.Nodes = nodes
}

// conceptPageNoise is true for the edges a concept page makes by naming
// projects, articles and other concepts in its prose: the articles' own
// mentions say the same from the other side, and drawn, these edges turn a
// map into a hairball. Broader links between concepts stay.
func conceptPageNoise(from, to *Node, k extract.Relation) bool {
	if from.Kind != Concept {
		return false
	}
	return to.Kind != Concept || k != extract.Broader
}

func (b *builder) degree(id string) int {
	n := 0
	for _, e := range b.g.out[id] {
		n += e.Weight()
	}
	for _, e := range b.g.in[id] {
		n += e.Weight()
	}
	return n
}

// project shows a project's table of contents as nested clusters, the
// concepts its articles touch and the other projects they reference.
func (b *builder) project() {
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
}

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

// concept shows every article touching a concept, grouped by project, and
// its broader and narrower concepts.
func (b *builder) concept() {
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
}

// neighbours returns the nodes next to id in either direction, heaviest
// edge first, then by id, ignoring relations in skip.
func (b *builder) neighbours(id string) []string {
	weight := map[string]int{}
	for _, e := range b.g.out[id] {
		if !b.skipsAll(e) {
			weight[e.To] += e.Weight()
		}
	}
	for _, e := range b.g.in[id] {
		if !b.skipsAll(e) {
			weight[e.From] += e.Weight()
		}
	}
	out := make([]string, 0, len(weight))
	for n := range weight {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool {
		if weight[out[i]] != weight[out[j]] {
			return weight[out[i]] > weight[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

func (b *builder) skipsAll(e *Edge) bool {
	for _, r := range e.Relations {
		if !b.skip[r.Kind] {
			return false
		}
	}
	return true
}

// ego is a level-by-level search from the focus. When the budget is
// reached, a node's remaining neighbours collapse into one stub per kind
// that opens the narrower view: that node's neighbours of that kind.
func (b *builder) ego() {
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
}

func stubID(parent string, k Kind) string { return "stub/" + string(k) + "/" + parent }

func (b *builder) addStub(id string, k Kind, count int, target Query) {
	vn := b.nodes[id]
	if vn == nil {
		vn = &ViewNode{Node: &Node{ID: id, Kind: Stub, Label: fmt.Sprintf("+%d more %s", count, plural(k, count))}, Target: target}
		b.nodes[id] = vn
	}
	vn.Count = count
	vn.Label = fmt.Sprintf("+%d more %s", count, plural(k, count))
	vn.Summary = fmt.Sprintf("%d %s collapsed to keep this map under %d nodes; open the narrower view", count, plural(k, count), b.q.Budget)
}

func plural(k Kind, n int) string {
	if n == 1 {
		return string(k)
	}
	return string(k) + "s"
}

// collapse keeps the view within its budget: the nodes ranked lowest by
// score collapse into one stub per kind pointing at target(kind).
func (b *builder) collapse(score func(*ViewNode) int, target func(Kind) Query) {
	if len(b.nodes) <= b.q.Budget {
		return
	}
	var cands []*ViewNode
	for _, vn := range b.nodes {
		if !vn.Focus {
			cands = append(cands, vn)
		}
	}
	scores := make(map[string]int, len(cands))
	for _, vn := range cands {
		scores[vn.ID] = score(vn)
	}
	sort.Slice(cands, func(i, j int) bool {
		a, c := cands[i], cands[j]
		if scores[a.ID] != scores[c.ID] {
			return scores[a.ID] > scores[c.ID]
		}
		return a.ID < c.ID
	})
	keep := b.q.Budget - len(Kinds) - (len(b.nodes) - len(cands))
	if keep < 0 {
		keep = 0
	}
	rest := map[Kind]int{}
	collapsed := map[string]string{}
	for _, vn := range cands[keep:] {
		collapsed[vn.ID] = stubID("view", vn.Kind)
		rest[vn.Kind]++
		delete(b.nodes, vn.ID)
	}
	for base, r := range b.rep {
		if stub, ok := collapsed[r]; ok {
			b.rep[base] = stub
		}
	}
	for _, k := range Kinds {
		if rest[k] > 0 {
			b.addStub(stubID("view", k), k, rest[k], target(k))
		}
	}
}

// path shows the shortest paths between From and To through typed edges,
// walked in either direction; next (reading order) is not a relation
// between ideas, so paths do not use it.
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

func (b *builder) full() {
	b.title = "Everything"
	for _, n := range b.g.Nodes() {
		if b.q.allows(n.Kind) {
			b.show(n.ID)
		}
	}
	b.collapse(func(vn *ViewNode) int { return b.degree(vn.ID) }, func(k Kind) Query { return Query{View: Full, Kinds: []Kind{k}, Budget: 100000} })
}

// finish aggregates the base edges between represented nodes and sorts
// everything. Edges from a shown node to a node the view does not show are
// counted in Outside, never dropped silently.
func (b *builder) finish() *View {
	v := &View{Query: b.q, Title: b.title, Paths: b.paths}
	bases := make([]string, 0, len(b.rep))
	for id := range b.rep {
		bases = append(bases, id)
	}
	sort.Strings(bases)
	for _, id := range bases {
		rf := b.rep[id]
		focus := id == b.q.Focus || id == b.q.From || id == b.q.To
		for _, e := range b.g.out[id] {
			rt, ok := b.rep[e.To]
			if b.skipsAll(e) {
				continue
			}
			if !ok {
				if focus {
					v.Outside++
				}
				continue
			}
			if rf == rt {
				continue
			}
			ve := b.edges[[2]string{rf, rt}]
			if ve == nil {
				ve = &ViewEdge{From: rf, To: rt}
				b.edges[[2]string{rf, rt}] = ve
			}
			for _, r := range e.Relations {
				if b.skip[r.Kind] {
					continue
				}
				if b.hide != nil && b.hide(b.g.nodes[id], b.g.nodes[e.To], r.Kind) {
					b.hidden++
					continue
				}
				ve.Weight += len(r.Evidence)
				ve.addEvidence(r)
			}
		}
		for _, e := range b.g.in[id] {
			if _, ok := b.rep[e.From]; !ok && focus && !b.skipsAll(e) {
				v.Outside++
			}
		}
	}
	for _, vn := range b.nodes {
		v.Nodes = append(v.Nodes, vn)
	}
	sort.Slice(v.Nodes, func(i, j int) bool { return v.Nodes[i].ID < v.Nodes[j].ID })
	for _, e := range b.edges {
		if len(e.Relations) > 0 {
			v.Edges = append(v.Edges, e)
		}
	}
	v.Hidden = b.hidden
	if b.post != nil {
		b.post(v)
	}
	if v.Query.View != Full {
		capEdges(v, max(4*v.Query.Budget, minEdgeBudget))
	}
	sort.Slice(v.Edges, func(i, j int) bool {
		if v.Edges[i].From != v.Edges[j].From {
			return v.Edges[i].From < v.Edges[j].From
		}
		return v.Edges[i].To < v.Edges[j].To
	})
	v.Clusters = b.clusters
	if v.Query.Layout == "" {
		v.Query.Layout = autoLayout(v)
	}
	sort.SliceStable(v.Clusters, func(i, j int) bool { return v.Clusters[i].ID < v.Clusters[j].ID })
	return v
}

// minEdgeBudget is the fewest edges a view may draw; a view draws at most
// four per node of its budget. Between 150 nodes of a big notes folder the
// overview found 10,681 edges: a 7.6 MB SVG in a 15 MB page.
const minEdgeBudget = 400

// capEdges keeps the max edges that matter most, those of the focus and
// of the paths first, then the heaviest; the others are counted in Hidden
// (the text version of a map lists what is drawn).
func capEdges(v *View, max int) {
	if len(v.Edges) <= max {
		return
	}
	onPath := map[[2]string]bool{}
	for _, p := range v.Paths {
		for _, h := range p {
			onPath[[2]string{h.From, h.To}], onPath[[2]string{h.To, h.From}] = true, true
		}
	}
	q := v.Query
	first := func(e *ViewEdge) bool {
		return onPath[[2]string{e.From, e.To}] || (q.Focus != "" && (e.From == q.Focus || e.To == q.Focus))
	}
	sort.SliceStable(v.Edges, func(i, j int) bool {
		a, b := v.Edges[i], v.Edges[j]
		if fa, fb := first(a), first(b); fa != fb {
			return fa
		}
		if a.Weight != b.Weight {
			return a.Weight > b.Weight
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	for _, e := range v.Edges[max:] {
		v.Hidden += e.Weight
	}
	v.Edges = v.Edges[:max]
}

func (e *ViewEdge) addEvidence(r Relation) {
	i := sort.Search(len(e.Relations), func(i int) bool { return e.Relations[i].Kind >= r.Kind })
	if i == len(e.Relations) || e.Relations[i].Kind != r.Kind {
		e.Relations = append(e.Relations, Relation{})
		copy(e.Relations[i+1:], e.Relations[i:])
		e.Relations[i] = Relation{Kind: r.Kind}
	}
	have := &e.Relations[i]
	for _, ev := range r.Evidence {
		if len(have.Evidence) >= maxViewEdgeEvidence {
			break
		}
		have.Evidence = append(have.Evidence, ev)
	}
}

// Label is the text shown on an edge: its kinds, with the count when the
// edge aggregates more than one piece of evidence.
func (e *ViewEdge) Label() string {
	ks := make([]string, len(e.Relations))
	for i, r := range e.Relations {
		ks[i] = string(r.Kind)
	}
	s := strings.Join(ks, ", ")
	if e.Weight > 1 {
		s += fmt.Sprintf(" ×%d", e.Weight)
	}
	return s
}
