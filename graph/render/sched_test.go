package render

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hold arms the "hold" fault: renders whose DOT says hold wait in their
// worker until the returned release is called.
func hold(t *testing.T) (release func()) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "hold")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(faultEnv, "hold:"+file)
	return func() { _ = os.Remove(file) }
}

// chain is a DOT graph named name with edges edges in a row: quick to lay
// out, but its expected cost is its edge count.
func chain(name string, edges int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s { ", name)
	for i := 0; i < edges; i++ {
		fmt.Fprintf(&b, "n%d -> n%d; ", i, i+1)
	}
	b.WriteString("}")
	return []byte(b.String())
}

// waitFor polls cond until it holds; the limit only keeps a broken pool
// from hanging the test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
	}
}

// flightState reports whether the render of (dot, layout, format) is in
// flight and whether it holds a worker slot.
func (p *Pool) flightState(dot []byte, layout, format string) (flying, started bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, ok := p.flights[cacheKey(dot, layout, format)]
	return ok, ok && f.started
}

type result struct {
	out []byte
	err error
}

func renderAsync(ctx context.Context, p *Pool, dot []byte) chan result {
	c := make(chan result, 1)
	go func() {
		out, err := p.Render(ctx, dot, "dot", "svg")
		c <- result{out, err}
	}()
	return c
}

// heldDot writes a dot for the native engine that, like the hold fault,
// waits while gate exists before it lays out a graph whose DOT says hold
// (a shell script in front of the real dot).
func heldDot(t *testing.T, gate string) string {
	t.Helper()
	real, _, err := NativeDot("")
	if err != nil {
		t.Skipf("no native Graphviz: %v", err)
	}
	script := filepath.Join(t.TempDir(), "helddot")
	src := "#!/bin/sh\nin=$(cat)\ncase \"$in\" in *hold*) while [ -e '" + gate + "' ]; do sleep 0.01; done;; esac\n" +
		"exec '" + real + "' \"$@\" <<EOF\n$in\nEOF\n"
	if err := os.WriteFile(script, []byte(src), 0o755); err != nil {
		t.Fatal(err)
	}
	return script
}

// TestSmallMapNotStarved: two large renders are being laid out (held in
// their workers, or their dot processes, until the test lets them go) and
// a small uncached map is still answered before either of them ends.
func TestSmallMapNotStarved(t *testing.T) {
	for _, engine := range []string{"wasm", "native"} {
		for _, workers := range []int{2, 3} {
			t.Run(engine+"/"+strconv.Itoa(workers)+"workers", func(t *testing.T) {
				release := hold(t)
				defer release()
				cfg := Config{Workers: workers, Timeout: 2 * time.Minute}
				if engine == "native" {
					cfg.Native = heldDot(t, strings.TrimPrefix(os.Getenv(faultEnv), "hold:"))
				}
				p := testPool(t, cfg)
				large := [][]byte{chain("hold1", largeEdges+10), chain("hold2", largeEdges+20)}
				var done []chan result
				for _, dot := range large {
					done = append(done, renderAsync(context.Background(), p, dot))
				}
				// Large renders may take every worker (or core) and a
				// small map runs beside them in the reserve.
				want := min(2, workers)
				waitFor(t, "large renders in their workers", func() bool {
					n := 0
					for _, dot := range large {
						flying, started := p.flightState(dot, "dot", "svg")
						if !flying {
							return false
						}
						if started {
							n++
						}
					}
					return n == want
				})
				// The limit only keeps a starved render from hanging the test.
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				if _, err := p.Render(ctx, chain("small", 5), "dot", "svg"); err != nil {
					t.Fatalf("small map while two large ones are laid out: %v", err)
				}
				for i, c := range done {
					select {
					case r := <-c:
						t.Fatalf("large render %d ended before it was released: %v", i, r.err)
					default:
					}
				}
				release()
				for i, c := range done {
					if r := <-c; r.err != nil {
						t.Errorf("large render %d: %v", i, r.err)
					}
				}
			})
		}
	}
}

// TestClientGone: a caller whose context ends gets an error at once. A
// cheap render it leaves behind finishes into the cache, with its worker
// kept; a costly one is cancelled and its worker killed, unless another
// caller still waits for it.
func TestClientGone(t *testing.T) {
	t.Run("cheap finishes into the cache", func(t *testing.T) {
		release := hold(t)
		defer release()
		p := testPool(t, Config{Workers: 1, Timeout: time.Minute})
		dot := chain("hold", 3)
		ctx, cancel := context.WithCancel(context.Background())
		c := renderAsync(ctx, p, dot)
		waitFor(t, "the render in a worker", func() bool { _, started := p.flightState(dot, "dot", "svg"); return started })
		cancel()
		if r := <-c; !errors.Is(r.err, context.Canceled) || !errors.Is(r.err, ErrTimeout) {
			t.Fatalf("the caller that left got %v", r.err)
		}
		release()
		waitFor(t, "the render in the cache", func() bool { _, ok := p.cache.get(cacheKey(dot, "dot", "svg")); return ok })
		if _, err := p.Render(context.Background(), dot, "dot", "svg"); err != nil {
			t.Fatal(err)
		}
		if s := p.Stats(); s.Killed != 0 || s.Renders != 1 || s.CacheHits != 1 {
			t.Errorf("want 1 render kept and then served from the cache, got %+v", s)
		}
	})
	t.Run("costly is cancelled", func(t *testing.T) {
		release := hold(t)
		defer release()
		p := testPool(t, Config{Workers: 1, Timeout: time.Minute})
		dot := chain("hold", cheapEdges+1)
		ctx, cancel := context.WithCancel(context.Background())
		c := renderAsync(ctx, p, dot)
		pids := waitForWorkers(t, p, 1)
		cancel()
		if r := <-c; !errors.Is(r.err, context.Canceled) {
			t.Fatalf("the caller that left got %v", r.err)
		}
		waitFor(t, "the render to end", func() bool { flying, _ := p.flightState(dot, "dot", "svg"); return !flying })
		for _, pid := range pids {
			if alive(pid) {
				t.Errorf("worker %d still running", pid)
			}
		}
		if _, ok := p.cache.get(cacheKey(dot, "dot", "svg")); ok {
			t.Error("a cancelled render was cached")
		}
		if s := p.Stats(); s.Killed != 1 {
			t.Errorf("want the worker killed, got %+v", s)
		}
		release()
		if _, err := p.Render(context.Background(), dot, "dot", "svg"); err != nil {
			t.Fatalf("the next render: %v", err)
		}
	})
	t.Run("costly with another caller goes on", func(t *testing.T) {
		release := hold(t)
		defer release()
		p := testPool(t, Config{Workers: 1, Timeout: time.Minute})
		dot := chain("hold", cheapEdges+1)
		ctx, cancel := context.WithCancel(context.Background())
		gone := renderAsync(ctx, p, dot)
		waitForWorkers(t, p, 1)
		stays := renderAsync(context.Background(), p, dot)
		waitFor(t, "the second caller to join", func() bool { return p.Stats().Merged == 1 })
		cancel()
		if r := <-gone; !errors.Is(r.err, context.Canceled) {
			t.Fatalf("the caller that left got %v", r.err)
		}
		release()
		if r := <-stays; r.err != nil {
			t.Fatalf("the caller that stayed got %v", r.err)
		}
		if s := p.Stats(); s.Killed != 0 || s.Renders != 1 {
			t.Errorf("want one render, no worker killed, got %+v", s)
		}
	})
}

// TestNativeClientGone: the same with the native engine, through a dot
// that waits for the test before it lays out: a costly render's dot
// process is killed when its caller leaves, a cheap one finishes into the
// cache.
func TestNativeClientGone(t *testing.T) {
	for _, tt := range []struct {
		name   string
		edges  int
		cached bool
	}{
		{"cheap", 3, true},
		{"costly", cheapEdges + 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gate := filepath.Join(t.TempDir(), "gate")
			if err := os.WriteFile(gate, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			script := heldDot(t, gate)
			p := testPool(t, Config{Workers: 1, Native: script, Timeout: time.Minute})
			dot := chain("hold", tt.edges)
			ctx, cancel := context.WithCancel(context.Background())
			c := renderAsync(ctx, p, dot)
			var pid int
			waitFor(t, "dot to start", func() bool {
				kids := children(os.Getpid())
				if len(kids) > 0 {
					pid = kids[0]
				}
				return pid != 0
			})
			cancel()
			if r := <-c; !errors.Is(r.err, context.Canceled) {
				t.Fatalf("the caller that left got %v", r.err)
			}
			if tt.cached {
				_ = os.Remove(gate)
				waitFor(t, "the render in the cache", func() bool { _, ok := p.cache.get(cacheKey(dot, "dot", "svg")); return ok })
				return
			}
			waitFor(t, "the render to end", func() bool { flying, _ := p.flightState(dot, "dot", "svg"); return !flying })
			if alive(pid) {
				t.Errorf("dot process %d still running after its caller left", pid)
			}
			if _, ok := p.cache.get(cacheKey(dot, "dot", "svg")); ok {
				t.Error("a cancelled render was cached")
			}
		})
	}
}

// TestCloseKillsEverything: Close with a render in a worker, an idle
// worker and a native dot running returns with every one of them gone,
// the render failed, and later renders refused.
func TestCloseKillsEverything(t *testing.T) {
	release := hold(t)
	defer release()
	p := testPool(t, Config{Workers: 2, Timeout: time.Minute})
	c := renderAsync(context.Background(), p, chain("hold", 3))
	waitForWorkers(t, p, 1)
	// A second worker, idle after its render.
	if _, err := p.Render(context.Background(), chain("idle", 2), "dot", "svg"); err != nil {
		t.Fatal(err)
	}
	pids := waitForWorkers(t, p, 2)

	sleeper := filepath.Join(t.TempDir(), "sleepdot")
	if err := os.WriteFile(sleeper, []byte("#!/bin/sh\nexec sleep 600\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	np := testPool(t, Config{Workers: 1, Native: sleeper, Timeout: time.Minute})
	nc := renderAsync(context.Background(), np, chain("g", 3))
	waitFor(t, "dot to start", func() bool { return len(children(os.Getpid())) == 3 })
	all := children(os.Getpid())

	p.Close()
	np.Close()
	for _, r := range []result{<-c, <-nc} {
		if r.err == nil {
			t.Error("a render in flight succeeded after Close")
		}
	}
	for _, pid := range all {
		if alive(pid) {
			t.Errorf("process %d survived Close (workers %v)", pid, pids)
		}
	}
	if _, err := p.Render(context.Background(), chain("after", 2), "dot", "svg"); !errors.Is(err, ErrClosed) {
		t.Errorf("render after Close: %v", err)
	}
}

// waitForWorkers waits until the pool runs n workers and returns their
// process ids.
func waitForWorkers(t *testing.T, p *Pool, n int) []int {
	t.Helper()
	var pids []int
	waitFor(t, fmt.Sprintf("%d workers", n), func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		pids = pids[:0]
		for w := range p.live {
			pids = append(pids, w.cmd.Process.Pid)
		}
		return len(pids) == n
	})
	return pids
}

// children lists the running (not zombie) child processes of pid, read
// from /proc.
func children(pid int) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, state, ok := procStat(n); ok && ppid == pid && state != "Z" {
			out = append(out, n)
		}
	}
	return out
}

// alive reports whether pid is a process that has not exited.
func alive(pid int) bool {
	_, state, ok := procStat(pid)
	return ok && state != "Z" && state != "X"
}

func procStat(pid int) (ppid int, state string, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, "", false
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, "", false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, "", false
	}
	ppid, err = strconv.Atoi(f[1])
	return ppid, f[0], err == nil
}
