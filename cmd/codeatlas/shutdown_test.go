package main

import (
	"bufio"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMLeavesNoChildren starts `serve` as a process of its own,
// makes a render hang (a fault-injected WASM worker, or a dot that sleeps),
// sends SIGTERM while the render runs, and checks that the server exits 0
// and that no process it started (workers, dot, their children) survives.
func TestSIGTERMLeavesNoChildren(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and render workers")
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("reads processes from /proc")
	}
	realDot, _ := exec.LookPath("dot")
	for _, engine := range []string{"wasm", "native"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			gate := filepath.Join(dir, "gate")
			cmd := mainCommand("serve", "--content", fixture, "--addr", "127.0.0.1:0", "--no-cache", "--engine", engine)
			var rendering func() bool
			switch engine {
			case "wasm":
				// The worker that takes the gate hangs and never answers.
				cmd.Env = append(cmd.Env, "CODEATLAS_RENDER_FAULT=hang:"+gate)
				rendering = func() bool { _, err := os.Stat(gate); return errors.Is(err, os.ErrNotExist) }
			case "native":
				if realDot == "" {
					t.Skip("no Graphviz dot")
				}
				// A dot in front of the real one that passes it its input
				// line by line, and stops, without a process of its own,
				// at a line naming c/raft while the gate is there: dot
				// processes are kept between renders, so the hang must
				// come in the middle of a stream. Its dot ends when it
				// is killed (dot's input closes).
				hung := filepath.Join(dir, "hung")
				bin := filepath.Join(dir, "bin")
				script := "#!/bin/sh\nfifo=$(mktemp -u)\nmkfifo \"$fifo\"\n'" + realDot + "' \"$@\" < \"$fifo\" &\nexec 3> \"$fifo\"\nrm -f \"$fifo\"\n" +
					"while IFS= read -r line; do\n  case \"$line\" in *c/raft*) if [ -e '" + gate + "' ]; then touch '" + hung + "'; mkfifo \"$fifo\"; read -r _ < \"$fifo\"; fi;; esac\n  printf '%s\\n' \"$line\" >&3\ndone\nexec 3>&-\nwait\n"
				if err := os.MkdirAll(bin, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(bin, "dot"), []byte(script), 0o755); err != nil {
					t.Fatal(err)
				}
				cmd.Env = append(cmd.Env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
				rendering = func() bool { _, err := os.Stat(hung); return err == nil }
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			t.Cleanup(func() { _ = cmd.Process.Kill() })
			url := serverURL(t, stdout)
			// The warm-up render of the overview goes first, unhindered.
			get(t, url+"/healthz?deep=1")

			if err := os.WriteFile(gate, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			go func() {
				if resp, err := http.Get(url + "/map.svg?view=ego&focus=c/raft&depth=2"); err == nil {
					resp.Body.Close()
				}
			}()
			waitUntil(t, "a render to hang", rendering)
			procs := descendants(cmd.Process.Pid)
			if len(procs) == 0 {
				t.Fatal("no worker or dot process seen")
			}
			start := time.Now()
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("serve after SIGTERM mid-render: %v", err)
				}
				t.Logf("%s: exited %v after SIGTERM", engine, time.Since(start).Round(time.Millisecond))
			case <-time.After(15 * time.Second): // under the render deadline (20 s): shutdown did not wait for it
				t.Fatal("serve did not exit after SIGTERM")
			}
			// A process the server killed is gone at once; one whose
			// parent it killed (the wrapper's dot) ends as its input
			// closes: a moment later.
			for end := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				var left []int
				for _, p := range procs {
					if alive(p) {
						left = append(left, p)
					}
				}
				if len(left) == 0 {
					break
				}
				if time.Now().After(end) {
					for _, p := range left {
						t.Errorf("process %d (%s) survived the server", p, comm(p))
					}
					break
				}
			}
		})
	}
}

// serverURL reads the URL serve prints when it listens.
func serverURL(t *testing.T, stdout interface{ Read([]byte) (int, error) }) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, url, ok := strings.Cut(sc.Text(), "serving on "); ok {
				found <- url
			}
		}
	}()
	select {
	case url := <-found:
		return url
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not say where it listens")
	}
	return ""
}

func get(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", url, resp.StatusCode)
	}
}

// waitUntil polls cond; the limit only keeps a broken server from hanging
// the test.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// descendants lists the live processes below pid, read from /proc.
func descendants(pid int) []int {
	parent := map[int]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, state, ok := procStat(n); ok && state != "Z" {
			parent[n] = ppid
		}
	}
	var out []int
	for n := range parent {
		for p := parent[n]; p > 1; p = parent[p] {
			if p == pid {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// alive reports whether pid is a process that has not exited (a zombie
// has: it only waits to be reaped).
func alive(pid int) bool {
	_, state, ok := procStat(pid)
	return ok && state != "Z" && state != "X"
}

func comm(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	return strings.TrimSpace(string(b))
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

// TestSecondUser runs a command after another user's go-graphviz folder
// is in the way in the temporary folder: one this user cannot write, and
// (as root can write anywhere) a file where go-graphviz wants a folder.
// The command still works: go-graphviz's cache lives under this user's
// cache folder.
func TestSecondUser(t *testing.T) {
	for _, tt := range []struct {
		name string
		make func(path string) error
	}{
		{"unwritable folder", func(p string) error { return os.Mkdir(p, 0o500) }},
		{"file", func(p string) error { return os.WriteFile(p, []byte("someone else's"), 0o400) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tmp, cache := t.TempDir(), t.TempDir()
			if err := tt.make(filepath.Join(tmp, "go-graphviz")); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = os.Chmod(filepath.Join(tmp, "go-graphviz"), 0o700) })
			cmd := mainCommand("export", "--content", fixture, "--engine", "wasm", "--no-cache", "--view", "ego", "--focus", "c/raft", "--format", "svg")
			cmd.Env = append(cmd.Env, "TMPDIR="+tmp, "XDG_CACHE_HOME="+cache)
			out, err := cmd.Output()
			if err != nil {
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					t.Fatalf("%v: %s", err, ee.Stderr)
				}
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(out), "<svg") {
				t.Errorf("no SVG: %.100s", out)
			}
		})
	}
}
