package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/codeatlas/codeatlas/extract"
)

// ViewKind names a view.
type ViewKind string

// The views.
const (
	Overview    ViewKind = "overview"
	ProjectView ViewKind = "project"
	ConceptView ViewKind = "concept"
	Ego         ViewKind = "ego"
	PathView    ViewKind = "path"
	Full        ViewKind = "full"
)

// ViewKinds lists every view.
var ViewKinds = []ViewKind{Overview, ProjectView, ConceptView, Ego, PathView, Full}

// DefaultBudget is the node budget of a view unless the query sets one.
const DefaultBudget = 150

// Layouts are the Graphviz layouts a query may ask for.
var Layouts = []string{"dot", "sfdp", "neato"}

// Query asks for one view. The zero value is the overview.
type Query struct {
	View   ViewKind
	Focus  string // node id for project, concept and ego views
	Depth  int    // ego depth, 1-3; 0 means 1
	Kinds  []Kind // node kinds shown; empty means all
	From   string // path view
	To     string // path view
	Layout string // "" picks one from the view's size
	Budget int    // maximum nodes before collapsing into stubs; 0 means DefaultBudget
}

// Normalize fills defaults and checks the fields that do not need a graph.
// Errors wrap ErrBadQuery.
func (q Query) Normalize() (Query, error) {
	if q.View == "" {
		q.View = Overview
		if q.From != "" || q.To != "" {
			q.View = PathView
		} else if q.Focus != "" {
			q.View = Ego
		}
	}
	known := false
	for _, v := range ViewKinds {
		known = known || v == q.View
	}
	if !known {
		return q, fmt.Errorf("%w: unknown view %q (want overview, project, concept, ego, path or full)", ErrBadQuery, q.View)
	}
	if q.Depth == 0 {
		q.Depth = 1
	}
	if q.Depth < 1 || q.Depth > 3 {
		return q, fmt.Errorf("%w: depth %d is out of range 1-3", ErrBadQuery, q.Depth)
	}
	if q.Budget == 0 {
		q.Budget = DefaultBudget
		if q.View == Full {
			q.Budget = 100000
		}
	}
	if q.Budget < 10 {
		return q, fmt.Errorf("%w: budget %d is below 10", ErrBadQuery, q.Budget)
	}
	switch q.View {
	case ProjectView, ConceptView, Ego:
		if q.Focus == "" {
			return q, fmt.Errorf("%w: the %s view needs a focus node", ErrBadQuery, q.View)
		}
	case PathView:
		if q.From == "" || q.To == "" {
			return q, fmt.Errorf("%w: the path view needs from and to", ErrBadQuery)
		}
	}
	if q.View == ProjectView && !strings.HasPrefix(q.Focus, "p/") {
		return q, fmt.Errorf("%w: the project view needs a project (p/...), not %q", ErrBadQuery, q.Focus)
	}
	if q.View == ConceptView && !strings.HasPrefix(q.Focus, "c/") {
		return q, fmt.Errorf("%w: the concept view needs a concept (c/...), not %q", ErrBadQuery, q.Focus)
	}
	ok := q.Layout == ""
	for _, l := range Layouts {
		ok = ok || l == q.Layout
	}
	if !ok {
		return q, fmt.Errorf("%w: unknown layout %q (want dot, sfdp or neato)", ErrBadQuery, q.Layout)
	}
	kinds := append([]Kind(nil), q.Kinds...)
	sort.Slice(kinds, func(i, j int) bool { return kindRank(kinds[i]) < kindRank(kinds[j]) })
	q.Kinds = kinds[:0]
	for i, k := range kinds {
		if kindRank(k) == len(Kinds) {
			return q, fmt.Errorf("%w: unknown kind %q", ErrBadQuery, k)
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

// starNodes is the size beyond which a depth-1 neighbourhood is drawn round.
const starNodes = 24

// autoLayout picks a layout from the view's size: dot draws clusters and
// reading order best, but its time grows fast with edges (a 120-node,
// 1,200-edge neighbourhood took over 15 s in go-graphviz), while sfdp stays
// around a second.
func autoLayout(v *View) string {
	if v.Query.View == Overview || v.Query.View == Full {
		return "sfdp"
	}
	// A neighbourhood of depth 1 is a star: dot ranks it as one column of
	// fifty nodes, a strip too thin to read on a screen; sfdp spreads it
	// round the focus.
	if v.Query.View == Ego && v.Query.Depth == 1 && len(v.Nodes) > starNodes {
		return "sfdp"
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

// Key is a canonical string for the query, for caches and ETags.
func (q Query) Key() string {
	ks := make([]string, len(q.Kinds))
	for i, k := range q.Kinds {
		ks[i] = string(k)
	}
	return fmt.Sprintf("v=%s&f=%s&d=%d&k=%s&from=%s&to=%s&l=%s&b=%d", q.View, q.Focus, q.Depth, strings.Join(ks, ","), q.From, q.To, q.Layout, q.Budget)
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
}

// ViewEdge is an edge as a view shows it; overview edges aggregate many
// article edges, so Relations carry their evidence and Weight their count.
type ViewEdge struct {
	From, To  string
	Relations []Relation
	Weight    int
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
}

// Node returns the view's node with id, or nil.
func (v *View) Node(id string) *ViewNode {
	i := sort.Search(len(v.Nodes), func(i int) bool { return v.Nodes[i].ID >= id })
	if i < len(v.Nodes) && v.Nodes[i].ID == id {
		return v.Nodes[i]
	}
	return nil
}
