package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"

	"github.com/codeatlas/codeatlas/graph/render"
)

// measureMapsJS measures the page's two biggest graph SVGs as a person sees
// them, by the rules of ../shared/tools/maplens (the readability lens the
// issue is judged with): labels a person can see (laid out, not hidden,
// opacity at least 0.3), their size on screen (a line box is about 1.2 times
// the font), overlapping pairs, and labels inside the window.
const measureMapsJS = `(() => {
  const svgs = [...document.querySelectorAll('svg')].filter(s => s.querySelector('g.node'))
    .map(s => ({s, r: s.getBoundingClientRect()}))
    .sort((a, b) => b.r.width * b.r.height - a.r.width * a.r.height);
  return svgs.slice(0, 2).map(({s}) => {
    const seen = t => {
      for (let e = t; e && e !== s.parentElement; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.display === 'none' || cs.visibility === 'hidden' || +cs.opacity < 0.3) return false;
      }
      return true;
    };
    const nodes = [...s.querySelectorAll('g.node')];
    const visible = nodes.filter(g => [...g.querySelectorAll('text')].some(seen));
    const boxes = visible.flatMap(g => [...g.querySelectorAll('text')].filter(seen))
      .map(t => t.getBoundingClientRect()).filter(b => b.width > 0 && b.height > 0);
    const px = boxes.map(b => b.height / 1.2);
    let overlaps = 0;
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 &&
          Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2) overlaps++;
    }
    // A node without a visible label must not be drawn as an empty box.
    const empty = nodes.filter(g => !visible.includes(g)).filter(g => {
      const sh = g.querySelector('polygon, ellipse, path');
      if (!sh || !seen(sh)) return false;
      const r = sh.getBoundingClientRect();
      return r.width > 16 && r.height > 16 || r.width > 24;
    }).length;
    return {id: s.id || (s.closest('[id]') || {}).id || '', nodes: nodes.length, labelled: visible.length, empty,
      small: px.filter(x => x < 11).length, lines: px.length, overlaps,
      inView: boxes.filter(b => b.top >= 0 && b.left >= 0 && b.bottom <= innerHeight && b.right <= innerWidth).length};
  });
})()`

type mapMeasure struct {
	ID       string `json:"id"`
	Nodes    int    `json:"nodes"`
	Labelled int    `json:"labelled"`
	Small    int    `json:"small"`
	Lines    int    `json:"lines"`
	Overlaps int    `json:"overlaps"`
	InView   int    `json:"inView"`
	Empty    int    `json:"empty"`
}

// problems lists how m breaks the readability rules: at least 90% of the
// visible labels 11 px or more, no two overlapping, min(nodes, 12) nodes
// labelled, no node drawn as an empty box (a node without its label is a
// small mark), and on a map page that many labels inside the window.
func (m mapMeasure) problems(mapPage bool) []string {
	var out []string
	want := min(m.Nodes, 12)
	if m.Lines > 0 && float64(m.Small) > 0.1*float64(m.Lines) {
		out = append(out, fmt.Sprintf("%d of %d label lines under 11 px", m.Small, m.Lines))
	}
	if m.Overlaps > 0 {
		out = append(out, fmt.Sprintf("%d overlapping label pairs", m.Overlaps))
	}
	if m.Labelled < want {
		out = append(out, fmt.Sprintf("%d of %d nodes labelled, want %d", m.Labelled, m.Nodes, want))
	}
	if m.Empty > 0 {
		out = append(out, fmt.Sprintf("%d nodes drawn as boxes without their label", m.Empty))
	}
	if mapPage && m.InView < want {
		out = append(out, fmt.Sprintf("%d labels in the window, want %d", m.InView, want))
	}
	return out
}

// TestBrowserReadableMaps holds the readable-maps rules on the bundled
// notes, on a page of each kind, at laptop and phone size, at first sight,
// zoomed out and zoomed in, with the pointer resting on the map.
func TestBrowserReadableMaps(t *testing.T) {
	bin := chromiumOrSkip(t)
	// The engine serve picks: Graphviz's dot when installed (as in CI),
	// else WASM.
	ts := bundledServer(t, render.EngineAuto)
	b := newBrowser(t, bin)

	pages := []string{
		"/",
		"/c/raft",
		"/p/consul",
		"/a/etcd/raft",
		"/map?view=ego&focus=m/github.com/hashicorp/raft&depth=1",
		"/m/github.com/hashicorp/raft",
		"/map?view=ego&focus=c/service-discovery&depth=2",
		"/map?view=path&from=p/go-micro&to=c/service-discovery",
		"/map?view=project&focus=p/traefik",
		"/zh/",
		"/zh/a/grpc/balancer",
		"/zh/map?view=concept&focus=c/service-discovery",
	}
	sizes := []struct {
		name string
		w, h int64
	}{{"laptop", 1440, 900}, {"phone", 390, 844}}
	artifacts := os.Getenv("CODEATLAS_ARTIFACTS")
	for _, size := range sizes {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
		if size.w < 600 {
			opts = append(opts, chromedp.EmulateMobile)
		}
		b.step(size.name+" size", "the viewport", chromedp.EmulateViewport(size.w, size.h, opts...))
		for _, page := range pages {
			mapPage := page == "/" || page == "/zh/" || strings.Contains(page, "/map")
			where := fmt.Sprintf("%s at %s", page, size.name)
			b.step(where+": open", "svg g.node", chromedp.Navigate(ts.URL+page), chromedp.WaitReady(chromedp.CSS("svg g.node")))
			measure := func(state string, all bool) {
				t.Helper()
				// Labels are placed in an animation frame after a zoom:
				// wait for two (a loaded machine may delay them).
				time.Sleep(150 * time.Millisecond)
				if _, err := eval[bool](b, "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))",
					chromedp.EvalAwaitPromise); err != nil {
					t.Fatalf("%s, %s: waiting for a frame: %v", where, state, err)
				}
				ms, err := eval[[]mapMeasure](b, measureMapsJS)
				if err != nil || len(ms) == 0 {
					t.Fatalf("%s, %s: no graph to measure (%v)", where, state, err)
				}
				if !all {
					ms = ms[:1]
				}
				for _, m := range ms {
					if p := m.problems(mapPage && m.ID == "map" && state == "first sight"); len(p) > 0 {
						t.Errorf("%s, %s, %s (%d nodes): %s", where, state, m.ID, m.Nodes, strings.Join(p, "; "))
					}
				}
			}
			measure("first sight", true)
			if artifacts != "" && (page == "/" || page == "/a/etcd/raft") {
				sctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
				shot, err := chromedp.Run(sctx, chromedp.CaptureScreenshot())
				cancel()
				if err == nil {
					name := strings.Trim(strings.NewReplacer("/", "-", "?", "-").Replace(page), "-")
					if name == "" {
						name = "overview"
					}
					_ = os.MkdirAll(artifacts, 0o755)
					_ = os.WriteFile(filepath.Join(artifacts, name+"-"+size.name+".png"), shot, 0o644)
				}
			}
			key := func(k string, n int) {
				for range n {
					b.step(where+": key "+k, "the key", chromedp.KeyEvent(k))
				}
			}
			// The pointer rests on the middle of the window, as a person's
			// does; whatever it hovers must not take the labels away.
			b.step(where+": pointer on the map", "the move", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, float64(size.w)/2, float64(size.h)/2))
			key("-", 3)
			measure("zoomed out", false)
			key("0", 1)
			key("+", 4)
			measure("zoomed in", false)
		}
	}
}

// TestBrowserPlaceLabels checks the label placement on its own: the
// focus first, then what the reader points at, then by priority; a label
// that would overlap one already shown stays hidden.
func TestBrowserPlaceLabels(t *testing.T) {
	bin := chromiumOrSkip(t)
	gin.SetMode(gin.TestMode)
	_, handler := newTestServer(t, fstest.MapFS{"a.md": {Data: []byte("# A\n")}}, &fakeRenderer{})
	ts := httptest.NewServer(handler)
	defer ts.Close()
	b := newBrowser(t, bin)
	b.step("open a page", "body", chromedp.Navigate(ts.URL+"/"), chromedp.WaitReady(chromedp.CSS("body")))
	box := func(x, y float64) string {
		return fmt.Sprintf("x1: %g, y1: %g, x2: %g, y2: %g", x, y, x+100, y+20)
	}
	for _, tc := range []struct {
		name  string
		cands []string
		want  []bool
	}{
		{"apart", []string{box(0, 0) + ", prio: 2", box(0, 40) + ", prio: 1"}, []bool{true, true}},
		{"overlap: lower prio wins", []string{box(0, 0) + ", prio: 2", box(50, 10) + ", prio: 1"}, []bool{false, true}},
		{"the focus beats everything", []string{box(0, 0) + ", prio: -1", box(50, 10) + ", prio: 0, forced: 0"}, []bool{true, false}},
		{"pointed at beats prio", []string{box(0, 0) + ", prio: 0", box(50, 10) + ", prio: 9, forced: 0"}, []bool{false, true}},
		{"pointed-at order", []string{box(0, 0) + ", prio: 0, forced: 1", box(50, 10) + ", prio: 9, forced: 0"}, []bool{false, true}},
		{"unwanted never shown, frees room", []string{box(0, 0) + ", prio: 0, want: false", box(50, 10) + ", prio: 1"}, []bool{false, true}},
		{"touching edges do not overlap", []string{box(0, 0) + ", prio: 0", box(100, 0) + ", prio: 1"}, []bool{true, true}},
		{"a chain: the middle loses", []string{box(0, 0) + ", prio: 0", box(60, 0) + ", prio: 2", box(120, 0) + ", prio: 1"}, []bool{true, false, true}},
		{"its place taken, a label takes a free alternative", []string{box(0, 0) + ", prio: 0", box(50, 10) + ", prio: 1, alts: [{" + box(50, 30) + "}]"}, []bool{true, true}},
		{"alternatives taken too: hidden", []string{box(0, 0) + ", prio: 0", box(0, 40) + ", prio: 1", box(50, 10) + ", prio: 2, alts: [{" + box(50, 30) + "}]"}, []bool{true, true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list := make([]string, len(tc.cands))
			for i, c := range tc.cands {
				if !strings.Contains(c, "want:") {
					c += ", want: true"
				}
				list[i] = "{" + c + "}"
			}
			got, err := eval[[]bool](b, "window.codeatlasPlaceLabels(["+strings.Join(list, ",")+"])")
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("shown %v, want %v", got, tc.want)
			}
		})
	}
}

// TestBrowserLanguages: the language switch keeps the reader on the same
// article and the same map, and the other language's page speaks it: its
// lang, its title, its map labels; and the switch there leads back.
func TestBrowserLanguages(t *testing.T) {
	bin := chromiumOrSkip(t)
	// The engine serve picks: Graphviz's dot when installed (as in CI),
	// else WASM.
	ts := bundledServer(t, render.EngineAuto)
	b := newBrowser(t, bin)
	han := `/\p{Script=Han}/u`
	for _, tc := range []struct{ page, wait, zh, check string }{
		{"/a/etcd/raft", "#title", "/zh/a/etcd/raft", han + `.test(document.querySelector("#title").textContent)`},
		{"/map?view=ego&focus=c/raft&depth=1", "#map svg g.node", "/zh/map",
			han + `.test(document.querySelector('[id="map-c/raft"] text').textContent)`},
	} {
		b.open("open "+tc.page, ts.URL+tc.page, tc.wait)
		b.follow("switch to Chinese on "+tc.page, chromedp.Click(chromedp.CSS("header.top a.lang")), tc.zh, tc.wait)
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.lang === "zh" && `+tc.check))
		if err != nil || !ok {
			t.Errorf("%s: the Chinese page does not speak Chinese (%v)", b.where(), err)
		}
		back := strings.SplitN(tc.page, "?", 2)[0]
		b.follow("back to English", chromedp.Click(chromedp.CSS("header.top a.lang")), back, tc.wait)
		if l := b.where(); !strings.HasSuffix(l, tc.page) {
			t.Errorf("back from Chinese led to %s, want %s", l, tc.page)
		}
	}
}
