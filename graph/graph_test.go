package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
	"github.com/codeatlas/codeatlas/graph/render"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

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
	terse   bool // edge tooltips without evidence, as map pages ask
}{
	{"overview", graph.Query{}, false, false},
	{"project-etcd", graph.Query{View: graph.ProjectView, Focus: "p/etcd"}, false, false},
	{"concept-raft", graph.Query{View: graph.ConceptView, Focus: "c/raft"}, false, false},
	{"ego-raft-2", graph.Query{View: graph.Ego, Focus: "c/raft", Depth: 2}, false, false},
	{"ego-budget", graph.Query{View: graph.Ego, Focus: "c/raft", Depth: 3, Budget: 10}, false, false},
	{"path-grpc-consensus", graph.Query{View: graph.PathView, From: "a/grpc/server", To: "c/consensus"}, false, false},
	{"full-concepts", graph.Query{View: graph.Full, Kinds: []graph.Kind{graph.Concept}}, false, false},
	{"ego-compact", graph.Query{View: graph.Ego, Focus: "c/raft", Depth: 1, Budget: 10}, true, false},
	{"ego-raft-2-terse", graph.Query{View: graph.Ego, Focus: "c/raft", Depth: 2}, false, true},
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
			o.Compact, o.TerseEdges = tc.compact, tc.terse
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

// TestExports compares the JSON, GraphML and Mermaid of a concept view
// with testdata/concept-raft.{json,graphml,mmd} (-update rewrites them),
// and reads the JSON and GraphML back: the GraphML as XML, with every node
// and edge of the view, each edge between declared nodes.
func TestExports(t *testing.T) {
	_, g := mustLoad(t)
	v, err := g.View(graph.Query{View: graph.ConceptView, Focus: "c/raft"})
	if err != nil {
		t.Fatal(err)
	}
	o := graph.DOTOptions{NodeURL: func(id string) string { return "/" + id }}
	out := map[graph.Format][]byte{}
	for _, f := range []graph.Format{graph.FormatJSON, graph.FormatGraphML, graph.FormatMermaid} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := v.Write(&buf, f, o); err != nil {
				t.Fatal(err)
			}
			out[f] = buf.Bytes()
			golden(t, filepath.Join("testdata", "concept-raft."+string(f)), buf.Bytes())
		})
	}

	var j graph.JSONGraph
	if err := json.Unmarshal(out[graph.FormatJSON], &j); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	if len(j.Nodes) != len(v.Nodes) || j.Nodes[0].URL != "/"+j.Nodes[0].ID {
		t.Errorf("JSON has %d nodes, the view %d; first %+v", len(j.Nodes), len(v.Nodes), j.Nodes[0])
	}

	var gm struct {
		XMLName xml.Name `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
		Keys    []struct {
			ID  string `xml:"id,attr"`
			For string `xml:"for,attr"`
		} `xml:"key"`
		Graph struct {
			Nodes []struct {
				ID   string `xml:"id,attr"`
				Data []struct {
					Key   string `xml:"key,attr"`
					Value string `xml:",chardata"`
				} `xml:"data"`
			} `xml:"node"`
			Edges []struct {
				Source string `xml:"source,attr"`
				Target string `xml:"target,attr"`
			} `xml:"edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(out[graph.FormatGraphML], &gm); err != nil {
		t.Fatalf("GraphML is not XML: %v", err)
	}
	if len(gm.Graph.Nodes) != len(v.Nodes) || len(gm.Graph.Edges) != len(v.Edges) {
		t.Errorf("GraphML has %d nodes and %d edges, the view %d and %d", len(gm.Graph.Nodes), len(gm.Graph.Edges), len(v.Nodes), len(v.Edges))
	}
	keys := map[string]bool{}
	for _, k := range gm.Keys {
		keys[k.ID] = true
	}
	ids := map[string]bool{}
	for _, n := range gm.Graph.Nodes {
		ids[n.ID] = true
		for _, d := range n.Data {
			if !keys[d.Key] {
				t.Errorf("node %s: data for undeclared key %q", n.ID, d.Key)
			}
		}
	}
	for _, e := range gm.Graph.Edges {
		if !ids[e.Source] || !ids[e.Target] {
			t.Errorf("edge %s -> %s joins undeclared nodes", e.Source, e.Target)
		}
	}
}

// golden compares got with the file, or rewrites the file with -update.
func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test ./graph -update):\n%s", file, got)
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
	v, err := g.View(graph.Query{View: graph.ConceptView, Focus: "c/raft", Layout: "dot"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := v.WriteDOT(&buf, graph.DOTOptions{}); err != nil {
		t.Fatal(err)
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

// TestParseQuery reads queries from URL parameters, and writes each back
// with Values to the same query.
func TestParseQuery(t *testing.T) {
	tests := []struct {
		name, in string
		want     graph.Query
		err      string
	}{
		{"OK/empty", "", graph.Query{View: graph.Overview, Depth: 1, Budget: graph.DefaultBudget}, ""},
		{"OK/focus means ego", "focus=c/raft", graph.Query{View: graph.Ego, Focus: "c/raft", Depth: 1, Budget: graph.DefaultBudget}, ""},
		{"OK/from and to mean path", "from=a/x&to=c/y", graph.Query{View: graph.PathView, From: "a/x", To: "c/y", Depth: 1, Budget: graph.DefaultBudget}, ""},
		{"OK/form kinds", "view=ego&focus=c/raft&depth=2&k=concept&k=article", graph.Query{View: graph.Ego, Focus: "c/raft", Depth: 2, Kinds: []graph.Kind{graph.Article, graph.Concept}, Budget: graph.DefaultBudget}, ""},
		{"OK/link kinds", "view=ego&focus=c/raft&depth=2&kinds=concept,article", graph.Query{View: graph.Ego, Focus: "c/raft", Depth: 2, Kinds: []graph.Kind{graph.Article, graph.Concept}, Budget: graph.DefaultBudget}, ""},
		{"OK/all kinds is none", "kinds=module,concept,article,project", graph.Query{View: graph.Overview, Depth: 1, Budget: graph.DefaultBudget}, ""},
		{"OK/full budget", "view=full", graph.Query{View: graph.Full, Depth: 1, Budget: 100000}, ""},
		{"OK/overview with a focus", "view=overview&focus=c/raft", graph.Query{View: graph.Overview, Focus: "c/raft", Depth: 1, Budget: graph.DefaultBudget}, ""},
		{"OK/layout and budget", "layout=neato&budget=20&download=1", graph.Query{View: graph.Overview, Depth: 1, Budget: 20, Layout: "neato"}, ""},
		{"ErrBadQuery/depth", "focus=c/raft&depth=abc", graph.Query{}, `depth "abc" is not a number`},
		{"ErrBadQuery/range", "focus=c/raft&depth=4", graph.Query{}, "depth 4 is out of range 1-3"},
		{"ErrBadQuery/budget", "budget=many", graph.Query{}, `budget "many" is not a number`},
		{"ErrBadQuery/view", "view=spiral", graph.Query{}, `unknown view "spiral" (want overview, project, concept, ego, path or full)`},
		{"ErrBadQuery/kind", "kinds=planet", graph.Query{}, `unknown kind "planet" (want project, article, concept or module)`},
		{"ErrBadQuery/layout", "layout=circo", graph.Query{}, `unknown layout "circo" (want dot, sfdp or neato)`},
		{"ErrBadQuery/project focus", "view=project&focus=c/raft", graph.Query{}, `the project view needs a project (p/...), not "c/raft"`},
		{"ErrBadQuery/no focus", "view=concept", graph.Query{}, "the concept view needs a focus node"},
		{"ErrBadQuery/path", "view=path&from=a/x", graph.Query{}, "the path view needs from and to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			q, err := graph.ParseQuery(v)
			if tt.err != "" {
				if !errors.Is(err, graph.ErrBadQuery) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want an ErrBadQuery saying %q", err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(q, tt.want) {
				t.Fatalf("got %+v (%v), want %+v", q, err, tt.want)
			}
			back, err := graph.ParseQuery(q.Values())
			if err != nil || !reflect.DeepEqual(back, q) {
				t.Errorf("Values %q reads back as %+v (%v)", q.Values().Encode(), back, err)
			}
		})
	}
}

// FuzzQueryValues: every query Normalize accepts comes back from its URL
// parameters, encoded and decoded, as the same normalized query.
func FuzzQueryValues(f *testing.F) {
	f.Add("ego", "c/raft", 2, "concept,article", "", "", "", 0)
	f.Add("", "", 0, "", "a/x", "c/y", "dot", 20)
	f.Add("overview", "p/etcd", 1, "", "", "", "sfdp", 150)
	f.Add("full", "", 0, "module", "", "", "", 100000)
	f.Fuzz(func(t *testing.T, view, focus string, depth int, kinds, from, to, layout string, budget int) {
		var ks []graph.Kind
		for _, k := range strings.Split(kinds, ",") {
			if k != "" {
				ks = append(ks, graph.Kind(k))
			}
		}
		q, err := graph.Query{View: graph.ViewKind(view), Focus: focus, Depth: depth, Kinds: ks, From: from, To: to, Layout: layout, Budget: budget}.Normalize()
		if err != nil {
			return
		}
		v, err := url.ParseQuery(q.Values().Encode())
		if err != nil {
			t.Fatalf("%+v: Values do not decode: %v", q, err)
		}
		back, err := graph.ParseQuery(v)
		if err != nil || !reflect.DeepEqual(back, q) {
			t.Fatalf("%+v became %q and read back as %+v (%v)", q, q.Values().Encode(), back, err)
		}
		if k := q.Key(); k != back.Key() {
			t.Fatalf("keys differ: %q %q", k, back.Key())
		}
	})
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

// TestPathReadsLikeItsList: a path answer is drawn the way its hops are
// listed, each hop's From before its To (a hop against its relation drawn
// backwards, dir=back), the other edges out of the ranking, and its legend
// has no line about edges outside the view.
func TestPathReadsLikeItsList(t *testing.T) {
	_, g := mustLoad(t)
	for _, q := range []graph.Query{
		{View: graph.PathView, From: "a/grpc/server", To: "c/consensus"},
		{View: graph.PathView, From: "a/etcd/raft", To: "a/consul/catalog"},
	} {
		t.Run(q.From+"->"+q.To, func(t *testing.T) {
			v, err := g.View(q)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := v.WriteDOT(&buf, graph.DOTOptions{Legend: true}); err != nil {
				t.Fatal(err)
			}
			lines := map[string]string{} // `"a" -> "b"` -> its attributes
			for _, l := range strings.Split(buf.String(), "\n") {
				l = strings.TrimSpace(l)
				if i := strings.Index(l, " ["); i > 0 && strings.Contains(l[:i], " -> ") {
					lines[l[:i]] = l[i:]
				}
			}
			hops := map[string]bool{}
			backs := 0
			for _, p := range v.Paths {
				for _, h := range p {
					k := graph.Quote(h.From) + " -> " + graph.Quote(h.To)
					hops[k] = true
					attrs, ok := lines[k]
					if !ok {
						t.Errorf("hop %s is not drawn from left to right", k)
						continue
					}
					if strings.Contains(attrs, "constraint=false") {
						t.Errorf("hop %s is left out of the ranking", k)
					}
					if back := strings.Contains(attrs, "dir=back"); back == h.Forward {
						t.Errorf("hop %s: dir=back is %v, want %v (the relation's direction)", k, back, !h.Forward)
					}
					if !h.Forward {
						backs++
					}
				}
			}
			for k, attrs := range lines {
				if !hops[k] && !strings.Contains(attrs, "style=invis") && !strings.Contains(attrs, "constraint=false") {
					t.Errorf("edge %s, on no hop, ranks the path's nodes", k)
				}
			}
			if strings.Contains(buf.String(), "outside this view") {
				t.Error("the path's legend counts edges outside the view")
			}
			t.Logf("%d hops, %d against their relation", len(hops), backs)
		})
	}
}
