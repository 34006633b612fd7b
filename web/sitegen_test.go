package web

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gin-gonic/gin"
)

// FuzzRewriteLinks: the scanner rewrites exactly what the pattern it
// replaced (linkAttrRE) rewrites, and queues the same pages.
func FuzzRewriteLinks(f *testing.F) {
	for _, s := range []string{
		`<a href="/c/raft">raft</a>`,
		`<a class="x" href="/map?view=ego&amp;focus=c/raft#n">m</a><img src="/asset/x/p.png">`,
		`<svg><a xlink:href="/a/etcd/raft" xlink:title="t"><text>x="/c/y"</text></a></svg>`,
		`<body data-search-index="/search-index.json"	href="/p/x"` + "\n" + `src="//evil/x" href="https://x/y" href="#top">`,
		`<div data-view="{&#34;url&#34;:&#34;/c/raft&#34;}" href="/c/unterminated`,
		`:href="/c/a" ahref="/c/b" href=/c/c href="/static/app.js?v=1"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, page string) {
		var byRE, byScan []string
		g1 := &siteGen{base: "/docs/", enqueue: func(u string) { byRE = append(byRE, u) }}
		g2 := &siteGen{base: "/docs/", enqueue: func(u string) { byScan = append(byScan, u) }}
		want := string(g1.rewrite(linkAttrRE, []byte(page), true))
		got := string(g2.rewriteLinks([]byte(page)))
		if got != want {
			t.Fatalf("page %q:\nscanner %q\npattern %q", page, got, want)
		}
		if len(byRE) != len(byScan) {
			t.Fatalf("page %q: queued %q, pattern %q", page, byScan, byRE)
		}
		for i := range byRE {
			if byRE[i] != byScan[i] {
				t.Fatalf("page %q: queued %q, pattern %q", page, byScan, byRE)
			}
		}
	})
}

// TestWriteSiteAgain: a second run into the same folder after one note
// changed rewrites that note's page, leaves every other file as it was
// (bytes and time), removes the files of a note that is gone, and keeps
// the folder's other files out of the way only when it is a site.
func TestWriteSiteAgain(t *testing.T) {
	gin.SetMode(gin.TestMode)
	notes := fstest.MapFS{
		"x/SUMMARY.md": {Data: []byte("# X\n\n- [One](one.md)\n- [Two](two.md)\n- [Three](three.md)\n")},
		"x/one.md":     {Data: []byte("# One\n\nAbout raft and [two](two.md).\n")},
		"x/two.md":     {Data: []byte("# Two\n\nAbout raft too.\n")},
		"x/three.md":   {Data: []byte("# Three\n\nAbout gossip.\n")},
	}
	s, err := New(Config{Load: loadFS(notes), Renderer: &fakeRenderer{}, StaticSite: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var calls int
	first, err := s.WriteSiteWith(context.Background(), SiteOptions{Dir: dir, Base: "/", Workers: 3, Progress: func(done, known int) {
		calls++
		if done > known {
			t.Errorf("progress %d of %d", done, known)
		}
	}})
	if err != nil || len(first.Failed) > 0 {
		t.Fatal(first, err)
	}
	if calls == 0 {
		t.Error("no progress reported")
	}
	before := snapshot(t, dir)
	// Let a rewritten file's time differ from the first run's.
	old := time.Now().Add(-time.Hour)
	for f := range before {
		_ = os.Chtimes(filepath.Join(dir, f), old, old)
	}
	notes["x/two.md"] = &fstest.MapFile{Data: []byte("# Two\n\nAbout raft too, and more of it.\n")}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	second, err := s.WriteSiteWith(context.Background(), SiteOptions{Dir: dir, Base: "/", Workers: 3})
	if err != nil || len(second.Failed) > 0 {
		t.Fatal(second, err)
	}
	after := snapshot(t, dir)
	edited := "a/x/two/index.html"
	if before[edited] == after[edited] || !strings.Contains(after[edited], "and more of it") {
		t.Errorf("%s was not rewritten", edited)
	}
	changed := 0
	for f, b := range before {
		if f == edited || f == "search-index.json" || f == "graph.json" || f == SiteMarker {
			continue // these say what the note says
		}
		if after[f] != b {
			t.Errorf("%s changed", f)
		}
		if fi, err := os.Stat(filepath.Join(dir, f)); err == nil && !fi.ModTime().Equal(old) {
			changed++
		}
	}
	if changed > 0 {
		t.Errorf("%d unchanged files were written again", changed)
	}
	if second.Unchanged < len(before)-4 {
		t.Errorf("second run: %+v, of %d files", second, len(before))
	}

	// A note removed: its page goes too.
	delete(notes, "x/three.md")
	notes["x/SUMMARY.md"] = &fstest.MapFile{Data: []byte("# X\n\n- [One](one.md)\n- [Two](two.md)\n")}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	third, err := s.WriteSiteWith(context.Background(), SiteOptions{Dir: dir, Base: "/", Workers: 3})
	if err != nil || len(third.Failed) > 0 {
		t.Fatal(third, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a/x/three/index.html")); err == nil || third.Removed == 0 {
		t.Errorf("the page of a removed note is still there: %+v", third)
	}
	if _, err := os.Stat(filepath.Join(dir, "a/x/three")); err == nil {
		t.Error("its empty folder is still there")
	}
}

// snapshot reads every file under dir, by slash-separated path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
