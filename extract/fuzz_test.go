package extract

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"
)

// handlerRE finds an event-handler attribute inside a real tag; escaped
// text such as &lt;img onerror=…&gt; does not match.
var handlerRE = regexp.MustCompile(`<[a-z][^<>]*\son[a-z]+\s*=`)

// FuzzLoad feeds arbitrary bytes as one note beside a table of contents and
// a concept page. Load must not fail or panic, every diagnostic must say
// where, and the HTML must stay free of script.
func FuzzLoad(f *testing.F) {
	// Seeds: the bundled notes and every txtar case's files.
	_ = filepath.WalkDir("../content", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
		return nil
	})
	cases, _ := filepath.Glob("testdata/*.txtar")
	for _, c := range cases {
		if ar, err := txtar.ParseFile(c); err == nil {
			for _, file := range ar.Files {
				f.Add(file.Data)
			}
		}
	}
	f.Add([]byte("---\ntitle: [\n---\n<script>alert(1)</script>\n[x](javascript:alert(1)) [[a|<img src=x onerror=alert(1)>]]"))
	f.Add([]byte("# A\n\n![[pic.png]] ![[b]] ![[\n![x](pic.png) ![y](javascript:alert(1)) [^1]\n\n[^1]: [z](/docs/p/b.md)\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"SUMMARY.md":       {Data: []byte("- [A](p/a.md)\n- [B](p/b.md)\n")},
			"p/a.md":           {Data: data},
			"p/b.md":           {Data: []byte("# B\n\nSee [a](a.md) and raft.\n")},
			"p/pic.png":        {Data: []byte("png")},
			"concepts/raft.md": {Data: []byte("---\nkind: concept\ntitle: Raft\naliases: [raft]\n---\nRaft.\n")},
		}
		c, err := Load(fsys, Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range c.Diagnostics {
			if d.Path == "" || d.Message == "" {
				t.Fatalf("diagnostic without a place: %+v", d)
			}
		}
		for _, d := range c.Docs {
			low := strings.ToLower(d.HTML)
			if strings.Contains(low, "<script") || strings.Contains(low, "javascript:") || handlerRE.MatchString(low) {
				t.Fatalf("unsafe HTML from %q:\n%s", data, d.HTML)
			}
		}
		for _, fct := range c.Facts {
			if c.Doc(fct.Subject) == nil && !strings.HasPrefix(fct.Subject, "m/") {
				t.Fatalf("fact about unknown node %s", fct.Subject)
			}
		}
	})
}
