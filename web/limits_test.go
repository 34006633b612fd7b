package web

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/codeatlas/codeatlas/bench/gencorpus"
	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
)

// TestLimits: overlong URLs and query values are refused before any route
// works on them, with a clear status and message.
func TestLimits(t *testing.T) {
	_, h := newTestServer(t, hostile, &fakeRenderer{})
	q := func(n int) string { return strings.Repeat("q", n) }
	tests := []struct {
		name, url string
		code      int
		msg       string
	}{
		{"OK", "/c/raft", 200, ""},
		{"Unknown", "/c/" + q(900), 404, "unknown node: c/qqq"},
		{"LongID", "/c/" + q(100<<10), 414, "the URL is too long"},
		{"LongArticle", "/a/x/" + q(2000), 414, "the URL is too long"},
		{"LongEscapedPath", "/a/x/" + strings.Repeat("%71", 1100), 414, "the URL is too long"},
		{"LongQuery", "/graph.json?x=" + q(5000), 414, "the URL is too long"},
		{"LongFocus", "/map?view=ego&focus=c/" + q(1100), 400, "parameter &#34;focus&#34; is longer than 1024 bytes"},
		{"LongExportFocus", "/map.svg?focus=" + q(1100), 400, "longer than 1024 bytes"},
		{"LongSearch", "/search?q=" + q(300), 400, "longer than 200 characters"},
		{"ManyWords", "/search?q=" + strings.Repeat("a+", 9), 400, "or 8 words"},
		{"Search", "/search?q=raft", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(t, h, tt.url)
			if w.Code != tt.code {
				t.Fatalf("status %d, want %d: %.200s", w.Code, tt.code, w.Body.String())
			}
			if body := w.Body.String(); !strings.Contains(body, tt.msg) {
				if i := strings.Index(body, `class="error"`); i >= 0 {
					body = body[i:]
				}
				t.Errorf("body lacks %q: %.300s", tt.msg, body)
			}
			if tt.code >= 400 && len(w.Body.String()) > 20000 {
				t.Errorf("error page of %d bytes", w.Body.Len())
			}
		})
	}
}

// TestSuggestions: a 404 page suggests the nodes whose titles, aliases or
// ids start with the longest prefix of the missing id, then its words.
func TestSuggestions(t *testing.T) {
	s, h := newTestServer(t, hostile, &fakeRenderer{})
	tests := []struct {
		url  string
		want []string
	}{
		{"/c/raftt", []string{`href="/c/raft"`}},
		{"/c/raft-protocol-details", []string{`href="/c/raft"`}},
		{"/a/x/evill", []string{`href="/a/x/evil"`}},
		{"/a/x/zzz-evil", []string{`href="/a/x/evil"`}},
		{"/map?view=ego&focus=c/rafts", []string{`href="/c/raft"`}},
		{"/c/一致性算法x", []string{`href="/c/raft"`}},
		{"/c/" + strings.Repeat("q", 1000), nil},
	}
	for _, tt := range tests {
		w := get(t, h, tt.url)
		if w.Code != 404 {
			t.Errorf("%s: status %d", tt.url, w.Code)
			continue
		}
		body := w.Body.String()
		if (len(tt.want) > 0) != strings.Contains(body, "Did you mean") {
			t.Errorf("%s: suggestions shown: %v, want %v", tt.url, !strings.Contains(body, "Did you mean"), len(tt.want) > 0)
		}
		for _, want := range tt.want {
			if !strings.Contains(body, want) {
				t.Errorf("%s: no suggestion %s", tt.url, want)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if hs := s.site.Load().suggestions(ctx, "c/raftt"); hs != nil {
		t.Errorf("a finished request still got suggestions: %v", hs)
	}
	if hs := s.site.Load().search(ctx, "raft", 10); hs != nil {
		t.Errorf("a finished request still got search hits: %v", hs)
	}
}

// bigSite is the site of n generated articles.
func bigSite(tb testing.TB, n int) *site {
	tb.Helper()
	c, err := extract.Load(gencorpus.Generate(n, 1), extract.Options{NodeURL: NodeURL, AssetURL: AssetURL})
	if err != nil {
		tb.Fatal(err)
	}
	g, err := graph.Build(c)
	if err != nil {
		tb.Fatal(err)
	}
	return newSite(c, g)
}

// BenchmarkSuggestions looks up 404 suggestions on 10,000 articles: an
// unknown id of 2 KB (36 s for 100 KB before the index), a typo, and
// a miss with no suggestion at all (every prefix tried).
func BenchmarkSuggestions(b *testing.B) {
	st := bigSite(b, 10000)
	ctx := context.Background()
	for _, id := range []string{"c/" + strings.Repeat("q", 2048), "c/raftt", "a/proj001/artcle-7", "c/" + strings.Repeat("zy", 24)} {
		b.Run(id[:min(len(id), 20)], func(b *testing.B) {
			for b.Loop() {
				st.suggestions(ctx, id)
			}
		})
	}
}

// BenchmarkNotFound answers 404 pages and overlong URLs through the
// handler, on the small hostile notes.
func BenchmarkNotFound(b *testing.B) {
	s, err := New(Config{Load: loadFS(hostile), Renderer: &fakeRenderer{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	for name, u := range map[string]string{"100KB": "/c/" + strings.Repeat("q", 100<<10), "1KB": "/c/" + strings.Repeat("q", 1000), "typo": "/c/raftt"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", u, nil))
			}
		})
	}
}

// TestReadingOrder: a project page lists its articles in the order of the
// table of contents, and the ranks found walking the chain once are the
// steps from its start, as a walk back from each node counts them.
func TestReadingOrder(t *testing.T) {
	notes := fstest.MapFS{
		"SUMMARY.md": {Data: []byte("- [P](p/index.md)\n  - [Zed](p/z.md)\n  - [Mid](p/m.md)\n    - [Sub](p/m/s.md)\n  - [Aye](p/a.md)\n")},
		"p/index.md": {Data: []byte("# P\n")}, "p/z.md": {Data: []byte("# Zed\n")}, "p/m.md": {Data: []byte("# Mid\n")},
		"p/m/s.md": {Data: []byte("# Sub\n")}, "p/a.md": {Data: []byte("# Aye\n")},
	}
	_, h := newTestServer(t, notes, &fakeRenderer{})
	body := get(t, h, "/p/p").Body.String()
	z, m, a := strings.Index(body, `href="/a/p/z"`), strings.Index(body, `href="/a/p/m"`), strings.Index(body, `href="/a/p/a"`)
	if z < 0 || !(z < m && m < a) {
		t.Errorf("project page order: z %d, m %d, a %d", z, m, a)
	}
	st := bigSite(t, 300)
	ranks := tocRanks{g: st.graph, rank: map[string]int{}}
	for _, n := range st.graph.Nodes() {
		want, cur := 0, n.ID
		for {
			prev := ""
			for _, e := range st.graph.In(cur) {
				if e.Has(extract.Next) {
					prev = e.From
				}
			}
			if prev == "" {
				break
			}
			want++
			cur = prev
		}
		if got := ranks.of(n.ID); got != want {
			t.Fatalf("rank of %s: %d, want %d", n.ID, got, want)
		}
	}
}
