package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"

	"github.com/codeatlas/codeatlas/content"
	"github.com/codeatlas/codeatlas/graph/render"
)

// TestMain doubles as a render worker for the browser test's real pool.
func TestMain(m *testing.M) {
	render.ServeIfWorker()
	os.Exit(m.Run())
}

func findChromium() string {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// chromiumOrSkip finds chromium, or skips the test: in -short mode, or when
// none is installed (CI installs Debian's).
func chromiumOrSkip(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	bin := findChromium()
	if bin == "" {
		t.Skip("no chromium found; install Debian's chromium or set CHROME_PATH")
	}
	return bin
}

// stepTimeout bounds each step of a browser test, so that a wait that
// never ends says which step it was and what it waited for, long before
// the test binary's own timeout.
const stepTimeout = 30 * time.Second

// browser is one headless chromium tab driven step by step.
type browser struct {
	t   *testing.T
	ctx context.Context
}

// newBrowser starts headless chromium for one test; it ends with the test.
func newBrowser(t *testing.T, bin string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	// Start the browser now, so the first step's deadline is its own. The
	// first action on a chromedp context starts the browser and ties its
	// life to that context: it gets the browser's context, watched here.
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx, chromedp.Navigate("about:blank")) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("start chromium: %v", err)
		}
	case <-time.After(stepTimeout):
		cancelC()
		t.Fatalf("start chromium: no blank page after %v", stepTimeout)
	}
	t.Logf("start chromium: %v", time.Since(start).Round(time.Millisecond))
	return &browser{t: t, ctx: ctx}
}

// step runs actions within stepTimeout; until says what the last of them
// waits for, so that a failure reads "step: waited 30s for X on URL".
func (b *browser) step(name, until string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	start := time.Now()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: waited %v for %s on %s: %v", name, time.Since(start).Round(time.Millisecond), until, b.where(), err)
	}
	b.t.Logf("%s: %v", name, time.Since(start).Round(time.Millisecond))
}

// where is the page's URL, for messages.
func (b *browser) where() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	l, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(location unknown: " + err.Error() + ")"
	}
	return l
}

// open navigates to url and waits until sel is visible.
func (b *browser) open(name, url, sel string) {
	b.t.Helper()
	b.step(name, sel, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// follow runs act, which must leave the page (a click on a link), waits
// until the address ends in wantPath, then until sel is visible there.
// Waiting for sel alone could be answered by the page being left.
func (b *browser) follow(name string, act chromedp.Action[chromedp.Void], wantPath, sel string) {
	b.t.Helper()
	b.step(name, "the click", act)
	b.waitURL(name, func(u string) bool { return strings.HasSuffix(strings.SplitN(u, "?", 2)[0], wantPath) }, "an address ending in "+wantPath)
	b.step(name, sel+" on "+wantPath, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// waitURL polls the address until ok, within stepTimeout.
func (b *browser) waitURL(name string, ok func(string) bool, what string) {
	b.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	last := ""
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		l, err := chromedp.Run(ctx, chromedp.Location())
		cancel()
		if err == nil {
			if ok(l) {
				return
			}
			last = l
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("%s: waited %v for %s; the page stayed at %s", name, stepTimeout, what, last)
}

// suggest types q into the search box and waits for the suggestions of
// the whole of q: the box suggests as each key arrives, and on a busy
// machine a list for the first letters can show before the last key.
func (b *browser) suggest(name, q string) {
	b.t.Helper()
	sel := `#suggest[data-query="` + q + `"] li`
	b.step(name, sel, chromedp.SendKeys(chromedp.CSS("#q"), q), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// text is the trimmed text of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s on %s: %v", sel, b.where(), err)
	}
	return strings.TrimSpace(s)
}

// eval runs a script and returns its value, within stepTimeout.
func eval[T any](b *browser, js string, opts ...chromedp.EvaluateOption) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](js, opts...))
}

// TestBrowserLiveReload: under --watch an open page reloads itself when a
// note is saved, and shows the new text.
func TestBrowserLiveReload(t *testing.T) {
	bin := chromiumOrSkip(t)
	gin.SetMode(gin.TestMode)
	dir := t.TempDir()
	note := filepath.Join(dir, "a.md")
	if err := os.WriteFile(note, []byte("# Before the edit\n\nFirst text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Load: loadFS(os.DirFS(dir)), Renderer: &fakeRenderer{}, Live: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := s.Watch(wctx, dir, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { s.CloseStreams(); ts.Close() }) // after the browser's cleanup
	b := newBrowser(t, bin)
	b.open("open the article", ts.URL+"/a/a", "#title")
	// Edit once the page listens, so that the edit is a change it sees.
	// (Had it connected later, its first event would carry the new
	// version and reload it all the same.)
	for deadline := time.Now().Add(stepTimeout); s.events.count() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the page opened no event stream in %v", stepTimeout)
		}
	}
	if err := os.WriteFile(note, []byte("# After the edit\n\nSecond text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The reload replaces the document, so poll from outside it.
	var title string
	for deadline := time.Now().Add(stepTimeout); title != "After the edit" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		title, _ = eval[string](b, `(document.querySelector('#title') || {}).textContent || ''`)
	}
	if title != "After the edit" {
		t.Fatalf("the open page did not reload within %v of the edit: title %q", stepTimeout, title)
	}
}

// TestBrowser drives Debian's chromium through the explorer as a reader
// would: open the overview, click a concept node, land on its page, click
// an article in the concept map, land on the article, search, and fetch
// the SVG download. A screenshot of the map is kept as an artifact. Every
// step has its own deadline, and every wait is for the page the step
// leads to, never for something the page being left may already show.
func TestBrowser(t *testing.T) {
	bin := chromiumOrSkip(t)
	gin.SetMode(gin.TestMode)
	pool := render.NewPool(render.Config{Command: render.SelfCommand, Timeout: 30 * time.Second})
	defer pool.Close()
	s, err := New(Config{
		Load:     loadFS(os.DirFS("../graph/testdata/notes")),
		Renderer: pool,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	b := newBrowser(t, bin)

	b.open("open the overview", ts.URL+"/", `[id="map-c/raft"]`)
	nodes, err := eval[int](b, "document.querySelectorAll('#map svg g.node').length")
	if err != nil || nodes < 5 {
		t.Fatalf("overview has %d nodes (%v)", nodes, err)
	}
	sctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	shot, err := chromedp.Run(sctx, chromedp.Screenshot(chromedp.CSS("#map")))
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	artifacts := os.Getenv("CODEATLAS_ARTIFACTS")
	if artifacts == "" {
		artifacts = filepath.Join(os.TempDir(), "codeatlas-artifacts")
	}
	if err := os.MkdirAll(artifacts, 0o755); err == nil {
		p := filepath.Join(artifacts, "overview-map.png")
		if err := os.WriteFile(p, shot, 0o644); err == nil {
			t.Logf("map screenshot: %s", p)
		}
	}

	// Every label fits its node, whatever font the browser has.
	spill, err := eval[[]string](b, `Array.from(document.querySelectorAll('#map svg g.node')).flatMap(g => {
		const s = g.querySelector('polygon, ellipse, path'); if (!s) return [];
		const w = s.getBBox().width;
		return Array.from(g.querySelectorAll('text')).filter(t => t.getBBox().width > w + 1).map(t => t.textContent);
	})`)
	if err != nil || len(spill) > 0 {
		t.Errorf("labels wider than their nodes: %q (%v)", spill, err)
	}

	// Picking a suggestion opens its page, on a map page too; a node of
	// the map can be shown on it with the suggestion's second action.
	b.suggest("search etcd on the overview", "etcd")
	b.step("show etcd on the map", "the pick", chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll('#suggest li')).find(li => li.textContent.includes('etcd')).querySelector('button.on-map').dispatchEvent(new MouseEvent('mousedown', {bubbles: true}))`))
	focused, err := eval[string](b, `(document.activeElement.closest('g.node') || {}).id || ''`)
	if err != nil || focused != "map-p/etcd" {
		t.Errorf("showed etcd on the overview, focus is on %q (%v)", focused, err)
	}
	if l := b.where(); strings.Contains(l, "/p/etcd") {
		t.Errorf("showing a node on the map navigated to %s", l)
	}
	b.step("clear the search", "the input event", chromedp.Evaluate[chromedp.Void](`(q => { q.value = ''; q.dispatchEvent(new Event('input')); })(document.querySelector('#q'))`))
	b.suggest("search an article", "Raft in etcd")
	if got := b.text("#suggest li"); !strings.HasPrefix(got, "Raft in etcd") {
		t.Fatalf("first suggestion for an article's title: %q", got)
	}
	b.follow("pick the article", chromedp.Evaluate[chromedp.Void](`document.querySelector('#suggest li').dispatchEvent(new MouseEvent('mousedown', {bubbles: true}))`),
		"/a/etcd/raft", ".doc .body")
	b.open("back to the overview again", ts.URL+"/", `[id="map-c/raft"]`)

	// Hovering a node highlights its neighbours.
	b.step("hover raft", "the hover", chromedp.Evaluate[chromedp.Void](`document.querySelector('[id="map-c/raft"]').dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))`))
	dimmed, err := eval[bool](b, "document.querySelector('#map svg').classList.contains('dimmed') && document.querySelectorAll('#map svg g.hl').length > 1")
	if err != nil || !dimmed {
		t.Errorf("hover did not highlight neighbours (%v)", err)
	}

	b.follow("click the raft concept", chromedp.Click(chromedp.CSS(`[id="map-c/raft"] a`)), "/c/raft", "#title")
	if got := b.text("#title"); got != "Raft consensus" {
		t.Fatalf("concept page title %q", got)
	}

	b.step("find the article in the concept map", `[id="concept-a/etcd/raft"]`, chromedp.WaitVisible(chromedp.CSS(`[id="concept-a/etcd/raft"]`)))
	b.follow("click an article in the concept map", chromedp.Click(chromedp.CSS(`[id="concept-a/etcd/raft"] a`)), "/a/etcd/raft", ".doc .body")
	if got := b.text("#title"); got != "Raft in etcd" {
		t.Fatalf("article title %q", got)
	}

	b.suggest("search in Chinese", "服务发现")
	if got := b.text("#suggest li"); !strings.Contains(got, "Service discovery") {
		t.Fatalf("first suggestion %q", got)
	}
	b.follow("pick the suggestion", chromedp.Click(chromedp.CSS("#suggest li")), "/c/service-discovery", "#title")

	b.open("back to the overview", ts.URL+"/", `a.export[data-format="SVG"]`)
	svg, err := eval[string](b, `fetch(document.querySelector('a.export[data-format="SVG"]').href).then(r => r.text())`, chromedp.EvalAwaitPromise)
	if err != nil || !strings.HasPrefix(svg, "<svg") {
		t.Fatalf("SVG download: %.80q (%v)", svg, err)
	}

	// The static copy (codeatlas site), served by a plain file server
	// under /docs/: a click on the map and the search box work without
	// codeatlas behind them.
	ss, err := New(Config{Load: loadFS(os.DirFS("../graph/testdata/notes")), Renderer: pool, StaticSite: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	wctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	start := time.Now()
	st, err := ss.WriteSite(wctx, dir, "/docs/", 4)
	cancel()
	if err != nil || len(st.Failed) > 0 {
		t.Fatalf("WriteSite after %v: %+v %v", time.Since(start).Round(time.Millisecond), st, err)
	}
	t.Logf("write the static copy: %v", time.Since(start).Round(time.Millisecond))
	files := httptest.NewServer(http.StripPrefix("/docs", http.FileServer(http.Dir(dir))))
	defer files.Close()
	b.open("open the static overview", files.URL+"/docs/", `[id="map-c/raft"]`)
	// Hover reads the map's edges from its text version: the node's
	// neighbours light up, and an edge shows its evidence.
	b.step("hover raft on the static map", "the hover", chromedp.Evaluate[chromedp.Void](`document.querySelector('[id="map-c/raft"]').dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))`))
	lit, err := eval[int](b, "document.querySelector('#map svg').classList.contains('dimmed') ? document.querySelectorAll('#map svg g.edge.hl').length : -1")
	if err != nil || lit < 1 {
		t.Errorf("hover on the static map lit %d edges (%v)", lit, err)
	}
	info, err := eval[string](b, `(() => {
		const e = Array.from(document.querySelectorAll('#map svg g.edge')).find(g => document.querySelector('details.twin li[data-from]') && g.querySelector('path'));
		e.querySelector('path').dispatchEvent(new MouseEvent('mouseover', {bubbles: true, clientX: 10, clientY: 10}));
		const box = document.querySelector('#edgeinfo');
		return box.hidden ? '' : box.textContent;
	})()`)
	if err != nil || !strings.Contains(info, ".md:") {
		t.Errorf("edge info on the static map: %q (%v)", info, err)
	}
	if n, err := eval[int](b, `document.querySelectorAll('#map svg g.edge a[*|title*=".md:"]').length`); err != nil || n > 0 {
		t.Errorf("%d edge tooltips of a page's map repeat the evidence (%v)", n, err)
	}
	b.follow("click raft on the static map", chromedp.Click(chromedp.CSS(`[id="map-c/raft"] a`)), "/docs/c/raft/", "#title")
	// The copy has no larger map pages: the concept's page holds its map.
	if n, err := eval[int](b, `document.querySelectorAll('main a[href*="/map/"]').length`); err != nil || n > 0 {
		t.Errorf("the static concept page links %d map pages (%v)", n, err)
	}
	b.open("back to the static overview", files.URL+"/docs/", `[id="map-c/raft"]`)
	// A map page of the copy (a question of the overview): its map is in
	// the page, and a click on a node opens the node's page.
	b.step("open a static map page", "the click", chromedp.Click(chromedp.CSS(`a.question[href^="/docs/map/"]`)))
	b.waitURL("open a static map page", func(u string) bool { return strings.Contains(u, "/docs/map/") }, "a map page")
	b.step("open a static map page", "its nodes", chromedp.WaitVisible(chromedp.CSS(`#map svg g.node`)))
	b.step("click an article on the static map page", "the click", chromedp.Click(chromedp.CSS(`#map svg g.node[id*="-a/"] a`)))
	b.waitURL("click an article on the static map page", func(u string) bool { return strings.Contains(u, "/docs/a/") }, "an article's page")
	b.step("click an article on the static map page", "its title", chromedp.WaitVisible(chromedp.CSS("#title")))
	b.suggest("search the static copy", "服务发现")
	b.follow("pick from the static index", chromedp.Click(chromedp.CSS("#suggest li")), "/docs/c/service-discovery/", "#title")
}

// bundledServer serves the bundled notes through a real render pool laid
// out by engine (render.EngineAuto: what serve picks, Graphviz's dot when
// installed; render.EngineWASM: the embedded one). Both close when the
// test ends.
func bundledServer(t *testing.T, engine string) *httptest.Server {
	t.Helper()
	gin.SetMode(gin.TestMode)
	native, version, err := render.ResolveEngine(engine, "")
	if err != nil {
		t.Fatal(err)
	}
	pool := render.NewPool(render.Config{Command: render.SelfCommand, Native: native, NativeVersion: version, Timeout: 60 * time.Second})
	t.Cleanup(func() { pool.Close() })
	s, err := New(Config{Load: loadFS(content.FS()), Renderer: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}
