package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
	"github.com/codeatlas/codeatlas/graph/render"
)

// fakeRenderer answers every render with a tiny SVG, or with err. It is
// safe for concurrent use, as the real pool is.
type fakeRenderer struct {
	err   error
	calls atomic.Int64
}

func (f *fakeRenderer) Render(_ context.Context, dot []byte, layout, format string) ([]byte, error) {
	f.calls.Add(1)
	if f.err != nil {
		return nil, f.err
	}
	if format == "png" {
		return []byte("\x89PNG\r\n\x1a\nfake"), nil
	}
	return []byte(`<svg class="fake" data-layout="` + layout + `"></svg>`), nil
}

func (f *fakeRenderer) SupportsPNG() bool { return true }

// hostile notes: every field an attacker controls tries to inject script.
var hostile = fstest.MapFS{
	"SUMMARY.md": {Data: []byte("- [X](x/index.md)\n  - [Evil](x/evil.md)\n")},
	"x/index.md": {Data: []byte("---\nkind: project\ntitle: \"X <script>alert(1)</script>\"\nupstream: {repo: \"a/b\\\"><script>alert(2)</script>\"}\n---\nProject.\n")},
	"x/evil.md": {Data: []byte(`---
title: "Evil </title><script>alert(3)</script>"
title_zh: "邪恶 <img src=x onerror=alert(4)>"
summary: "<svg onload=alert(5)>"
project: x
concepts: [raft]
upstream: {repo: "javascript:alert(6)", ref: main, paths: ["\"><script>alert(7)</script>"]}
---
# Evil

<script>alert(8)</script>

[click](javascript:alert(9)) and [[raft|<b onmouseover=alert(10)>]] raft.

` + "```dot\ndigraph { a [URL=\"javascript:alert(11)\", label=\"<script>\"] }\n```\n")},
	"concepts/raft.md": {Data: []byte("---\nkind: concept\ntitle: Raft\ntitle_zh: Raft 协议\naliases: [raft, 一致性算法]\n---\nRaft <script>alert(12)</script>.\n")},
}

func newTestServer(t *testing.T, fsys fstest.MapFS, r Renderer) (*Server, http.Handler) {
	t.Helper()
	s := mustServer(t, loadFS(fsys), r)
	return s, s.Handler()
}

// mustServer builds a Server in test mode with a silent logger.
func mustServer(t *testing.T, load LoadFunc, r Renderer) *Server {
	t.Helper()
	gin.SetMode(gin.TestMode)
	s, err := New(Config{Load: load, Renderer: r, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// loadFS is the LoadFunc of a notes folder.
func loadFS(fsys fs.FS) LoadFunc {
	return func() (*extract.Corpus, *graph.Graph, error) {
		c, err := extract.Load(fsys, extract.Options{NodeURL: NodeURL, AssetURL: AssetURL})
		if err != nil {
			return nil, nil, err
		}
		g, err := graph.Build(c)
		return c, g, err
	}
}

func get(t *testing.T, h http.Handler, url string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestRoutes(t *testing.T) {
	_, h := newTestServer(t, hostile, &fakeRenderer{})
	tests := []struct {
		url, ctype string
		code       int
		body       string
	}{
		{"/", "text/html", 200, `class="fake"`},
		{"/map?view=ego&focus=c/raft&depth=2", "text/html", 200, "Around Raft"},
		{"/map?view=concept&focus=c/raft&k=article&k=concept", "text/html", 200, "Raft across the projects"},
		{"/map?view=path&from=a/x/evil&to=c/raft", "text/html", 200, "The path, step by step"},
		{"/map.svg?view=ego&focus=c/raft", "image/svg+xml", 200, "<svg"},
		{"/map.dot?view=ego&focus=c/raft", "text/vnd.graphviz", 200, "digraph"},
		{"/map.json?view=ego&focus=c/raft", "application/json", 200, `"nodes"`},
		{"/map.graphml", "application/graphml+xml", 200, "<graphml"},
		{"/map.mmd", "text/plain", 200, "flowchart LR"},
		{"/map.png", "image/png", 200, "PNG"},
		{"/graph.json", "application/json", 200, `"edges"`},
		{"/a/x/evil", "text/html", 200, "Around this page"},
		{"/c/raft", "text/html", 200, "How each project implements it"},
		{"/p/x", "text/html", 200, "Contents"},
		{"/search?q=raft", "text/html", 200, "/c/raft"},
		{"/search?q=" + "%E4%B8%80%E8%87%B4%E6%80%A7", "text/html", 200, "/c/raft"}, // 一致性, inside an alias
		{"/healthz", "application/json", 200, `"status":"ok"`},
		{"/static/app.js", "text/javascript", 200, "PanZoom"},
		{"/static/app.css", "text/css", 200, "prefers-color-scheme"},
		// errors
		{"/map?depth=9&view=ego&focus=c/raft", "text/html", 400, "depth 9"},
		{"/map?view=spiral", "text/html", 400, "unknown view"},
		{"/map?kinds=planet", "text/html", 400, "unknown kind"},
		{"/map?layout=circo", "text/html", 400, "unknown layout"},
		{"/map?depth=abc&view=ego&focus=c/raft", "text/html", 400, "not a number"},
		{"/map.svg?view=ego&focus=c/nope", "application/json", 404, "unknown node"},
		{"/map?view=ego&focus=c/raf", "text/html", 404, "Did you mean"},
		{"/a/x/evi", "text/html", 404, "Did you mean"},
		{"/a/nope", "text/html", 404, "unknown node"},
		{"/c/rafts", "text/html", 404, "/c/raft"},
		{"/p/nope", "text/html", 404, "unknown node"},
		{"/m/github.com/nope/nope", "text/html", 404, "unknown node"},
		{"/static/", "application/json", 404, "no such file"},
		{"/static/../web.go", "application/json", 404, ""},
		{"/nowhere", "text/html", 404, "page not found"},
		{"/search?q=" + strings.Repeat("x", 300), "text/html", 400, "longer than 200"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			w := get(t, h, tt.url)
			if w.Code != tt.code {
				t.Fatalf("status %d, want %d\n%.500s", w.Code, tt.code, w.Body.String())
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type %q, want %q", ct, tt.ctype)
			}
			if !strings.Contains(w.Body.String(), tt.body) {
				t.Errorf("body lacks %q:\n%.800s", tt.body, w.Body.String())
			}
			if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("no CSP: %q", csp)
			}
			if w.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
		})
	}
}

// TestNoScriptInjection: nothing from the notes reaches a page as markup.
func TestNoScriptInjection(t *testing.T) {
	_, h := newTestServer(t, hostile, &fakeRenderer{})
	for _, url := range []string{"/", "/a/x/evil", "/c/raft", "/p/x", "/search?q=evil", "/map?view=ego&focus=a/x/evil", "/search?q=%3Cscript%3E"} {
		w := get(t, h, url)
		body := w.Body.String()
		// The page's own script tag is the only one allowed.
		rest := strings.Replace(body, `<script src="/static/app.js`, "", 1)
		low := strings.ToLower(rest)
		for _, bad := range []string{"<script", "javascript:", "<img src=x", "<svg onload", "<b onmouseover"} {
			if strings.Contains(low, bad) {
				i := strings.Index(low, bad)
				t.Errorf("%s: %q reached the page: …%s…", url, bad, rest[max(0, i-80):min(len(rest), i+80)])
			}
		}
	}
}

func TestETag(t *testing.T) {
	r := &fakeRenderer{}
	_, h := newTestServer(t, hostile, r)
	w := get(t, h, "/map.svg?view=ego&focus=c/raft")
	tag := w.Header().Get("ETag")
	if !strings.HasPrefix(tag, `W/"`) {
		t.Fatalf("ETag %q", tag)
	}
	calls := r.calls.Load()
	w = get(t, h, "/map.svg?view=ego&focus=c/raft", "If-None-Match", tag)
	if w.Code != http.StatusNotModified || r.calls.Load() != calls {
		t.Errorf("want 304 without rendering, got %d (%d renders)", w.Code, r.calls.Load()-calls)
	}
	w = get(t, h, "/static/app.js?v=1")
	if !strings.Contains(w.Header().Get("Cache-Control"), "immutable") || w.Header().Get("ETag") == "" {
		t.Errorf("static headers: %v", w.Header())
	}
	// A page's ETag outlives neither the process: a restarted (perhaps
	// upgraded) server answers in full though the notes did not change.
	page := get(t, h, "/c/raft").Header().Get("ETag")
	if w := get(t, h, "/c/raft", "If-None-Match", page); w.Code != http.StatusNotModified {
		t.Errorf("same server, same page: %d", w.Code)
	}
	_, h2 := newTestServer(t, hostile, r)
	if w := get(t, h2, "/c/raft", "If-None-Match", page); w.Code != http.StatusOK {
		t.Errorf("a new server answered %d to the old server's ETag", w.Code)
	}
}

func TestGzip(t *testing.T) {
	_, h := newTestServer(t, hostile, &fakeRenderer{})
	for _, url := range []string{"/static/app.js", "/map.dot?view=full", "/a/x/evil", "/graph.json"} {
		for i := 0; i < 2; i++ { // the second answer comes from the cache
			w := get(t, h, url, "Accept-Encoding", "gzip, deflate")
			if w.Header().Get("Content-Encoding") != "gzip" {
				t.Fatalf("%s: not gzipped: %v", url, w.Header())
			}
			n := w.Body.Len()
			zr, err := gzip.NewReader(w.Body)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(zr)
			if err != nil || len(body) == 0 || w.Header().Get("Content-Length") != strconv.Itoa(n) {
				t.Fatalf("%s: bad gzip body (%v), length header %q for %d bytes", url, err, w.Header().Get("Content-Length"), n)
			}
			if plain := get(t, h, url).Body.Bytes(); !bytes.Equal(body, plain) {
				t.Fatalf("%s: gzipped body (%d bytes) is not the plain one (%d)", url, len(body), len(plain))
			}
		}
		if w := get(t, h, url); w.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s: gzipped for a client that did not ask", url)
		}
		if w := get(t, h, url, "Accept-Encoding", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s: gzipped against q=0", url)
		}
	}
}

func TestRenderErrorsMapToStatus(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code int
	}{
		{"timeout", render.ErrTimeout, 503},
		{"too large", render.ErrTooLarge, 413},
		{"unsupported", render.ErrUnsupported, 400},
		{"other", errors.New("boom"), 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, h := newTestServer(t, hostile, &fakeRenderer{err: tt.err})
			w := get(t, h, "/map.svg")
			if w.Code != tt.code {
				t.Fatalf("status %d, want %d", w.Code, tt.code)
			}
			if tt.code == 500 && strings.Contains(w.Body.String(), "boom") {
				t.Error("internal error text leaked")
			}
		})
	}
}

func TestSearchJSON(t *testing.T) {
	_, h := newTestServer(t, hostile, &fakeRenderer{})
	w := get(t, h, "/search?q=Raft%20%E5%8D%8F%E8%AE%AE", "Accept", "application/json")
	var res struct {
		Hits []hit `json:"hits"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != "c/raft" {
		t.Errorf("hits: %+v", res.Hits)
	}
}

// TestReloadKeepsLastGood: a broken reload keeps serving the old graph and
// shows the problem.
func TestReloadKeepsLastGood(t *testing.T) {
	fail := false
	gin.SetMode(gin.TestMode)
	load := loadFS(hostile)
	s := mustServer(t, func() (*extract.Corpus, *graph.Graph, error) {
		if fail {
			return nil, nil, errors.New("notes folder vanished")
		}
		return load()
	}, &fakeRenderer{})
	h := s.Handler()
	for i := 0; i < 2; i++ { // the second answer is a replay
		if w := get(t, h, "/c/raft"); w.Code != 200 {
			t.Fatalf("before the failure: %d", w.Code)
		}
	}
	fail = true
	if err := s.Reload(); err == nil {
		t.Fatal("want the reload error")
	}
	w := get(t, h, "/c/raft")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "notes folder vanished") {
		t.Errorf("want the old page with a banner, got %d", w.Code)
	}
}

func TestWatchReloads(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) {
		if err := os.WriteFile(dir+"/a.md", []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("# First title\n")
	gin.SetMode(gin.TestMode)
	s := mustServer(t, loadFS(os.DirFS(dir)), &fakeRenderer{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := s.events.subscribe()
	if err := s.Watch(ctx, dir, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	// Save the way editors do: write a temporary file, rename it over.
	if err := os.WriteFile(dir+"/.a.md.tmp", []byte("# Second title\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(dir+"/.a.md.tmp", dir+"/a.md"); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-events:
		if ev != "reload" {
			t.Fatalf("event %q", ev)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reload within 10 s of renaming a note over another: the watcher missed it")
	}
	if n, _ := s.site.Load().graph.Node("a/a"); n == nil || n.Label != "Second title" {
		t.Errorf("graph not reloaded: %+v", n)
	}
}

// TestHeadAndMethods: every page and export answers HEAD with the headers
// of GET (Content-Length included) and no body; other methods get a 405
// with Allow.
func TestHeadAndMethods(t *testing.T) {
	_, h := newTestServer(t, hostile, &fakeRenderer{})
	ts := httptest.NewServer(h)
	defer ts.Close()
	for _, url := range []string{"/", "/map?view=ego&focus=c/raft", "/map.svg", "/map.dot", "/map.json", "/graph.json",
		"/a/x/evil", "/c/raft", "/p/x", "/search?q=raft", "/healthz", "/static/app.js"} {
		t.Run(url, func(t *testing.T) {
			g, err := http.Get(ts.URL + url)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(g.Body)
			g.Body.Close()
			hd, err := http.Head(ts.URL + url)
			if err != nil {
				t.Fatal(err)
			}
			hb, _ := io.ReadAll(hd.Body)
			hd.Body.Close()
			if hd.StatusCode != g.StatusCode || g.StatusCode != 200 {
				t.Fatalf("HEAD %d, GET %d", hd.StatusCode, g.StatusCode)
			}
			if len(hb) != 0 || hd.Header.Get("Content-Type") != g.Header.Get("Content-Type") {
				t.Errorf("HEAD body %q, type %q vs %q", hb, hd.Header.Get("Content-Type"), g.Header.Get("Content-Type"))
			}
			if cl := hd.Header.Get("Content-Length"); cl != strconv.Itoa(len(body)) && url != "/healthz" {
				t.Errorf("HEAD Content-Length %q, GET body %d bytes", cl, len(body))
			}
		})
	}
	req, _ := http.NewRequest("POST", ts.URL+"/a/x/evil", strings.NewReader("x"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(resp.Header.Get("Allow"), "GET") {
		t.Errorf("POST: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// TestEventStream: with Live, pages carry data-live and /events streams the
// version at once and again on every reload; without it, no page listens
// and /events is a 404.
func TestEventStream(t *testing.T) {
	gin.SetMode(gin.TestMode)
	notes := fstest.MapFS{}
	for k, v := range hostile {
		notes[k] = v
	}
	s, err := New(Config{Load: loadFS(notes), Renderer: &fakeRenderer{}, Live: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	if body := get(t, s.Handler(), "/c/raft").Body.String(); !strings.Contains(body, "data-live") {
		t.Error("a live page lacks data-live")
	}
	resp, err := http.Get(ts.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	lines := bufio.NewScanner(resp.Body)
	next := func() string {
		t.Helper()
		for lines.Scan() {
			if l := lines.Text(); strings.HasPrefix(l, "event:") {
				lines.Scan()
				return strings.TrimPrefix(l, "event:") + " " + strings.TrimPrefix(lines.Text(), "data:")
			}
		}
		t.Fatalf("stream ended: %v", lines.Err())
		return ""
	}
	v1 := s.site.Load().version
	if got := next(); got != "hello "+v1 {
		t.Fatalf("first event %q, want hello %s", got, v1)
	}
	notes["x/new.md"] = &fstest.MapFile{Data: []byte("# New\n")}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if got, v2 := next(), s.site.Load().version; got != "reload "+v2 || v2 == v1 {
		t.Errorf("after reload %q (version %s, was %s)", got, v2, v1)
	}

	_, plain := newTestServer(t, hostile, &fakeRenderer{})
	if body := get(t, plain, "/c/raft").Body.String(); strings.Contains(body, "data-live") {
		t.Error("a page of a server without --watch listens for reloads")
	}
	if w := get(t, plain, "/events"); w.Code != http.StatusNotFound {
		t.Errorf("/events without Live: %d", w.Code)
	}
}

func TestHighlight(t *testing.T) {
	h := newHighlighter()
	tests := []struct {
		name, in string
		colored  bool
		want     string
	}{
		{"go", `<pre><code class="language-go">x := &quot;a&lt;b&quot;</code></pre>`, true, `&#34;a&lt;b&#34;`},
		{"mdBook options", `<pre><code class="language-rust,ignore,does_not_compile">fn main() {}</code></pre>`, true, `main`},
		{"unknown language", `<pre><code class="language-nosuchlang">a &lt; b</code></pre>`, false, `a &lt; b`},
		{"no language", `<pre><code>a &lt; b</code></pre>`, false, `a &lt; b`},
		{"script stays text", `<pre><code class="language-html">&lt;script&gt;alert(1)&lt;/script&gt;</code></pre>`, true, `&lt;`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.highlight(tt.in)
			if strings.Contains(got, `class="hl-chroma"`) != tt.colored || !strings.Contains(got, tt.want) {
				t.Errorf("highlight(%s) = %s", tt.in, got)
			}
			if strings.Contains(got, "<script") {
				t.Errorf("raw script in %s", got)
			}
		})
	}
}

// FuzzHighlight: whatever the code, highlighting writes no markup of its
// own besides chroma's spans.
func FuzzHighlight(f *testing.F) {
	f.Add("go", `x := "<script>alert(1)</script>"`)
	f.Add("html", "<img src=x onerror=alert(1)>")
	f.Add("rust,ignore", "fn main() { println!(\"&amp;\"); }")
	h := newHighlighter()
	tags := regexp.MustCompile(`</?(pre|code|span)( class="[^"<>]*")?>`)
	f.Fuzz(func(t *testing.T, lang, code string) {
		if !utf8.ValidString(code) || strings.ContainsAny(lang, "\"<>&") {
			return
		}
		out := h.highlight(`<pre><code class="language-` + lang + `">` + html.EscapeString(code) + `</code></pre>`)
		if rest := tags.ReplaceAllString(out, ""); strings.Contains(rest, "<") {
			t.Fatalf("markup leaked: %q -> %q", code, out)
		}
	})
}

// TestAssets: the files an article shows or links to are served, inert
// (sandboxed, never as HTML); no other file of the notes is.
func TestAssets(t *testing.T) {
	notes := fstest.MapFS{
		"a.md":             {Data: []byte("# A\n\n![pic](<img/pic one.png>) ![[evil.svg]] [page](page.html) [data](data.bin)\n")},
		"img/pic one.png":  {Data: []byte("\x89PNG\r\n\x1a\npixels")},
		"evil.svg":         {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
		"page.html":        {Data: []byte("<script>alert(2)</script>")},
		"data.bin":         {Data: []byte{0, 1, 2}},
		"secret.txt":       {Data: []byte("not referenced")},
		"img/unlisted.png": {Data: []byte("not referenced either")},
	}
	_, h := newTestServer(t, notes, &fakeRenderer{})
	if body := get(t, h, "/a/a").Body.String(); !strings.Contains(body, `src="/asset/img/pic%20one.png"`) {
		t.Fatalf("article does not point at the asset URL:\n%s", body)
	}
	tests := []struct {
		url, ctype string
		code       int
		attach     bool
	}{
		{"/asset/img/pic%20one.png", "image/png", 200, false},
		{"/asset/evil.svg", "image/svg+xml", 200, false},
		{"/asset/page.html", "application/octet-stream", 200, true},
		{"/asset/data.bin", "application/octet-stream", 200, true},
		{"/asset/secret.txt", "", 404, false},
		{"/asset/img/unlisted.png", "", 404, false},
		{"/asset/a.md", "", 404, false},
		{"/asset/img/../secret.txt", "", 404, false},
		{"/asset/%2e%2e/etc/passwd", "", 404, false},
		{"/asset/", "", 404, false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			w := get(t, h, tt.url)
			if w.Code != tt.code {
				t.Fatalf("status %d, want %d", w.Code, tt.code)
			}
			if tt.code != 200 {
				return
			}
			if ct := w.Header().Get("Content-Type"); ct != tt.ctype {
				t.Errorf("content type %q, want %q", ct, tt.ctype)
			}
			if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("CSP %q", csp)
			}
			if got := strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment"); got != tt.attach {
				t.Errorf("Content-Disposition %q", w.Header().Get("Content-Disposition"))
			}
			if w.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
		})
	}
}

// TestWriteSite writes a static copy under a base path and checks it the
// way a file server would serve it: every link of every page and SVG names
// a file of the copy, query URLs are gone, the search index points under
// the base, and there is a 404 page.
func TestWriteSite(t *testing.T) {
	gin.SetMode(gin.TestMode)
	notes := fstest.MapFS{}
	for k, v := range hostile {
		notes[k] = v
	}
	notes["x/pic.md"] = &fstest.MapFile{Data: []byte("# Pic\n\n![a picture](<img/p q.png>) about raft\n")}
	notes["root.md"] = &fstest.MapFile{Data: []byte("# At the root\n\nAlso about raft, in no project.\n")}
	notes["x/img/p q.png"] = &fstest.MapFile{Data: []byte("\x89PNG")}
	s, err := New(Config{Load: loadFS(notes), Renderer: &fakeRenderer{}, StaticSite: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := s.WriteSite(context.Background(), dir, "/docs/", 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Failed) > 0 || st.Pages < 5 {
		t.Fatalf("stats %+v", st)
	}
	// The maps are in the pages (the overview's in index.html); a copy
	// writes no page for a node's larger map nor for a stub's narrower one.
	if page, _ := os.ReadFile(filepath.Join(dir, "index.html")); !strings.Contains(string(page), `id="map"`) {
		t.Error("the overview has no map")
	}
	if ego, _ := filepath.Glob(filepath.Join(dir, "map", "ego-*")); len(ego) > 0 {
		t.Errorf("ego map pages in a static copy: %q", ego)
	}
	for _, f := range []string{"index.html", "404.html", "search-index.json", "graph.json", "a/x/evil/index.html", "c/raft/index.html", "p/x/index.html", "static/app.js", "asset/x/img/p q.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	links := regexp.MustCompile(`\s(?:href|src|xlink:href|data-search-index)="([^"]*)"`)
	checked := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".svg")) {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "<script>") {
			t.Errorf("%s: a script from the notes", p)
		}
		for _, m := range links.FindAllStringSubmatch(string(b), -1) {
			u := html.UnescapeString(m[1])
			if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
				continue
			}
			checked++
			pu, err := url.Parse(u)
			if err != nil || !strings.HasPrefix(pu.Path, "/docs/") || pu.RawQuery != "" && !strings.HasPrefix(pu.Path, "/docs/static/") {
				t.Errorf("%s: link %q is not a file URL under /docs/", p, u)
				continue
			}
			f := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(pu.Path, "/docs/")))
			if strings.HasSuffix(pu.Path, "/") {
				f = filepath.Join(f, "index.html")
			}
			if _, err := os.Stat(f); err != nil {
				t.Errorf("%s: link %q has no file", p, u)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Errorf("only %d links checked", checked)
	}
	idx, _ := os.ReadFile(filepath.Join(dir, "search-index.json"))
	if !strings.Contains(string(idx), `"url":"/docs/c/raft/"`) {
		t.Errorf("search index URLs not under the base: %.300s", idx)
	}
	if page, _ := os.ReadFile(filepath.Join(dir, "index.html")); strings.Contains(string(page), `class="controls"`) || strings.Contains(string(page), ".dot\"") {
		t.Error("a static map page offers controls or non-SVG downloads")
	}
	if _, err := s.WriteSite(context.Background(), t.TempDir(), "docs", 1); err == nil {
		t.Error("a base without slashes was accepted")
	}
}

// TestFastPath: a download answered once is replayed without the routes,
// byte for byte and header for header, in each encoding; it answers 304 to
// its ETag, and a reload starts afresh.
func TestFastPath(t *testing.T) {
	notes := fstest.MapFS{}
	for k, v := range hostile {
		notes[k] = v
	}
	r := &fakeRenderer{}
	s, h := newTestServer(t, notes, r)
	ts := httptest.NewServer(h)
	defer ts.Close()
	fetch := func(url string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", ts.URL+url, nil)
		req.Header.Set("Accept-Encoding", "identity")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	for _, tc := range []struct{ url, enc string }{
		{"/map.svg?view=ego&focus=c/raft&depth=2", "identity"}, {"/map.svg?view=ego&focus=c/raft&depth=2", "gzip"},
		{"/c/raft", "identity"}, {"/a/x/evil", "gzip"}, {"/map?view=concept&focus=c/raft", "identity"},
	} {
		url, enc := tc.url, tc.enc
		first, b1 := fetch(url, "Accept-Encoding", enc)
		second, b2 := fetch(url, "Accept-Encoding", enc)
		key, _ := fastKey(httptest.NewRequest("GET", url, nil))
		if enc == "identity" && s.site.Load().fast.get(key) == nil {
			t.Error("the first answer was not kept")
		}
		first.Header.Del("Date")
		second.Header.Del("Date")
		if first.StatusCode != 200 || second.StatusCode != 200 || !bytes.Equal(b1, b2) || fmt.Sprint(first.Header) != fmt.Sprint(second.Header) {
			t.Errorf("%s: the replay differs:\n%v\n%v", enc, first.Header, second.Header)
		}
		if nm, _ := fetch(url, "Accept-Encoding", enc, "If-None-Match", first.Header.Get("ETag")); nm.StatusCode != http.StatusNotModified {
			t.Errorf("%s: %d to a current ETag", enc, nm.StatusCode)
		}
	}
	before, _ := fetch("/map.dot?view=full")
	notes["x/new.md"] = &fstest.MapFile{Data: []byte("# Brand new\n")}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	after, body := fetch("/map.dot?view=full")
	if before.Header.Get("ETag") == after.Header.Get("ETag") || !strings.Contains(string(body), "Brand new") {
		t.Errorf("a reload still answers the old download: %s", after.Header.Get("ETag"))
	}
}

func TestFastCacheBounds(t *testing.T) {
	f := newFastCache()
	big := make([]byte, fastMaxBytes/3+1)
	for i := 0; i < 4; i++ {
		f.put(strconv.Itoa(i), &prepared{body: big})
	}
	// The third put passed the bound and started again: "2" and "3" remain.
	if f.bytes > fastMaxBytes || len(f.items) != 2 || f.get("3") == nil || f.get("0") != nil {
		t.Errorf("%d bytes in %d items", f.bytes, len(f.items))
	}
	f.put("3", &prepared{body: []byte("x")})
	if f.bytes != len(big)+1 {
		t.Errorf("replacing an entry: %d bytes", f.bytes)
	}
	for i := 0; i < fastMaxItems+1; i++ {
		f.put("k"+strconv.Itoa(i), &prepared{})
	}
	if len(f.items) > fastMaxItems {
		t.Errorf("%d items", len(f.items))
	}
}

// TestStaticDir: with Config.Static (serve --static DIR) the front end is
// read from the folder, pages link each file by the hash of the bytes
// served (highlight.css too), and an edit shows on the next request
// without a restart; a folder lacking a file of web/static is refused.
func TestStaticDir(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dir := t.TempDir()
	embedded, err := fs.Sub(assets, "static")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dir, embedded); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Load: loadFS(hostile), Renderer: &fakeRenderer{}, Static: os.DirFS(dir),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	version := regexp.MustCompile(`/static/(app\.js|app\.css|highlight\.css)\?v=([0-9a-f]+)`)
	check := func(when string) (page *httptest.ResponseRecorder) {
		t.Helper()
		page = get(t, h, "/c/raft")
		found := map[string]bool{}
		for _, m := range version.FindAllStringSubmatch(page.Body.String(), -1) {
			found[m[1]] = true
			w := get(t, h, "/static/"+m[1]+"?v="+m[2])
			sum := sha256.Sum256(w.Body.Bytes())
			if w.Code != 200 || hex.EncodeToString(sum[:8]) != m[2] {
				t.Errorf("%s: %s?v=%s serves %d bytes hashing to %x", when, m[1], m[2], w.Body.Len(), sum[:8])
			}
			if cc := w.Header().Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("%s: a file of a live folder is cached: %q", when, cc)
			}
			if m[1] != "highlight.css" {
				disk, _ := os.ReadFile(filepath.Join(dir, m[1]))
				if !bytes.Equal(disk, w.Body.Bytes()) {
					t.Errorf("%s: %s is not the file on disk", when, m[1])
				}
			}
		}
		if len(found) != 3 {
			t.Errorf("%s: the page links %v, want app.js, app.css and highlight.css by version", when, found)
		}
		return page
	}
	before := check("before the edit")
	js := filepath.Join(dir, "app.js")
	b, _ := os.ReadFile(js)
	if err := os.WriteFile(js, append(b, "\n// edited\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	after := check("after the edit")
	appJS := regexp.MustCompile(`/static/app\.js\?v=[0-9a-f]+`)
	if appJS.FindString(before.Body.String()) == appJS.FindString(after.Body.String()) {
		t.Error("the page links app.js by the same version after an edit")
	}
	if w := get(t, h, "/c/raft", "If-None-Match", before.Header().Get("ETag")); w.Code != http.StatusOK {
		t.Errorf("the page before the edit is still current: %d", w.Code)
	}

	if err := os.Remove(filepath.Join(dir, "app.css")); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{Load: loadFS(hostile), Renderer: &fakeRenderer{}, Static: os.DirFS(dir)}); err == nil || !strings.Contains(err.Error(), "app.css") {
		t.Errorf("a static folder without app.css: %v", err)
	}
}

// TestServe: Serve answers on the listener until its context ends, then
// ends open event streams and returns nil at once; it returns the
// listener's error when serving fails.
func TestServe(t *testing.T) {
	gin.SetMode(gin.TestMode)
	s, err := New(Config{Load: loadFS(hostile), Renderer: &fakeRenderer{}, Live: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/healthz: %v", err)
	}
	resp.Body.Close()
	events, err := http.Get(base + "/events")
	if err != nil || events.StatusCode != 200 {
		t.Fatalf("/events: %v", err)
	}
	defer events.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after cancel: %v", err)
		}
	case <-time.After(shutdownGrace - time.Second):
		t.Fatal("Serve waited for the open event stream")
	}
	if _, err := io.ReadAll(events.Body); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("the event stream did not end cleanly: %v", err)
	}

	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln2.Close()
	if err := s.Serve(context.Background(), ln2); err == nil {
		t.Error("Serve on a closed listener returned nil")
	}
}

// TestDiagramError: an article diagram that does not render keeps its
// source with the reason, in the markup extract writes for it.
func TestDiagramError(t *testing.T) {
	_, h := newTestServer(t, hostile, &fakeRenderer{err: errors.New("syntax error near <script>")})
	body := get(t, h, "/a/x/evil").Body.String()
	want := `<figure class="dot dot-error" data-diagram="0"><pre class="dot-source"><code>`
	if !strings.Contains(body, want) || !strings.Contains(body, `<figcaption>syntax error near &lt;script&gt;</figcaption></figure>`) {
		t.Errorf("the failed diagram is not a figure.dot-error with its source and reason:\n%s", body)
	}
}

func TestTurn(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"digraph g { rankdir=LR; a -> b }", "TB"},
		{"digraph g { rankdir=\"lr\"; a -> b }", "TB"},
		{"digraph g { a -> b }", "LR"},
		{"digraph g { rankdir=TB; a -> b }", "LR"},
		{"digraph g { rankdir=LR; subgraph s { rankdir=TB } a -> b }", "TB"},
	} {
		got, ok := turn(tc.src)
		if !ok || !strings.HasSuffix(got, "graph [rankdir="+tc.want+"];\n}") {
			t.Errorf("turn(%q) = %q, want it to end with rankdir=%s", tc.src, got, tc.want)
		}
	}
	if _, ok := turn("no graph"); ok {
		t.Error("turned text without a graph")
	}
	if w := svgWidth([]byte(`<svg width="1352pt" height="250pt" viewBox="0 0 1352 250">`)); w != 1352 {
		t.Errorf("svgWidth = %v", w)
	}
}

// TestHealthzDeep: /healthz never renders; /healthz?deep=1 renders a tiny
// graph and answers 503 when the renderer fails.
func TestHealthzDeep(t *testing.T) {
	for _, tt := range []struct {
		name, url string
		err       error
		code      int
		calls     int64
	}{
		{"cheap/broken", "/healthz", render.ErrTimeout, 200, 0},
		{"deep/ok", "/healthz?deep=1", nil, 200, 1},
		{"deep/broken", "/healthz?deep=1", errors.New("wasm error: out of bounds memory access"), 503, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &fakeRenderer{}
			_, h := newTestServer(t, hostile, r)
			r.calls.Store(0)
			r.err = tt.err
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", tt.url, nil))
			if w.Code != tt.code || r.calls.Load() != tt.calls {
				t.Errorf("%s: %d with %d renders, want %d with %d: %s", tt.url, w.Code, r.calls.Load(), tt.code, tt.calls, w.Body)
			}
		})
	}
}
