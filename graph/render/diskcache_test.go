package render

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingBackend draws a fixed SVG per DOT and counts its calls.
type countingBackend struct {
	calls atomic.Int64
	fail  error
}

func (b *countingBackend) Render(_ context.Context, dot []byte, layout, format string) ([]byte, error) {
	b.calls.Add(1)
	if b.fail != nil {
		return nil, b.fail
	}
	if format == "png" {
		return []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("x", 16) + "IEND\xaeB`\x82"), nil
	}
	return []byte(fmt.Sprintf("<svg id=%q data-layout=%q>%s</svg>\n", dot, layout, strings.Repeat("p", 100))), nil
}

func (b *countingBackend) SupportsPNG() bool { return true }

func mustDiskCache(tb testing.TB, next Backend, dir, engine string, max int64) *DiskCache {
	tb.Helper()
	c, err := NewDiskCache(next, dir, engine, max)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestDiskCache(t *testing.T) {
	ctx := context.Background()
	type call struct {
		engine, dot, layout, format string
		wantCalls                   int64 // backend calls so far, after this one
	}
	tests := []struct {
		name  string
		calls []call
	}{
		{"OK", []call{{"e1", "digraph{a}", "dot", "svg", 1}, {"e1", "digraph{a}", "dot", "svg", 1}}},
		{"DOTChanges", []call{{"e1", "digraph{a}", "dot", "svg", 1}, {"e1", "digraph{b}", "dot", "svg", 2}}},
		{"LayoutInKey", []call{{"e1", "digraph{a}", "dot", "svg", 1}, {"e1", "digraph{a}", "sfdp", "svg", 2}}},
		{"FormatInKey", []call{{"e1", "digraph{a}", "dot", "svg", 1}, {"e1", "digraph{a}", "dot", "png", 2}, {"e1", "digraph{a}", "dot", "png", 2}}},
		{"EngineInKey", []call{{"e1", "digraph{a}", "dot", "svg", 1}, {"e2", "digraph{a}", "dot", "svg", 2}, {"e1", "digraph{a}", "dot", "svg", 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			b := &countingBackend{}
			for i, c := range tt.calls {
				// A new cache per call: what one process stored, the next reads.
				dc := mustDiskCache(t, b, dir, c.engine, 0)
				out, err := dc.Render(ctx, []byte(c.dot), c.layout, c.format)
				if err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
				want, _ := (&countingBackend{}).Render(ctx, []byte(c.dot), c.layout, c.format)
				if string(out) != string(want) {
					t.Fatalf("call %d: got %q, want %q", i, out, want)
				}
				if got := b.calls.Load(); got != c.wantCalls {
					t.Fatalf("call %d: backend called %d times, want %d", i, got, c.wantCalls)
				}
			}
		})
	}
}

func TestDiskCacheErrorsNotCached(t *testing.T) {
	dir := t.TempDir()
	b := &countingBackend{fail: ErrBadDOT}
	dc := mustDiskCache(t, b, dir, "e", 0)
	for i := 0; i < 2; i++ {
		if _, err := dc.Render(context.Background(), []byte("digraph{"), "dot", "svg"); !errors.Is(err, ErrBadDOT) {
			t.Fatalf("err = %v, want ErrBadDOT", err)
		}
	}
	if b.calls.Load() != 2 {
		t.Fatalf("backend called %d times, want 2 (errors are not cached)", b.calls.Load())
	}
	if _, err := dc.Render(context.Background(), []byte("digraph{}"), "dot", "gif"); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("gif: err = %v, want ErrUnsupported", err)
	}
}

func TestDiskCacheCorrupt(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, format, content string
	}{
		{"TruncatedSVG", "svg", "<svg id=\"x\"><g>"},
		{"NotSVG", "svg", "garbage</svg>"},
		{"Empty", "svg", ""},
		{"TruncatedPNG", "png", "\x89PNG\r\n\x1a\nxxxxxxxxxxxxxxx"},
		{"NotPNG", "png", "GIF89a" + strings.Repeat("x", 30) + "IEND\xaeB`\x82"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			b := &countingBackend{}
			dc := mustDiskCache(t, b, dir, "e", 0)
			dot := []byte("digraph{a->b}")
			want, err := dc.Render(ctx, dot, "dot", tt.format)
			if err != nil {
				t.Fatal(err)
			}
			name := dc.path(dot, "dot", tt.format)
			if err := os.WriteFile(name, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := dc.Render(ctx, dot, "dot", tt.format)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Fatalf("served the corrupt entry %q", got)
			}
			if b.calls.Load() != 2 {
				t.Fatalf("backend called %d times, want 2", b.calls.Load())
			}
			if disk, _ := os.ReadFile(name); string(disk) != string(want) {
				t.Fatalf("the entry was not replaced: %q", disk)
			}
		})
	}
}

func TestDiskCacheBound(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b := &countingBackend{}
	const max = 2000 // each entry is about 130 bytes
	dc := mustDiskCache(t, b, dir, "e", max)
	old := time.Now().Add(-time.Hour)
	for i := 0; i < 60; i++ {
		dot := []byte(fmt.Sprintf("digraph{n%d}", i))
		if _, err := dc.Render(ctx, dot, "dot", "svg"); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			// The first entry is used again below, so it must survive.
			continue
		}
		// Older entries first, a second apart, so eviction order is clear.
		mt := old.Add(time.Duration(i) * time.Second)
		_ = os.Chtimes(dc.path(dot, "dot", "svg"), mt, mt)
	}
	if _, err := dc.Render(ctx, []byte("digraph{n0}"), "dot", "svg"); err != nil {
		t.Fatal(err)
	}
	dc.trim()
	var total int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			total += info.Size()
		}
		return nil
	})
	if total > max {
		t.Fatalf("cache holds %d bytes, bound %d", total, max)
	}
	if total == 0 {
		t.Fatal("trim emptied the cache")
	}
	if _, err := os.Stat(dc.path([]byte("digraph{n0}"), "dot", "svg")); err != nil {
		t.Fatalf("the most recently used entry was evicted: %v", err)
	}
	if _, err := os.Stat(dc.path([]byte("digraph{n1}"), "dot", "svg")); err == nil {
		t.Fatal("the oldest entry survived the trim")
	}
}

// TestDiskCacheShared has two caches (as two processes would) write and
// read the same entries at once: every read is a whole entry.
func TestDiskCacheShared(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	for p := 0; p < 2; p++ {
		dc := mustDiskCache(t, &countingBackend{}, dir, "e", 0)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				dot := []byte(fmt.Sprintf("digraph{n%d}", i%20))
				want, _ := (&countingBackend{}).Render(ctx, dot, "dot", "svg")
				got, err := dc.Render(ctx, dot, "dot", "svg")
				if err != nil || string(got) != string(want) {
					errc <- fmt.Errorf("render %d: %q, %v", i, got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*", ".tmp-*"))
	if len(left) > 0 {
		t.Fatalf("temp files left: %v", left)
	}
}
