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

	"github.com/gin-gonic/gin"
	"golang.org/x/tools/txtar"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
)

// writeSite writes a static copy of the notes load reads into a new
// folder and returns it.
func writeSite(t *testing.T, load LoadFunc) (string, SiteStats) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	s, err := New(Config{Load: load, Renderer: &fakeRenderer{}, StaticSite: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := s.WriteSite(context.Background(), dir, "/", 2)
	if err != nil {
		t.Fatalf("site: %v", err)
	}
	return dir, st
}

// grepTree lists the files under dir that contain any of needles.
func grepTree(t *testing.T, dir string, needles ...string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, n := range needles {
			if strings.Contains(strings.ToLower(string(b)), n) {
				rel, _ := filepath.Rel(dir, p)
				out = append(out, rel+": "+n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSitePublishesNoScript: an SVG the notes show is published rewritten
// to draw only, as the server serves it; an HTML or XML attachment is
// published under a name hosts send as a download, and linked there.
func TestSitePublishesNoScript(t *testing.T) {
	evil := `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)"><rect width="9" height="9"/></a><image href="https://evil.example/x.png"/></svg>`
	notes := fstest.MapFS{
		"x/index.md":   {Data: []byte("# X\n\n![pic](evil.svg) [open it](evil.svg) [page](page.html) [data](data.xml) [broken](broken.svg) [text](notes.txt)\n")},
		"x/evil.svg":   {Data: []byte(evil)},
		"x/broken.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(4)`)},
		"x/page.html":  {Data: []byte("<html><script>alert(5)</script></html>")},
		"x/data.xml":   {Data: []byte(`<?xml-stylesheet href="x.xsl"?><x xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(6)</h:script></x>`)},
		"x/notes.txt":  {Data: []byte("plain")},
	}
	_, h := newTestServer(t, notes, &fakeRenderer{})
	if w := get(t, h, "/asset/x/evil.svg"); w.Code != 200 || strings.Contains(w.Body.String(), "alert") || !strings.Contains(w.Body.String(), "<rect") {
		t.Errorf("served SVG: %d %s", w.Code, w.Body.String())
	}
	if w := get(t, h, "/asset/x/broken.svg"); w.Code != 200 || w.Body.String() != brokenSVG {
		t.Errorf("served broken SVG: %d %s", w.Code, w.Body.String())
	}
	dir, st := writeSite(t, loadFS(notes))
	if len(st.Failed) > 0 {
		t.Fatalf("failed: %v", st.Failed)
	}
	for _, f := range []string{"asset/x/evil.svg", "asset/x/broken.svg", "asset/x/page.html.download", "asset/x/data.xml.download", "asset/x/notes.txt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	for _, f := range []string{"asset/x/page.html", "asset/x/data.xml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s published under its own name", f)
		}
	}
	if bad := grepTree(t, filepath.Join(dir, "asset"), "alert(1)", "alert(2)", "alert(3)", "alert(4)", "evil.example"); len(bad) > 0 {
		t.Errorf("published script or external refs: %v", bad)
	}
	page, _ := os.ReadFile(filepath.Join(dir, "p/x/index.html"))
	for _, want := range []string{`href="/asset/x/page.html.download"`, `href="/asset/x/data.xml.download"`, `src="/asset/x/evil.svg"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("project page lacks %s", want)
		}
	}
}

// TestJailServeAndSite: symlinks inside the notes to a file and a folder
// outside them are neither served under /asset/ or as pages, nor
// published by site.
func TestJailServeAndSite(t *testing.T) {
	dir := t.TempDir()
	mk := func(name, s string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mk("outside/passwd.md", "root:x:0:0\n")
	mk("outside/secret.txt", "top secret\n")
	mk("outside/dir/s.txt", "secret in a folder\n")
	mk("outside/dir/leak.md", "# Leak\n\nrooted\n")
	mk("notes/x/index.md", "# X\n\n[passwd](linked.md) [secret](link.txt) [in dir](dir/s.txt) [leak](dir/leak.md) ![pic](dir/p.svg)\n")
	for link, to := range map[string]string{"x/linked.md": "outside/passwd.md", "x/link.txt": "outside/secret.txt", "x/dir": "outside/dir"} {
		if err := os.Symlink(filepath.Join(dir, to), filepath.Join(dir, "notes", link)); err != nil {
			t.Skip("no symlinks here:", err)
		}
	}
	notes := os.DirFS(filepath.Join(dir, "notes"))
	h := mustServer(t, loadFS(notes), &fakeRenderer{}).Handler()
	for _, u := range []string{"/asset/x/link.txt", "/asset/x/dir/s.txt", "/a/x/linked", "/a/x/dir/leak", "/asset/x/linked.md"} {
		if w := get(t, h, u); w.Code != 404 {
			t.Errorf("%s: %d %.100s", u, w.Code, w.Body.String())
		}
	}
	out, st := writeSite(t, loadFS(notes))
	if len(st.Failed) > 0 {
		t.Errorf("failed: %v", st.Failed)
	}
	if leaks := grepTree(t, out, "root:x", "top secret", "secret in a folder", "rooted"); len(leaks) > 0 {
		t.Errorf("the copy holds files from outside the notes: %v", leaks)
	}
}

// TestSiteOnTxtarCases: site never fails on notes that check accepts, nor
// aborts on those it does not: every extract/testdata case is written out.
func TestSiteOnTxtarCases(t *testing.T) {
	files, err := filepath.Glob("../extract/testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fsys, fallback := fstest.MapFS{}, fstest.MapFS{}
			for _, f := range ar.Files {
				switch {
				case strings.HasPrefix(f.Name, "want."):
				case strings.HasPrefix(f.Name, "fallback/"):
					fallback[strings.TrimPrefix(f.Name, "fallback/")] = &fstest.MapFile{Data: f.Data}
				default:
					fsys[f.Name] = &fstest.MapFile{Data: f.Data}
				}
			}
			errors := 0
			load := func() (*extract.Corpus, *graph.Graph, error) {
				opts := extract.Options{NodeURL: NodeURL, AssetURL: AssetURL}
				if len(fallback) > 0 {
					opts.Fallback = fallback
				}
				c, err := extract.Load(fsys, opts)
				if err != nil {
					return nil, nil, err
				}
				errors, _ = c.Counts()
				g, err := graph.Build(c)
				return c, g, err
			}
			_, st := writeSite(t, load)
			if len(st.Failed) > 0 {
				t.Errorf("check found %d errors, and site failed on %v", errors, st.Failed)
			}
			if st.Pages == 0 {
				t.Error("no pages written")
			}
		})
	}
}
