package graph_test

import (
	"slices"
	"sort"
	"testing"
	"testing/fstest"

	"github.com/codeatlas/codeatlas/content"
	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
)

// TestEstablishedOnBundledNotes: which projects implement or use a
// concept, read from the articles by hand. etcd and Consul run Raft;
// Prometheus's storage notes and Alertmanager's cluster notes only compare
// with it, Jaeger and NSQ mention it in passing. Traefik speaks gRPC (its
// service manager runs grpc.health.v1 checks and serves gRPC statuses);
// Echo and NSQ only compare their middleware and consumers with gRPC's.
// Prometheus and Alertmanager trace themselves through a tracing manager;
// go-micro and Traefik mention tracing once. The graph's established
// relations must say the same.
func TestEstablishedOnBundledNotes(t *testing.T) {
	c, err := extract.Load(content.FS(), extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.Build(c)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"c/raft":              {"consul", "etcd"},
		"c/service-discovery": {"consul", "go-micro", "grpc", "jaeger", "nsq", "prometheus", "traefik"},
		"c/grpc":              {"consul", "etcd", "go-micro", "grpc", "jaeger", "traefik"},
		"c/load-balancing":    {"consul", "echo", "go-micro", "grpc", "jaeger", "nsq", "traefik"},
		"c/tracing":           {"jaeger", "prometheus"},
	}
	for concept, projects := range want {
		got := map[string]bool{}
		passing := map[string]bool{}
		for _, e := range g.In(concept) {
			n, _ := g.Node(e.From)
			if n.Kind != graph.Article || n.Project == "" {
				continue
			}
			if e.Established() {
				got[n.Project] = true
			} else {
				passing[n.Project] = true
			}
		}
		var list []string
		for p := range got {
			list = append(list, p)
		}
		sort.Strings(list)
		if !slices.Equal(list, projects) {
			var pl []string
			for p := range passing {
				if !got[p] {
					pl = append(pl, p)
				}
			}
			sort.Strings(pl)
			t.Errorf("%s: established by %v, want %v (in passing: %v)", concept, list, projects, pl)
		}
	}
}

// TestPathPrefersEstablished: on the bundled notes, the path finder goes
// around a passing mention when established relations join the ends at no
// more than weakHop times the cost. Breadth-first search answered each of
// these with a path through a passing mention (Jaeger's sampling note
// mentions Raft once; Traefik's index names service discovery once; Echo's
// gateway note names tracing once).
func TestPathPrefersEstablished(t *testing.T) {
	c, err := extract.Load(content.FS(), extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.Build(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		from, to string
		weak     int // weak hops on the best path
	}{
		{"p/jaeger", "c/raft", 0},
		{"p/traefik", "c/service-discovery", 0},
		{"p/prometheus", "c/raft", 0},
		// go-micro's index names service discovery in one sentence; its
		// registry and selector articles establish it.
		{"p/go-micro", "c/service-discovery", 0},
		{"p/echo", "c/tracing", 0},
	} {
		t.Run(tc.from+"→"+tc.to, func(t *testing.T) {
			v, err := g.View(graph.Query{View: graph.PathView, From: tc.from, To: tc.to})
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Paths) == 0 {
				t.Fatal("no path")
			}
			for _, p := range v.Paths {
				if p[0].From != tc.from || p[len(p)-1].To != tc.to {
					t.Errorf("path does not join the ends: %+v", p)
				}
				weak := 0
				for _, h := range p {
					est := false
					for _, r := range h.Relations {
						est = est || r.Established()
					}
					if !est {
						weak++
					}
				}
				if weak != tc.weak {
					t.Errorf("path %v has %d weak hops, want %d", hopNames(p), weak, tc.weak)
				}
			}
		})
	}
}

func hopNames(p []graph.Hop) []string {
	var out []string
	for _, h := range p {
		out = append(out, h.From+"→"+h.To)
	}
	return out
}

// TestPathPrefersEstablishedDirection: between two nodes related both
// ways, a hop shows, and costs, the established relation. Project x
// mentions Raft once in passing; Raft's page links x: the path from x to
// Raft is that one established hop, walked against its relation.
func TestPathPrefersEstablishedDirection(t *testing.T) {
	notes := fstest.MapFS{
		"SUMMARY.md":       {Data: []byte("- [X](x/index.md)\n")},
		"x/index.md":       {Data: []byte("---\nkind: project\ntitle: X\n---\nX is simpler than a raft cluster.\n")},
		"concepts/raft.md": {Data: []byte("---\nkind: concept\ntitle: Raft\naliases: [raft]\n---\nUsed by [X](../x/index.md).\n")},
	}
	c, err := extract.Load(notes, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.Build(c)
	if err != nil {
		t.Fatal(err)
	}
	v, err := g.View(graph.Query{View: graph.PathView, From: "p/x", To: "c/raft"})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Paths) != 1 || len(v.Paths[0]) != 1 {
		t.Fatalf("paths %+v, want one hop", v.Paths)
	}
	h := v.Paths[0][0]
	ok := false
	for _, r := range h.Relations {
		ok = ok || r.Established()
	}
	if !ok || h.Forward {
		t.Errorf("the hop is %v (forward %v), want Raft's link to X, walked backwards", h.Relations, h.Forward)
	}
}
