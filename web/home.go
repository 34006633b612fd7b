package web

import (
	"html/template"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
)

// The home page says what codeatlas is, offers a few questions to start
// from, shows the overview map and lists the systems the notes are about.
// /?view=... is a map page, as /map is.

type homeData struct {
	mapPageData
	Intro     string
	Questions []question
	Projects  []projectRow
}

type question struct{ Text, URL string }

type projectRow struct {
	Link     nodeLink
	Purpose  string
	Articles int
}

func (s *Server) homePage(c *gin.Context) {
	if c.Request.URL.RawQuery != "" {
		s.mapPage(c)
		return
	}
	st := s.site.Load()
	l := s.loc(c, st)
	v, err := st.graph.View(graph.Query{})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.servePage(c, st, "home.html", func() (any, error) {
		d := homeData{mapPageData: s.mapData(c, l, v)}
		if len(v.Nodes) > 0 {
			svg, err := s.renderView(c.Request.Context(), l, v, mapPageID)
			if err != nil {
				return nil, err
			}
			d.SVG = template.HTML(svg)
		}
		articles := map[string]int{}
		total := 0
		for _, n := range st.graph.Nodes() {
			if n.Kind == graph.Article {
				total++
				if n.Project != "" {
					articles[n.Project]++
				}
			}
		}
		for _, n := range st.graph.Nodes() {
			if n.Kind == graph.Project {
				d.Projects = append(d.Projects, projectRow{Link: l.link(n), Purpose: l.summary(n), Articles: articles[n.Project]})
			}
		}
		sort.SliceStable(d.Projects, func(i, j int) bool { return d.Projects[i].Articles > d.Projects[j].Articles })
		pinned := false // do the notes link their claims to source lines?
		for _, doc := range st.corpus.Docs {
			pinned = pinned || (!doc.Bundled && doc.Upstream.Commit != "")
		}
		switch {
		case len(d.Projects) > 0 && pinned:
			d.Intro = l.T("home.intro", "Projects", len(d.Projects), "Articles", total)
		case len(d.Projects) > 0:
			d.Intro = l.T("home.introNotes", "Projects", len(d.Projects), "Articles", total)
		default:
			d.Intro = l.T("home.introBook", "Articles", total)
		}
		d.Questions = l.questions(v)
		return d, nil
	})
}

// questions are a few ways into the notes, drawn from the overview: which
// systems use its most shared ideas, how its largest project works, and
// how a project reaches a shared idea it is not built on.
func (l *loc) questions(v *graph.View) []question {
	var shared []*graph.ViewNode
	var projects []*graph.ViewNode
	for _, n := range v.Nodes {
		switch {
		case n.Shared > 0:
			shared = append(shared, n)
		case n.Kind == graph.Project:
			projects = append(projects, n)
		}
	}
	// The ideas to ask about: the most shared one that not nearly every
	// system has (an idea of all is no question), and the most discussed
	// one that exactly two systems share.
	weight := map[string]int{}
	for _, e := range v.Edges {
		weight[e.To] += e.Weight
	}
	sort.SliceStable(shared, func(i, j int) bool {
		if shared[i].Shared != shared[j].Shared {
			return shared[i].Shared > shared[j].Shared
		}
		return weight[shared[i].ID] > weight[shared[j].ID]
	})
	var out []question
	ask := func(n *graph.ViewNode) {
		out = append(out, question{Text: l.T("home.q.who", "Name", l.label(n.Node)), URL: l.node(n.ID)})
	}
	for _, n := range shared {
		if 10*n.Shared <= 7*len(projects) {
			ask(n)
			break
		}
	}
	var pair *graph.ViewNode
	for _, n := range shared {
		if n.Shared == 2 && (pair == nil || weight[n.ID] > weight[pair.ID]) {
			pair = n
		}
	}
	if pair != nil {
		ask(pair)
	}
	// The largest project, by its articles.
	g := l.st.graph
	size := func(p string) int {
		k := 0
		for _, e := range g.Out(p) {
			if e.Has(extract.Contains) {
				k++
			}
		}
		return k
	}
	sort.SliceStable(projects, func(i, j int) bool { return size(projects[i].ID) > size(projects[j].ID) })
	if len(projects) > 0 {
		p := projects[0]
		out = append(out, question{Text: l.T("home.q.how", "Name", l.label(p.Node)), URL: l.node(p.ID)})
	}
	// A project and a shared idea with no direct edge between them.
	direct := map[[2]string]bool{}
	for _, e := range v.Edges {
		direct[[2]string{e.From, e.To}] = true
	}
	for i := len(projects) - 1; i >= 0 && len(shared) > 0; i-- {
		p := projects[i]
		for _, c := range shared {
			if !direct[[2]string{p.ID, c.ID}] {
				out = append(out, question{Text: l.T("home.q.path", "From", l.label(p.Node), "To", l.label(c.Node)),
					URL: l.mapURL(graph.Query{View: graph.PathView, From: p.ID, To: c.ID})})
				return out
			}
		}
	}
	return out
}

// conceptsData is the index of concepts, by family.
type conceptsData struct {
	pageData
	Families []familyRow
}

type familyRow struct {
	Link     nodeLink
	Concepts []conceptEntry
}

type conceptEntry struct {
	Link     nodeLink
	Projects int
}

func (s *Server) conceptsPage(c *gin.Context) {
	st := s.site.Load()
	l := s.loc(c, st)
	s.servePage(c, st, "concepts.html", func() (any, error) {
		d := conceptsData{pageData: s.page(c, l, l.T("concepts.title"))}
		g := st.graph
		family := g.Families()
		byFamily := map[string][]conceptEntry{}
		for _, n := range g.Nodes() {
			if n.Kind != graph.Concept {
				continue
			}
			projects := map[string]bool{}
			for _, e := range g.In(n.ID) {
				if from, _ := g.Node(e.From); from.Project != "" && from.Kind == graph.Article && e.Established() {
					projects[from.Project] = true
				}
			}
			byFamily[family[n.ID]] = append(byFamily[family[n.ID]], conceptEntry{Link: l.link(n), Projects: len(projects)})
		}
		var fams []string
		for f, cs := range byFamily {
			fams = append(fams, f)
			sort.SliceStable(cs, func(i, j int) bool {
				if cs[i].Projects != cs[j].Projects {
					return cs[i].Projects > cs[j].Projects
				}
				return cs[i].Link.Label < cs[j].Link.Label
			})
		}
		sort.Slice(fams, func(i, j int) bool {
			if len(byFamily[fams[i]]) != len(byFamily[fams[j]]) {
				return len(byFamily[fams[i]]) > len(byFamily[fams[j]])
			}
			return fams[i] < fams[j]
		})
		var lonely []conceptEntry
		for _, f := range fams {
			cs := byFamily[f]
			if len(cs) == 1 {
				lonely = append(lonely, cs...)
				continue
			}
			n, _ := g.Node(f)
			d.Families = append(d.Families, familyRow{Link: l.link(n), Concepts: cs})
		}
		if len(lonely) > 0 {
			sort.SliceStable(lonely, func(i, j int) bool { return lonely[i].Link.Label < lonely[j].Link.Label })
			d.Families = append(d.Families, familyRow{Link: nodeLink{Label: l.T("concepts.other")}, Concepts: lonely})
		}
		return d, nil
	})
}
