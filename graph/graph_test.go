package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
	"github.com/codeatlas/codeatlas/graph/render"
)

var update = flag.Bool("update", false, "rewrite testdata/*.dot")

// TestMain doubles as a render worker, so tests can check that every DOT
// they write parses in Graphviz.
func TestMain(m *testing.M) {
	render.ServeIfWorker()
	os.Exit(m.Run())
}

func newPool(tb testing.TB) *render.Pool {
	tb.Helper()
	p := render.NewPool(render.Config{Command: render.SelfCommand, Workers: 1, Timeout: 30 * time.Second})
	tb.Cleanup(func() { p.Close() })
	return p
}

func mustLoad(tb testing.TB) (*extract.Corpus, *graph.Graph) {
	tb.Helper()
	c, err := extract.Load(os.DirFS("testdata/notes"), extract.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if e, w := c.Counts(); e+w > 0 {
		tb.Fatalf("fixture notes have %d errors, %d warnings: %v", e, w, c.Diagnostics)
	}
	g, err := graph.Build(c)
	if err != nil {
		tb.Fatal(err)
	}
	return c, g
}

func opts() graph.DOTOptions {
	return graph.DOTOptions{
		NodeURL: func(id string) string { return "/" + id },
		StubURL: func(q graph.Query) string { return "/map?" + q.Key() },
	}
}

var viewCases = []struct {
	name    string
	q       graph.Query
	compact bool
}{
	{"overview", graph.Query{}, false},
	{"project-etcd", graph.Query{View: graph.ProjectView, Focus: "p/etcd"}, false},
	{"concept-raft", graph.Query{View: graph.ConceptView, Focus: "c/raft"}, false},
	{"ego-raft-2", graph.Query{View: graph.Ego, Focus: "c/raft", Depth: 2}, false},
	{"ego-budget", graph.Query{View: graph.Ego, Focus: "c/raft", Depth: 3, Budget: 10}, false},
	{"path-grpc-consensus", graph.Query{View: graph.PathView, From: "a/grpc/server", To: "c/consensus"}, false},
	{"full-concepts", graph.Query{View: graph.Full, Kinds: []graph.Kind{graph.Concept}}, false},
	{"ego-compact", graph.Query{View: graph.Ego, Focus: "c/raft", Depth: 1, Budget: 10}, true},
}

// TestViewsGolden compares the DOT of every view with testdata/<name>.dot
// and checks that Graphviz parses and lays it out.
func TestViewsGolden(t *testing.T) {
	_, g := mustLoad(t)
	pool := newPool(t)
	for _, tc := range viewCases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := g.View(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			o := opts()
			o.Compact = tc.compact
			if err := v.WriteDOT(&buf, o); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join("testdata", tc.name+".dot")
			if *update {
				if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("DOT differs from %s (run go test ./graph -update):\n%s", file, buf.String())
			}
			svg, err := pool.Render(context.Background(), buf.Bytes(), v.Query.Layout, "svg")
			if err != nil {
				t.Fatalf("Graphviz rejects the DOT: %v", err)
			}
			if !bytes.Contains(svg, []byte(`id="map"`)) {
				t.Errorf("SVG lacks the graph id")
			}
		})
	}
}

// TestDeterministic shuffles the corpus: the same query must give the same
// bytes.
func TestDeterministic(t *testing.T) {
	c, g := mustLoad(t)
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 5; i++ {
		shuffled := *c
		shuffled.Facts = append([]extract.Fact(nil), c.Facts...)
		shuffled.Docs = append([]*extract.Document(nil), c.Docs...)
		r.Shuffle(len(shuffled.Facts), func(i, j int) { shuffled.Facts[i], shuffled.Facts[j] = shuffled.Facts[j], shuffled.Facts[i] })
		r.Shuffle(len(shuffled.Docs), func(i, j int) { shuffled.Docs[i], shuffled.Docs[j] = shuffled.Docs[j], shuffled.Docs[i] })
		g2, err := graph.Build(&shuffled)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range viewCases {
			a, b := dot(t, g, tc.q), dot(t, g2, tc.q)
			if a != b {
				t.Fatalf("%s: DOT changed when the input order changed", tc.name)
			}
		}
	}
}

func dot(t *testing.T, g *graph.Graph, q graph.Query) string {
	t.Helper()
	v, err := g.View(q)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := v.WriteDOT(&buf, opts()); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestViewErrors(t *testing.T) {
	_, g := mustLoad(t)
	tests := []struct {
		name string
		q    graph.Query
		want error
	}{
		{"ErrUnknownNode", graph.Query{View: graph.Ego, Focus: "c/nope"}, graph.ErrUnknownNode},
		{"ErrBadQuery/depth", graph.Query{View: graph.Ego, Focus: "c/raft", Depth: 9}, graph.ErrBadQuery},
		{"ErrBadQuery/view", graph.Query{View: "spiral"}, graph.ErrBadQuery},
		{"ErrBadQuery/layout", graph.Query{Layout: "circo"}, graph.ErrBadQuery},
		{"ErrBadQuery/kind", graph.Query{Kinds: []graph.Kind{"planet"}}, graph.ErrBadQuery},
		{"ErrBadQuery/projectFocus", graph.Query{View: graph.ProjectView, Focus: "c/raft"}, graph.ErrBadQuery},
		{"ErrBadQuery/noFocus", graph.Query{View: graph.ConceptView}, graph.ErrBadQuery},
		{"ErrNoPath", graph.Query{View: graph.PathView, From: "c/watch", To: "p/grpc", Kinds: []graph.Kind{graph.Concept}}, graph.ErrNoPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := g.View(tt.q)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPathEvidence(t *testing.T) {
	_, g := mustLoad(t)
	v, err := g.View(graph.Query{View: graph.PathView, From: "a/etcd/raft", To: "a/consul/catalog"})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Paths) == 0 {
		t.Fatal("no path")
	}
	for _, p := range v.Paths {
		if p[0].From != "a/etcd/raft" || p[len(p)-1].To != "a/consul/catalog" {
			t.Errorf("path does not join the ends: %+v", p)
		}
		for _, h := range p {
			if len(h.Relations) == 0 || len(h.Relations[0].Evidence) == 0 {
				t.Errorf("hop %s-%s has no evidence", h.From, h.To)
			}
		}
	}
}

// TestBudget: a view over budget collapses nodes into stubs that point at
// a narrower view, and keeps the edges to them.
func TestBudget(t *testing.T) {
	_, g := mustLoad(t)
	v, err := g.View(graph.Query{View: graph.Ego, Focus: "c/raft", Depth: 3, Budget: 10})
	if err != nil {
		t.Fatal(err)
	}
	stubs, real := 0, 0
	for _, n := range v.Nodes {
		if n.Kind == graph.Stub {
			stubs++
			if n.Count == 0 || n.Target.Focus == "" {
				t.Errorf("stub %s has no count or target", n.ID)
			}
		} else {
			real++
		}
	}
	if real > 10 || stubs == 0 {
		t.Fatalf("want at most 10 nodes and some stubs, got %d nodes and %d stubs", real, stubs)
	}
	linked := false
	for _, e := range v.Edges {
		if strings.HasPrefix(e.To, "stub/") || strings.HasPrefix(e.From, "stub/") {
			linked = true
		}
	}
	if !linked {
		t.Error("no edge leads to a stub: edges were dropped")
	}
}

func TestExports(t *testing.T) {
	_, g := mustLoad(t)
	v, err := g.View(graph.Query{View: graph.ConceptView, Focus: "c/raft"})
	if err != nil {
		t.Fatal(err)
	}
	url := func(id string) string { return "/" + id }
	var j, gm, mm bytes.Buffer
	if err := v.WriteJSON(&j, url); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id": "c/raft"`, `"kind": "mentions"`, `"evidence": [`, `"url": "/a/etcd/raft"`} {
		if !strings.Contains(j.String(), want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
	if err := v.WriteGraphML(&gm, url); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(gm.String(), `<node id="c/raft">`) || !strings.Contains(gm.String(), "<graphml") {
		t.Errorf("GraphML:\n%s", gm.String())
	}
	if err := v.WriteMermaid(&mm, url); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mm.String(), "flowchart LR\n") || !strings.Contains(mm.String(), `click `) {
		t.Errorf("Mermaid:\n%s", mm.String())
	}
}

func TestQuote(t *testing.T) {
	tests := map[string]string{
		`plain`:                `"plain"`,
		`say "hi"`:             `"say \"hi\""`,
		`back\slash`:           `"back\\slash"`,
		"two\nlines":           `"two\nlines"`,
		"tab\there\x00":        `"tabhere"`,
		`{braces} <b>html</b>`: `"{braces} <b>html</b>"`,
		"服务发现":                 `"服务发现"`,
		"\xff":                 `""`,
	}
	for in, want := range tests {
		if got := graph.Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestOverviewWithoutProjects: a book (a SUMMARY.md, no project pages)
// opens on its top-level sections, each standing for the chapters under
// it, and the concepts they share.
func TestOverviewWithoutProjects(t *testing.T) {
	book := fstest.MapFS{
		"SUMMARY.md":          {Data: []byte("- [Ownership](ch1.md)\n  - [Borrowing](ch1-1.md)\n  - [Slices](ch1-2.md)\n- [Threads](ch2.md)\n  - [Channels](ch2-1.md)\n")},
		"ch1.md":              {Data: []byte("# Ownership\n\nMemory without a collector.\n")},
		"ch1-1.md":            {Data: []byte("# Borrowing\n\nReferences and the borrow checker, like a lock.\n")},
		"ch1-2.md":            {Data: []byte("# Slices\n\nSee [threads](ch2.md).\n")},
		"ch2.md":              {Data: []byte("# Threads\n\nShared state behind a lock.\n")},
		"ch2-1.md":            {Data: []byte("# Channels\n\nMessage passing.\n")},
		"concepts/locking.md": {Data: []byte("---\nkind: concept\ntitle: Locking\naliases: [lock]\n---\nMutual exclusion.\n")},
		"concepts/unused.md":  {Data: []byte("---\nkind: concept\ntitle: Unused\naliases: [zebra]\n---\nNobody mentions it.\n")},
	}
	v, err := buildFS(t, book).View(graph.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var nodes, edges []string
	for _, n := range v.Nodes {
		nodes = append(nodes, n.ID)
	}
	for _, e := range v.Edges {
		edges = append(edges, e.From+">"+e.To)
	}
	if v.Title != "Overview: sections and concepts" {
		t.Errorf("title %q", v.Title)
	}
	if got, want := strings.Join(nodes, " "), "a/ch1 a/ch2 c/locking stub/concept/view"; got != want {
		t.Errorf("nodes %q, want %q", got, want)
	}
	// Borrowing (under Ownership) and Threads both mention locking: the
	// concept is shared by two sections; Slices' link to Threads becomes
	// Ownership -> Threads.
	if got, want := strings.Join(edges, " "), "a/ch1>a/ch2 a/ch1>c/locking a/ch2>c/locking"; got != want {
		t.Errorf("edges %q, want %q", got, want)
	}
}

// TestStarLayout: a depth-1 neighbourhood with many nodes is laid out round
// (sfdp); a small one keeps dot's reading order.
func TestStarLayout(t *testing.T) {
	for _, tc := range []struct {
		articles int
		want     string
	}{{5, "dot"}, {30, "sfdp"}} {
		notes := fstest.MapFS{"concepts/raft.md": {Data: []byte("---\nkind: concept\ntitle: Raft\n---\nConsensus.\n")}}
		for i := 0; i < tc.articles; i++ {
			notes[fmt.Sprintf("a%02d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("# Note %d\n\nAbout Raft.\n", i))}
		}
		g := buildFS(t, notes)
		v, err := g.View(graph.Query{View: graph.Ego, Focus: "c/raft", Depth: 1})
		if err != nil {
			t.Fatal(err)
		}
		if v.Query.Layout != tc.want {
			t.Errorf("%d articles round raft: layout %s, want %s", tc.articles, v.Query.Layout, tc.want)
		}
	}
}

// TestClusterColumns: dot stacks the members of a cluster that all touch
// the focus in one rank; beyond six, invisible edges fold them into
// columns.
func TestClusterColumns(t *testing.T) {
	notes := fstest.MapFS{
		"concepts/raft.md": {Data: []byte("---\nkind: concept\ntitle: Raft\n---\nConsensus.\n")},
		"etcd/index.md":    {Data: []byte("---\nkind: project\ntitle: etcd\n---\nA store.\n")},
	}
	for i := 0; i < 10; i++ {
		notes[fmt.Sprintf("etcd/a%02d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("# Note %d\n\nAbout Raft.\n", i))}
	}
	g := buildFS(t, notes)
	v, err := g.View(graph.Query{View: graph.ConceptView, Focus: "c/raft"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := v.WriteDOT(&buf, graph.DOTOptions{}); err != nil {
		t.Fatal(err)
	}
	if v.Query.Layout != "dot" {
		t.Skipf("layout %s: no clusters to fold", v.Query.Layout)
	}
	if got := strings.Count(buf.String(), `" [style=invis];`) - strings.Count(buf.String(), `-> "legend/`); got != 4 {
		t.Errorf("%d invisible edges for a cluster of 10, want 4:\n%s", got, buf.String())
	}
	if _, err := newPool(t).Render(context.Background(), buf.Bytes(), "dot", "svg"); err != nil {
		t.Errorf("Graphviz rejects the folded DOT: %v", err)
	}
}

// buildFS loads a notes folder and builds its graph.
func buildFS(t *testing.T, notes fs.FS) *graph.Graph {
	t.Helper()
	c, err := extract.Load(notes, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.Build(c)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestWriteJSONStreams: WriteJSON, which writes element by element, gives
// the bytes json.Encoder gives for the whole view.
func TestWriteJSONStreams(t *testing.T) {
	_, g := mustLoad(t)
	url := func(id string) string { return "/" + id + "?a=<b>&c" }
	views := map[string]*graph.View{"empty": {}}
	for _, q := range []graph.Query{{View: graph.Full}, {View: graph.ConceptView, Focus: "c/raft"}, {View: graph.Overview}} {
		v, err := g.View(q)
		if err != nil {
			t.Fatal(err)
		}
		views[string(q.View)] = v
	}
	views["untitled"] = &graph.View{Nodes: views["concept"].Nodes}
	for name, v := range views {
		var got, want bytes.Buffer
		if err := v.WriteJSON(&got, url); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v.JSON(url)); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: WriteJSON differs from json.Encoder:\n%s\nwant:\n%s", name, got.String(), want.String())
		}
	}
}
