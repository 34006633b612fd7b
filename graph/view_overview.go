package graph

import (
	"fmt"

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
