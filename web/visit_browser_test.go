package web

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/codeatlas/codeatlas/graph/render"
)

// darkMode asks the page for prefers-color-scheme: dark (or light).
func darkMode(on bool) chromedp.Action[chromedp.Void] {
	v := "light"
	if on {
		v = "dark"
	}
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}},
		})
		return err
	})
}

// contrastJS measures the WCAG contrast of every highlighted code token
// against the first opaque background behind it, from the computed
// colours, and returns the lowest ratio and the token that has it.
const contrastJS = `(() => {
  const rgb = s => { const m = s.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const bg = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  let worst = {ratio: 99, text: "", n: 0};
  for (const el of document.querySelectorAll("pre code span, pre code")) {
    const text = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join("").trim();
    if (!text) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    worst.n++;
    if (ratio < worst.ratio) worst = {ratio: ratio, text: text.slice(0, 40), n: worst.n};
  }
  return worst;
})()`

type contrast struct {
	Ratio float64 `json:"ratio"`
	Text  string  `json:"text"`
	N     int     `json:"n"`
}

// TestBrowserDarkAndPhone: in dark mode highlighted code keeps a contrast
// of 4.5:1 (WCAG AA) with its background and an article's diagram is not
// a bright strip; on a 390×844 phone no page of each kind scrolls
// sideways.
func TestBrowserDarkAndPhone(t *testing.T) {
	bin := chromiumOrSkip(t)
	ts := bundledServer(t, render.EngineWASM)
	b := newBrowser(t, bin)

	b.step("dark mode", "the media emulation", darkMode(true))
	for _, page := range []string{"/a/consul/guide", "/a/consul/command-version", "/zh/a/consul/guide"} {
		b.open("open "+page+" in dark mode", ts.URL+page, "pre code")
		c, err := eval[contrast](b, contrastJS)
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		if c.N == 0 {
			t.Errorf("%s: no code text measured", page)
		}
		if c.Ratio < 4.5 {
			t.Errorf("%s, dark mode: code %q has contrast %.2f:1, want >= 4.5:1", page, c.Text, c.Ratio)
		}
	}
	// The diagram's drawn background is turned dark, not left a light strip.
	b.open("open a diagram in dark mode", ts.URL+"/a/consul/agent-client", "figure.dot svg")
	bright, err := eval[bool](b, `(() => { const f = getComputedStyle(document.querySelector("figure.dot svg")).filter; return !f || f === "none"; })()`)
	if err != nil || bright {
		t.Errorf("dark mode: the diagram is drawn light on the dark page (%v)", err)
	}
	b.step("light mode", "the media emulation", darkMode(false))

	b.step("phone size", "the viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(1), chromedp.EmulateMobile))
	for _, page := range []string{"/a/etcd/raft", "/a/traefik/provider", "/a/consul/guide", "/c/raft", "/p/traefik", "/map?view=ego&focus=c/raft&depth=1", "/zh/a/grpc/balancer"} {
		b.open("open "+page+" on a phone", ts.URL+page, "main")
		w, err := eval[int](b, `document.documentElement.scrollWidth`)
		if err != nil {
			t.Fatal(err)
		}
		if w > 390 {
			wide, _ := eval[string](b, `(() => { let w = ""; for (const e of document.querySelectorAll("main *")) { const r = e.getBoundingClientRect(); if (r.right > 391 && getComputedStyle(e).position !== "fixed") { w = e.tagName + "." + e.className + " " + (e.textContent || "").slice(0, 40); } } return w; })()`)
			t.Errorf("%s at 390×844: the page is %d px wide, scrolls sideways (%s)", page, w, wide)
		}
	}
}
