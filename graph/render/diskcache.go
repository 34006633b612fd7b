package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Backend is what a DiskCache wraps: a Pool, or anything that renders
// with the same signature.
type Backend interface {
	Render(ctx context.Context, dot []byte, layout, format string) ([]byte, error)
	SupportsPNG() bool
}

// DiskCache keeps renders on disk across processes: a restarted server
// and a second `codeatlas site` run reuse every unchanged map. Entries are
// keyed by sha256 of (engine id, layout, format, DOT), so a new engine or
// version never serves an old drawing. It is safe for concurrent use and
// for several processes sharing one folder: entries are written to a temp
// file and renamed into place, and an entry that is truncated or not an
// SVG/PNG is ignored (and removed) rather than served.
type DiskCache struct {
	next   Backend
	dir    string
	engine string
	max    int64

	mu      sync.Mutex
	written int64 // bytes written since the last trim
}

// DefaultCacheDir is os.UserCacheDir()/codeatlas ($XDG_CACHE_HOME moves it
// on Linux).
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "codeatlas"), nil
}

// DefaultCacheBytes bounds a cache folder unless the caller says otherwise.
const DefaultCacheBytes = 256 << 20

// NewDiskCache wraps next with a cache in dir, bounded by maxBytes (0:
// DefaultCacheBytes). engine names the renderer and its version (e.g.
// "wasm-graphviz-12.1.2" or "dot-2.42.2"): it is part of every key.
func NewDiskCache(next Backend, dir, engine string, maxBytes int64) (*DiskCache, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultCacheBytes
	}
	if dir == "" {
		return nil, errors.New("render cache: no folder")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("render cache: %w", err)
	}
	c := &DiskCache{next: next, dir: dir, engine: engine, max: maxBytes}
	c.trim()
	return c, nil
}

// SupportsPNG is the wrapped renderer's.
func (c *DiskCache) SupportsPNG() bool { return c.next.SupportsPNG() }

// Dir is the cache's folder.
func (c *DiskCache) Dir() string { return c.dir }

// Render answers from disk when an intact entry is there, else renders
// and stores the result. Errors are never cached.
func (c *DiskCache) Render(ctx context.Context, dot []byte, layout, format string) ([]byte, error) {
	if err := check(dot, layout, format); err != nil {
		return nil, err
	}
	name := c.path(dot, layout, format)
	if b, err := os.ReadFile(name); err == nil {
		if valid(b, format) {
			now := time.Now()
			_ = os.Chtimes(name, now, now) // recently used: evicted last
			return b, nil
		}
		_ = os.Remove(name)
	}
	b, err := c.next.Render(ctx, dot, layout, format)
	if err != nil {
		return nil, err
	}
	if valid(b, format) {
		c.store(name, b)
	}
	return b, nil
}

func (c *DiskCache) path(dot []byte, layout, format string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", c.engine, layout, format)
	h.Write(dot)
	sum := hex.EncodeToString(h.Sum(nil))
	return filepath.Join(c.dir, sum[:2], sum+"."+format)
}

// store writes b under name through a temp file in the same folder, so a
// reader in any process sees the whole entry or none. Failing to store is
// not an error: the render is still good.
func (c *DiskCache) store(name string, b []byte) {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr != nil || cerr != nil || os.Rename(f.Name(), name) != nil {
		_ = os.Remove(f.Name())
		return
	}
	c.mu.Lock()
	c.written += int64(len(b))
	due := c.written > c.max/8
	if due {
		c.written = 0
	}
	c.mu.Unlock()
	if due {
		c.trim()
	}
}

// trim removes the least recently used entries (oldest mtime) until the
// folder holds at most max bytes, and temp files a crashed writer left.
func (c *DiskCache) trim() {
	type entry struct {
		path string
		size int64
		mod  time.Time
	}
	var entries []entry
	var total int64
	_ = filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".tmp-") {
			if time.Since(info.ModTime()) > time.Hour {
				_ = os.Remove(p)
			}
			return nil
		}
		entries = append(entries, entry{p, info.Size(), info.ModTime()})
		total += info.Size()
		return nil
	})
	if total <= c.max {
		return
	}
	sort.Slice(entries, func(i, j int) bool {
		if !entries[i].mod.Equal(entries[j].mod) {
			return entries[i].mod.Before(entries[j].mod)
		}
		return entries[i].path < entries[j].path
	})
	for _, e := range entries {
		if total <= c.max {
			break
		}
		// Another process may have removed it first: it is gone either way.
		_ = os.Remove(e.path)
		total -= e.size
	}
}

// valid reports whether b is a whole SVG or PNG: a cut-off or foreign file
// in the cache is a miss, never a page's map.
func valid(b []byte, format string) bool {
	switch format {
	case "svg":
		t := bytes.TrimSpace(b)
		return bytes.HasPrefix(t, []byte("<svg")) && bytes.HasSuffix(t, []byte("</svg>"))
	case "png":
		return len(b) > 8+12 && bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) &&
			bytes.HasSuffix(b, []byte("IEND\xaeB`\x82"))
	}
	return false
}

// batchRenderer lays out many graphs at once (a Pool with a native dot).
type batchRenderer interface {
	RenderBatch(ctx context.Context, dots [][]byte, layout string, workers int) [][]byte
}

// Warm stores the SVG of every one of dots not on disk yet, laid out in
// batches when the wrapped renderer can (a native dot), so that the
// renders asked for next are found here; with any other renderer it does
// nothing. It returns how many it stored. What it could not draw is left
// for Render to draw one by one.
func (c *DiskCache) Warm(ctx context.Context, dots [][]byte, layout string, workers int) int {
	b, ok := c.next.(batchRenderer)
	if !ok {
		return 0
	}
	var todo [][]byte
	var names []string
	seen := map[string]bool{}
	for _, d := range dots {
		if check(d, layout, "svg") != nil {
			continue
		}
		name := c.path(d, layout, "svg")
		if seen[name] {
			continue
		}
		seen[name] = true
		if _, err := os.Stat(name); err == nil {
			continue
		}
		todo = append(todo, d)
		names = append(names, name)
	}
	stored := 0
	for i, svg := range b.RenderBatch(ctx, todo, layout, workers) {
		if svg != nil && valid(svg, "svg") {
			c.store(names[i], svg)
			stored++
		}
	}
	return stored
}
