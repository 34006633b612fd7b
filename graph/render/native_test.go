package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseDotVersion(t *testing.T) {
	tests := []struct {
		in           string
		major, minor int
		ok           bool
	}{
		{"dot - graphviz version 2.43.0 (0)\n", 2, 43, true},
		{"dot - graphviz version 12.1.2 (20240928.0832)", 12, 1, true},
		{"dot - Graphviz version 2.40.1", 0, 0, false},
		{"command not found", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		major, minor, ok := parseDotVersion(tt.in)
		if major != tt.major || minor != tt.minor || ok != tt.ok {
			t.Errorf("parseDotVersion(%q) = %d, %d, %v; want %d, %d, %v", tt.in, major, minor, ok, tt.major, tt.minor, tt.ok)
		}
	}
}

// fakeDot writes an executable that prints version on stderr for -V.
func fakeDot(t *testing.T, version string, exit int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "dot")
	script := "#!/bin/sh\necho '" + version + "' >&2\nexit " + string(rune('0'+exit)) + "\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResolveEngine(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("needs sh for the fake dot")
	}
	good := fakeDot(t, "dot - graphviz version 2.43.0 (0)", 0)
	old := fakeDot(t, "dot - graphviz version 2.38.0 (20140413.2041)", 0)
	broken := fakeDot(t, "segfault", 1)
	missing := filepath.Join(t.TempDir(), "nodot")
	tests := []struct {
		name, engine, dot, want string
		err                     error
	}{
		{"wasm ignores dot", EngineWASM, good, "", nil},
		{"native", EngineNative, good, good, nil},
		{"auto finds dot", EngineAuto, good, good, nil},
		{"empty is auto", "", good, good, nil},
		{"native too old", EngineNative, old, "", ErrNoNative},
		{"native broken", EngineNative, broken, "", ErrNoNative},
		{"native missing", EngineNative, missing, "", ErrNoNative},
		{"auto falls back when old", EngineAuto, old, "", nil},
		{"auto falls back when missing", EngineAuto, missing, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := ResolveEngine(tt.engine, tt.dot)
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if _, _, err := ResolveEngine("fast", good); err == nil || !strings.Contains(err.Error(), "auto|wasm|native") {
		t.Errorf("unknown engine: got %v", err)
	}
}

func nativePool(t *testing.T, cfg Config) *Pool {
	t.Helper()
	dot, _, err := NativeDot("")
	if err != nil {
		t.Skipf("no native Graphviz: %v", err)
	}
	cfg.Native = dot
	return testPool(t, cfg)
}

// TestEnginesAgree renders the same DOT with both engines: each output is
// well-formed, cleaned (no prolog, unsafe links dropped, safe ones kept)
// and carries the same node ids and classes the front end reads.
func TestEnginesAgree(t *testing.T) {
	const src = `digraph G { a [id="n-a", class="prio-1", URL="/a/x", tooltip="t"]; b [id="n-b", class="prio-3", URL="javascript:alert(1)"]; a -> b [id="e-ab"] }`
	wasm := testPool(t, Config{Workers: 1})
	native := nativePool(t, Config{Workers: 1})
	for name, p := range map[string]*Pool{"wasm": wasm, "native": native} {
		t.Run(name, func(t *testing.T) {
			svg, err := p.Render(context.Background(), []byte(src), "dot", "svg")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(svg, []byte("<svg")) {
				t.Errorf("prolog kept: %.80s", svg)
			}
			if bytes.Contains(svg, []byte("javascript:")) {
				t.Errorf("javascript: URL kept")
			}
			for _, want := range []string{`xlink:href="/a/x"`, `id="n-a"`, `id="n-b"`, `id="e-ab"`, `class="node prio-1"`, `class="node prio-3"`} {
				// Graphviz writes "-" in attributes as &#45;.
				if !strings.Contains(html.UnescapeString(string(svg)), want) {
					t.Errorf("missing %s", want)
				}
			}
			d := xml.NewDecoder(bytes.NewReader(svg))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("not well-formed: %v", err)
				}
			}
		})
	}
}

func TestNativeErrors(t *testing.T) {
	p := nativePool(t, Config{Workers: 1})
	tests := []struct {
		name, dot, layout, format string
		want                      error
	}{
		{"ErrBadDOT/syntax", "digraph { a -> }", "dot", "svg", ErrBadDOT},
		{"ErrBadDOT/nograph", "/* nothing */", "dot", "svg", ErrBadDOT},
		{"ErrUnsupported/layout", small, "circo", "svg", ErrUnsupported},
		{"ok/sfdp", "graph { a -- b; b -- c }", "sfdp", "svg", nil},
		{"ok/neato", "graph { a -- b; b -- c }", "neato", "svg", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Render(context.Background(), []byte(tt.dot), tt.layout, tt.format)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestNativeDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("lays out a slow graph")
	}
	// slowDOT(400) takes native dot well over a minute; the deadline is
	// long enough for a small render on a loaded machine (CI runs the
	// packages' tests side by side).
	p := nativePool(t, Config{Workers: 1, Timeout: 3 * time.Second})
	_, err := p.Render(context.Background(), slowDOT(400), "dot", "svg")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if _, err := p.Render(context.Background(), []byte("digraph { x -> y }"), "dot", "svg"); err != nil {
		t.Fatalf("no render after a timeout: %v", err)
	}
}

// TestAdmit checks who may render at once: large renders take every
// worker (or core), and one worker or process beyond them is kept for a
// small render, with either engine.
func TestAdmit(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()
	tests := []struct {
		name   string
		native string
		// steps: 'L' a large render that must be admitted, 'S' a small
		// one; lower case: one that must wait (refused on a done context).
		steps string
	}{
		{"wasm: large renders take every worker, a small one the reserve", "", "LLlSs"},
		{"wasm: small renders take workers and the reserve", "", "SSSsl"},
		{"native: large renders take every core, a small one the reserve", "/usr/bin/dot", "LLlSs"},
		{"native: small renders take cores and the reserve", "/usr/bin/dot", "SSSsl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPool(Config{Command: SelfCommand, Workers: 2, Native: tt.native})
			var held []func()
			for i, c := range tt.steps {
				large := c == 'L' || c == 'l'
				waits := c == 'l' || c == 's'
				ctx := bg
				if waits {
					ctx = cancelled
				}
				release, err := p.admit(ctx, large)
				switch {
				case waits && err == nil:
					t.Fatalf("step %d (%c): admitted, want it to wait", i, c)
				case !waits && err != nil:
					t.Fatalf("step %d (%c): %v", i, c, err)
				case err == nil:
					held = append(held, release)
				}
			}
			for _, r := range held {
				r()
			}
			// Everything given back: as many as at first fit again.
			for i := 0; i < 2; i++ {
				r, err := p.admit(bg, false)
				if err != nil {
					t.Fatalf("after release: %v", err)
				}
				defer r()
			}
		})
	}
}
