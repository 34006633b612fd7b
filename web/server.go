// Package web serves the explorer: interactive SVG maps of the knowledge
// graph, the articles, concept, project and module pages, search, and every
// view as DOT, SVG, PNG, JSON, GraphML and Mermaid. Nothing outside this
// package touches net/http or Gin.
package web

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
)

//go:embed templates static
var assets embed.FS

// Renderer lays out DOT. The graph/render pool satisfies it.
type Renderer interface {
	Render(ctx context.Context, dot []byte, layout, format string) ([]byte, error)
	SupportsPNG() bool
}

// LoadFunc extracts the notes and builds the graph; the server calls it at
// start and on every change in watch mode. Diagrams are left to the
// server, which renders them when a page is served.
type LoadFunc func() (*extract.Corpus, *graph.Graph, error)

// Config sets up a Server.
type Config struct {
	Load     LoadFunc
	Renderer Renderer
	Logger   *slog.Logger
	// RenderTimeout bounds the renders of one request, waiting for the
	// renderer included. Default 40 s: the renderer bounds each render
	// itself (serve: 20 s), so this mostly bounds the wait, and in a storm
	// of requests a late map is better than an error (with 15 s, 32
	// clients on a loaded 2-core machine got 503 for 300 of 798 maps).
	RenderTimeout time.Duration
	// Static replaces the embedded web/static (serve --static DIR): the
	// folder is read again whenever a file in it changes, so work on the
	// front end shows on reload without a rebuild. It must hold every file
	// of web/static.
	Static fs.FS
	// StaticSite makes pages for a static copy of the site (codeatlas
	// site): no map controls (no server to draw other views), suggestions
	// from /search-index.json instead of /search, no PNG downloads.
	StaticSite bool
	// Live makes pages listen for reloads on /events (serve --watch).
	// Without it no page holds a connection open: browsers allow six per
	// host over HTTP/1.1, and six idle event streams would stall the
	// seventh tab.
	Live bool
	// BaseURL ("https://atlas.example.org") starts the links of downloaded
	// maps (serve --base-url); empty, they start with the scheme and host
	// each request came to.
	BaseURL string
}

// Server is the explorer. Handler is safe for concurrent use; Reload swaps
// the graph atomically.
type Server struct {
	cfg    Config
	log    *slog.Logger
	tmpl   *template.Template
	static *statics
	site   atomic.Pointer[site]
	events *broker
	hl     *highlighter
	bundle *i18n.Bundle
	// secHeaders are set on every response.
	secHeaders http.Header
	// instance tells this process from an earlier one in ETags.
	instance string

	mu      sync.Mutex
	problem string // why the last reload failed; "" when it did not
}

// New loads the notes once and returns the server.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RenderTimeout <= 0 {
		cfg.RenderTimeout = 40 * time.Second
	}
	// Gin's debug mode prints every route at start; a test may have chosen
	// test mode, which is as quiet as release.
	if gin.Mode() == gin.DebugMode {
		gin.SetMode(gin.ReleaseMode)
	}
	hl := newHighlighter()
	staticFS, live := cfg.Static, cfg.Static != nil
	if !live {
		staticFS, _ = fs.Sub(assets, "static")
	}
	st, err := newStatics(staticFS, map[string][]byte{"highlight.css": hl.css()}, live, cfg.Logger)
	if err != nil {
		return nil, err
	}
	bundle, err := newBundle()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, static: st, events: newBroker(), hl: hl, bundle: bundle, secHeaders: newSecurityHeaders(),
		instance: strconv.FormatInt(time.Now().UnixNano(), 36)}
	if s.tmpl, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	if err := s.Reload(); err != nil {
		return nil, err
	}
	return s, nil
}

// Reload rebuilds the graph. On failure the last good graph keeps serving
// and pages show the problem in a banner.
func (s *Server) Reload() error {
	c, g, err := s.cfg.Load()
	if err != nil {
		s.mu.Lock()
		s.problem = err.Error()
		s.mu.Unlock()
		if s.site.Load() == nil {
			return err
		}
		s.log.Error("reload failed; still serving the last good graph", "err", err)
		s.events.publish("problem")
		return err
	}
	s.mu.Lock()
	s.problem = ""
	s.mu.Unlock()
	s.site.Store(newSite(c, g))
	s.events.publish("reload")
	return nil
}

func (s *Server) currentProblem() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.problem
}

// Handler returns the HTTP handler with every route.
func (s *Server) Handler() http.Handler {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(gin.Recovery(), s.logRequests, s.securityHeaders, s.limitRequest)
	// Every page and export answers HEAD as well: net/http sends the
	// headers, Content-Length included, and drops the body.
	get := func(path string, h gin.HandlerFunc) {
		r.GET(path, h)
		r.HEAD(path, h)
	}
	// The pages, in the notes' main language at / and in each other
	// language under /<lang>/.
	for _, lang := range append([]string{""}, uiLangs...) {
		g := r.Group("/")
		if lang != "" {
			g = r.Group("/"+lang, s.inLang(lang))
		}
		page := func(path string, h gin.HandlerFunc) {
			g.GET(path, h)
			g.HEAD(path, h)
		}
		page("/", s.homePage)
		page("/map", s.mapPage)
		for _, f := range graph.Formats {
			page("/map."+string(f), s.mapExport(f))
		}
		page("/concepts", s.conceptsPage)
		page("/a/*id", s.articlePage)
		page("/c/:id", s.conceptPage)
		page("/p/:id", s.projectPage)
		page("/m/*path", s.modulePage)
		page("/search", s.search)
	}
	get("/graph.json", s.graphJSON)
	get("/asset/*path", s.asset)
	get("/favicon.ico", s.favicon)
	get("/healthz", s.healthz)
	if s.cfg.StaticSite {
		get("/search-index.json", s.searchIndex)
	}
	r.GET("/events", s.eventStream)
	get("/static/*file", s.serveStatic)
	r.NoRoute(func(c *gin.Context) { s.fail(c, errNotFound) })
	r.NoMethod(func(c *gin.Context) { s.fail(c, errMethod) })
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !withinLimits(req) || !s.serveFast(w, req) {
			r.ServeHTTP(w, req)
		}
	})
}

func (s *Server) logRequests(c *gin.Context) {
	if !s.log.Enabled(c.Request.Context(), slog.LevelDebug) {
		c.Next()
		return
	}
	start := time.Now()
	c.Next()
	s.log.Debug("request", "method", c.Request.Method, "path", c.Request.URL.Path, "status", c.Writer.Status(), "dur", time.Since(start))
}

// securityHeaders: no inline script anywhere, so the policy can forbid it;
// inline SVG styles come from attributes, not style elements.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	for k, v := range s.secHeaders {
		h[k] = v // canonical keys and read-only slices built once: no work per request
	}
	c.Next()
}

func newSecurityHeaders() http.Header {
	return http.Header{
		"Content-Security-Policy": {"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"},
		"X-Content-Type-Options":  {"nosniff"},
		"Referrer-Policy":         {"same-origin"},
		"X-Frame-Options":         {"DENY"},
	}
}

// sendBytes answers with a body whose length is known, so the response is
// not chunked.
func sendBytes(c *gin.Context, code int, ctype string, b []byte) {
	c.Header("Content-Length", strconv.Itoa(len(b)))
	c.Data(code, ctype, b)
}

// healthDOT is the tiny graph /healthz?deep=1 renders; the node named
// after the time keeps it out of the render cache, so the check reaches a
// worker.
const healthDOT = "digraph healthz { a -> b; t%d }"

func (s *Server) healthz(c *gin.Context) {
	st := s.site.Load()
	if c.Query("deep") == "1" {
		ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.RenderTimeout)
		defer cancel()
		if _, err := s.cfg.Renderer.Render(ctx, fmt.Appendf(nil, healthDOT, time.Now().UnixNano()), "dot", "svg"); err != nil {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "render failing", "error": err.Error()})
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "version": st.version, "nodes": st.graph.Order(), "edges": st.graph.Size(), "problem": s.currentProblem()})
}

// inLang marks the pages under a language's prefix. A language the notes
// are not written or translated in has no pages.
func (s *Server) inLang(lang string) gin.HandlerFunc {
	return func(c *gin.Context) {
		st := s.site.Load()
		if lang == st.langs[0] || !slices.Contains(st.langs, lang) {
			s.fail(c, errNotFound)
			c.Abort()
			return
		}
		c.Set(langKey, lang)
		c.Next()
	}
}

// favicon answers browsers that ask for /favicon.ico with the site's icon.
func (s *Server) favicon(c *gin.Context) {
	c.Redirect(http.StatusMovedPermanently, s.static.current().url("favicon.svg"))
}
