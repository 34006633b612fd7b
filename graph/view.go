package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/codeatlas/codeatlas/extract"
)

// views is every view kind, in the order forms and help list them. A view
// is a file of its own (view_overview.go, ...) holding its ViewKind and
// its build function, plus a row here saying what its query needs.
var views = []viewSpec{
	{kind: Overview, build: (*builder).overview},
	{kind: ProjectView, build: (*builder).project, focus: Project},
	{kind: ConceptView, build: (*builder).concept, focus: Concept},
	{kind: Ego, build: (*builder).ego, focus: anyKind},
	{kind: PathView, build: (*builder).path, path: true},
	{kind: Full, build: (*builder).full, budget: 100000},
}

// anyKind in viewSpec.focus takes a focus node of any kind.
const anyKind Kind = "*"

// viewSpec is what the query language needs to know of a view kind.
type viewSpec struct {
	kind ViewKind
	// build adds the view's nodes, clusters and paths to the builder;
	// finish then aggregates the edges between them.
	build func(*builder) error
	// focus is the kind of node the view centres on: "" for none,
	// anyKind for any.
	focus Kind
	// path views need From and To.
	path bool
	// budget is the default node budget; 0 means DefaultBudget.
	budget int
}

func viewKinds() []ViewKind {
	out := make([]ViewKind, len(views))
	for i, v := range views {
		out[i] = v.kind
	}
	return out
}

func viewOf(k ViewKind) (viewSpec, bool) {
	for _, v := range views {
		if v.kind == k {
			return v, true
		}
	}
	return viewSpec{}, false
}

func (s viewSpec) defaultBudget() int {
	if s.budget > 0 {
		return s.budget
	}
	return DefaultBudget
}

// defaultBudget is the budget of view k when the query sets none.
func defaultBudget(k ViewKind) int {
	if k == "" {
		k = Overview
	}
	s, _ := viewOf(k)
	return s.defaultBudget()
}

// check reports what q lacks for the view. Errors wrap ErrBadQuery.
func (s viewSpec) check(q Query) error {
	switch {
	case s.focus != "" && q.Focus == "":
		return fmt.Errorf("%w: the %s view needs a focus node", ErrBadQuery, s.kind)
	case s.focus != "" && s.focus != anyKind && !strings.HasPrefix(q.Focus, idPrefix(s.focus)):
		return fmt.Errorf("%w: the %s view needs a %s (%s...), not %q", ErrBadQuery, s.kind, s.focus, idPrefix(s.focus), q.Focus)
	case s.path && (q.From == "" || q.To == ""):
		return fmt.Errorf("%w: the %s view needs from and to", ErrBadQuery, s.kind)
	}
	return nil
}

// idPrefix is how the ids of nodes of kind k begin.
func idPrefix(k Kind) string { return string(k[0]) + "/" }

// maxViewEdgeEvidence caps the evidence a view keeps per relation on an
// edge; the edge's Weight still counts all of it.
const maxViewEdgeEvidence = 5

// View answers a query. Unknown nodes wrap ErrUnknownNode, bad queries
// ErrBadQuery, unconnected path ends ErrNoPath.
func (g *Graph) View(q Query) (*View, error) {
	q, err := q.Normalize()
	if err != nil {
		return nil, err
	}
	spec, _ := viewOf(q.View) // Normalize checked it
	return g.build(q, spec)
}

// build runs the builder of spec for a normalized query.
func (g *Graph) build(q Query, spec viewSpec) (*View, error) {
	for _, id := range []string{q.Focus, q.From, q.To} {
		if id == "" {
			continue
		}
		if _, err := g.Node(id); err != nil {
			return nil, err
		}
	}
	b := &builder{g: g, q: q, rep: map[string]string{}, nodes: map[string]*ViewNode{}, edges: map[[2]string]*ViewEdge{}, skip: map[extract.Relation]bool{}}
	if err := spec.build(b); err != nil {
		return nil, err
	}
	return b.finish(), nil
}

// builder assembles a view: rep maps each base node the view shows to the
// view node standing for it (itself, its project, or a stub); edges are the
// base edges between represented nodes, aggregated.
type builder struct {
	g         *Graph
	q         Query
	title     string
	rep       map[string]string
	nodes     map[string]*ViewNode
	edges     map[[2]string]*ViewEdge
	clusters  []*Cluster
	skip      map[extract.Relation]bool // relations the view shows otherwise (clusters) or not at all
	hide      func(from, to *Node, k extract.Relation) bool
	hidden    int
	paths     [][]Hop
	post      func(v *View) // view-specific pruning after aggregation
	layout    string        // the layout the view prefers when the query sets none; "" picks by size
	everyEdge bool          // draw every edge, beyond the edge budget (for export)
	// established keeps only established relations between view nodes
	// (the overview: a passing mention is not "uses"); the rest are
	// counted in Hidden.
	established bool
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
				if b.hide != nil && b.hide(b.g.nodes[id], b.g.nodes[e.To], r.Kind) ||
					b.established && !r.Established() {
					b.hidden++
					continue
				}
				ve.Weight += len(r.Evidence)
				ve.Established = ve.Established || r.Established()
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
	if !b.everyEdge {
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
		v.Query.Layout = autoLayout(v, b.layout)
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
