// Package graph turns an extract.Corpus into a typed knowledge graph and
// answers questions about it as small, sorted views: the overview, a
// project, a concept, the neighbourhood of a node, the path between two
// nodes, or everything. Views export to DOT, JSON, GraphML and Mermaid.
//
// The graph is stored in github.com/dominikbraun/graph, which allows one
// edge per ordered node pair; the typed relations and their evidence live
// in the edge's data. Traversals use adjacency lists sorted once at Build,
// because the library's own walk order follows Go map iteration.
package graph

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	dgraph "github.com/dominikbraun/graph"

	"github.com/codeatlas/codeatlas/extract"
)

// Kind is the kind of a node.
type Kind string

// Node kinds. A stub stands for nodes a view's budget collapsed.
const (
	Project Kind = "project"
	Article Kind = "article"
	Concept Kind = "concept"
	Module  Kind = "module"
	Stub    Kind = "stub"
)

// Kinds lists the kinds of graph nodes in display order.
var Kinds = []Kind{Project, Article, Concept, Module}

// ParseKind reads a kind name.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("%w: unknown kind %q (want %s)", ErrBadQuery, s, orList(Kinds))
}

// Errors callers test with errors.Is.
var (
	ErrUnknownNode = errors.New("unknown node")
	ErrBadQuery    = errors.New("bad query")
	ErrNoPath      = errors.New("no path")
)

// Node is one vertex: a project, article (or section), concept or module.
type Node struct {
	ID      string
	Kind    Kind
	Label   string
	LabelZh string
	Summary string
	Project string // owning project id for articles and modules, "" otherwise
	Section bool
	Doc     *extract.Document // nil for modules
}

// Relation is one typed relation on an edge with the evidence for it.
type Relation struct {
	Kind     extract.Relation
	Evidence []extract.Evidence
}

// Edge joins two nodes; it carries every relation between them in that
// direction, sorted by kind.
type Edge struct {
	From, To  string
	Relations []Relation
}

// Weight is the number of pieces of evidence behind the edge.
func (e *Edge) Weight() int {
	n := 0
	for _, r := range e.Relations {
		n += len(r.Evidence)
	}
	return n
}

// add appends evidence to the relation of kind k, keeping kinds sorted.
func (e *Edge) add(k extract.Relation, ev extract.Evidence) {
	i := sort.Search(len(e.Relations), func(i int) bool { return e.Relations[i].Kind >= k })
	if i == len(e.Relations) || e.Relations[i].Kind != k {
		e.Relations = append(e.Relations, Relation{})
		copy(e.Relations[i+1:], e.Relations[i:])
		e.Relations[i] = Relation{Kind: k}
	}
	e.Relations[i].Evidence = append(e.Relations[i].Evidence, ev)
}

// Has reports whether the edge carries relation k.
func (e *Edge) Has(k extract.Relation) bool {
	for _, r := range e.Relations {
		if r.Kind == k {
			return true
		}
	}
	return false
}

// Graph is the whole knowledge graph. It is immutable after Build and safe
// for concurrent readers.
type Graph struct {
	store  dgraph.Graph[string, *Node]
	nodes  map[string]*Node
	ids    []string // sorted
	edges  []*Edge  // sorted by From, To
	out    map[string][]*Edge
	in     map[string][]*Edge
	corpus *extract.Corpus
}

// Build creates the graph from a corpus: a node per document, a node per
// module named in the notes, and an edge per related pair.
func Build(c *extract.Corpus) (*Graph, error) {
	g := &Graph{
		store:  dgraph.New(func(n *Node) string { return n.ID }, dgraph.Directed()),
		nodes:  make(map[string]*Node, len(c.Docs)),
		out:    map[string][]*Edge{},
		in:     map[string][]*Edge{},
		corpus: c,
	}
	for _, d := range c.Docs {
		n := &Node{ID: d.ID, Label: d.Title, LabelZh: d.TitleZh, Summary: d.Summary, Doc: d}
		switch d.Kind {
		case extract.KindProject:
			n.Kind = Project
		case extract.KindConcept:
			n.Kind = Concept
		default:
			n.Kind, n.Project, n.Section = Article, d.Project, d.Kind == extract.KindSection
		}
		if err := g.add(n); err != nil {
			return nil, err
		}
	}
	type key struct{ from, to string }
	byPair := map[key]*Edge{}
	for _, f := range c.Facts {
		for _, id := range []string{f.Subject, f.Object} {
			if _, ok := g.nodes[id]; ok {
				continue
			}
			if !strings.HasPrefix(id, "m/") {
				return nil, fmt.Errorf("%s:%d: %w %s", f.Evidence.Path, f.Evidence.Line, ErrUnknownNode, id)
			}
			if err := g.add(&Node{ID: id, Kind: Module, Label: strings.TrimPrefix(id, "m/")}); err != nil {
				return nil, err
			}
		}
		if f.Subject == f.Object {
			continue
		}
		e := byPair[key{f.Subject, f.Object}]
		if e == nil {
			e = &Edge{From: f.Subject, To: f.Object}
			byPair[key{f.Subject, f.Object}] = e
			g.edges = append(g.edges, e)
		}
		e.add(f.Relation, f.Evidence)
	}
	sort.Slice(g.edges, func(i, j int) bool {
		a, b := g.edges[i], g.edges[j]
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	for _, e := range g.edges {
		for _, r := range e.Relations {
			sortEvidence(r.Evidence)
		}
		if err := g.store.AddEdge(e.From, e.To, dgraph.EdgeData(e), dgraph.EdgeWeight(e.Weight())); err != nil {
			return nil, fmt.Errorf("edge %s -> %s: %w", e.From, e.To, err)
		}
		g.out[e.From] = append(g.out[e.From], e)
		g.in[e.To] = append(g.in[e.To], e)
	}
	for id, n := range g.nodes {
		g.ids = append(g.ids, id)
		if n.Kind == Module {
			for _, e := range g.out[id] {
				if e.Has(extract.Related) && strings.HasPrefix(e.To, "p/") {
					n.Project = strings.TrimPrefix(e.To, "p/")
				}
			}
		}
	}
	sort.Strings(g.ids)
	return g, nil
}

func (g *Graph) add(n *Node) error {
	if err := g.store.AddVertex(n); err != nil {
		return fmt.Errorf("node %s: %w", n.ID, err)
	}
	g.nodes[n.ID] = n
	return nil
}

// Corpus returns the corpus the graph was built from.
func (g *Graph) Corpus() *extract.Corpus { return g.corpus }

// Node returns the node with id, or ErrUnknownNode.
func (g *Graph) Node(id string) (*Node, error) {
	if n, ok := g.nodes[id]; ok {
		return n, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrUnknownNode, id)
}

// Nodes returns every node sorted by id.
func (g *Graph) Nodes() []*Node {
	out := make([]*Node, len(g.ids))
	for i, id := range g.ids {
		out[i] = g.nodes[id]
	}
	return out
}

// Edges returns every edge sorted by (From, To).
func (g *Graph) Edges() []*Edge { return g.edges }

// Out returns the edges leaving id, sorted by To.
func (g *Graph) Out(id string) []*Edge { return g.out[id] }

// In returns the edges entering id, sorted by From.
func (g *Graph) In(id string) []*Edge { return g.in[id] }

// Order is the number of nodes; Size the number of edges, counted by the
// underlying store.
func (g *Graph) Order() int {
	n, _ := g.store.Order()
	return n
}

// Size is the number of edges in the store.
func (g *Graph) Size() int {
	n, _ := g.store.Size()
	return n
}

// CountNodes counts nodes by kind.
func (g *Graph) CountNodes() map[Kind]int {
	m := map[Kind]int{}
	for _, n := range g.nodes {
		m[n.Kind]++
	}
	return m
}

// CountRelations counts relations by kind (an edge with two kinds counts
// once for each).
func (g *Graph) CountRelations() map[extract.Relation]int {
	m := map[extract.Relation]int{}
	for _, e := range g.edges {
		for _, r := range e.Relations {
			m[r.Kind]++
		}
	}
	return m
}

// sortEvidence orders evidence by place, so the graph does not depend on
// the order facts arrived in.
func sortEvidence(evs []extract.Evidence) {
	sort.Slice(evs, func(i, j int) bool {
		a, b := evs[i], evs[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Text < b.Text
	})
}
