package extract

import (
	"slices"
	"testing"
)

func TestNormalizeCode(t *testing.T) {
	tests := map[string]string{
		"Agent.Run()":              "Agent.Run",
		" NewAgent(opts, log) ":    "NewAgent",
		"*Agent":                   "Agent",
		"&Config{}":                "Config{}",
		"(*Agent).Run":             "Agent.Run",
		"(Agent).Run":              "Agent.Run",
		"Set[T]":                   "Set",
		"Map[K, V].Keys":           "Map[K, V].Keys",
		"Container::bind()":        "Container::bind",
		"when()->needs()->give()":  "when()->needs()->give()",
		"f(g(x))":                  "f",
		"f(x) + g(y)":              "f(x) + g(y)",
		"cmd/agent/app/agent.go":   "cmd/agent/app/agent.go",
		"if err != nil { return }": "if err != nil { return }",
	}
	for in, want := range tests {
		if got := normalizeCode(in); got != want {
			t.Errorf("normalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSymbolForms(t *testing.T) {
	tests := []struct {
		name         string
		strong, weak []string
	}{
		{"cmd/agent/app.Agent.Run", []string{"cmd/agent/app.Agent.Run", "cmd/agent/app.Agent.Run", "app.Agent.Run"}, []string{"Agent.Run"}},
		{"scrape.NewManager", []string{"scrape.NewManager", "scrape.NewManager"}, []string{"NewManager"}},
		{"resolver.Builder (agent/grpc-internal)", []string{"resolver.Builder (agent/grpc-internal)", "resolver.Builder"}, []string{"Builder"}},
		{"Kernel::handle (Foundation/Http)", []string{"Kernel::handle (Foundation/Http)", "Kernel::handle"}, nil},
		{`Illuminate\Container\Container::bind`, []string{`Illuminate\Container\Container::bind`, `Illuminate\Container\Container::bind`}, []string{"Container::bind"}},
		{"app", []string{"app", "app"}, nil},
	}
	for _, tc := range tests {
		if got := symbolForms(tc.name); !slices.Equal(got, tc.strong) {
			t.Errorf("symbolForms(%q) = %q, want %q", tc.name, got, tc.strong)
		}
		if got := symbolShortForms(tc.name); !slices.Equal(got, tc.weak) {
			t.Errorf("symbolShortForms(%q) = %q, want %q", tc.name, got, tc.weak)
		}
	}
}

// TestCodeTargetsAmbiguous: a short form two cited symbols share links
// neither, while their full forms still do.
func TestCodeTargetsAmbiguous(t *testing.T) {
	d := &Document{Upstream: Upstream{Repo: "o/r", Commit: "c", Symbols: StringList{"a.Manager", "b.Manager"}}}
	d.Locked = &LockedArticle{Path: "x.md", Repo: "o/r", Commit: "c", Symbols: []LockedSymbol{
		{Name: "a.Manager", Path: "a/m.go", First: 1, Last: 2},
		{Name: "b.Manager", Path: "b/m.go", First: 3, Last: 4},
	}}
	strong, weak := codeTargets(d)
	if _, ok := weak["Manager"]; ok {
		t.Error("Manager links though two symbols share it")
	}
	if strong["a.Manager"].url != "https://github.com/o/r/blob/c/a/m.go#L1-L2" || strong["b.Manager"].url != "https://github.com/o/r/blob/c/b/m.go#L3-L4" {
		t.Errorf("full forms: %+v", strong)
	}
}
