package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/codeatlas/codeatlas/graph"
)

// parseQuery reads the view query of a request. Errors wrap
// graph.ErrBadQuery and become 400s.
func parseQuery(c *gin.Context) (graph.Query, error) {
	return graph.ParseQuery(c.Request.URL.Query())
}

// localMapID is the graph id of an article's sidebar map, a thumbnail
// drawn without title and legend.
const localMapID = "local"

// dotOptions links nodes to their pages (in the page's language) and stubs
// to their narrower maps, and words the labels. A download carries its
// legend; a page shows it beside the map. base ("https://host", or "")
// prefixes the links: a file saved from the site opens the site's pages
// wherever it is kept.
func dotOptions(l *loc, gid string, download bool, base string) graph.DOTOptions {
	node, stub := l.node, l.stubURL
	if base != "" {
		node = func(id string) string { return base + l.node(id) }
		stub = func(q graph.Query) string { return base + l.mapURL(q) }
	}
	return graph.DOTOptions{NodeURL: node, StubURL: stub, GraphID: gid, Compact: gid == localMapID,
		Legend: download, Label: l.nodeText, TerseEdges: !download}
}

// mapPageID is the graph id of the map of a map page (and of the
// overview).
//
// A map in a page says only the relation of an edge in its tooltip, not
// the evidence: a map page lists every edge's evidence in its text version
// beside the map (where hover reads it), a concept's page cites the
// sentences that mention it, and an article's sidebar map is the article's
// own links and mentions. Downloads stand alone and keep it.
const mapPageID = "map"

func viewDOT(l *loc, v *graph.View, gid string, download bool, base string) []byte {
	var buf bytes.Buffer
	_ = v.WriteDOT(&buf, dotOptions(l, gid, download, base))
	return buf.Bytes()
}

// mapSVG renders the map of q in the notes' main language, through the
// renderer's cache (the server warms it so).
func (s *Server) mapSVG(ctx context.Context, st *site, q graph.Query) ([]byte, error) {
	v, err := st.graph.View(q)
	if err != nil {
		return nil, err
	}
	return s.renderView(ctx, s.locFor(st, st.langs[0], ""), v, mapPageID)
}

func (s *Server) renderView(ctx context.Context, l *loc, v *graph.View, gid string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RenderTimeout)
	defer cancel()
	return s.cfg.Renderer.Render(ctx, viewDOT(l, v, gid, false, ""), v.Query.Layout, "svg")
}

// etag is a weak validator of (server process, graph version, static
// files, what). The process is part of it because pages also depend on the
// program: after an upgrade and restart, a browser's copy of a page of
// unchanged notes must not be answered with 304; the static files because
// pages link them by version, and serve --static changes them live.
func (s *Server) etag(st *site, what string) string {
	h := sha256.Sum256([]byte(s.instance + "\x00" + st.version + "\x00" + s.static.current().version + "\x00" + what))
	return `W/"` + hex.EncodeToString(h[:8]) + `"`
}

// notModified sets the validators and reports whether the client's copy is
// current, in which case it has answered 304.
func notModified(c *gin.Context, tag string) bool {
	c.Header("ETag", tag)
	c.Header("Cache-Control", "no-cache")
	if matchesETag(c.GetHeader("If-None-Match"), tag) {
		c.Status(http.StatusNotModified)
		return true
	}
	return false
}

type mapPageData struct {
	pageData
	Heading       string
	View          *graph.View
	SVG           template.HTML
	Query         graph.Query
	Exports       []exportLink
	ViewChoices   []choice
	Depths        []int
	Kinds         []kindChoice
	LayoutChoices []choice
	Legend        []kindChoice
	Caption       string
	Empty         string // why there is no map (a path finder without its ends, kinds that leave nothing)
	OpenPanel     bool
	Hops          [][]hopRow
	// Twin is the map as text; map pages read their edges (ends,
	// relation, evidence) from it for hover and edge info.
	Twin twin
}

type exportLink struct{ Label, URL, File string }

// choice is an option of a select of the view panel, worded.
type choice struct {
	Value, Label string
	Selected     bool
}

type kindChoice struct {
	Kind    graph.Kind
	Label   string
	Checked bool
}

func (s *Server) mapPage(c *gin.Context) {
	st := s.site.Load()
	l := s.loc(c, st)
	vals := c.Request.URL.Query()
	// The path finder without its two ends is a form to fill, not an
	// error: from a node page it comes with From already filled.
	if graph.ViewKind(vals.Get("view")) == graph.PathView && (vals.Get("from") == "" || vals.Get("to") == "") {
		q := graph.Query{View: graph.PathView, From: vals.Get("from"), To: vals.Get("to")}
		s.servePage(c, st, "map.html", func() (any, error) {
			d := s.mapData(c, l, &graph.View{Query: q})
			d.Heading, d.Title = l.T("view.path.choose"), l.T("view.path.choose")
			d.Empty, d.OpenPanel = l.T("map.pathStart"), true
			d.Exports = nil
			return d, nil
		})
		return
	}
	q, err := parseQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	v, err := st.graph.View(q)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.servePage(c, st, "map.html", func() (any, error) {
		d := s.mapData(c, l, v)
		if len(v.Nodes) == 0 {
			d.Empty, d.OpenPanel = l.T("map.empty"), true
			return d, nil
		}
		svg, err := s.renderView(c.Request.Context(), l, v, mapPageID)
		if err != nil {
			return nil, err
		}
		d.SVG = template.HTML(svg)
		return d, nil
	})
}

// mapData is a map page without its drawing.
func (s *Server) mapData(c *gin.Context, l *loc, v *graph.View) mapPageData {
	heading := l.T("view.path.choose")
	if len(v.Nodes) > 0 || v.Query.View != graph.PathView {
		heading = l.viewTitle(v)
	}
	d := mapPageData{pageData: s.page(c, l, heading), Heading: heading, View: v, Query: v.Query, Depths: depths(),
		Twin: l.makeTwin(v)}
	d.Exports = s.exportLinks(l, v.Query)
	for _, k := range graph.ViewKinds {
		d.ViewChoices = append(d.ViewChoices, choice{Value: string(k), Label: l.T("view.kind." + string(k)), Selected: k == v.Query.View})
	}
	d.LayoutChoices = append(d.LayoutChoices, choice{Value: "", Label: l.T("layout.auto")})
	for _, lay := range graph.Layouts {
		d.LayoutChoices = append(d.LayoutChoices, choice{Value: lay, Label: l.T("layout." + lay), Selected: lay == v.Query.Layout})
	}
	// The overview shows projects and concepts only; it offers no others.
	kinds := graph.Kinds
	if v.Query.View == graph.Overview {
		kinds = []graph.Kind{graph.Project, graph.Concept}
	}
	for _, k := range kinds {
		d.Kinds = append(d.Kinds, kindChoice{Kind: k, Label: l.T("kinds."+string(k), "Count", 2), Checked: len(v.Query.Kinds) == 0 || hasKind(v.Query.Kinds, k)})
	}
	present := map[graph.Kind]bool{}
	for _, n := range v.Nodes {
		present[n.Kind] = true
	}
	for _, k := range append(append([]graph.Kind(nil), graph.Kinds...), graph.Stub) {
		if present[k] {
			d.Legend = append(d.Legend, kindChoice{Kind: k, Label: l.kind(k)})
		}
	}
	if v.Class == "ideas" {
		d.Caption = l.T("home.caption")
	}
	for _, p := range v.Paths {
		d.Hops = append(d.Hops, l.hopRows(p))
	}
	return d
}

func hasKind(ks []graph.Kind, k graph.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// depths are the depths the map form offers.
func depths() []int {
	out := make([]int, graph.MaxDepth)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func (s *Server) exportLinks(l *loc, q graph.Query) []exportLink {
	var out []exportLink
	for _, f := range graph.Formats {
		if f == graph.FormatPNG && !s.cfg.Renderer.SupportsPNG() {
			continue
		}
		// A static copy offers no downloads: the picture is in the page
		// (inline, so its nodes click through) and the data of every map is
		// in graph.json. A file per map beside the page doubled the bytes
		// of every map in the site.
		if s.cfg.StaticSite {
			continue
		}
		// ?download=1: the file is named after the view and its links
		// lead back to this site.
		out = append(out, exportLink{Label: strings.ToUpper(string(f)), URL: l.exportURL(q, f) + "&download=1", File: downloadName(q, f)})
	}
	return out
}

// downloadName is the file name a download of the view of q is saved as,
// named after what it shows: codeatlas-raft.svg (the concept map of Raft),
// codeatlas-etcd-raft-depth2.svg (two steps around etcd's Raft article),
// codeatlas-go-micro-to-service-discovery.svg (a path), codeatlas-overview.svg.
func downloadName(q graph.Query, f graph.Format) string {
	name := string(q.View)
	switch q.View {
	case graph.PathView:
		name = fileSlug(q.From) + "-to-" + fileSlug(q.To)
	case graph.Ego:
		name = fileSlug(q.Focus) + "-depth" + strconv.Itoa(max(q.Depth, 1))
	case graph.ProjectView, graph.ConceptView:
		if q.Focus != "" {
			name = fileSlug(q.Focus)
		}
	}
	return "codeatlas-" + name + "." + string(f)
}

// fileSlug is a node id as part of a file name: without its kind prefix,
// lower case letters, digits and single dashes (a/etcd/raft: etcd-raft;
// m/github.com/hashicorp/raft: github-com-hashicorp-raft). A name of other
// scripts only keeps its id's kind, so no file is named "codeatlas-.svg".
func fileSlug(id string) string {
	kind, rest, ok := strings.Cut(id, "/")
	if !ok {
		rest = id
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(rest) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return kind
	}
	if b.Len() > 80 {
		return strings.TrimRight(b.String()[:80], "-")
	}
	return b.String()
}

// siteBase is what the links of a downloaded file start with: the
// configured --base-url, else the scheme and host the request came to; ""
// (links relative to the site) when the Host header is not a plain host.
func (s *Server) siteBase(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	if !plainHost(r.Host) {
		return ""
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// plainHost reports whether h is a host name or address with an optional
// port, and nothing else a link could be bent with.
func plainHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-:[]", r)) {
			return false
		}
	}
	return true
}

// contentType is the media type a format is served as.
func contentType(f graph.Format) string {
	switch f {
	case graph.FormatSVG:
		return "image/svg+xml"
	case graph.FormatDOT:
		return "text/vnd.graphviz; charset=utf-8"
	case graph.FormatPNG:
		return "image/png"
	case graph.FormatJSON:
		return "application/json; charset=utf-8"
	case graph.FormatGraphML:
		return "application/graphml+xml; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

func (s *Server) mapExport(f graph.Format) gin.HandlerFunc {
	return func(c *gin.Context) {
		st := s.site.Load()
		q, err := parseQuery(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		if f == graph.FormatPNG && (s.cfg.StaticSite || !s.cfg.Renderer.SupportsPNG()) {
			s.fail(c, errPNGUnsupported)
			return
		}
		l := s.loc(c, st)
		key := string(f) + " " + l.lang + " " + q.Key()
		base := ""
		if c.Query("download") != "" {
			// A saved file's links lead back to the site it came from.
			base = s.siteBase(c.Request)
			key += " " + base
		}
		if notModified(c, s.etag(st, key)) {
			return
		}
		if f.Drawn() {
			s.renderExport(c, st, key, f, q, base)
			return
		}
		exportHeaders(c, f, q)
		b := s.download(c, st, key, contentType(f), func(w io.Writer) error {
			v, err := st.graph.View(q)
			if err != nil {
				return err
			}
			return v.Write(w, f, dotOptions(l, "map", true, base))
		})
		if b != nil {
			s.sendExport(c, st, key, f, q, b)
		}
	}
}

// renderExport answers a picture of a view, rendered through the
// renderer's cache.
func (s *Server) renderExport(c *gin.Context, st *site, key string, f graph.Format, q graph.Query, base string) {
	if b, ok := st.cache.get(key); ok {
		s.sendExport(c, st, key, f, q, b)
		return
	}
	v, err := st.graph.View(q)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.RenderTimeout)
	defer cancel()
	b, err := s.cfg.Renderer.Render(ctx, viewDOT(s.loc(c, st), v, "map", true, base), v.Query.Layout, string(f))
	if err != nil {
		s.fail(c, err)
		return
	}
	st.cache.put(key, b)
	s.sendExport(c, st, key, f, q, b)
}

// exportHeaders names the file of a download asked for with ?download=1.
func exportHeaders(c *gin.Context, f graph.Format, q graph.Query) {
	if c.Query("download") != "" {
		c.Header("Content-Disposition", `attachment; filename="`+downloadName(q, f)+`"`)
	}
}

func (s *Server) sendExport(c *gin.Context, st *site, key string, f graph.Format, q graph.Query, b []byte) {
	exportHeaders(c, f, q)
	sent := sendCached(c, st.cache, key, contentType(f), b)
	s.keepFast(st, c.Request, c.Writer.Header(), sent)
}

// graphJSON is the whole graph, built once per site version.
func (s *Server) graphJSON(c *gin.Context) {
	st := s.site.Load()
	if notModified(c, s.etag(st, "graph.json")) {
		return
	}
	const ctype = "application/json; charset=utf-8"
	b := s.download(c, st, "graph.json", ctype, func(w io.Writer) error {
		v, err := st.graph.View(graph.Query{View: graph.Full})
		if err != nil {
			return err
		}
		return v.WriteJSON(w, NodeURL)
	})
	if b != nil {
		sendCached(c, st.cache, "graph.json", ctype, b)
	}
}
