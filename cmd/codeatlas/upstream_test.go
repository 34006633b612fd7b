package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// fixtureRepo makes the clone DIR/acme/widget with three commits: the
// first is what the notes pin; the second renames store/store.go to
// kv/store.go and engine/run.go to core/run.go, deletes legacy/agent.go,
// removes Widget.Spin and moves Open to another file; the third rewrites
// core/run.go so much that the whole diff no longer pairs it with
// engine/run.go (drift follows it commit by commit). Dates and names are
// fixed, so the hashes are the same on every run (the golden files still
// name them <C1>..<C3>).
func fixtureRepo(t *testing.T, dir string) []string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	clone := filepath.Join(dir, "acme", "widget")
	if err := os.MkdirAll(clone, 0o755); err != nil {
		t.Fatal(err)
	}
	git := func(date string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = clone
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=Fixture", "GIT_AUTHOR_EMAIL=fixture@example.com", "GIT_AUTHOR_DATE="+date,
			"GIT_COMMITTER_NAME=Fixture", "GIT_COMMITTER_EMAIL=fixture@example.com", "GIT_COMMITTER_DATE="+date)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(files map[string]string) {
		t.Helper()
		for name, body := range files {
			p := filepath.Join(clone, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	git("2026-01-01T00:00:00Z", "init", "-q")
	write(map[string]string{
		"widget.go":         "package widget\n\n// Widget spins.\ntype Widget struct{}\n\nfunc (w *Widget) Spin() {\n}\n\nfunc Open() *Widget {\n\treturn &Widget{}\n}\n",
		"store/store.go":    "package store\n\nfunc Get(k string) string {\n\treturn k\n}\n\n// Put stores.\nfunc Put(k, v string) {}\n",
		"legacy/agent.go":   "package legacy\n\ntype Agent struct {\n\tname string\n}\n\nfunc (a Agent) Run() {}\n",
		"lib/Container.php": "<?php\n\nclass Container\n{\n    public function bind($a)\n    {\n        return $a;\n    }\n}\n",
		"README.md":         "widget\n",
		"engine/run.go":     "package engine\n\n// Start starts the engine, which runs until it stops.\nfunc Start() error {\n\treturn nil\n}\n\nfunc stop() {}\n",
	})
	git("2026-01-01T00:00:00Z", "add", "-A")
	git("2026-01-01T00:00:00Z", "commit", "-q", "-m", "first")
	c1 := git("2026-01-01T00:00:00Z", "rev-parse", "HEAD")
	git("2026-02-01T00:00:00Z", "mv", "store", "kv")
	git("2026-02-01T00:00:00Z", "mv", "engine", "core")
	git("2026-02-01T00:00:00Z", "rm", "-q", "legacy/agent.go")
	write(map[string]string{
		"widget.go": "package widget\n\n// Widget spins no more.\ntype Widget struct{}\n",
		"open.go":   "package widget\n\nfunc Open() *Widget {\n\treturn &Widget{}\n}\n",
	})
	git("2026-02-01T00:00:00Z", "add", "-A")
	git("2026-02-01T00:00:00Z", "commit", "-q", "-m", "second")
	c2 := git("2026-02-01T00:00:00Z", "rev-parse", "HEAD")
	write(map[string]string{
		"README.md":   "widget, again\n",
		"core/run.go": "package core\n\nimport \"errors\"\n\nvar errBusy = errors.New(\"busy\")\n\n// Start now fails when busy.\nfunc Start() error {\n\tif busy() {\n\t\treturn errBusy\n\t}\n\treturn nil\n}\n\nfunc busy() bool { return false }\n",
	})
	git("2026-03-01T00:00:00Z", "commit", "-q", "-am", "third")
	c3 := git("2026-03-01T00:00:00Z", "rev-parse", "HEAD")
	return []string{c1, c2, c3}
}

// fixtureNotes writes notes whose articles pin commit c1 of acme/widget,
// one of them citing a symbol that does not exist and one pinning a
// repository with no clone.
func fixtureNotes(t *testing.T, dir, c1 string) {
	t.Helper()
	files := map[string]string{
		"SUMMARY.md":    "- [Acme](acme/index.md)\n  - [Tour](acme/tour.md)\n  - [Legacy](acme/legacy.md)\n  - [Other](acme/other.md)\n",
		"acme/index.md": "---\nkind: project\ntitle: Acme\nsummary: A widget.\n---\nAcme.\n",
		"acme/tour.md": "---\ntitle: Tour\nsummary: The widget.\nproject: acme\nupstream:\n  repo: acme/widget\n  ref: v1\n  commit: " + c1 + "\n" +
			"  paths: [widget.go, store/store.go, store, lib/Container.php, engine/run.go]\n" +
			"  symbols:\n    - engine.Start\n    - widget.Widget\n    - widget.Widget.Spin\n    - widget.Open\n    - store.Get\n    - store.Put\n    - Container::bind\n    - widget.Missing\n---\n" +
			"`Open` returns a `*Widget`; `Widget.Spin()` spins. `Get(k)` reads `store/store.go` and `Container::bind` binds; `Missing` stays plain.\n",
		"acme/legacy.md": "---\ntitle: Legacy\nsummary: The agent.\nproject: acme\nupstream:\n  repo: acme/widget\n  ref: v1\n  commit: " + c1 + "\n" +
			"  paths: [legacy/agent.go, legacy]\n  symbols: [legacy.Agent, legacy.Agent.Run, legacy.Agent.name]\n---\nThe `legacy.Agent` runs.\n",
		"acme/other.md": "---\ntitle: Other\nsummary: Elsewhere.\nproject: acme\nupstream:\n  repo: acme/gone\n  ref: v1\n  commit: " + c1 + "\n  symbols: [gone.Thing]\n---\nGone.\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// exitCode is the status main would exit with.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) && ee.code != 0 {
		return ee.code
	}
	return 1
}

// TestUpstreamLockAndDrift runs lock, check and drift on the fixture
// repository and compares everything they print and write with
// testdata/upstream.golden.
func TestUpstreamLockAndDrift(t *testing.T) {
	tmp := t.TempDir()
	repos, notes := filepath.Join(tmp, "repos"), filepath.Join(tmp, "notes")
	commits := fixtureRepo(t, repos)
	fixtureNotes(t, notes, commits[0])
	var got strings.Builder
	step := func(args ...string) {
		t.Helper()
		out, errOut, err := runCmd(t, args...)
		status := fmt.Sprintf("[exit %d]", exitCode(err))
		if err != nil {
			status = fmt.Sprintf("[exit %d: %v]", exitCode(err), err)
		}
		fmt.Fprintf(&got, "$ codeatlas %s\n%s%s%s\n\n", strings.Join(args, " "), out, errOut, status)
	}
	file := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(notes, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	step("upstream", "lock", "--repos", repos, "--content", notes)
	lock := file("upstream.lock")
	fmt.Fprintf(&got, "-- upstream.lock --\n%s\n", lock)
	step("upstream", "lock", "--repos", repos, "--content", notes, "--check")
	if again := file("upstream.lock"); again != lock {
		t.Errorf("a second lock wrote other bytes:\n%s", again)
	}
	// Without the clones, every article keeps its entry.
	empty := filepath.Join(tmp, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	step("upstream", "lock", "--repos", empty, "--content", notes, "--check")
	step("check", "--content", notes, "--no-diagrams")
	step("upstream", "drift", "--repos", repos, "--content", notes, "--write")
	fmt.Fprintf(&got, "-- upstream.drift --\n%s\n", file("upstream.drift"))
	step("upstream", "drift", "--repos", repos, "--content", notes, "--json", "--against", commits[1])
	step("upstream", "drift", "--repos", repos, "--content", notes, "--against", commits[0])
	step("upstream", "drift", "--repos", repos, "--content", notes, "--against", "no-such-ref")
	step("upstream", "drift", "--content", notes)
	step("upstream", "drift", "--repos", repos, "--content", notes, "--bogus")

	s := got.String()
	for i, c := range commits {
		s = strings.ReplaceAll(s, c, fmt.Sprintf("<C%d>", i+1))
		s = strings.ReplaceAll(s, c[:12], fmt.Sprintf("<C%d:12>", i+1))
	}
	s = strings.ReplaceAll(s, tmp, "$TMP")
	golden := filepath.Join("testdata", "upstream.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if s != string(want) {
		t.Errorf("output differs from %s (go test ./cmd/codeatlas -run TestUpstream -update)\n--- got ---\n%s", golden, s)
	}
}
