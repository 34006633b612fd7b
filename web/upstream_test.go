package web

import (
	"strings"
	"testing"
	"testing/fstest"
)

// upstreamNotes is an article with a lock and a drift report beside it.
var upstreamNotes = fstest.MapFS{
	"acme/tour.md": {Data: []byte("---\ntitle: Tour\nsummary: The widget.\nproject: acme\nupstream:\n  repo: acme/widget\n  ref: v1\n" +
		"  commit: 1111111111111111111111111111111111111111\n  paths: [widget.go, legacy/agent.go]\n" +
		"  symbols: [widget.Widget.Spin, widget.Open, legacy.Agent, \"Container::bind\"]\n---\n" +
		"`Open()` returns a widget that `Widget.Spin` turns; `legacy.Agent` is gone; `Spin` alone and `bind` alone stay plain, " +
		"`Container::bind` does not, nor does `widget.go`. A [link with `widget.Open`](https://example.com) keeps its own target.\n\n" +
		"```go\nwidget.Open()\n```\n")},
	"upstream.lock": {Data: []byte("article\tacme/tour.md\tacme/widget\t1111111111111111111111111111111111111111\n" +
		"path\tlegacy/agent.go\tfile\npath\twidget.go\tfile\n" +
		"symbol\tContainer::bind\tlib/Container.php\t5\t8\nsymbol\tlegacy.Agent\tlegacy/agent.go\t3\t5\n" +
		"symbol\twidget.Open\twidget.go\t9\t11\nsymbol\twidget.Widget.Spin\twidget.go\t6\t7\n")},
	"upstream.drift": {Data: []byte("compare\tacme/widget\t1111111111111111111111111111111111111111\t3333333333333333333333333333333333333333\t2\n" +
		"finding\tacme/tour.md\tpath-deleted\tlegacy/agent.go\t-\t-\t1111111111111111111111111111111111111111\t2222222222222222222222222222222222222222\t2026-02-01\n" +
		"finding\tacme/tour.md\tsymbol-gone\tlegacy/agent.go\tlegacy.Agent\t-\t1111111111111111111111111111111111111111\t2222222222222222222222222222222222222222\t2026-02-01\n" +
		"finding\tacme/tour.md\tsymbol-moved\twidget.go\twidget.Open\topen.go\t1111111111111111111111111111111111111111\t2222222222222222222222222222222222222222\t2026-02-01\n")},
}

// TestUpstreamLinks: on the article page, code spans naming a cited
// symbol or path link to its lines at the pinned commit, the upstream list
// shows the symbols at their lines, and the drift banner names the commit
// that removed the code.
func TestUpstreamLinks(t *testing.T) {
	_, h := newTestServer(t, upstreamNotes, &fakeRenderer{})
	w := get(t, h, "/a/acme/tour")
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	body := w.Body.String()
	const blob = "https://github.com/acme/widget/blob/1111111111111111111111111111111111111111/"
	for _, want := range []string{
		`<a href="` + blob + `widget.go#L9-L11" title="widget.go, lines 9-11 at 111111111111" class="upstream-ref"><code>Open()</code></a>`,
		`<a href="` + blob + `widget.go#L6-L7" title="widget.go, lines 6-7 at 111111111111" class="upstream-ref"><code>Widget.Spin</code></a>`,
		`<a href="` + blob + `legacy/agent.go#L3-L5" title="legacy/agent.go, lines 3-5 at 111111111111" class="upstream-ref"><code>legacy.Agent</code></a>`,
		`<a href="` + blob + `lib/Container.php#L5-L8" title="lib/Container.php, lines 5-8 at 111111111111" class="upstream-ref"><code>Container::bind</code></a>`,
		`<a href="` + blob + `widget.go" title="widget.go at 111111111111" class="upstream-ref"><code>widget.go</code></a>`,
		// The upstream list: paths, then symbols at their lines.
		`<a href="` + blob + `widget.go"><code>widget.go</code></a>`,
		`<a class="upstream-ref" href="` + blob + `widget.go#L6-L7"><code>widget.Widget.Spin</code></a> <span class="lines">L6-L7</span>`,
		// The banner: what was removed, by which commit; what moved.
		`removed by <a href="https://github.com/acme/widget/commit/2222222222222222222222222222222222222222"><code>222222222222</code></a> (2026-02-01): <code>legacy/agent.go</code> (with 1 cited symbol)`,
		`moved: <code>widget.Open</code> → <code>open.go</code>`,
		`2 commits later`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, plain := range []string{"<code>Spin</code>", "<code>bind</code>", `<a href="https://example.com">link with <code>widget.Open</code></a>`} {
		if !strings.Contains(body, plain) {
			t.Errorf("page lacks the plain %s", plain)
		}
	}
	if n := strings.Count(body, `class="upstream-ref"><code>`); n != 5 {
		t.Errorf("%d code spans linked in the body, want 5", n)
	}
}
