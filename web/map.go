package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"io"
	"net/http"
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

// dotOptions links nodes to their pages and stubs to their narrower maps.
// A download carries its legend; a page shows it beside the map.
func dotOptions(gid string, download bool) graph.DOTOptions {
	return graph.DOTOptions{NodeURL: NodeURL, StubURL: MapURL, GraphID: gid, Compact: gid == localMapID, Legend: download}
}

func viewDOT(v *graph.View, gid string, download bool) []byte {
	var buf bytes.Buffer
	_ = v.WriteDOT(&buf, dotOptions(gid, download))
	return buf.Bytes()
}

// mapSVG renders the map of q, through the renderer's cache.
func (s *Server) mapSVG(ctx context.Context, st *site, q graph.Query) ([]byte, error) {
	v, err := st.graph.View(q)
	if err != nil {
		return nil, err
	}
	return s.renderView(ctx, v, "map")
}

func (s *Server) renderView(ctx context.Context, v *graph.View, gid string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RenderTimeout)
	defer cancel()
	return s.cfg.Renderer.Render(ctx, viewDOT(v, gid, false), v.Query.Layout, "svg")
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
	View      *graph.View
	SVG       template.HTML
	Query     graph.Query
	Exports   []exportLink
	ViewKinds []graph.ViewKind
	Depths    []int
	Kinds     []kindChoice
	Layouts   []string
	Hops      [][]hopRow
	Twin      twin
	DataJSON  string
}

type exportLink struct{ Label, URL, File string }

type kindChoice struct {
	Kind    graph.Kind
	Checked bool
}

func (s *Server) mapPage(c *gin.Context) {
	st := s.site.Load()
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
		svg, err := s.renderView(c.Request.Context(), v, "map")
		if err != nil {
			return nil, err
		}
		d := mapPageData{pageData: s.page(st, v.Title), View: v, SVG: template.HTML(svg), Query: v.Query,
			ViewKinds: graph.ViewKinds, Depths: depths(), Layouts: graph.Layouts, Twin: makeTwin(st, v), DataJSON: viewData(v)}
		d.Exports = s.exportLinks(v.Query)
		for _, k := range graph.Kinds {
			d.Kinds = append(d.Kinds, kindChoice{Kind: k, Checked: len(v.Query.Kinds) == 0 || hasKind(v.Query.Kinds, k)})
		}
		for _, p := range v.Paths {
			d.Hops = append(d.Hops, hopRows(st, p))
		}
		return d, nil
	})
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

func (s *Server) exportLinks(q graph.Query) []exportLink {
	var out []exportLink
	for _, f := range graph.Formats {
		if f == graph.FormatPNG && !s.cfg.Renderer.SupportsPNG() {
			continue
		}
		// A static copy offers the picture; the data of every map is in
		// its graph.json, and five files per map made a site of 350 MB.
		if s.cfg.StaticSite && f != graph.FormatSVG {
			continue
		}
		out = append(out, exportLink{Label: strings.ToUpper(string(f)), URL: ExportURL(q, f), File: downloadName(q, f)})
	}
	return out
}

// downloadName is the file name a download of the view of q is saved as.
func downloadName(q graph.Query, f graph.Format) string {
	return "codeatlas-" + string(q.View) + "." + string(f)
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
		key := string(f) + " " + q.Key()
		if notModified(c, s.etag(st, key)) {
			return
		}
		if f.Drawn() {
			s.renderExport(c, st, key, f, q)
			return
		}
		exportHeaders(c, f, q)
		b := s.download(c, st, key, contentType(f), func(w io.Writer) error {
			v, err := st.graph.View(q)
			if err != nil {
				return err
			}
			return v.Write(w, f, dotOptions("map", true))
		})
		if b != nil {
			s.sendExport(c, st, key, f, q, b)
		}
	}
}

// renderExport answers a picture of a view, rendered through the
// renderer's cache.
func (s *Server) renderExport(c *gin.Context, st *site, key string, f graph.Format, q graph.Query) {
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
	b, err := s.cfg.Renderer.Render(ctx, viewDOT(v, "map", true), v.Query.Layout, string(f))
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
