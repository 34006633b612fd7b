package graph

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/codeatlas/codeatlas/extract"
)

// Overview shows projects and concepts, with edges aggregated from their
// articles and labelled with counts: the default map.
const Overview ViewKind = "overview"

func (b *builder) overview() error {
	b.title = "Overview: projects and concepts"
	b.layout = "sfdp"
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
	} else if b.q.allows(Project) && b.q.allows(Concept) {
		return b.sharedIdeas()
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
	return nil
}

// overviewConceptsPerProject is how many concept edges a project keeps on
// the overview: its heaviest. Ten projects by eighty concepts drawn in full
// is a hairball nobody can read; the rest are counted in Hidden and shown
// on the project maps.
const overviewConceptsPerProject = 8

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

// sharedIdeas is the overview of notes about several projects: it answers
// which systems share which ideas. The projects stand in a column; the
// concepts that at least two of them are established in (an article about
// it, front matter, repeated prose, not a passing mention or a comparison)
// stand on either side, grouped by family (the broadest concept above
// them: distributed systems, networking, observability ...), drawn larger
// the more projects share them. Concepts of one project, and shared
// techniques of no family (bootstrap, CLI ...), are counted in stubs.
func (b *builder) sharedIdeas() error {
	b.title = "Which systems share which ideas"
	b.layout = "neato"
	b.established = true
	b.skip[extract.Contains], b.skip[extract.Next] = true, true
	b.hide = conceptPageNoise
	for _, n := range b.g.Nodes() {
		if n.Kind == Project {
			b.show(n.ID)
		}
	}
	for _, n := range b.g.Nodes() {
		if (n.Kind == Article || n.Kind == Module) && n.Project != "" {
			if _, ok := b.nodes["p/"+n.Project]; ok {
				b.rep[n.ID] = "p/" + n.Project
			}
		}
	}
	sharedBy := map[string]map[string]bool{}
	for id, r := range b.rep {
		for _, e := range b.g.out[id] {
			if b.g.nodes[e.To].Kind != Concept || !e.Established() {
				continue
			}
			if sharedBy[e.To] == nil {
				sharedBy[e.To] = map[string]bool{}
			}
			sharedBy[e.To][r] = true
		}
	}
	family := b.g.Families()
	members := map[string]int{} // shared concepts per family
	for c, ps := range sharedBy {
		if len(ps) >= 2 {
			members[family[c]]++
		}
	}
	var lonely, techniques []string
	for _, n := range b.g.Nodes() {
		if n.Kind != Concept {
			continue
		}
		switch f := family[n.ID]; {
		case len(sharedBy[n.ID]) < 2:
			lonely = append(lonely, n.ID)
		case f == n.ID && members[f] < 2:
			// A root that heads no other shared concept is a technique
			// every kind of system uses, not a family of ideas.
			techniques = append(techniques, n.ID)
		default:
			vn := b.show(n.ID)
			vn.Shared = len(sharedBy[n.ID])
			vn.Cluster = "cluster_family/" + f
		}
	}
	if len(lonely) > 0 {
		b.stubFor(lonely, "one", fmt.Sprintf("+%d of one project", len(lonely)),
			"Concepts only one project is established in; open the list of every concept")
	}
	if len(techniques) > 0 {
		b.stubFor(techniques, "techniques", fmt.Sprintf("+%d techniques", len(techniques)),
			"Techniques of no family of ideas that several projects use ("+b.labels(techniques, 4)+"); open the list of every concept")
	}
	b.post = b.placeIdeas
	return nil
}

// stubFor collapses concepts into one stub that opens every concept.
func (b *builder) stubFor(ids []string, name, label, summary string) {
	stub := "stub/concept/" + name
	for _, id := range ids {
		b.rep[id] = stub
	}
	b.nodes[stub] = &ViewNode{Node: &Node{ID: stub, Kind: Stub, Label: label, Summary: summary},
		Count: len(ids), Target: Query{View: Full, Kinds: []Kind{Concept}}}
}

// labels names the first n of ids, for a summary.
func (b *builder) labels(ids []string, n int) string {
	var out []string
	for _, id := range ids[:min(n, len(ids))] {
		out = append(out, b.g.nodes[id].Label)
	}
	if len(ids) > n {
		out = append(out, "…")
	}
	return strings.Join(out, ", ")
}

// placeIdeas lays the overview out as a table a reader scans: the
// projects in a row across the middle, each family of concepts a column
// (or several, when long) headed by the family's name, half of them above
// the row and half below, each concept a line. Graphviz only draws it
// (the nodes are pinned); edges are straight lines, faint on the page
// until a node is pointed at. Stubs end the row of projects.
func (b *builder) placeIdeas(v *View) {
	const (
		line    = 30.0 // between two concepts of a column
		rows    = 9    // concepts in a column before it wraps
		gap     = 56.0 // between the row of projects and the columns
		charW   = 6.4  // of an 11-point label, for column widths
		minColW = 120.0
	)
	byFamily := map[string][]*ViewNode{}
	var projects, stubs []*ViewNode
	for _, n := range v.Nodes {
		switch {
		case n.Kind == Project:
			projects = append(projects, n)
		case n.Kind == Stub:
			stubs = append(stubs, n)
		case n.Cluster != "":
			byFamily[n.Cluster] = append(byFamily[n.Cluster], n)
		}
	}
	var fams []string
	for f, ns := range byFamily {
		fams = append(fams, f)
		sort.Slice(ns, func(i, j int) bool {
			if ns[i].Shared != ns[j].Shared {
				return ns[i].Shared > ns[j].Shared
			}
			return ns[i].Label < ns[j].Label
		})
	}
	sort.Slice(fams, func(i, j int) bool {
		if len(byFamily[fams[i]]) != len(byFamily[fams[j]]) {
			return len(byFamily[fams[i]]) > len(byFamily[fams[j]])
		}
		return fams[i] < fams[j]
	})
	// Columns: a family's concepts, rows at a time; each side gets the
	// family whose columns it is shorter in.
	type column struct {
		heading *ViewNode
		nodes   []*ViewNode
		width   float64
	}
	var sides [2][]column
	var widths [2]float64
	for _, f := range fams {
		ns := byFamily[f]
		side := 0
		if widths[1] < widths[0] {
			side = 1
		}
		root := strings.TrimPrefix(f, "cluster_family/")
		var heading *ViewNode
		if vn, ok := b.nodes[root]; ok {
			heading = vn // the family's own concept is shared too
			ns = slices.DeleteFunc(ns, func(n *ViewNode) bool { return n == vn })
		} else {
			heading = &ViewNode{Node: b.g.nodes[root]}
			v.Nodes = append(v.Nodes, heading)
		}
		heading.Heading, heading.Cluster = true, ""
		for start := 0; start < len(ns) || start == 0; start += rows {
			col := column{nodes: ns[start:min(start+rows, len(ns))]}
			if start == 0 {
				col.heading = heading
			}
			w := minColW
			for _, n := range append(append([]*ViewNode(nil), col.nodes...), heading) {
				w = max(w, float64(utf8.RuneCountInString(n.Label))*charW+28)
			}
			col.width = w
			sides[side] = append(sides[side], col)
			widths[side] += w
		}
	}
	for _, n := range v.Nodes {
		n.Cluster = "" // a column says the family; dot's clusters do not apply
	}
	width := max(widths[0], widths[1], float64(len(projects)+len(stubs))*minColW)
	for s, cols := range sides {
		x := (width - widths[s]) / 2
		for _, c := range cols {
			cx := x + c.width/2
			top := gap + rows*line // above the projects: the heading far from them
			if s == 1 {
				top = -gap // below
			}
			if c.heading != nil {
				c.heading.Pos = &Point{cx, top}
			}
			for i, n := range c.nodes {
				n.Pos = &Point{cx, top - line*float64(i+1)}
			}
			x += c.width
		}
	}
	// The stubs end the row; what each project has of them is in the
	// text version, not in lines to them.
	kept := v.Edges[:0]
	for _, e := range v.Edges {
		if strings.HasPrefix(e.To, "stub/") {
			v.Hidden += e.Weight
			continue
		}
		kept = append(kept, e)
	}
	v.Edges = kept
	row := append(projects, stubs...)
	step := width / float64(len(row))
	for i, n := range row {
		n.Pos = &Point{step * (float64(i) + 0.5), 0}
	}
	sort.Slice(v.Nodes, func(i, j int) bool { return v.Nodes[i].ID < v.Nodes[j].ID })
	v.Straight, v.Class = true, "ideas"
}

// Families maps each concept to its family: the broadest concept above
// it, following the first broader concept (by id) up to one with none.
func (g *Graph) Families() map[string]string {
	parent := map[string]string{}
	for _, e := range g.edges {
		if e.Has(extract.Broader) && g.nodes[e.From].Kind == Concept && g.nodes[e.To].Kind == Concept {
			if p, ok := parent[e.From]; !ok || e.To < p {
				parent[e.From] = e.To
			}
		}
	}
	out := map[string]string{}
	for _, n := range g.nodes {
		if n.Kind != Concept {
			continue
		}
		id, seen := n.ID, map[string]bool{}
		for parent[id] != "" && !seen[parent[id]] {
			seen[id] = true
			id = parent[id]
		}
		out[n.ID] = id
	}
	return out
}
