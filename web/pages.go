package web

import (
	"context"
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
)

// repoRE is a GitHub owner/name; anything else gets no link.
var repoRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// pageData is what every page template gets: the page's language and the
// catalog to word the interface in (T), and the same page in the notes'
// other languages.
type pageData struct {
	Title      string
	Version    string
	Problem    string
	Diags      int
	Live       bool
	Static     bool
	Lang       string
	Alternates []langLink
	// SearchQuery stays in the search box on the results page.
	SearchQuery string
	l           *loc
}

func (s *Server) page(c *gin.Context, l *loc, title string) pageData {
	e, _ := l.st.corpus.Counts()
	path := strings.TrimPrefix(c.Request.URL.Path, l.prefix)
	if path == "" {
		path = "/"
	}
	if q := c.Request.URL.RawQuery; q != "" {
		path += "?" + q
	}
	version := l.st.version
	if s.cfg.StaticSite {
		// The version is a hash of every note: in a static copy it would
		// make an edit of one note rewrite every page of the site.
		version = ""
	}
	return pageData{Title: title, Version: version, Problem: s.currentProblem(), Diags: e, Live: s.cfg.Live,
		Static: s.cfg.StaticSite, Lang: l.lang, Alternates: l.alternates(path), l: l}
}

// T words a message of the interface in the page's language.
func (p pageData) T(id string, kv ...any) string { return p.l.T(id, kv...) }

// Home is the overview in the page's language.
func (p pageData) Home() string { return p.l.home() }

// URL is the page of a node in the page's language.
func (p pageData) URL(id string) string { return p.l.node(id) }

// EgoURL is the map around a node.
func (p pageData) EgoURL(id string) string {
	return p.l.mapURL(graph.Query{View: graph.Ego, Focus: id, Depth: 2})
}

// PathURL is the path finder from one node (to another, when given).
func (p pageData) PathURL(from, to string) string {
	if to == "" {
		return p.l.prefix + "/map?view=path&from=" + url.QueryEscape(from)
	}
	return p.l.mapURL(graph.Query{View: graph.PathView, From: from, To: to})
}

// ConceptsURL is the index of concepts.
func (p pageData) ConceptsURL() string { return p.l.prefix + "/concepts" }

// SearchURL is the search page.
func (p pageData) SearchURL() string { return p.l.prefix + "/search" }

// MapURL is the map page, for forms.
func (p pageData) MapURL() string { return p.l.prefix + "/map" }

type nodeLink struct {
	ID, Label, LabelZh, Kind, URL string
	// Project names the article's project where a list mixes projects.
	Project string
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
	Heading    string // the title in the page's language
	OtherTitle string // the title in the other language
	Summary    string
	Notice     string // the page is not in the page's language, or its translation is stale
	Original   string // the page in its original language, with a notice
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
	// MoreBacklinks are the linking pages past the first backlinksShown,
	// folded.
	MoreBacklinks []evidenceRow
	SameIdea      []sameIdea
	Prev, Next    *nodeLink
	Headings      []extract.Heading
}

type sameIdea struct {
	Concept  nodeLink
	Articles []nodeLink
	More     int // articles left out, on the concept's page
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
	l := s.loc(c, st)
	s.servePage(c, st, "article.html", func() (any, error) { return s.articleData(c, l, n), nil })
}

// docText is a document's title, summary and body in the page's language,
// with a notice when the page shows it in another language or from a stale
// translation.
type docText struct {
	Heading, OtherTitle, Summary, Notice, Original string
	doc                                            *extract.Document
}

func (l *loc) docText(n *graph.Node) docText {
	t := docText{Heading: l.label(n), OtherTitle: l.other(n), Summary: l.summary(n), doc: n.Doc}
	if n.Doc == nil {
		return t
	}
	in := n.Doc.In(l.lang)
	t.doc = in
	switch {
	case in.Lang != l.lang && in.Lang != "":
		t.Notice = l.T("translation.missing")
	case in.Stale:
		t.Notice = l.T("translation.stale")
		t.Original = l.original(n.ID)
	}
	return t
}

// original is a node's page in the notes' main language.
func (l *loc) original(id string) string { return NodeURL(id) }

func (s *Server) articleData(c *gin.Context, l *loc, n *graph.Node) articleData {
	ctx := c.Request.Context()
	st, id := l.st, n.ID
	t := l.docText(n)
	d := articleData{pageData: s.page(c, l, t.Heading), Node: n, Doc: n.Doc, Heading: t.Heading, OtherTitle: t.OtherTitle,
		Summary: t.Summary, Notice: t.Notice, Original: t.Original, Headings: t.doc.Headings}
	d.Body = s.articleHTML(ctx, t.doc)
	d.Crumbs = l.crumbs(id)
	d.Concepts = l.relatedNodes(id, graph.Concept)
	d.RepoURL, d.Upstream, d.Symbols = upstreamLinks(n.Doc)
	d.Drift = newDriftBanner(n.Doc)
	d.Map, d.MapURL = s.localMap(ctx, l, id)
	d.MapURL = s.largerMap(d.MapURL)
	d.Backlinks = l.backlinks(id)
	if len(d.Backlinks) > backlinksShown {
		d.Backlinks, d.MoreBacklinks = d.Backlinks[:backlinksShown], d.Backlinks[backlinksShown:]
	}
	d.SameIdea = l.sameConcept(n, d.Concepts)
	for _, e := range st.graph.Out(id) {
		if e.Has(extract.Next) {
			nx, _ := st.graph.Node(e.To)
			lk := l.link(nx)
			d.Next = &lk
		}
	}
	for _, e := range st.graph.In(id) {
		if e.Has(extract.Next) {
			pv, _ := st.graph.Node(e.From)
			lk := l.link(pv)
			d.Prev = &lk
		}
	}
	return d
}

// namedAt is 1 + the place of concept id in d's front matter concepts, or
// 0 when d does not name it.
func namedAt(d *extract.Document, id string) int {
	if d == nil {
		return 0
	}
	for i, c := range d.Concepts {
		if "c/"+c == id {
			return i + 1
		}
	}
	return 0
}

// backlinks are the pages that link to id, each once with its first
// linking sentence. Concept pages are left out: their lists of articles
// ("Articles in the atlas: ...") are what the sidebar's "same concept in
// other projects" already shows, and the article's concepts head it.
func (l *loc) backlinks(id string) []evidenceRow {
	var out []evidenceRow
	for _, e := range l.st.graph.In(id) {
		from, _ := l.st.graph.Node(e.From)
		if from == nil || from.Kind == graph.Concept {
			continue
		}
		for _, r := range e.Relations {
			if r.Kind == extract.Links && len(r.Evidence) > 0 {
				out = append(out, evidenceRow{From: l.link(from), Kind: string(r.Kind), Evidence: r.Evidence[0]})
				break
			}
		}
	}
	return out
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
		svg, err := s.drawDiagram(ctx, dg.Source)
		html = strings.Replace(html, dg.Placeholder, dg.Figure(svg, err), 1)
	}
	// The HTML comes from goldmark with raw HTML escaped, the SVG from the
	// renderer with unsafe links removed, the code from chroma's escaper.
	return template.HTML(s.hl.highlight(html))
}

const localMapBudget = 10

// largerMap is the link from a node page to its map page, u, or none in a
// static copy: there the sidebar's map leads on through its "+N more"
// stubs, and a concept's or project's page already holds its map, pan,
// zoom and hover included. The map around an article two steps out runs to
// hundreds of nodes and half a megabyte a page; a page for every node in
// every language was three quarters of a copy's bytes.
func (s *Server) largerMap(u string) string {
	if s.cfg.StaticSite {
		return ""
	}
	return u
}

// localMap is the ego view of depth 1 around id, inline in the sidebar: at
// most localMapBudget nodes (the strongest neighbours, the rest counted in
// "+N more" stubs), one short name each, laid out by dot from left to
// right: the article between a column of what leads to it and a column of
// what it leads to, at a size where every name reads in a 340-pixel column.
func (s *Server) localMap(ctx context.Context, l *loc, id string) (template.HTML, string) {
	v, err := l.st.graph.View(localMapQuery(id))
	if err != nil {
		return "", ""
	}
	svg, err := s.renderView(ctx, l, v, localMapID)
	if err != nil {
		return template.HTML(`<p class="dot-error">` + template.HTMLEscapeString(err.Error()) + `</p>`), l.mapURL(v.Query)
	}
	return template.HTML(svg), l.mapURL(graph.Query{View: graph.Ego, Focus: id, Depth: 2})
}

// localMapQuery is the view of a node's sidebar map.
func localMapQuery(id string) graph.Query {
	return graph.Query{View: graph.Ego, Focus: id, Depth: 1, Budget: localMapBudget, Layout: "dot"}
}

// crumbs walks contains edges up from id: project › section › article.
func (l *loc) crumbs(id string) []nodeLink {
	g := l.st.graph
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
		out = append([]nodeLink{l.link(n)}, out...)
		cur = parent
	}
	return out
}

// relatedNodes lists the nodes of kind k that id points at.
func (l *loc) relatedNodes(id string, k graph.Kind) []nodeLink {
	var out []nodeLink
	for _, e := range l.st.graph.Out(id) {
		if n, _ := l.st.graph.Node(e.To); n != nil && n.Kind == k {
			out = append(out, l.link(n))
		}
	}
	return out
}

// sameIdeaArticles and sameIdeaConcepts cap the sidebar's "same concept
// in other projects": uncapped, it made a page twice as long as its
// article. The rest of a concept's articles are on its page ("and N more").
const (
	sameIdeaArticles = 4
	sameIdeaConcepts = 5
	// backlinksShown linking pages show; the others fold under "N more".
	backlinksShown = 6
)

// sameConcept lists, per concept of the article, articles of other projects
// that touch it, the most relevant first: those that name the concept in
// their front matter (the earlier, the more it is their subject), then
// those whose relation to it is otherwise established (a heading, code,
// repeated mentions) before passing mentions, then by how much evidence
// there is. The article's concepts come in the same order.
func (l *loc) sameConcept(n *graph.Node, concepts []nodeLink) []sameIdea {
	g := l.st.graph
	type ranked struct {
		link        nodeLink
		named       int // 1 + the concept's place in the article's front matter; 0 when not named there
		established bool
		weight      int
	}
	byRelevance := func(rs []ranked) {
		sort.SliceStable(rs, func(i, j int) bool {
			a, b := rs[i], rs[j]
			if (a.named != 0) != (b.named != 0) {
				return a.named != 0
			}
			if a.named != b.named {
				return a.named < b.named
			}
			if a.established != b.established {
				return a.established
			}
			if a.weight != b.weight {
				return a.weight > b.weight
			}
			return a.link.Label < b.link.Label
		})
	}
	own := map[string]ranked{}
	for _, e := range g.Out(n.ID) {
		own[e.To] = ranked{established: e.Established(), weight: e.Weight()}
	}
	var cs []ranked
	for _, c := range concepts {
		r := own[c.ID]
		r.link, r.named = c, namedAt(n.Doc, c.ID)
		cs = append(cs, r)
	}
	byRelevance(cs)
	var out []sameIdea
	for _, c := range cs {
		var rs []ranked
		for _, e := range g.In(c.link.ID) {
			other, _ := g.Node(e.From)
			if other == nil || other.Kind != graph.Article || other.Project == n.Project || !(e.Has(extract.Mentions) || e.Has(extract.Links)) {
				continue
			}
			lk := l.link(other)
			if p, _ := g.Node("p/" + other.Project); p != nil {
				lk.Project = l.label(p)
			}
			rs = append(rs, ranked{link: lk, named: namedAt(other.Doc, c.link.ID), established: e.Established(), weight: e.Weight()})
		}
		if len(rs) == 0 {
			continue
		}
		byRelevance(rs)
		si := sameIdea{Concept: c.link}
		for i, r := range rs {
			if i == sameIdeaArticles {
				si.More = len(rs) - i
				break
			}
			si.Articles = append(si.Articles, r.link)
		}
		out = append(out, si)
		if len(out) == sameIdeaConcepts {
			break
		}
	}
	return out
}

type conceptData struct {
	pageData
	Node       *graph.Node
	Doc        *extract.Document
	Heading    string
	OtherTitle string
	Summary    string
	Notice     string
	Original   string
	Body       template.HTML
	Broader    []nodeLink
	Narrower   []nodeLink
	Map        template.HTML
	MapURL     string
	Rows       []conceptRow
	Passing    []conceptRow
	Documents  int
}

// conceptRow is a project's articles about a concept; Strength words a
// row of passing mentions or comparisons.
type conceptRow struct {
	Project  nodeLink
	Articles []nodeLink
	Evidence extract.Evidence
	Strength string
}

func (s *Server) conceptPage(c *gin.Context) {
	st := s.site.Load()
	id := "c/" + c.Param("id")
	n, ok := s.lookup(c, st, id)
	if !ok {
		return
	}
	l := s.loc(c, st)
	s.servePage(c, st, "concept.html", func() (any, error) { return s.conceptData(c, l, n), nil })
}

func (s *Server) conceptData(c *gin.Context, l *loc, n *graph.Node) conceptData {
	ctx := c.Request.Context()
	st, id := l.st, n.ID
	t := l.docText(n)
	d := conceptData{pageData: s.page(c, l, t.Heading), Node: n, Doc: n.Doc, Heading: t.Heading, OtherTitle: t.OtherTitle,
		Summary: t.Summary, Notice: t.Notice, Original: t.Original}
	if t.doc != nil {
		d.Body = s.articleHTML(ctx, t.doc)
	}
	for _, e := range st.graph.Out(id) {
		if e.Has(extract.Broader) {
			b, _ := st.graph.Node(e.To)
			d.Broader = append(d.Broader, l.link(b))
		}
	}
	// Projects built on the concept get a row; those whose notes only
	// mention it in passing or compare with it are listed apart.
	byProject := map[string]*conceptRow{}
	passing := map[string]*conceptRow{}
	for _, e := range st.graph.In(id) {
		from, _ := st.graph.Node(e.From)
		if e.Has(extract.Broader) && from.Kind == graph.Concept {
			d.Narrower = append(d.Narrower, l.link(from))
			continue
		}
		if from.Kind != graph.Article || !(e.Has(extract.Mentions) || e.Has(extract.Compares)) {
			continue
		}
		rows := byProject
		if !e.Established() {
			rows = passing
		}
		key := from.Project
		row := rows[key]
		if row == nil {
			// Articles outside any project (a note at the root) share a
			// row without a link.
			row = &conceptRow{Project: nodeLink{Label: "(" + l.T("kind.project") + " —)"}}
			if p, err := st.graph.Node("p/" + key); key != "" && err == nil {
				row.Project = l.link(p)
			}
			rows[key] = row
		}
		row.Articles = append(row.Articles, l.link(from))
		if row.Evidence.Text == "" {
			row.Evidence = bestEvidence(e)
			row.Strength = l.T("concept.strength.passing")
			if e.Has(extract.Compares) && !e.Has(extract.Mentions) {
				row.Strength = l.T("concept.strength.compares")
			}
		}
	}
	order := func(m map[string]*conceptRow, skipBuilt bool) []conceptRow {
		var out []conceptRow
		for key, r := range m {
			if skipBuilt && byProject[key] != nil {
				continue // the project is built on it elsewhere
			}
			out = append(out, *r)
		}
		sort.Slice(out, func(i, j int) bool {
			a, b := out[i].Project, out[j].Project
			if (a.URL == "") != (b.URL == "") {
				return b.URL == ""
			}
			return a.Label < b.Label
		})
		return out
	}
	d.Rows, d.Passing = order(byProject, false), order(passing, true)
	v, err := st.graph.View(graph.Query{View: graph.ConceptView, Focus: id})
	if err == nil {
		d.MapURL = s.largerMap(l.mapURL(v.Query))
		if svg, err := s.renderView(ctx, l, v, "concept"); err == nil {
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
	Node         *graph.Node
	Doc          *extract.Document
	Heading      string
	OtherTitle   string
	Summary      string
	Notice       string
	Original     string
	Body         template.HTML
	Uses         []nodeLink
	UsedBy       []nodeLink
	ComparedWith []nodeLink
	MentionedBy  []nodeLink
	TOC          []*tocRow
	Map          template.HTML
	MapURL       string
	RepoURL      string
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
	l := s.loc(c, st)
	s.servePage(c, st, "project.html", func() (any, error) { return s.projectData(c, l, n), nil })
}

func (s *Server) projectData(c *gin.Context, l *loc, n *graph.Node) projectData {
	ctx := c.Request.Context()
	st, id := l.st, n.ID
	t := l.docText(n)
	d := projectData{pageData: s.page(c, l, t.Heading), Node: n, Doc: n.Doc, Heading: t.Heading, OtherTitle: t.OtherTitle,
		Summary: t.Summary, Notice: t.Notice, Original: t.Original}
	if t.doc != nil {
		d.Body = s.articleHTML(ctx, t.doc)
		if r := n.Doc.Upstream.Repo; repoRE.MatchString(r) {
			d.RepoURL = "https://github.com/" + r
		}
	}
	// Uses and Used by are relations the notes establish; a comparison
	// ("unlike Traefik") or an aside is listed as what it is.
	for _, e := range st.graph.Out(id) {
		if to, _ := st.graph.Node(e.To); to.Kind == graph.Project && e.Established() {
			d.Uses = append(d.Uses, l.link(to))
		}
	}
	for _, e := range st.graph.In(id) {
		from, _ := st.graph.Node(e.From)
		if from.Kind != graph.Project {
			continue
		}
		switch {
		case e.Established() && (e.Has(extract.Uses) || e.Has(extract.Mentions)):
			d.UsedBy = append(d.UsedBy, l.link(from))
		case e.Has(extract.Compares):
			d.ComparedWith = append(d.ComparedWith, l.link(from))
		case e.Has(extract.Mentions):
			d.MentionedBy = append(d.MentionedBy, l.link(from))
		}
	}
	d.TOC = l.containsTree(id)
	v, err := st.graph.View(graph.Query{View: graph.ProjectView, Focus: id})
	if err == nil {
		d.MapURL = s.largerMap(l.mapURL(v.Query))
		if svg, err := s.renderView(ctx, l, v, "project"); err == nil {
			d.Map = template.HTML(svg)
		}
	}
	return d
}

// containsTree is the table of contents below id, in reading order.
func (l *loc) containsTree(id string) []*tocRow {
	return tocRanks{g: l.st.graph, l: l, rank: map[string]int{}}.tree(id, 0)
}

// tocRanks places nodes along the next chain of the table of contents,
// walking each stretch of the chain once for a whole tree: walking back
// to its start from every node cost a project page of the last of 100
// projects of 100 articles a million steps.
type tocRanks struct {
	g    *graph.Graph
	l    *loc
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
		out = append(out, &tocRow{Link: t.l.link(n), Children: t.tree(n.ID, depth+1)})
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
	Map     template.HTML
	MapURL  string
}

func (s *Server) modulePage(c *gin.Context) {
	st := s.site.Load()
	id := "m/" + strings.Trim(c.Param("path"), "/")
	n, ok := s.lookup(c, st, id)
	if !ok {
		return
	}
	l := s.loc(c, st)
	s.servePage(c, st, "module.html", func() (any, error) { return s.moduleData(c, l, n), nil })
}

func (s *Server) moduleData(c *gin.Context, l *loc, n *graph.Node) moduleData {
	st, id := l.st, n.ID
	d := moduleData{pageData: s.page(c, l, n.Label), Node: n}
	d.Map, d.MapURL = s.localMap(c.Request.Context(), l, id)
	d.MapURL = s.largerMap(d.MapURL)
	if n.Project != "" {
		if p, err := st.graph.Node("p/" + n.Project); err == nil {
			lk := l.link(p)
			d.Project = &lk
		}
	}
	for _, e := range st.graph.In(id) {
		from, _ := st.graph.Node(e.From)
		for _, r := range e.Relations {
			for _, ev := range r.Evidence {
				d.Cited = append(d.Cited, evidenceRow{From: l.link(from), Kind: string(r.Kind), Evidence: ev})
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

func (l *loc) makeTwin(v *graph.View) twin {
	var t twin
	label := map[string]nodeLink{}
	for _, n := range v.Nodes {
		lk := nodeLink{ID: n.ID, Label: l.nodeText(n), Kind: l.kind(n.Kind), URL: l.node(n.ID)}
		if n.Kind == graph.Stub {
			lk.URL = l.stubURL(n.Target)
		}
		label[n.ID] = lk
		t.Nodes = append(t.Nodes, lk)
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
	From, To    nodeLink
	Forward     bool
	Established bool
	Rels        []graph.Relation
}

func (l *loc) hopRows(hops []graph.Hop) []hopRow {
	var out []hopRow
	for _, h := range hops {
		from, _ := l.st.graph.Node(h.From)
		to, _ := l.st.graph.Node(h.To)
		r := hopRow{From: l.link(from), To: l.link(to), Forward: h.Forward, Rels: h.Relations}
		for _, rel := range h.Relations {
			r.Established = r.Established || rel.Established()
		}
		out = append(out, r)
	}
	return out
}
