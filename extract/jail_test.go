package extract

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestResolveSymlinks follows links as the operating system would, inside
// an fs.FS, and refuses every way out of it.
func TestResolveSymlinks(t *testing.T) {
	link := func(to string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(to), Mode: fs.ModeSymlink} }
	fsys := fstest.MapFS{
		"a/real.md":     {Data: []byte("# Real\n")},
		"a/same.md":     link("real.md"),
		"a/up.md":       link("../b/other.md"),
		"b/other.md":    {Data: []byte("# Other\n")},
		"a/abs.md":      link("/etc/passwd"),
		"a/climb.md":    link("../../outside.md"),
		"a/deep.md":     link("../a/../../x.md"),
		"a/dirlink":     link("../b"),
		"a/viadir.md":   link("dirlink/other.md"),
		"a/hop.md":      link("hop2.md"),
		"a/hop2.md":     link("../../secret"),
		"a/loop.md":     link("loop.md"),
		"a/missing.md":  link("nowhere.md"),
		"a/escdir":      link("../.."),
		"a/throughesc":  link("escdir/etc/passwd"),
		"a/dotdotfirst": link("../a/real.md"),
	}
	tests := []struct {
		name, want string
		err        error
	}{
		{"a/real.md", "a/real.md", nil},
		{"a/same.md", "a/real.md", nil},
		{"a/up.md", "b/other.md", nil},
		{"a/viadir.md", "b/other.md", nil},
		{"a/dotdotfirst", "a/real.md", nil},
		{"a/abs.md", "", errEscapes},
		{"a/climb.md", "", errEscapes},
		{"a/deep.md", "", errEscapes},
		{"a/hop.md", "", errEscapes},
		{"a/throughesc", "", errEscapes},
		{"a/missing.md", "", fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolveSymlinks(fsys, tt.name)
			if got != tt.want || (tt.err == nil) != (err == nil) || tt.err != nil && !errors.Is(err, tt.err) {
				t.Errorf("resolveSymlinks(%q) = %q, %v; want %q, %v", tt.name, got, err, tt.want, tt.err)
			}
		})
	}
	if _, err := resolveSymlinks(fsys, "a/loop.md"); err == nil || !strings.Contains(err.Error(), "too many") {
		t.Errorf("a loop: %v", err)
	}
}

// TestSymlinkJail: links inside the notes to a file and to a folder
// outside them, absolute or relative, directly or through another link,
// are diagnostics; nothing from outside becomes a page or an asset. A link
// that stays inside is read. The same through os.DirFS and os.Root.
func TestSymlinkJail(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	symlink := func(to, name string) {
		t.Helper()
		if err := os.Symlink(to, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Skip("no symlinks here:", err)
		}
	}
	write("outside/passwd.md", "root:x:0:0\n")
	write("outside/secret.txt", "top secret\n")
	write("outside/dir/leak.md", "# Leak\n\nrooted\n")
	write("outside/dir/s.txt", "secret in a folder\n")
	write("notes/x/index.md", "# X\n\n[a](linked.md) [b](rel.md) [c](link.txt) [d](dir/leak.md) [e](dir/s.txt) [f](chain.md) [g](ok.md) [h](ok.txt)\n")
	write("notes/y/real.md", "# Real\n")
	write("notes/y/real.txt", "fine\n")
	symlink(filepath.Join(dir, "outside/passwd.md"), "notes/x/linked.md")
	symlink("../../outside/passwd.md", "notes/x/rel.md")
	symlink(filepath.Join(dir, "outside/secret.txt"), "notes/x/link.txt")
	symlink(filepath.Join(dir, "outside/dir"), "notes/x/dir")
	symlink("hop.md", "notes/x/chain.md")
	symlink("../../outside/passwd.md", "notes/x/hop.md")
	symlink("../y/real.md", "notes/x/ok.md")
	symlink("../y/real.txt", "notes/x/ok.txt")
	root, err := os.OpenRoot(filepath.Join(dir, "notes"))
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for name, fsys := range map[string]fs.FS{"DirFS": os.DirFS(filepath.Join(dir, "notes")), "Root": root.FS()} {
		t.Run(name, func(t *testing.T) {
			c, err := Load(fsys, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := formatDiags(c)
			for _, want := range []string{
				"x/linked.md: warning: symlink to " + filepath.Join(dir, "outside/passwd.md") + " leads outside the notes folder: not read",
				"x/rel.md: warning: symlink to ../../outside/passwd.md leads outside the notes folder: not read",
				"x/link.txt: warning: symlink to " + filepath.Join(dir, "outside/secret.txt") + " leads outside the notes folder: not read",
				"x/dir: warning: symlink to " + filepath.Join(dir, "outside/dir") + " leads outside the notes folder: not read",
				"x/chain.md: warning: symlink to hop.md leads outside the notes folder: not read",
				`x/index.md:3: error: link to unknown page "linked.md"`,
				`x/index.md:3: error: link to unknown page "link.txt"`,
				`x/index.md:3: error: link to unknown page "dir/s.txt"`,
			} {
				if !strings.Contains(got, want) {
					t.Errorf("diagnostics lack %q:\n%s", want, got)
				}
			}
			for _, d := range c.Docs {
				for _, leak := range []string{"root:x", "rooted", "secret"} {
					if strings.Contains(d.HTML, leak) || strings.Contains(d.Text, leak) {
						t.Errorf("%s holds %q from outside the notes", d.ID, leak)
					}
				}
			}
			if c.Doc("a/x/ok") == nil || !c.Assets["x/ok.txt"] {
				t.Errorf("a link inside the notes was not followed: docs\n%s assets %v", formatDocs(c), c.Assets)
			}
			for a := range c.Assets {
				if a != "x/ok.txt" {
					t.Errorf("asset %s listed", a)
				}
			}
		})
	}
}

// TestOddNames: a file or folder whose name is not UTF-8 is skipped with
// a diagnostic that shows the name escaped and says why.
func TestOddNames(t *testing.T) {
	dir := t.TempDir()
	for name, s := range map[string]string{"a.md": "# A\n", "caf\xe9-\xff\xfe.md": "# Cafe\n", "b\xffd/c.md": "# C\n"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Skip("this file system wants UTF-8 names:", err)
		}
	}
	c, err := Load(os.DirFS(dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := `b\xffd: error: skipped: the folder name is not valid UTF-8 (shown with \x escapes); rename it to read it
caf\xe9-\xff\xfe.md: error: skipped: the file name is not valid UTF-8 (shown with \x escapes); rename it to read it
`
	if got := formatDiags(c); got != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
	if c.Doc("a/a") == nil {
		t.Error("the other file was not read")
	}
}
