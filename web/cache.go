package web

import (
	"bytes"
	"sync"

	"github.com/gin-gonic/gin"
)

// respCache keeps finished responses of one site version: pages and
// exports are pure functions of (graph version, URL), so a repeated request
// costs a map lookup. A reload starts a new site with an empty cache. When
// the cache passes its size it is emptied whole: the working set of a
// notes site is small, and a full reset keeps the code trivially correct.
type respCache struct {
	mu    sync.Mutex
	max   int
	size  int
	items map[string][]byte
	// zippers holds gzip writers at responseLevel for reuse: a fresh one
	// allocates 800 KB of tables, and compressing a 45 KB map took a
	// quarter longer with one (BenchmarkGzipResponse).
	zippers sync.Pool
}

func newRespCache(max int) *respCache { return &respCache{max: max, items: map[string][]byte{}} }

func (c *respCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.items[key]
	return b, ok
}

// entryLimit is the largest body the cache keeps.
func (c *respCache) entryLimit() int { return c.max / 4 }

func (c *respCache) put(key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(b) > c.entryLimit() {
		return
	}
	if c.size+len(b) > c.max {
		c.items, c.size = map[string][]byte{}, 0
	}
	if _, ok := c.items[key]; !ok {
		c.items[key] = b
		c.size += len(b)
	}
}

// cachedHTML executes a page template once per site version and URL.
func (s *Server) cachedHTML(st *site, key, name string, data func() (any, error)) ([]byte, error) {
	if b, ok := st.cache.get("html " + key); ok {
		return b, nil
	}
	d, err := data()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, d); err != nil {
		return nil, err
	}
	st.cache.put("html "+key, buf.Bytes())
	return buf.Bytes(), nil
}

// servePage answers a page from the site's cache, building it on a miss.
// The key is the URL, the reload banner and the static files' version, the
// only inputs of a page besides the graph.
func (s *Server) servePage(c *gin.Context, st *site, name string, build func() (any, error)) {
	key := c.Request.URL.RequestURI() + "\x00" + s.currentProblem() + "\x00" + s.static.current().version
	if notModified(c, s.etag(st, "page "+key)) {
		return
	}
	b, err := s.cachedHTML(st, key, name, build)
	if err != nil {
		s.fail(c, err)
		return
	}
	sent := sendCached(c, st.cache, "html "+key, "text/html; charset=utf-8", b)
	s.keepFast(st, c.Request, c.Writer.Header(), sent)
}
