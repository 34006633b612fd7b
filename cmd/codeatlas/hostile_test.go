package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSiteJail: through --content, which reads via os.Root, symlinks to a
// file and a folder outside the notes are reported by check and never
// published by site.
func TestSiteJail(t *testing.T) {
	dir := t.TempDir()
	for name, s := range map[string]string{
		"outside/secret.txt":  "top secret\n",
		"outside/dir/leak.md": "# Leak\n\nrooted\n",
		"notes/x/index.md":    "# X\n\n[secret](link.txt) [leak](dir/leak.md) [note](linked.md)\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, to := range map[string]string{"x/link.txt": "outside/secret.txt", "x/dir": "outside/dir", "x/linked.md": "outside/dir/leak.md"} {
		if err := os.Symlink(filepath.Join(dir, to), filepath.Join(dir, "notes", link)); err != nil {
			t.Skip("no symlinks here:", err)
		}
	}
	notes := filepath.Join(dir, "notes")
	out, _, _ := runCmd(t, "check", "--no-diagrams", "--content", notes)
	for _, want := range []string{"x/link.txt: warning: symlink to", "x/dir: warning: symlink to", "x/linked.md: warning: symlink to", "leads outside the notes folder: not read"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	public := filepath.Join(dir, "public")
	if _, stderr, err := runCmd(t, "site", "--content", notes, "-o", public); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	err := filepath.WalkDir(public, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && (strings.Contains(string(b), "top secret") || strings.Contains(string(b), "rooted")) {
			t.Errorf("%s holds a file from outside the notes", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestUnreadableRoot: a notes folder that cannot be read is named in the
// error.
func TestUnreadableRoot(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nowhere")
	if _, _, err := runCmd(t, "check", "--no-diagrams", "--content", missing); err == nil || !strings.Contains(err.Error(), "notes folder") || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing folder: %v", err)
	}
	if os.Geteuid() == 0 {
		t.Log("root reads any folder: the permission case is not tested")
		return
	}
	locked := filepath.Join(t.TempDir(), "locked")
	if err := os.Mkdir(locked, 0o000); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(locked, 0o755)
	if _, _, err := runCmd(t, "check", "--no-diagrams", "--content", locked); err == nil || !strings.Contains(err.Error(), locked) || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("unreadable folder: %v", err)
	}
}
