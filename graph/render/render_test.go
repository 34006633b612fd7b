package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMain doubles as the worker process the pools under test start.
func TestMain(m *testing.M) {
	ServeIfWorker()
	os.Exit(m.Run())
}

func testPool(t *testing.T, cfg Config) *Pool {
	t.Helper()
	cfg.Command = SelfCommand
	p := NewPool(cfg)
	t.Cleanup(func() { p.Close() })
	return p
}

const small = `digraph G { a [URL="/a/x", tooltip="t"]; b [URL="javascript:alert(1)"]; a -> b }`

func TestRenderSVG(t *testing.T) {
	p := testPool(t, Config{Workers: 1})
	svg, err := p.Render(context.Background(), []byte(small), "dot", "svg")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(svg, []byte("<svg")) {
		t.Errorf("XML prolog kept: %.80s", svg)
	}
	if !bytes.Contains(svg, []byte(`xlink:href="/a/x"`)) {
		t.Errorf("safe link dropped")
	}
	if bytes.Contains(svg, []byte("javascript:")) {
		t.Errorf("javascript: URL kept")
	}
	if _, err := p.Render(context.Background(), []byte(small), "dot", "svg"); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.CacheHits != 1 || s.Started != 1 {
		t.Errorf("want one worker and one cache hit, got %+v", s)
	}
}

func TestRenderErrors(t *testing.T) {
	p := testPool(t, Config{Workers: 1})
	tests := []struct {
		name, dot, layout, format string
		want                      error
	}{
		{"ErrBadDOT/syntax", "digraph { a -> }", "dot", "svg", ErrBadDOT},
		{"ErrBadDOT/empty", "   ", "dot", "svg", ErrBadDOT},
		{"ErrBadDOT/nograph", "/* nothing */", "dot", "svg", ErrBadDOT},
		{"ErrUnsupported/layout", small, "circo", "svg", ErrUnsupported},
		{"ErrUnsupported/format", small, "dot", "pdf", ErrUnsupported},
		{"ErrTooLarge", strings.Repeat("x", MaxDOTBytes+1), "dot", "svg", ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Render(context.Background(), []byte(tt.dot), tt.layout, tt.format)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	// After all that, the worker still renders.
	if _, err := p.Render(context.Background(), []byte("digraph { x -> y }"), "dot", "svg"); err != nil {
		t.Fatalf("worker broken by bad input: %v", err)
	}
}

// slowDOT is a random graph with edge labels, which takes dot seconds.
func slowDOT(n int) []byte {
	r := rand.New(rand.NewSource(7))
	var b strings.Builder
	b.WriteString("digraph { ")
	for i := 0; i < n*3/2; i++ {
		fmt.Fprintf(&b, "n%d -> n%d [label=\"edge %d\"]; ", r.Intn(n), r.Intn(n), i)
	}
	b.WriteString("}")
	return []byte(b.String())
}

func TestDeadlineKillsWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("lays out a slow graph")
	}
	p := testPool(t, Config{Workers: 1, Timeout: 2 * time.Second})
	_, err := p.Render(context.Background(), slowDOT(400), "dot", "svg")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	// The overrun is tried once more in a fresh worker, which overruns too.
	if s := p.Stats(); s.Killed != 2 || s.Failed != 2 {
		t.Errorf("want both workers killed, got %+v", s)
	}
	// A new worker takes over.
	if _, err := p.Render(context.Background(), []byte("digraph { x -> y }"), "dot", "svg"); err != nil {
		t.Fatalf("no recovery after a kill: %v", err)
	}
}

func TestWorkerRecycled(t *testing.T) {
	p := testPool(t, Config{Workers: 1, MaxRenders: 2})
	for i := 0; i < 5; i++ {
		dot := fmt.Sprintf("digraph { a%d -> b }", i)
		if _, err := p.Render(context.Background(), []byte(dot), "dot", "svg"); err != nil {
			t.Fatal(err)
		}
	}
	s := p.Stats()
	if s.Recycled != 2 || s.Started != 3 || s.Renders != 5 {
		t.Errorf("want 3 workers for 5 renders at 2 each, got %+v", s)
	}
}

// TestWorkerRecycledByMemory: a worker whose resident memory passes MaxRSS
// is replaced after its render (1 byte: every worker passes it).
func TestWorkerRecycledByMemory(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc: resident memory is read on Linux only")
	}
	p := testPool(t, Config{Workers: 1, MaxRSS: 1})
	for i := 0; i < 3; i++ {
		if _, err := p.Render(context.Background(), []byte(fmt.Sprintf("digraph { m%d -> n }", i)), "dot", "svg"); err != nil {
			t.Fatal(err)
		}
	}
	if s := p.Stats(); s.Recycled != 3 || s.Started != 3 {
		t.Errorf("want every worker recycled by memory, got %+v", s)
	}
}

func TestConcurrentRenders(t *testing.T) {
	p := testPool(t, Config{Workers: 2})
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func(i int) {
			dot := fmt.Sprintf("digraph { c%d -> d; d -> e%d }", i, i)
			svg, err := p.Render(context.Background(), []byte(dot), "sfdp", "svg")
			if err == nil && !bytes.Contains(svg, []byte(fmt.Sprintf("c%d", i))) {
				err = fmt.Errorf("render %d returned another graph", i)
			}
			errs <- err
		}(i)
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestPNG(t *testing.T) {
	if _, err := exec.LookPath("dot"); err != nil {
		t.Skip("no system Graphviz (apt-get install graphviz)")
	}
	p := testPool(t, Config{})
	png, err := p.Render(context.Background(), []byte(small), "dot", "png")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 500 {
		t.Fatalf("not a PNG: %d bytes", len(png))
	}
	none := NewPool(Config{DotPath: "", Command: func() *exec.Cmd { return nil }})
	none.png = ""
	if _, err := none.Render(context.Background(), []byte(small), "dot", "png"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("without dot, PNG must be unsupported, got %v", err)
	}
}

func TestCleanSVG(t *testing.T) {
	in := `<?xml version="1.0"?><!DOCTYPE svg><svg><a xlink:href="javascript&#58;alert(1)"><a xlink:href="/ok"><a href="data:text/html,x"><a xlink:href="https://x.org/">`
	got := string(CleanSVG([]byte(in)))
	want := `<svg><a><a xlink:href="/ok"><a><a xlink:href="https://x.org/">`
	if got != want {
		t.Errorf("CleanSVG:\n got %s\nwant %s", got, want)
	}
	tests := []struct{ in, want string }{
		{ // links in every form a browser reads; kept ones in one form
			`<svg><a href='javascript:alert(1)'/><a HREF = "javascript:alert(2)"/><a x:href="&#106;avascript:alert(3)"/>` +
				`<a href="/&#92;evil.example"/><a href="/&#9;/evil.example"/><a href=javascript:alert(4)>` +
				`<a xlink:href = '/c/raft?x=1&amp;y=2'/><a HREF="HTTPS://x.org/"/></svg>`,
			`<svg><a/><a/><a/><a/><a/><a>` +
				`<a xlink:href="/c/raft?x=1&amp;y=2"/><a HREF="HTTPS://x.org/"/></svg>`,
		},
		{ // nothing hides a tag: comments go, a stray < and a < in a value are escaped
			`<svg><!-- node &#45;&gt; --><!--> <a href="javascript:1"> --><_x y="<a href='javascript:2'>"/><a title="<b href='javascript:3'>">t</a></svg>`,
			`<svg>&lt;_x y="<a>"/><a title="&lt;b href='javascript:3'>">t</a></svg>`,
		},
		{ // the commonest font is stated once, on the graph's group
			`<svg><g id="g"><text font-family="A" x="1">a</text><text font-family="B">b</text><text font-family="A">a &quot; font-family=&quot;A&quot;</text></g></svg>`,
			`<svg><g font-family="A" id="g"><text x="1">a</text><text font-family="B">b</text><text>a &quot; font-family=&quot;A&quot;</text></g></svg>`,
		},
		{ // and the commonest anchor
			`<svg><g id="g"><text text-anchor="middle">a</text><text text-anchor="start">b</text><text text-anchor="middle">c</text></g></svg>`,
			`<svg><g text-anchor="middle" id="g"><text>a</text><text text-anchor="start">b</text><text>c</text></g></svg>`,
		},
		{ // one label: nothing to gain
			`<svg><g><text font-family="A">a</text></g></svg>`,
			`<svg><g><text font-family="A">a</text></g></svg>`,
		},
		{ // link wrappers lose their ids, hyphens are themselves, coordinates go to tenths; labels keep their digits
			`<svg><g id="a_map&#45;c/raft"><a xlink:href="/c/raft" xlink:title="a &#45; b"><path d="M1729.06,-1131.56C1741.7,-1098" stroke-width="1.25"/>` +
				`<polygon points="1785.31,-990.38 1785.5,-982"/><text x="1722.19" y="-1152.82" font-size="11.00">v1.25</text></a>` + "\n</g></svg>",
			`<svg><g><a xlink:href="/c/raft" xlink:title="a - b"><path d="M1729.0,-1131.5C1741.7,-1098" stroke-width="1.25"/>` +
				`<polygon points="1785.3,-990.3 1785.5,-982"/><text x="1722.1" y="-1152.8" font-size="11.00">v1.25</text></a>` + "\n</g></svg>",
		},
		{ // a label outside every group keeps its font
			`<svg><text font-family="A">a</text><g><text font-family="A">a</text></g></svg>`,
			`<svg><text font-family="A">a</text><g><text font-family="A">a</text></g></svg>`,
		},
	}
	for _, tt := range tests {
		if got := string(CleanSVG([]byte(tt.in))); got != tt.want {
			t.Errorf("CleanSVG(%s):\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// FuzzCleanSVG: whatever the input, no link an XML parser finds in the
// output (href in any namespace and any case, however quoted or
// entity-encoded) goes anywhere but a site path, a fragment or an http(s)
// URL; every such link of a well-formed input is kept; and hoisting the
// font changes nothing but font-family attributes. The links are read with
// encoding/xml and judged by linkIsSafe below, not by CleanSVG's own code.
func FuzzCleanSVG(f *testing.F) {
	for _, s := range []string{
		`<svg><g id="g"><a xlink:href="javascript:x"><text font-family="A">a</text></a><text font-family="A">b</text></g></svg>`,
		`<?xml?><svg><a href=" JAVASCRIPT&#58;x">`,
		`<svg><a href='javascript:alert(1)'/></svg>`,
		`<svg><a HREF = "javascript:alert(1)"/></svg>`,
		`<svg xmlns:x="http://www.w3.org/1999/xlink"><a x:href="javascript:alert(1)"/></svg>`,
		`<svg><a xlink:href="&#106;avascript:alert(1)"/><a href="&#x6A;avascript&colon;alert(1)"/></svg>`,
		`<svg><a href="java&#9;script:alert(1)"/><a href="/&#92;evil.example"/><a href="/&#9;/evil.example"/></svg>`,
		`<svg><a href="/a?b=1&amp;c=2"/><a xlink:href="https://x.org/"/><a href="#top"/></svg>`,
		`<svg><a title="x>" href="javascript:y"/><!-- <a href="javascript:z"> --></svg>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := CleanSVG([]byte(in))
		for _, l := range xmlLinks(out, false) {
			if !linkIsSafe(l) {
				t.Fatalf("unsafe link %q kept in %q", l, out)
			}
		}
		if body := in[max(0, strings.Index(in, "<svg")):]; wellFormed(body) {
			var want []string
			for _, l := range xmlLinks([]byte(body), true) {
				if linkIsSafe(l) {
					want = append(want, l)
				}
			}
			if got := xmlLinks(out, true); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("safe links changed: got %q, want %q\nin  %q\nout %q", got, want, in, out)
			}
		}
		linked := compactSVG(safeLinks([]byte(in[max(0, strings.Index(in, "<svg")):])))
		strip := func(b []byte) string { return anchorRE.ReplaceAllString(fontRE.ReplaceAllString(string(b), ""), "") }
		if a, b := strip(out), strip(linked); a != b {
			t.Fatalf("hoisting the font changed more than fonts and anchors:\n%q\n%q", b, a)
		}
	})
}

// xmlLinks reads the values of every href attribute, in any namespace and
// any case, with encoding/xml: strictly, or as forgivingly as it can (as a
// browser reads SVG inlined in HTML), until the input stops making sense.
func xmlLinks(b []byte, strict bool) []string {
	d := xml.NewDecoder(bytes.NewReader(b))
	if !strict {
		d.Strict = false
		d.AutoClose = xml.HTMLAutoClose
		d.Entity = xml.HTMLEntity
	}
	var out []string
	for {
		tok, err := d.RawToken()
		if err != nil {
			return out
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if strings.EqualFold(a.Name.Local, "href") || strings.EqualFold(a.Name.Local, "xlink:href") {
					out = append(out, a.Value)
				}
			}
		}
	}
}

func wellFormed(s string) bool {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.RawToken()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// linkIsSafe says where a browser would take a link, as the WHATWG URL
// parser reads it (tabs and newlines removed, leading and trailing spaces
// and control characters trimmed, a backslash standing for a slash): only
// to a path of this site, a fragment, or an http(s) URL.
func linkIsSafe(u string) bool {
	u = strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, u)
	u = strings.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	low := strings.ToLower(u)
	switch {
	case strings.HasPrefix(u, "//"):
		return false
	case strings.HasPrefix(u, "/"), strings.HasPrefix(u, "#"):
		return true
	case strings.HasPrefix(low, "http://"), strings.HasPrefix(low, "https://"):
		return true
	}
	return false
}

// fontRE finds font-family attributes the way hoistFont's scan does, as an
// independent check of it.
var fontRE = regexp.MustCompile(` font-family="[^"]*"`)

// anchorRE finds text-anchor attributes the same way.
var anchorRE = regexp.MustCompile(` text-anchor="[^"]*"`)
