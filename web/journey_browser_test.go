package web

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/codeatlas/codeatlas/graph/render"
)

// visitMode is a window a new reader meets the explorer in.
type visitMode struct {
	name   string
	w, h   int64
	phone  bool // a touch screen, 390x844
	dark   bool // prefers-color-scheme: dark
	shots  bool // save the home page and a path answer
	artDir string
}

// TestBrowserFirstVisit walks the everyday tasks of issue 20 as a new
// reader does them, with the clicks a person makes, at 1440x900, on a
// 390x844 touch phone and in dark mode: find which systems use Raft and
// open etcd's article; follow a request through Traefik; find how go-micro
// reaches service discovery with the path finder; search 服务发现; download
// a map; on the phone, a map in the first screen with nodes a finger can
// pick, a first tap that shows and a second that opens; in dark mode,
// readable code. Each step asserts what the reader would look for: the page
// reached and the result in the window. Screenshots of the home page, a
// path answer and an article on a phone go to $CODEATLAS_ARTIFACTS.
func TestBrowserFirstVisit(t *testing.T) {
	bin := chromiumOrSkip(t)
	ts := bundledServer(t, render.EngineWASM)
	artifacts := os.Getenv("CODEATLAS_ARTIFACTS")
	if artifacts == "" {
		artifacts = filepath.Join(os.TempDir(), "codeatlas-artifacts")
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, m := range []visitMode{
		{name: "desktop", w: 1440, h: 900, shots: true},
		{name: "phone", w: 390, h: 844, phone: true, shots: true},
		{name: "dark", w: 1440, h: 900, dark: true},
	} {
		m.artDir = artifacts
		t.Run(m.name, func(t *testing.T) {
			b := newBrowser(t, bin)
			if m.phone {
				b.step("a 390x844 touch phone", "the viewport", chromedp.EmulateViewport(m.w, m.h, chromedp.EmulateScale(1), chromedp.EmulateMobile, chromedp.EmulateTouch))
			} else {
				b.step("a 1440x900 window", "the viewport", chromedp.EmulateViewport(m.w, m.h, chromedp.EmulateScale(1)))
			}
			b.step("colour scheme", "the media emulation", darkMode(m.dark))
			v := &visit{b: b, m: m, base: ts.URL}
			v.raft()
			v.traefik()
			v.pathFinder()
			v.searchChinese()
			v.download()
			if m.phone {
				v.phone()
			}
			if m.dark {
				v.darkCode()
			}
		})
	}
}

// visit is one reader's session in one window.
type visit struct {
	b    *browser
	m    visitMode
	base string
}

// inView reports whether the first element matching sel shows, at least
// in part, in the window without scrolling the page.
func (v *visit) inView(sel string) bool {
	v.b.t.Helper()
	ok, err := eval[bool](v.b, `(() => { const e = document.querySelector(`+jsString(sel)+`); if (!e) return false;
		const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.top < innerHeight && r.bottom > 0 && r.left < innerWidth && r.right > 0; })()`)
	if err != nil {
		v.b.t.Fatalf("%s on %s: %v", sel, v.b.where(), err)
	}
	return ok
}

// mustSee fails unless sel is in the window, as a reader would see it.
func (v *visit) mustSee(what, sel string) {
	v.b.t.Helper()
	if !v.inView(sel) {
		v.b.t.Errorf("%s, %s: %s (%s) is not in the window on %s", v.m.name, what, sel, what, v.b.where())
	}
}

// fitsWidth fails when the page scrolls sideways.
func (v *visit) fitsWidth(what string) {
	v.b.t.Helper()
	w, err := eval[int](v.b, `document.documentElement.scrollWidth - innerWidth`)
	if err != nil {
		v.b.t.Fatal(err)
	}
	if w > 0 {
		v.b.t.Errorf("%s, %s: the page is %d px wider than the window", v.m.name, what, w)
	}
}

// shot saves a screenshot of the window as an artifact.
func (v *visit) shot(name string) {
	v.b.t.Helper()
	ctx, cancel := context.WithTimeout(v.b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		v.b.t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(v.m.artDir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		v.b.t.Fatal(err)
	}
	v.b.t.Logf("screenshot: %s", p)
}

// tap touches the middle of the first element matching sel.
func (v *visit) tap(name, sel string) {
	v.b.t.Helper()
	c, err := eval[[]float64](v.b, `(() => { const r = document.querySelector(`+jsString(sel)+`).getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
	if err != nil || len(c) != 2 {
		v.b.t.Fatalf("%s: where is %s: %v", name, sel, err)
	}
	v.b.step(name, "the tap", chromedp.TapXY(c[0], c[1]))
}

// click clicks like the reader's pointer: a tap on the phone.
func (v *visit) click(name, sel string) chromedp.Action[chromedp.Void] {
	if v.m.phone {
		return chromedp.Tap(chromedp.CSS(sel))
	}
	return chromedp.Click(chromedp.CSS(sel))
}

// raft: "Which systems use Raft?" from the home page, then etcd's article
// from the table of implementations.
func (v *visit) raft() {
	b := v.b
	b.open("open the home page", v.base+"/", "#map svg g.node")
	v.mustSee("what codeatlas is", ".intro .lead")
	v.mustSee("the map", "#map svg")
	top, err := eval[float64](b, `document.querySelector("#map").getBoundingClientRect().top`)
	if err != nil || top > float64(v.m.h)*0.6 {
		b.t.Errorf("%s: the home page's map starts at y=%.0f of a %d px window (%v)", v.m.name, top, v.m.h, err)
	}
	if v.m.shots {
		v.shot("visit-home-" + v.m.name + ".png")
	}
	b.follow("ask: which systems use Raft?", v.click("the question", `a.question[href="/c/raft"]`), "/c/raft", "#title")
	if got := b.text("#title"); got != "Raft consensus" {
		b.t.Errorf("the question opened %q", got)
	}
	sel := `table.impl a[href="/a/etcd/raft"]`
	b.step("find etcd in the table", sel, chromedp.ScrollIntoView(chromedp.CSS(sel)))
	v.mustSee("etcd's Raft article in the table", sel)
	if v.m.phone {
		v.headersWhole()
		v.fitsWidth("the Raft concept page")
	}
	b.follow("open etcd's article", v.click("etcd's article", sel), "/a/etcd/raft", ".doc .body")
	v.mustSee("the article's title", "#title")
	if v.m.phone {
		v.fitsWidth("etcd's Raft article")
		v.shot("visit-article-phone.png")
	}
}

// headersWhole fails when a table header breaks inside a word ("Proj/ect").
func (v *visit) headersWhole() {
	broken, err := eval[[]string](v.b, `Array.from(document.querySelectorAll("th")).flatMap(th => {
		const out = [], t = th.firstChild; if (!t || t.nodeType !== 3) return out;
		const re = /\S+/g; let m;
		while ((m = re.exec(t.textContent))) {
			const r = document.createRange(); r.setStart(t, m.index); r.setEnd(t, m.index + m[0].length);
			const lines = new Set(Array.from(r.getClientRects()).map(c => Math.round(c.top)));
			if (lines.size > 1) out.push(m[0]);
		}
		return out;
	})`)
	if err != nil || len(broken) > 0 {
		v.b.t.Errorf("%s: table headers break inside %q (%v)", v.m.name, broken, err)
	}
}

// traefik: follow a request through Traefik: search the system, open the
// article on the request path from the suggestions.
func (v *visit) traefik() {
	b := v.b
	b.open("open Traefik's page", v.base+"/p/traefik", "#title")
	b.suggest("search for Traefik's request path", "traefik request")
	// The system itself comes first; its request path is among the next.
	rank, err := eval[int](b, `Array.from(document.querySelectorAll("#suggest li .name")).findIndex(n => n.textContent === "Traefik overview: the request path — Traefik")`)
	if err != nil || rank < 0 || rank > 2 {
		b.t.Fatalf("%s: Traefik's request path is suggestion %d for \"traefik request\" (%v)", v.m.name, rank+1, err)
	}
	b.follow("pick it", chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll("#suggest li"))[`+strconv.Itoa(rank)+`].dispatchEvent(new MouseEvent("mousedown", {bubbles: true}))`),
		"/a/traefik/introduce", ".doc .body")
	v.mustSee("the request path article's title", "#title")
	// The walk through the request is the article's own, in order: its
	// next page is one click away at the end.
	b.step("read to the end", "the next link", chromedp.ScrollIntoView(chromedp.CSS(`.prevnext a[rel="next"]`)))
	v.mustSee("the next step of the walk", `.prevnext a[rel="next"]`)
}

// pathFinder: how does go-micro reach service discovery? The path finder
// from the navigation, its two ends picked from suggestions.
func (v *visit) pathFinder() {
	b := v.b
	b.open("open the home page", v.base+"/", "header.top nav")
	b.follow("open the path finder", v.click("Path finder", `header.top nav a[href^="/map?view=path"]`), "/map", "form.controls input[name=from]")
	v.mustSee("the From field", "form.controls input[name=from]")
	v.mustSee("the To field", "form.controls input[name=to]")
	pick := func(field, typed, want string) {
		in := `form.controls input[name=` + field + `]`
		li := in + ` ~ ul.suggest[data-query="` + typed + `"] li`
		b.step("type "+typed+" in "+field, li, chromedp.Click(chromedp.CSS(in)), chromedp.SendKeys(chromedp.CSS(in), typed), chromedp.WaitVisible(chromedp.CSS(li)))
		b.step("pick "+want, "the pick", chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll(`+jsString(li)+`)).find(li => li.querySelector(".name").textContent.startsWith(`+jsString(want)+`)).dispatchEvent(new MouseEvent("mousedown", {bubbles: true}))`))
	}
	pick("from", "go-micro", "go-micro")
	pick("to", "service discovery", "Service discovery")
	got, err := eval[[]string](b, `["from", "to"].map(n => document.querySelector("form.controls input[name=" + n + "]").value)`)
	if err != nil || len(got) != 2 || got[0] != "p/go-micro" || got[1] != "c/service-discovery" {
		b.t.Fatalf("%s: the path finder's ends are %q (%v)", v.m.name, got, err)
	}
	b.step("draw the path", "the click", v.click("Draw", `form.controls button[type=submit]`))
	b.waitURL("draw the path", func(u string) bool {
		return strings.Contains(u, "view=path") && strings.Contains(u, "to=c%2Fservice-discovery")
	}, "the path answer")
	b.step("the path answer", "its map", chromedp.WaitVisible(chromedp.CSS(`#map svg g.node`)))
	v.mustSee("the path's map", `#map svg [id="map-p/go-micro"]`)
	// The list of hops runs from go-micro to service discovery, and so
	// does the map, left to right.
	hops, err := eval[[]string](b, `Array.from(document.querySelectorAll(".hops ol")[0].children).map(li => Array.from(li.querySelectorAll(":scope > a")).map(a => a.textContent).join(" > "))`)
	if err != nil || len(hops) == 0 || !strings.HasPrefix(hops[0], "go-micro >") || !strings.HasSuffix(hops[len(hops)-1], "> Service discovery") {
		b.t.Errorf("%s: the hops are %q (%v)", v.m.name, hops, err)
	}
	xs, err := eval[[]float64](b, `["p/go-micro", "c/service-discovery"].map(id => { const r = document.getElementById("map-" + id).getBoundingClientRect(); return r.left + r.width / 2; })`)
	if err != nil || len(xs) != 2 || !(xs[0] < xs[1]) {
		b.t.Errorf("%s: on the map go-micro is at x=%v, service discovery after it? (%v)", v.m.name, xs, err)
	}
	if body := b.text("main"); strings.Contains(body, "outside this view") {
		b.t.Errorf("%s: the path answer counts edges outside the view", v.m.name)
	}
	evidence := `.hops ol li ul li code`
	b.step("read the evidence", evidence, chromedp.ScrollIntoView(chromedp.CSS(evidence)))
	v.mustSee("a hop's evidence", evidence)
	if v.m.shots {
		b.step("back to the top", "the scroll", chromedp.Evaluate[chromedp.Void](`scrollTo(0, 0)`))
		v.shot("visit-path-" + v.m.name + ".png")
	}
	if v.m.phone {
		v.fitsWidth("the path answer")
	}
}

// searchChinese: 服务发现 in the search box, Enter, go-micro's registry
// article among the results.
func (v *visit) searchChinese() {
	b := v.b
	b.open("open the home page", v.base+"/", "#q")
	b.suggest("type 服务发现", "服务发现")
	b.step("press Enter", "the key", chromedp.SendKeys(chromedp.CSS("#q"), kb.Enter))
	b.waitURL("press Enter", func(u string) bool { return strings.Contains(u, "/search?") }, "the results page")
	b.step("the results", "the list", chromedp.WaitVisible(chromedp.CSS(`main a[href="/a/go-micro/registry"]`)))
	q, err := eval[string](b, `document.querySelector("#q").value`)
	if err != nil || q != "服务发现" {
		b.t.Errorf("%s: the results page's search box holds %q (%v)", v.m.name, q, err)
	}
	sel := `main a[href="/a/go-micro/registry"]`
	b.step("find go-micro's registry", sel, chromedp.ScrollIntoView(chromedp.CSS(sel)))
	b.follow("open it", v.click("the result", sel), "/a/go-micro/registry", ".doc .body")
	v.mustSee("the registry article's title", "#title")
}

// download: a map saved from its page is named after what it shows and
// its nodes link back to the site.
func (v *visit) download() {
	b := v.b
	b.open("open the Raft concept page", v.base+"/c/raft", "#title")
	sel := `a[href^="/map?"][href*="view=concept"]`
	b.step("find the map link", sel, chromedp.ScrollIntoView(chromedp.CSS(sel)))
	b.follow("open the map", v.click("Open the map", sel), "/map", "#map svg g.node")
	b.step("open Download", "the links", v.click("Download", "details.downloads summary"), chromedp.WaitVisible(chromedp.CSS(`a.export[data-format="SVG"]`)))
	v.mustSee("the SVG download", `a.export[data-format="SVG"]`)
	name, err := eval[string](b, `document.querySelector('a.export[data-format="SVG"]').getAttribute("download")`)
	if err != nil || name != "codeatlas-raft.svg" {
		b.t.Errorf("%s: the SVG download is named %q (%v)", v.m.name, name, err)
	}
	got, err := eval[[]string](b, `fetch(document.querySelector('a.export[data-format="SVG"]').href).then(r => r.text().then(t => [r.headers.get("content-disposition") || "", t]))`, chromedp.EvalAwaitPromise)
	if err != nil || len(got) != 2 {
		b.t.Fatalf("%s: fetch the SVG: %v", v.m.name, err)
	}
	if !strings.Contains(got[0], `filename="codeatlas-raft.svg"`) {
		b.t.Errorf("%s: the SVG is saved as %q", v.m.name, got[0])
	}
	if !strings.HasPrefix(got[1], "<svg") || !strings.Contains(got[1], `xlink:href="`+v.base+`/c/raft"`) {
		b.t.Errorf("%s: the saved SVG's links do not lead to %s: %.200q", v.m.name, v.base, got[1])
	}
}

// phone: the map starts in the first screen, its nodes are targets a
// finger can pick, a first tap shows a node and its neighbours and a
// second opens its page.
func (v *visit) phone() {
	b := v.b
	b.open("open a map", v.base+"/map?view=ego&focus=c/raft&depth=1", "#map svg g.node")
	// The page's script gives the nodes their touch targets.
	b.step("the map is ready for fingers", "hit areas", chromedp.WaitReady(chromedp.CSS(`#map svg g.node .hit`)))
	top, err := eval[float64](b, `document.querySelector("#map").getBoundingClientRect().top`)
	if err != nil || top > float64(v.m.h)/3 {
		b.t.Errorf("phone: the map starts at y=%.0f, below a screen of controls (%v)", top, err)
	}
	// Every node in the window: its hit area (the shape and the hit
	// stroke around it) is at least 24x24 css px, and a point 11 px from
	// its middle still reaches it.
	small, err := eval[[]string](b, `(() => {
		const out = [];
		for (const g of document.querySelectorAll("#map svg g.node")) {
			const s = g.querySelector("a polygon:not(.hit), a ellipse:not(.hit), a path:not(.hit)"); if (!s) continue;
			const r = s.getBoundingClientRect(); if (r.bottom < 0 || r.top > innerHeight || r.right < 0 || r.left > innerWidth) continue;
			const hit = g.querySelector(".hit"), cs = hit && getComputedStyle(hit);
			const extra = cs && cs.vectorEffect === "non-scaling-stroke" ? parseFloat(cs.strokeWidth) : 0;
			if (r.width + extra < 24 || r.height + extra < 24) out.push(g.id + " " + Math.round(r.width) + "x" + Math.round(r.height) + "+" + extra);
		}
		return out;
	})()`)
	if err != nil || len(small) > 0 {
		b.t.Errorf("phone: nodes with a hit area under 24x24 px: %q (%v)", small, err)
	}
	reach, err := eval[string](b, `(() => {
		const g = document.querySelector('[id="map-c/consensus"]'), r = g.querySelector("a polygon, a ellipse, a path").getBoundingClientRect();
		const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
		for (const [x, y] of [[cx, cy - 11], [cx, cy + 11], [cx - 11, cy], [cx + 11, cy]]) {
			const e = document.elementFromPoint(x, y), n = e && e.closest("g.node");
			if (n !== g) return (n ? n.id : e ? e.tagName : "nothing") + " at " + Math.round(x) + "," + Math.round(y) + " (node " + Math.round(r.width) + "x" + Math.round(r.height) + ")";
		}
		return "";
	})()`)
	if err != nil || reach != "" {
		b.t.Errorf("phone: a finger 11 px from the middle of Consensus reaches %s (%v)", reach, err)
	}
	node := `[id="map-c/consensus"] a`
	v.tap("tap Consensus once", node)
	b.step("the first tap shows it", "the highlight", chromedp.WaitVisible(chromedp.CSS(`#map svg.dimmed [id="map-c/consensus"].hl`)))
	if l := b.where(); !strings.Contains(l, "/map?") {
		b.t.Errorf("phone: the first tap on a node left the map for %s", l)
	}
	v.tap("tap Consensus again", node)
	b.waitURL("tap Consensus again", func(u string) bool { return strings.HasSuffix(u, "/c/consensus") }, "the Consensus page")
	b.step("the Consensus page", "its title", chromedp.WaitVisible(chromedp.CSS("#title")))
	v.fitsWidth("the Consensus page")
}

// darkCode: in dark mode an article's code keeps a contrast of 4.5:1.
func (v *visit) darkCode() {
	b := v.b
	b.open("open an article with code", v.base+"/a/consul/guide", "pre code")
	c, err := eval[contrast](b, contrastJS)
	if err != nil || c.N == 0 || c.Ratio < 4.5 {
		b.t.Errorf("dark: code %q has contrast %.2f:1 over %d tokens, want >= 4.5:1 (%v)", c.Text, c.Ratio, c.N, err)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
