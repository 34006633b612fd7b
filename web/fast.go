package web

import (
	"log/slog"
	"net/http"
	"strings"
	"sync"
)

// A page or download that was answered once is answered again without
// Gin: the whole response (headers and body) is kept per site version and
// URL, and a repeat costs a map lookup and one write. Only successful GETs
// of the node pages, the map pages and the downloads are kept, and none is
// replayed while a failed reload shows its banner; everything else goes
// through the routes.

// prepared is a finished response: its headers (read-only once stored)
// and its body.
type prepared struct {
	header http.Header
	body   []byte
}

// fastCache holds prepared responses of one site version.
type fastCache struct {
	mu    sync.RWMutex
	items map[string]*prepared
	bytes int
}

// fastMaxItems and fastMaxBytes bound the cache; past either, it starts
// again empty. The bodies are mostly shared with the response cache, but
// not once that one has been emptied.
const (
	fastMaxItems = 2048
	fastMaxBytes = 64 << 20
)

func newFastCache() *fastCache { return &fastCache{items: map[string]*prepared{}} }

func (f *fastCache) get(key string) *prepared {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.items[key]
}

func (f *fastCache) put(key string, p *prepared) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.items) >= fastMaxItems || f.bytes+len(p.body) > fastMaxBytes {
		f.items, f.bytes = map[string]*prepared{}, 0
	}
	if old := f.items[key]; old != nil {
		f.bytes -= len(old.body)
	}
	f.items[key] = p
	f.bytes += len(p.body)
}

// fastKey names a response by its URL and the encoding the client takes.
func fastKey(r *http.Request) (string, bool) {
	if r.Method != http.MethodGet || !replayable(r.URL.Path) || r.Header.Get("Range") != "" {
		return "", false
	}
	key := r.URL.RequestURI()
	if strings.Contains(r.URL.RawQuery, "download=") {
		// A download's links start with the host it was asked from.
		key += "\x00" + r.Host + "\x00" + r.Header.Get("X-Forwarded-Proto")
		if r.TLS != nil {
			key += "\x00tls"
		}
	}
	if acceptsGzip(r) {
		return key + "\x00gzip", true
	}
	return key, true
}

// replayable paths are those whose answer depends only on the site
// version, the URL and the banner.
func replayable(p string) bool {
	switch {
	case p == "/", p == "/map", strings.HasPrefix(p, "/map."):
		return true
	case strings.HasPrefix(p, "/a/"), strings.HasPrefix(p, "/c/"), strings.HasPrefix(p, "/p/"), strings.HasPrefix(p, "/m/"):
		return true
	}
	return false
}

// serveFast answers from the fast cache, or reports that it cannot.
func (s *Server) serveFast(w http.ResponseWriter, r *http.Request) bool {
	key, ok := fastKey(r)
	// Live static files change the pages that link them: no replays.
	if !ok || s.static.live || s.log.Enabled(r.Context(), slog.LevelDebug) || s.currentProblem() != "" {
		return false
	}
	p := s.site.Load().fast.get(key)
	if p == nil {
		return false
	}
	h := w.Header()
	if inm := r.Header.Get("If-None-Match"); inm != "" && matchesETag(inm, p.header.Get("Etag")) {
		h["Etag"] = p.header["Etag"]
		h["Cache-Control"] = p.header["Cache-Control"]
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	for k, v := range p.header {
		h[k] = v
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(p.body)
	return true
}

// keepFast stores the response a route just sent, if it may be replayed.
// It is called after a 200 answer only.
func (s *Server) keepFast(st *site, r *http.Request, header http.Header, body []byte) {
	key, ok := fastKey(r)
	if !ok || s.static.live || s.currentProblem() != "" {
		return
	}
	st.fast.put(key, &prepared{header: header.Clone(), body: body})
}

// matchesETag reports whether an If-None-Match header names tag.
func matchesETag(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		if strings.TrimSpace(t) == tag {
			return true
		}
	}
	return false
}
