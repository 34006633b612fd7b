package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	start := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		tty   bool
		steps []time.Duration // when each update comes, from the start
		want  string
	}{
		{"Plain", false, []time.Duration{time.Second, 3 * time.Second, 4 * time.Second, 6 * time.Second, 9 * time.Second, 12 * time.Second},
			"site: files 2/100, 0.7/s\nsite: files 4/100, 0.7/s\nsite: files 5/100, 0.6/s\nsite: files 6/100, 0.5/s, about 3m8s left\n"},
		{"Terminal", true, []time.Duration{time.Second, 1050 * time.Millisecond, 2 * time.Second},
			"\rsite: files 1/100, 1.0/s\x1b[K\rsite: files 3/100, 1.5/s\x1b[K\r\x1b[K"},
		{"Terminal, a tenth done", true, []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond, 400 * time.Millisecond, 500 * time.Millisecond, 600 * time.Millisecond, 700 * time.Millisecond, 800 * time.Millisecond, time.Second},
			"\rsite: files 2/100, 20.0/s\x1b[K\rsite: files 3/100, 15.0/s\x1b[K\rsite: files 4/100, 13.3/s\x1b[K\rsite: files 5/100, 12.5/s\x1b[K\rsite: files 6/100, 12.0/s\x1b[K\rsite: files 7/100, 11.7/s\x1b[K\rsite: files 8/100, 11.4/s\x1b[K\rsite: files 9/100, 11.2/s\x1b[K\rsite: files 10/100, 10.0/s, about 9s left\x1b[K\r\x1b[K"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			now := start
			p := &progress{w: &buf, tty: tt.tty, what: "site: files", now: func() time.Time { return now }, every: 3 * time.Second, start: start, last: start}
			for i, at := range tt.steps {
				now = start.Add(at)
				p.update(i+1, 100)
			}
			p.end()
			if got := buf.String(); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestSiteQuiet: with -q the command prints nothing; without it, to a
// buffer (not a terminal), plain lines and a summary, no \r.
func TestSiteQuiet(t *testing.T) {
	if testing.Short() {
		t.Skip("renders the bundled notes")
	}
	cache, notes := t.TempDir(), t.TempDir()
	for name, text := range map[string]string{
		"x/SUMMARY.md": "# X\n\n- [One](one.md)\n- [Two](two.md)\n",
		"x/one.md":     "# One\n\nAbout raft and [two](two.md).\n",
		"x/two.md":     "# Two\n\nAbout raft too.\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(notes, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(notes, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, quiet := range []bool{true, false} {
		var out, errb bytes.Buffer
		args := []string{"site", "--content", notes, "--cache-dir", cache, "-o", t.TempDir()}
		if quiet {
			args = append(args, "-q")
		}
		if err := run(t.Context(), args, strings.NewReader(""), &out, &errb); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errb.String())
		}
		switch {
		case quiet && out.Len() > 0:
			t.Errorf("-q printed %q", out.String())
		case !quiet && (!strings.Contains(out.String(), "wrote ") || strings.Contains(out.String(), "\r")):
			t.Errorf("printed %q", out.String())
		}
	}
}

func TestCounted(t *testing.T) {
	for _, tt := range []struct {
		n    int
		noun string
		want string
	}{{0, "map", "0 maps"}, {1, "map", "1 map"}, {2, "other file", "2 other files"}} {
		if got := counted(tt.n, tt.noun); got != tt.want {
			t.Errorf("counted(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
}
