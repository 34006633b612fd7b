package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"regexp"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
)

// repoRE is a GitHub owner/name; anything else gets no link.
var repoRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// pageData is what every page template gets.
type pageData struct {
	Title   string
	Version string
	Problem string
	Diags   int
	Live    bool
	Static  bool
}

func (s *Server) page(st *site, title string) pageData {
	e, _ := st.corpus.Counts()
	return pageData{Title: title, Version: st.version, Problem: s.currentProblem(), Diags: e, Live: s.cfg.Live, Static: s.cfg.StaticSite}
}

type nodeLink struct {
	ID, Label, LabelZh, Kind, URL string
}

func link(n *graph.Node) nodeLink {
	return nodeLink{ID: n.ID, Label: n.Label, LabelZh: n.LabelZh, Kind: string(n.Kind), URL: NodeURL(n.ID)}
}

type evidenceRow struct {
	From nodeLink
	Kind string
	extract.Evidence
}

// upstreamLink is a cited path or symbol in the page's upstream list.
type upstreamLink struct {
	Path, URL string
	Lines     string // "L10-L42" for a located symbol
}

// driftBanner says that code the article describes changed upstream after
// the commit it pins: what was removed, by which commits, and what moved.
type driftBanner struct {
	Against, AgainstURL string
	Commits             int
	Removed             []*driftCommit // grouped by the commit that removed them, oldest first
	Moved               []extract.DriftFinding
}

type driftCommit struct {
	Commit, URL, Date string
	What              []string // deleted paths, and symbols gone from files that remain
	Symbols           int      // cited symbols that went with the deleted files
}

type articleData struct {
	pageData
	Node       *graph.Node
	Doc        *extract.Document
	Body       template.HTML
	Crumbs     []nodeLink
	Concepts   []nodeLink
	Upstream   []upstreamLink
	Symbols    []upstreamLink
	RepoURL    string
	Drift      *driftBanner
	Map        template.HTML
	MapURL     string
	Backlinks  []evidenceRow
	SameIdea   []sameIdea
	Prev, Next *nodeLink
	Headings   []extract.Heading
}

type sameIdea struct {
	Concept  nodeLink
	Articles []nodeLink
}

// lookup finds the node of a route, or answers 404 with suggestions.
func (s *Server) lookup(c *gin.Context, st *site, id string) (*graph.Node, bool) {
	n, err := st.graph.Node(id)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return n, true
}

func (s *Server) articlePage(c *gin.Context) {
	st := s.site.Load()
	id := "a/" + strings.Trim(c.Param("id"), "/")
	n, ok := s.lookup(c, st, id)
	if !ok {
		return
	}
	s.servePage(c, st, "article.html", func() (any, error) { return s.articleData(c.Request.Context(), st, n), nil })
}

func (s *Server) articleData(ctx context.Context, st *site, n *graph.Node) articleData {
	id := n.ID
	d := articleData{pageData: s.page(st, n.Label), Node: n, Doc: n.Doc, Headings: n.Doc.Headings}
	d.Body = s.articleHTML(ctx, n.Doc)
	d.Crumbs = crumbs(st.graph, id)
	d.Concepts = relatedNodes(st.graph, id, graph.Concept)
	d.RepoURL, d.Upstream, d.Symbols = upstreamLinks(n.Doc)
	d.Drift = newDriftBanner(n.Doc)
	d.Map, d.MapURL = s.localMap(ctx, st, id)
	for _, e := range st.graph.In(id) {
		for _, r := range e.Relations {
			if r.Kind != extract.Links {
				continue
			}
			from, _ := st.graph.Node(e.From)
			for _, ev := range r.Evidence {
				d.Backlinks = append(d.Backlinks, evidenceRow{From: link(from), Kind: string(r.Kind), Evidence: ev})
			}
		}
	}
	d.SameIdea = sameConcept(st.graph, n, d.Concepts)
	for _, e := range st.graph.Out(id) {
		if e.Has(extract.Next) {
			nx, _ := st.graph.Node(e.To)
			l := link(nx)
			d.Next = &l
		}
	}
	for _, e := range st.graph.In(id) {
		if e.Has(extract.Next) {
			pv, _ := st.graph.Node(e.From)
			l := link(pv)
			d.Prev = &l
		}
	}
	return d
}

// upstreamLinks lists the cited paths, at the pinned commit, and the cited
// symbols the notes' upstream.lock located, at their lines.
func upstreamLinks(doc *extract.Document) (repoURL string, paths, symbols []upstreamLink) {
	u := doc.Upstream
	if !repoRE.MatchString(u.Repo) {
		return "", nil, nil
	}
	repoURL = "https://github.com/" + u.Repo
	located := map[string]extract.UpstreamRef{}
	for _, r := range doc.UpstreamRefs() {
		if r.Symbol {
			symbols = append(symbols, upstreamLink{Path: r.Name, URL: r.URL, Lines: fmt.Sprintf("L%d-L%d", r.First, r.Last)})
		} else {
			located[r.Path] = r
		}
	}
	for _, p := range u.Paths {
		url := u.BlobURL(p, 0, 0)
		if r, ok := located[strings.TrimSpace(p)]; ok {
			url = r.URL
		}
		if url != "" {
			paths = append(paths, upstreamLink{Path: p, URL: url})
		}
	}
	return repoURL, paths, symbols
}

// newDriftBanner turns the notes' drift findings for doc into the banner,
// or nil when nothing it cites changed. Under each removing commit it names
// the deleted files and the symbols gone from files that remain; symbols of
// deleted files are only counted.
func newDriftBanner(doc *extract.Document) *driftBanner {
	dd := doc.Drift
	if dd == nil || len(dd.Findings) == 0 {
		return nil
	}
	u := doc.Upstream
	b := &driftBanner{Against: dd.Against, AgainstURL: u.CommitURL(dd.Against), Commits: dd.Commits}
	byCommit := map[string]*driftCommit{}
	deleted := map[string]bool{} // commit + path
	for _, f := range dd.Findings {
		if f.Kind == extract.PathDeleted {
			deleted[f.Commit+"\x00"+f.Path] = true
		}
	}
	inDeleted := map[*driftCommit]int{}
	for _, f := range dd.Findings {
		if !f.Kind.Removed() {
			b.Moved = append(b.Moved, f)
			continue
		}
		c := byCommit[f.Commit]
		if c == nil {
			c = &driftCommit{Commit: f.Commit, URL: u.CommitURL(f.Commit), Date: f.Date}
			byCommit[f.Commit] = c
			b.Removed = append(b.Removed, c)
		}
		switch {
		case f.Symbol == "":
			c.What = append(c.What, f.Path)
		case deleted[f.Commit+"\x00"+f.Path]:
			inDeleted[c]++
		default:
			c.What = append(c.What, f.Symbol)
		}
	}
	for c, n := range inDeleted {
		c.Symbols = n
	}
	sort.SliceStable(b.Removed, func(i, j int) bool { return b.Removed[i].Date < b.Removed[j].Date })
	return b
}

// articleHTML fills the article's diagram placeholders with SVG. A diagram
// that fails to render keeps its source, with the reason.
func (s *Server) articleHTML(ctx context.Context, d *extract.Document) template.HTML {
	html := d.HTML
	for _, dg := range d.Diagrams {
		rctx, cancel := context.WithTimeout(ctx, s.cfg.RenderTimeout)
		svg, err := s.cfg.Renderer.Render(rctx, []byte(dg.Source), "dot", "svg")
		cancel()
		html = strings.Replace(html, dg.Placeholder, dg.Figure(svg, err), 1)
	}
	// The HTML comes from goldmark with raw HTML escaped, the SVG from the
	// renderer with unsafe links removed, the code from chroma's escaper.
	return template.HTML(s.hl.highlight(html))
}

const localMapBudget = 10

// localMap is the ego view of depth 1 around id, inline in the sidebar: at
// most localMapBudget nodes (the strongest neighbours, the rest counted in
// "+N more" stubs), one short name each, laid out by dot from left to
// right: the article between a column of what leads to it and a column of
// what it leads to, at a size where every name reads in a 340-pixel column.
func (s *Server) localMap(ctx context.Context, st *site, id string) (template.HTML, string) {
	q := graph.Query{View: graph.Ego, Focus: id, Depth: 1, Budget: localMapBudget, Layout: "dot"}
	v, err := st.graph.View(q)
	if err != nil {
		return "", ""
	}
	svg, err := s.renderView(ctx, v, localMapID)
	if err != nil {
		return template.HTML(`<p class="dot-error">` + template.HTMLEscapeString(err.Error()) + `</p>`), MapURL(v.Query)
	}
	return template.HTML(svg), MapURL(graph.Query{View: graph.Ego, Focus: id, Depth: 2})
}

// crumbs walks contains edges up from id: project › section › article.
func crumbs(g *graph.Graph, id string) []nodeLink {
	var out []nodeLink
	seen := map[string]bool{id: true}
	cur := id
	for {
		parent := ""
		for _, e := range g.In(cur) {
			if e.Has(extract.Contains) && !seen[e.From] {
				parent = e.From
				break
			}
		}
		if parent == "" {
			break
		}
		seen[parent] = true
		n, _ := g.Node(parent)
		out = append([]nodeLink{link(n)}, out...)
		cur = parent
	}
	return out
}

// relatedNodes lists the nodes of kind k that id points at.
func relatedNodes(g *graph.Graph, id string, k graph.Kind) []nodeLink {
	var out []nodeLink
	for _, e := range g.Out(id) {
		if n, _ := g.Node(e.To); n != nil && n.Kind == k {
			out = append(out, link(n))
		}
	}
	return out
}

// sameConcept lists, per concept of the article, articles of other projects
// that touch it.
func sameConcept(g *graph.Graph, n *graph.Node, concepts []nodeLink) []sameIdea {
	var out []sameIdea
	for _, c := range concepts {
		si := sameIdea{Concept: c}
		for _, e := range g.In(c.ID) {
			other, _ := g.Node(e.From)
			if other.Kind == graph.Article && other.Project != n.Project && e.Has(extract.Mentions) {
				si.Articles = append(si.Articles, link(other))
			}
		}
		if len(si.Articles) > 8 {
			si.Articles = si.Articles[:8]
		}
		if len(si.Articles) > 0 {
			out = append(out, si)
		}
	}
	return out
}

type conceptData struct {
	pageData
	Node      *graph.Node
	Doc       *extract.Document
	Body      template.HTML
	Broader   []nodeLink
	Narrower  []nodeLink
	Map       template.HTML
	MapURL    string
	Rows      []conceptRow
	Documents int
}

type conceptRow struct {
	Project  nodeLink
	Articles []nodeLink
	Evidence extract.Evidence
}

func (s *Server) conceptPage(c *gin.Context) {
	st := s.site.Load()
	id := "c/" + c.Param("id")
	n, ok := s.lookup(c, st, id)
	if !ok {
		return
	}
	s.servePage(c, st, "concept.html", func() (any, error) { return s.conceptData(c.Request.Context(), st, n), nil })
}

func (s *Server) conceptData(ctx context.Context, st *site, n *graph.Node) conceptData {
	id := n.ID
	d := conceptData{pageData: s.page(st, n.Label), Node: n, Doc: n.Doc}
	if n.Doc != nil {
		d.Body = s.articleHTML(ctx, n.Doc)
	}
	for _, e := range st.graph.Out(id) {
		if e.Has(extract.Broader) {
			b, _ := st.graph.Node(e.To)
			d.Broader = append(d.Broader, link(b))
		}
	}
	byProject := map[string]*conceptRow{}
	for _, e := range st.graph.In(id) {
		from, _ := st.graph.Node(e.From)
		if e.Has(extract.Broader) && from.Kind == graph.Concept {
			d.Narrower = append(d.Narrower, link(from))
			continue
		}
		if from.Kind != graph.Article || !e.Has(extract.Mentions) {
			continue
		}
		key := from.Project
		row := byProject[key]
		if row == nil {
			// Articles outside any project (a note at the root) share a
			// row without a link.
			row = &conceptRow{Project: nodeLink{Label: "(no project)"}}
			if p, err := st.graph.Node("p/" + key); key != "" && err == nil {
				row.Project = link(p)
			}
			byProject[key] = row
		}
		row.Articles = append(row.Articles, link(from))
		if row.Evidence.Text == "" {
			row.Evidence = bestEvidence(e)
		}
	}
	for _, r := range byProject {
		d.Rows = append(d.Rows, *r)
	}
	sort.Slice(d.Rows, func(i, j int) bool {
		a, b := d.Rows[i].Project, d.Rows[j].Project
		if (a.URL == "") != (b.URL == "") {
			return b.URL == ""
		}
		return a.Label < b.Label
	})
	v, err := st.graph.View(graph.Query{View: graph.ConceptView, Focus: id})
	if err == nil {
		d.MapURL = MapURL(v.Query)
		if svg, err := s.renderView(ctx, v, "concept"); err == nil {
			d.Map = template.HTML(svg)
		}
	}
	return d
}

// bestEvidence prefers a sentence from the prose over a front-matter line.
func bestEvidence(e *graph.Edge) extract.Evidence {
	var first extract.Evidence
	for _, r := range e.Relations {
		for _, ev := range r.Evidence {
			if first.Text == "" {
				first = ev
			}
			if !strings.HasPrefix(ev.Text, "concepts:") {
				return ev
			}
		}
	}
	return first
}

type projectData struct {
	pageData
	Node    *graph.Node
	Doc     *extract.Document
	Body    template.HTML
	Uses    []nodeLink
	UsedBy  []nodeLink
	TOC     []*tocRow
	Map     template.HTML
	MapURL  string
	RepoURL string
}

type tocRow struct {
	Link     nodeLink
	Children []*tocRow
}

func (s *Server) projectPage(c *gin.Context) {
	st := s.site.Load()
	id := "p/" + c.Param("id")
	n, ok := s.lookup(c, st, id)
	if !ok {
		return
	}
	s.servePage(c, st, "project.html", func() (any, error) { return s.projectData(c.Request.Context(), st, n), nil })
}

func (s *Server) projectData(ctx context.Context, st *site, n *graph.Node) projectData {
	id := n.ID
	d := projectData{pageData: s.page(st, n.Label), Node: n, Doc: n.Doc}
	if n.Doc != nil {
		d.Body = s.articleHTML(ctx, n.Doc)
		if r := n.Doc.Upstream.Repo; repoRE.MatchString(r) {
			d.RepoURL = "https://github.com/" + r
		}
	}
	for _, e := range st.graph.Out(id) {
		if to, _ := st.graph.Node(e.To); to.Kind == graph.Project {
			d.Uses = append(d.Uses, link(to))
		}
	}
	for _, e := range st.graph.In(id) {
		if from, _ := st.graph.Node(e.From); from.Kind == graph.Project && (e.Has(extract.Uses) || e.Has(extract.Mentions)) {
			d.UsedBy = append(d.UsedBy, link(from))
		}
	}
	d.TOC = containsTree(st.graph, id, 0)
	v, err := st.graph.View(graph.Query{View: graph.ProjectView, Focus: id})
	if err == nil {
		d.MapURL = MapURL(v.Query)
		if svg, err := s.renderView(ctx, v, "project"); err == nil {
			d.Map = template.HTML(svg)
		}
	}
	return d
}

// containsTree is the table of contents below id, in reading order.
func containsTree(g *graph.Graph, id string, depth int) []*tocRow {
	return tocRanks{g: g, rank: map[string]int{}}.tree(id, depth)
}

// tocRanks places nodes along the next chain of the table of contents,
// walking each stretch of the chain once for a whole tree: walking back
// to its start from every node cost a project page of the last of 100
// projects of 100 articles a million steps.
type tocRanks struct {
	g    *graph.Graph
	rank map[string]int
}

func (t tocRanks) tree(id string, depth int) []*tocRow {
	if depth > 6 {
		return nil
	}
	var kids []*graph.Node
	for _, e := range t.g.Out(id) {
		if e.Has(extract.Contains) {
			n, _ := t.g.Node(e.To)
			kids = append(kids, n)
		}
	}
	sort.SliceStable(kids, func(i, j int) bool {
		ri, rj := t.of(kids[i].ID), t.of(kids[j].ID)
		if ri != rj {
			return ri < rj
		}
		return kids[i].ID < kids[j].ID
	})
	var out []*tocRow
	for _, n := range kids {
		out = append(out, &tocRow{Link: link(n), Children: t.tree(n.ID, depth+1)})
	}
	return out
}

// of is the number of steps from the start of the next chain to id.
func (t tocRanks) of(id string) int {
	var path []string
	onPath := map[string]bool{}
	base := -1 // the rank before the first node of path's end
	for cur := id; ; {
		if r, ok := t.rank[cur]; ok {
			base = r
			break
		}
		if onPath[cur] {
			break // a loop: count from here
		}
		path = append(path, cur)
		onPath[cur] = true
		prev := ""
		for _, e := range t.g.In(cur) {
			if e.Has(extract.Next) {
				prev = e.From
			}
		}
		if prev == "" {
			break
		}
		cur = prev
	}
	for i := len(path) - 1; i >= 0; i-- {
		base++
		t.rank[path[i]] = base
	}
	return t.rank[id]
}

type moduleData struct {
	pageData
	Node    *graph.Node
	Project *nodeLink
	Cited   []evidenceRow
}

func (s *Server) modulePage(c *gin.Context) {
	st := s.site.Load()
	id := "m/" + strings.Trim(c.Param("path"), "/")
	n, ok := s.lookup(c, st, id)
	if !ok {
		return
	}
	s.servePage(c, st, "module.html", func() (any, error) { return s.moduleData(st, n), nil })
}

func (s *Server) moduleData(st *site, n *graph.Node) moduleData {
	id := n.ID
	d := moduleData{pageData: s.page(st, n.Label), Node: n}
	if n.Project != "" {
		if p, err := st.graph.Node("p/" + n.Project); err == nil {
			l := link(p)
			d.Project = &l
		}
	}
	for _, e := range st.graph.In(id) {
		from, _ := st.graph.Node(e.From)
		for _, r := range e.Relations {
			for _, ev := range r.Evidence {
				d.Cited = append(d.Cited, evidenceRow{From: link(from), Kind: string(r.Kind), Evidence: ev})
			}
		}
	}
	return d
}

// twin is the text version of a map, for screen readers and for reading
// the evidence.
type twin struct {
	Nodes []nodeLink
	Edges []twinEdge
}

type twinEdge struct {
	From, To nodeLink
	Label    string
	Evidence []extract.Evidence
}

func makeTwin(st *site, v *graph.View) twin {
	var t twin
	label := map[string]nodeLink{}
	for _, n := range v.Nodes {
		l := nodeLink{ID: n.ID, Label: n.Label, LabelZh: n.LabelZh, Kind: string(n.Kind), URL: NodeURL(n.ID)}
		if n.Kind == graph.Stub {
			l.URL = MapURL(n.Target)
		}
		label[n.ID] = l
		t.Nodes = append(t.Nodes, l)
	}
	for _, e := range v.Edges {
		te := twinEdge{From: label[e.From], To: label[e.To], Label: e.Label()}
		for _, r := range e.Relations {
			te.Evidence = append(te.Evidence, r.Evidence...)
		}
		if len(te.Evidence) > 3 {
			te.Evidence = te.Evidence[:3]
		}
		t.Edges = append(t.Edges, te)
	}
	return t
}

type hopRow struct {
	From, To nodeLink
	Forward  bool
	Rels     []graph.Relation
}

func hopRows(st *site, hops []graph.Hop) []hopRow {
	var out []hopRow
	for _, h := range hops {
		from, _ := st.graph.Node(h.From)
		to, _ := st.graph.Node(h.To)
		out = append(out, hopRow{From: link(from), To: link(to), Forward: h.Forward, Rels: h.Relations})
	}
	return out
}

// viewData is the JSON the map script reads for hover highlighting and
// edge evidence; it is served in a non-executable script element.
func viewData(v *graph.View) string {
	type edge struct {
		ID       string   `json:"id"`
		From     string   `json:"from"`
		To       string   `json:"to"`
		Label    string   `json:"label"`
		Evidence []string `json:"evidence"`
	}
	type data struct {
		Nodes []string `json:"nodes"`
		Edges []edge   `json:"edges"`
	}
	d := data{Nodes: []string{}, Edges: []edge{}}
	for _, n := range v.Nodes {
		d.Nodes = append(d.Nodes, n.ID)
	}
	for _, e := range v.Edges {
		ed := edge{ID: "map-e-" + e.From + "->" + e.To, From: e.From, To: e.To, Label: e.Label(), Evidence: []string{}}
		for _, r := range e.Relations {
			for _, ev := range r.Evidence {
				if len(ed.Evidence) < 3 {
					ed.Evidence = append(ed.Evidence, fmt.Sprintf("%s:%d: %s", ev.Path, ev.Line, ev.Text))
				}
			}
		}
		d.Edges = append(d.Edges, ed)
	}
	b, _ := json.Marshal(d)
	return string(b)
}
