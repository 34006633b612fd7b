package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/codeatlas/codeatlas/graph"
)

// parseQuery reads a view query from URL parameters. Errors wrap
// graph.ErrBadQuery and become 400s.
func parseQuery(c *gin.Context) (graph.Query, error) {
	q := graph.Query{View: graph.ViewKind(c.Query("view")), Focus: c.Query("focus"), From: c.Query("from"), To: c.Query("to"), Layout: c.Query("layout")}
	if s := c.Query("depth"); s != "" {
		d, err := strconv.Atoi(s)
		if err != nil {
			return q, fmt.Errorf("%w: depth %q is not a number", graph.ErrBadQuery, s)
		}
		q.Depth = d
	}
	if s := c.Query("budget"); s != "" {
		b, err := strconv.Atoi(s)
		if err != nil {
			return q, fmt.Errorf("%w: budget %q is not a number", graph.ErrBadQuery, s)
		}
		q.Budget = b
	}
	// The form sends one k per checked box; links use kinds=a,b.
	ks := append(c.QueryArray("k"), c.Query("kinds"))
	kinds, err := graph.ParseKinds(strings.Join(ks, ","))
	if err != nil {
		return q, err
	}
	q.Kinds = kinds
	return q.Normalize()
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

// etag is a weak validator of (server process, graph version, what). The
// process is part of it because pages also depend on the program: after an
// upgrade and restart, a browser's copy of a page of unchanged notes must
// not be answered with 304.
func (s *Server) etag(st *site, what string) string {
	h := sha256.Sum256([]byte(s.instance + "\x00" + st.version + "\x00" + what))
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
			ViewKinds: graph.ViewKinds, Depths: []int{1, 2, 3}, Layouts: graph.Layouts, Twin: makeTwin(st, v), DataJSON: viewData(v)}
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

func (s *Server) exportLinks(q graph.Query) []exportLink {
	var out []exportLink
	for _, f := range exportFormats {
		if f.ext == "png" && !s.cfg.Renderer.SupportsPNG() {
			continue
		}
		// A static copy offers the picture; the data of every map is in
		// its graph.json, and five files per map made a site of 350 MB.
		if s.cfg.StaticSite && f.ext != "svg" {
			continue
		}
		out = append(out, exportLink{Label: strings.ToUpper(f.ext), URL: ExportURL(q, f.ext), File: "codeatlas-" + string(q.View) + "." + f.ext})
	}
	return out
}

type exportFormat struct {
	ext, contentType string
}

var exportFormats = []exportFormat{
	{"svg", "image/svg+xml"},
	{"dot", "text/vnd.graphviz; charset=utf-8"},
	{"png", "image/png"},
	{"json", "application/json; charset=utf-8"},
	{"graphml", "application/graphml+xml; charset=utf-8"},
	{"mmd", "text/plain; charset=utf-8"},
}

func (s *Server) mapExport(f exportFormat) gin.HandlerFunc {
	return func(c *gin.Context) {
		st := s.site.Load()
		q, err := parseQuery(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		if f.ext == "png" && (s.cfg.StaticSite || !s.cfg.Renderer.SupportsPNG()) {
			s.fail(c, errPNGUnsupported)
			return
		}
		key := f.ext + " " + q.Key()
		if notModified(c, s.etag(st, key)) {
			return
		}
		if b, ok := st.cache.get(key); ok {
			s.sendExport(c, st, key, f, q, b)
			return
		}
		v, err := st.graph.View(q)
		if err != nil {
			s.fail(c, err)
			return
		}
		var buf bytes.Buffer
		switch f.ext {
		case "dot":
			_ = v.WriteDOT(&buf, dotOptions("map", true))
		case "json":
			_ = v.WriteJSON(&buf, NodeURL)
		case "graphml":
			_ = v.WriteGraphML(&buf, NodeURL)
		case "mmd":
			_ = v.WriteMermaid(&buf, NodeURL)
		default:
			ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.RenderTimeout)
			defer cancel()
			b, err := s.cfg.Renderer.Render(ctx, viewDOT(v, "map", true), v.Query.Layout, f.ext)
			if err != nil {
				s.fail(c, err)
				return
			}
			buf.Write(b)
		}
		st.cache.put(key, buf.Bytes())
		s.sendExport(c, st, key, f, q, buf.Bytes())
	}
}

func (s *Server) sendExport(c *gin.Context, st *site, key string, f exportFormat, q graph.Query, b []byte) {
	if c.Query("download") != "" {
		c.Header("Content-Disposition", `attachment; filename="codeatlas-`+string(q.View)+"."+f.ext+`"`)
	}
	sent := sendCached(c, st.cache, key, f.contentType, b)
	s.keepFast(st, c.Request, c.Writer.Header(), sent)
}

func (s *Server) graphJSON(c *gin.Context) {
	st := s.site.Load()
	if notModified(c, s.etag(st, "graph.json")) {
		return
	}
	v, err := st.graph.View(graph.Query{View: graph.Full})
	if err != nil {
		s.fail(c, err)
		return
	}
	b, ok := st.cache.get("graph.json")
	if !ok {
		var buf bytes.Buffer
		_ = v.WriteJSON(&buf, NodeURL)
		b = buf.Bytes()
		st.cache.put("graph.json", b)
	}
	sendCached(c, st.cache, "graph.json", "application/json; charset=utf-8", b)
}
