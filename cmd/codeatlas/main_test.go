package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/codeatlas/codeatlas/graph"
	"github.com/codeatlas/codeatlas/graph/render"
)

// TestMain lets the test binary serve as the render worker, as the real
// binary does through its hidden subcommand.
func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" && (len(os.Args) < 2 || os.Args[1] != workerCommand) {
		main() // exits non-zero on error
		os.Exit(0)
	}
	if len(os.Args) > 1 && os.Args[1] == workerCommand {
		if err := render.Serve(os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	// Renders are kept in a cache folder of the test run's own, not in
	// the user's.
	cache, err := os.MkdirTemp("", "codeatlas-test-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", cache)
	code := m.Run()
	os.RemoveAll(cache)
	os.Exit(code)
}

// asMainEnv makes the test binary run main with its arguments: a test
// starts it as the real program, in a process of its own (see mainCommand).
const asMainEnv = "CODEATLAS_TEST_AS_MAIN"

// mainCommand is the program run as a process of its own, with args.
func mainCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asMainEnv+"=1")
	return cmd
}

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

const fixture = "../../graph/testdata/notes"
const docsify = "../../extract/testdata/docsify-zh"

func TestStatsJSON(t *testing.T) {
	out, _, err := runCmd(t, "stats", "--content", fixture, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var s statsJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if s.Documents != 12 || s.Nodes["project"] != 3 || s.Nodes["concept"] != 4 || s.Nodes["article"] != 5 {
		t.Errorf("unexpected counts: %s", out)
	}
	if s.Edges["contains"] != 5 || s.Diagnostics["error"] != 0 {
		t.Errorf("unexpected edges or diagnostics: %s", out)
	}
}

// TestDocsifyChinese: someone else's Chinese notes, no front matter, get
// linked to the bundled concept catalog.
func TestDocsifyChinese(t *testing.T) {
	out, _, err := runCmd(t, "export", "--content", docsify, "--view", "ego", "--focus", "a/consul/catalog", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id": "c/service-discovery"`, `"id": "c/raft"`, `"id": "p/consul"`} {
		if !strings.Contains(out, want) {
			t.Errorf("ego view of the Chinese article lacks %s", want)
		}
	}
	check, _, err := runCmd(t, "check", "--content", docsify, "--strict")
	if err != nil {
		t.Fatalf("check: %v\n%s", err, check)
	}
}

func TestCheckFails(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte("---\ntitle: [\n---\n# A\n\n[x](missing.md)\n\n```dot\ndigraph { a -> }\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "check", "--content", dir)
	if err == nil {
		t.Fatalf("check passed on broken notes:\n%s", out)
	}
	for _, want := range []string{"a.md:2: error: front matter", `a.md:6: error: link to unknown page "missing.md"`, "a.md:9: error: dot diagram"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
}

func TestExportFormats(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"dot", []string{"--view", "ego", "--focus", "c/raft", "--depth", "2", "--format", "dot"}, `digraph "map"`},
		{"json", []string{"--view", "project", "--focus", "p/consul", "--format", "json"}, `"nodes": [`},
		{"graphml", []string{"--format", "graphml"}, "<graphml"},
		{"mmd", []string{"--from", "a/grpc/server", "--to", "c/consensus", "--format", "mmd"}, "flowchart LR"},
		{"svg", []string{"--view", "concept", "--focus", "c/raft", "--format", "svg"}, "<svg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runCmd(t, append([]string{"export", "--content", fixture}, tt.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("output lacks %q:\n%.300s", tt.want, out)
			}
		})
	}
	file := filepath.Join(t.TempDir(), "atlas.svg")
	if _, _, err := runCmd(t, "export", "--content", fixture, "--format", "svg", "-o", file); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(file); err != nil || !bytes.HasPrefix(b, []byte("<svg")) {
		t.Errorf("-o wrote %d bytes, err %v", len(b), err)
	}
}

func TestBadArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"format", []string{"export", "--format", "pdf"}, "unknown format"},
		{"depth", []string{"export", "--view", "ego", "--focus", "c/raft", "--depth", "9"}, "depth 9"},
		{"view", []string{"export", "--view", "spiral"}, "unknown view"},
		{"kinds", []string{"export", "--kinds", "planet"}, "unknown kind"},
		{"node", []string{"export", "--view", "ego", "--focus", "c/nope"}, "unknown node"},
		{"content", []string{"stats", "--content", "/nonexistent/dir"}, "no such file"},
		{"path", []string{"path", "c/watch"}, "accepts 2 arg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.name != "content" {
				args = append(args, "--content", fixture)
			}
			_, _, err := runCmd(t, args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}

// TestPath: the cheapest paths between two articles of the fixture, every
// hop with its direction and evidence; and each piece of evidence is on
// the line of the note it names.
func TestPath(t *testing.T) {
	out, _, err := runCmd(t, "path", "--content", fixture, "a/etcd/raft", "a/consul/catalog")
	if err != nil {
		t.Fatal(err)
	}
	// The path prefers established relations: a link and two contains
	// beat two hops through single passing mentions.
	want := `path 1 (3 hops)
  a/etcd/raft -> a/consul/raft
      links etcd/raft.md:9: Compare Consul's raft.
  a/consul/raft <- p/consul
      contains SUMMARY.md:7: Consul's raft
  p/consul -> a/consul/catalog
      contains SUMMARY.md:8: Catalog
`
	if out != want {
		t.Errorf("path output:\n%s\nwant:\n%s", out, want)
	}
	evidence := regexp.MustCompile(`(?m)^      \w+ ([^ :]+):(\d+): (.*)$`)
	for _, m := range evidence.FindAllStringSubmatch(out, -1) {
		b, err := os.ReadFile(filepath.Join(fixture, m[1]))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		n, _ := strconv.Atoi(m[2])
		// Evidence is plain text: "Consul's raft" is a link on the line.
		for _, w := range strings.FieldsFunc(m[3], func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			if n < 1 || n > len(lines) || !strings.Contains(lines[n-1], w) {
				t.Errorf("evidence %s:%s %q is not on that line", m[1], m[2], m[3])
				break
			}
		}
	}
	if _, _, err := runCmd(t, "path", "--content", fixture, "--kinds", "planet", "a/etcd/raft", "c/raft"); err == nil || !strings.Contains(err.Error(), `unknown kind "planet"`) {
		t.Errorf("a bad --kinds: %v", err)
	}
}

// TestContent: the bundled notes load with no errors and no warnings.
func TestContent(t *testing.T) {
	out, _, err := runCmd(t, "check", "--strict")
	if err != nil {
		t.Fatalf("the bundled notes have problems:\n%s", out)
	}
}

// TestSite: `site` writes a static copy of the fixture, writes it again
// into the folder it wrote, and refuses to write into a folder that holds
// something else.
func TestSite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	stdout, stderr, err := runCmd(t, "site", "--content", fixture, "-o", out, "--base", "notes")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "wrote "+out) {
		t.Errorf("output %q", stdout)
	}
	page, err := os.ReadFile(filepath.Join(out, "a", "etcd", "raft", "index.html"))
	if err != nil || !strings.Contains(string(page), `href="/notes/c/raft/"`) {
		t.Errorf("article page of the copy: %v", err)
	}
	stdout, stderr, err = runCmd(t, "site", "--content", fixture, "-o", out, "--base", "notes")
	if err != nil || !strings.Contains(stdout, " unchanged, 0 removed)") {
		t.Errorf("writing again into the site's folder: %v %q %s", err, stdout, stderr)
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "keep.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "site", "--content", fixture, "-o", other); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("writing into a full folder: %v", err)
	}
	if _, _, err := runCmd(t, "site", "--content", fixture); err == nil {
		t.Error("site without -o succeeded")
	}
}

// TestQueryFlags: export has a flag for every parameter of a query, read
// by the server's own graph.ParseQuery, and its help and completion list
// the views, kinds, layouts and formats from graph's lists.
func TestQueryFlags(t *testing.T) {
	cmd := newExport()
	for _, p := range graph.QueryParams {
		if cmd.Flags().Lookup(p) == nil {
			t.Errorf("export has no --%s flag", p)
		}
	}
	complete := func(flag string) []string {
		t.Helper()
		out, _, err := runCmd(t, "__complete", "export", "--"+flag, "")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		return lines[:len(lines)-1] // the last line is cobra's directive
	}
	for flag, want := range map[string][]string{
		"view": names(graph.ViewKinds), "kinds": names(graph.Kinds), "layout": graph.Layouts, "format": names(graph.Formats),
	} {
		if got := complete(flag); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("--%s completes to %q, want %q", flag, got, want)
		}
		if usage := cmd.Flags().Lookup(flag).Usage; !strings.Contains(usage, want[len(want)-1]) {
			t.Errorf("--%s help %q does not list %s", flag, usage, want[len(want)-1])
		}
	}
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"--focus", "c/raft", "--depth", "x"}, `depth "x" is not a number`},
		{[]string{"--view", "spiral"}, `unknown view "spiral"`},
		{[]string{"--format", "mermaid"}, `unknown format "mermaid" (want svg, dot, png, json, graphml or mmd)`},
	} {
		_, _, err := runCmd(t, append([]string{"export", "--content", fixture}, tt.args...)...)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("export %q: %v, want %q", tt.args, err, tt.err)
		}
	}
}

// TestLayoutsAgree: the renderer accepts every layout a query may ask for
// (newPool checks the same when the program starts).
func TestLayoutsAgree(t *testing.T) {
	for _, l := range graph.Layouts {
		if !slices.Contains(render.Layouts, l) {
			t.Errorf("graph offers layout %q; render refuses it", l)
		}
	}
}
