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

// newBrowser starts headless chromium for one test; it ends with the test.
func newBrowser(t *testing.T, bin string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	return ctx
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
	ctx := newBrowser(t, bin)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/a/a"), chromedp.WaitVisible(chromedp.CSS("#title"))); err != nil {
		t.Fatal(err)
	}
	// The page has its event stream open once the first event arrived.
	time.Sleep(300 * time.Millisecond)
	if err := os.WriteFile(note, []byte("# After the edit\n\nSecond text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The reload replaces the document, so poll from outside it.
	var title string
	for deadline := time.Now().Add(15 * time.Second); title != "After the edit" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		title, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('#title') || {}).textContent || ''`))
	}
	if title != "After the edit" {
		t.Fatalf("the open page did not reload after the edit: title %q", title)
	}
}

// TestBrowser drives Debian's chromium through the explorer as a reader
// would: open the overview, click a concept node, land on its page, click
// an article in the concept map, land on the article, search, and fetch
// the SVG download. A screenshot of the map is kept as an artifact.
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

	ctx := newBrowser(t, bin)

	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		start := time.Now()
		defer func() { t.Logf("%s: %v", name, time.Since(start)) }()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	location := func() string {
		t.Helper()
		l, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return l
	}

	step("open the overview", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`[id="map-c/raft"]`)))
	nodes, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.querySelectorAll('#map svg g.node').length"))
	if err != nil || nodes < 5 {
		t.Fatalf("overview has %d nodes (%v)", nodes, err)
	}
	shot, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#map")))
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
	spill, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#map svg g.node')).flatMap(g => {
		const s = g.querySelector('polygon, ellipse, path'); if (!s) return [];
		const w = s.getBBox().width;
		return Array.from(g.querySelectorAll('text')).filter(t => t.getBBox().width > w + 1).map(t => t.textContent);
	})`))
	if err != nil || len(spill) > 0 {
		t.Errorf("labels wider than their nodes: %q (%v)", spill, err)
	}

	// Picking a suggestion opens its page, on a map page too; a node of
	// the map can be shown on it with the suggestion's second action.
	step("search etcd on the overview", chromedp.SendKeys(chromedp.CSS("#q"), "etcd"), chromedp.WaitVisible(chromedp.CSS("#suggest li")))
	step("show etcd on the map", chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll('#suggest li')).find(li => li.textContent.includes('etcd')).querySelector('button.on-map').dispatchEvent(new MouseEvent('mousedown', {bubbles: true}))`))
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.activeElement.closest('g.node') || {}).id || ''`))
	if err != nil || focused != "map-p/etcd" {
		t.Errorf("showed etcd on the overview, focus is on %q (%v)", focused, err)
	}
	if l := location(); strings.Contains(l, "/p/etcd") {
		t.Errorf("showing a node on the map navigated to %s", l)
	}
	step("clear the search", chromedp.Evaluate[chromedp.Void](`document.querySelector('#q').value = ''`))
	step("search an article", chromedp.SendKeys(chromedp.CSS("#q"), "Raft in etcd"), chromedp.WaitVisible(chromedp.CSS("#suggest li")))
	step("pick the article", chromedp.Evaluate[chromedp.Void](`document.querySelector('#suggest li').dispatchEvent(new MouseEvent('mousedown', {bubbles: true}))`),
		chromedp.WaitVisible(chromedp.CSS(".doc .body")))
	if l := location(); !strings.HasSuffix(l, "/a/etcd/raft") {
		t.Errorf("picked an article on the overview, landed on %s", l)
	}
	step("back to the overview again", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`[id="map-c/raft"]`)))

	// Hovering a node highlights its neighbours.
	step("hover raft", chromedp.Evaluate[chromedp.Void](`document.querySelector('[id="map-c/raft"]').dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))`))
	dimmed, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.querySelector('#map svg').classList.contains('dimmed') && document.querySelectorAll('#map svg g.hl').length > 1"))
	if err != nil || !dimmed {
		t.Errorf("hover did not highlight neighbours (%v)", err)
	}

	step("click the raft concept", chromedp.Click(chromedp.CSS(`[id="map-c/raft"] a`)), chromedp.WaitVisible(chromedp.CSS("#title")))
	if l := location(); !strings.HasSuffix(l, "/c/raft") {
		t.Fatalf("clicked raft, landed on %s", l)
	}
	if got := text("#title"); got != "Raft consensus" {
		t.Fatalf("concept page title %q", got)
	}

	step("click an article in the concept map", chromedp.WaitVisible(chromedp.CSS(`[id="concept-a/etcd/raft"]`)),
		chromedp.Click(chromedp.CSS(`[id="concept-a/etcd/raft"] a`)), chromedp.WaitVisible(chromedp.CSS(".doc .body")))
	if l := location(); !strings.HasSuffix(l, "/a/etcd/raft") {
		t.Fatalf("clicked the article, landed on %s", l)
	}
	if got := text("#title"); got != "Raft in etcd" {
		t.Fatalf("article title %q", got)
	}

	step("search in Chinese", chromedp.SendKeys(chromedp.CSS("#q"), "服务发现"), chromedp.WaitVisible(chromedp.CSS("#suggest li")))
	if got := text("#suggest li"); !strings.Contains(got, "Service discovery") {
		t.Fatalf("first suggestion %q", got)
	}
	step("pick the suggestion", chromedp.Click(chromedp.CSS("#suggest li")), chromedp.WaitVisible(chromedp.CSS("#title")))
	if l := location(); !strings.HasSuffix(l, "/c/service-discovery") {
		t.Fatalf("picked the suggestion, landed on %s", l)
	}

	step("back to the overview", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`a.export[data-format="SVG"]`)))
	svg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector('a.export[data-format="SVG"]').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
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
	if st, err := ss.WriteSite(context.Background(), dir, "/docs/", 4); err != nil || len(st.Failed) > 0 {
		t.Fatalf("WriteSite: %+v %v", st, err)
	}
	files := httptest.NewServer(http.StripPrefix("/docs", http.FileServer(http.Dir(dir))))
	defer files.Close()
	step("open the static overview", chromedp.Navigate(files.URL+"/docs/"), chromedp.WaitVisible(chromedp.CSS(`[id="map-c/raft"]`)))
	step("click raft on the static map", chromedp.Click(chromedp.CSS(`[id="map-c/raft"] a`)), chromedp.WaitVisible(chromedp.CSS("#title")))
	if l := location(); !strings.HasSuffix(l, "/docs/c/raft/") {
		t.Fatalf("static copy: clicked raft, landed on %s", l)
	}
	step("search the static copy", chromedp.SendKeys(chromedp.CSS("#q"), "服务发现"), chromedp.WaitVisible(chromedp.CSS("#suggest li")))
	step("pick from the static index", chromedp.Click(chromedp.CSS("#suggest li")), chromedp.WaitVisible(chromedp.CSS("#title")))
	if l := location(); !strings.HasSuffix(l, "/docs/c/service-discovery/") {
		t.Fatalf("static copy: picked the suggestion, landed on %s", l)
	}
}
