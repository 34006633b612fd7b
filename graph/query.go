package graph

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/codeatlas/codeatlas/extract"
)

// ViewKind names a view. Each view is a file of its own (view_*.go) with
// its builder, and a row of the views table in view.go.
type ViewKind string

// ViewKinds lists every view, in the order forms and help show them.
var ViewKinds = viewKinds()

// DefaultBudget is the node budget of a view unless the query sets one.
const DefaultBudget = 150

// MaxDepth is the deepest neighbourhood an ego view draws.
const MaxDepth = 3

// Layouts are the Graphviz layouts a query may ask for. graph owns the
// list: the DOT writer sets attributes per layout, and forms, flags and
// completion offer it; graph/render keeps its own allowlist as a guard in
// the worker process, and cmd checks at start that it accepts these.
var Layouts = []string{"dot", "sfdp", "neato"}

// Query asks for one view. The zero value is the overview. Its text form,
// for URLs, flags and cache keys, is ParseQuery and Values.
type Query struct {
	View   ViewKind
	Focus  string // node id for project, concept and ego views
	Depth  int    // ego depth, 1-MaxDepth; 0 means 1
	Kinds  []Kind // node kinds shown; empty means all
	From   string // path view
	To     string // path view
	Layout string // "" picks one from the view's size
	Budget int    // maximum nodes before collapsing into stubs; 0 means the view's default
}

// Normalize fills defaults and checks the fields that do not need a graph.
// Errors wrap ErrBadQuery.
func (q Query) Normalize() (Query, error) {
	if q.View == "" {
		q.View = impliedView(q)
	}
	spec, ok := viewOf(q.View)
	if !ok {
		return q, fmt.Errorf("%w: unknown view %q (want %s)", ErrBadQuery, q.View, orList(ViewKinds))
	}
	if q.Depth == 0 {
		q.Depth = 1
	}
	if q.Depth < 1 || q.Depth > MaxDepth {
		return q, fmt.Errorf("%w: depth %d is out of range 1-%d", ErrBadQuery, q.Depth, MaxDepth)
	}
	if q.Budget == 0 {
		q.Budget = spec.defaultBudget()
	}
	if q.Budget < 10 {
		return q, fmt.Errorf("%w: budget %d is below 10", ErrBadQuery, q.Budget)
	}
	if err := spec.check(q); err != nil {
		return q, err
	}
	if q.Layout != "" && !slices.Contains(Layouts, q.Layout) {
		return q, fmt.Errorf("%w: unknown layout %q (want %s)", ErrBadQuery, q.Layout, orList(Layouts))
	}
	kinds := append([]Kind(nil), q.Kinds...)
	sort.Slice(kinds, func(i, j int) bool { return kindRank(kinds[i]) < kindRank(kinds[j]) })
	q.Kinds = kinds[:0]
	for i, k := range kinds {
		if kindRank(k) == len(Kinds) {
			return q, fmt.Errorf("%w: unknown kind %q (want %s)", ErrBadQuery, k, orList(Kinds))
		}
		if i == 0 || kinds[i-1] != k {
			q.Kinds = append(q.Kinds, k)
		}
	}
	if len(q.Kinds) == len(Kinds) {
		q.Kinds = nil
	}
	return q, nil
}

// impliedView is the view of a query that names none: the path between
// From and To, the neighbourhood of Focus, or the overview.
func impliedView(q Query) ViewKind {
	switch {
	case q.From != "" || q.To != "":
		return PathView
	case q.Focus != "":
		return Ego
	}
	return Overview
}

// orList spells a list for an error message: "a, b or c".
func orList[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// autoLayout picks a layout from the view's size, unless its builder
// preferred one: dot draws clusters and reading order best, but its time
// grows fast with edges (a 120-node, 1,200-edge neighbourhood took over
// 15 s in go-graphviz), while sfdp stays around a second.
func autoLayout(v *View, preferred string) string {
	if preferred != "" {
		return preferred
	}
	if len(v.Nodes) <= 60 && len(v.Edges) <= 150 {
		return "dot"
	}
	return "sfdp"
}

func kindRank(k Kind) int {
	for i, x := range Kinds {
		if x == k {
			return i
		}
	}
	return len(Kinds)
}

// ParseKinds reads a comma-separated list of kinds.
func ParseKinds(s string) ([]Kind, error) {
	var out []Kind
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		k, err := ParseKind(f)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

// allows reports whether the query shows nodes of kind k.
func (q Query) allows(k Kind) bool {
	if len(q.Kinds) == 0 || k == Stub {
		return true
	}
	for _, x := range q.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Hop is one step of a path, with the evidence for it.
type Hop struct {
	From, To  string
	Forward   bool // the edge points From → To; false when walked backwards
	Relations []Relation
}

// ViewNode is a node as a view shows it.
type ViewNode struct {
	*Node
	Focus   bool
	Cluster string // cluster id, "" for none
	Count   int    // for stubs: how many nodes it stands for
	Target  Query  // for stubs: the narrower view that shows them
	// Shared is, on the overview, how many projects a concept is
	// established in; the map draws it larger the more there are.
	Shared int
	// Pos, when set, pins the node at this point (in points, y up): a
	// view that lays itself out has Graphviz only draw it.
	Pos *Point
	// Heading draws the node as a title over the nodes below it (a
	// family of concepts on the overview), without a shape.
	Heading bool
}

// Point is a position in points, y pointing up, as Graphviz has it.
type Point struct{ X, Y float64 }

// ViewEdge is an edge as a view shows it; overview edges aggregate many
// article edges, so Relations carry their evidence and Weight their count.
type ViewEdge struct {
	From, To  string
	Relations []Relation
	Weight    int
	// Established is true when any base relation behind the edge is (see
	// Relation.Established): a map draws the others as passing mentions.
	Established bool
	// Back draws the edge from To to From, its arrow still pointing at To,
	// so that a layered layout puts To on From's left: the overview puts
	// half of the concept families left of the projects this way.
	Back bool
	// Loose leaves the edge out of the layout's ranking (dot's
	// constraint=false): uses between projects on the overview, which
	// would otherwise break the column of projects.
	Loose bool
}

// Kinds returns the relation kinds on the edge.
func (e *ViewEdge) Kinds() []extract.Relation {
	out := make([]extract.Relation, len(e.Relations))
	for i, r := range e.Relations {
		out[i] = r.Kind
	}
	return out
}

// Cluster groups nodes in project and concept views.
type Cluster struct {
	ID     string
	Label  string
	Parent string // "" for top level
	NodeID string // the section or project node it stands for, if any
}

// View is a small subgraph answering one query. Everything in it is sorted.
type View struct {
	Query    Query
	Title    string
	Nodes    []*ViewNode
	Edges    []*ViewEdge
	Clusters []*Cluster
	Paths    [][]Hop // path view
	Outside  int     // edges of the focus (or path ends) to nodes the view does not show
	Hidden   int     // relations between shown nodes the view leaves out (see the view's doc)
	// Straight draws edges as lines.
	Straight bool
	// Class names the kind of drawing for the page's style ("ideas": the
	// overview, whose many edges are faint until a node is pointed at).
	Class string
}

// Node returns the view's node with id, or nil.
func (v *View) Node(id string) *ViewNode {
	i := sort.Search(len(v.Nodes), func(i int) bool { return v.Nodes[i].ID >= id })
	if i < len(v.Nodes) && v.Nodes[i].ID == id {
		return v.Nodes[i]
	}
	return nil
}
