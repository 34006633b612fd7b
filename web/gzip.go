package web

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Responses are compressed once and kept: compressing a cached 140 KB map
// on every request cost more than serving it. Pages and exports keep their
// gzipped form in the site's cache, static files from start-up.

// responseLevel compresses pages and exports as they are first asked for,
// while the reader waits: on a 576 KB map page level 5 took 9.6 ms of CPU
// and 9 (best) 22.6 ms, for 1.8% more bytes. Static files, compressed once
// at start-up, take the best.
const responseLevel = 5

// acceptsGzip reports whether the client takes gzip (and did not refuse it
// with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") || strings.TrimSpace(name) == "*" {
			return strings.ReplaceAll(params, " ", "") != "q=0"
		}
	}
	return false
}

// compressible is text worth compressing: below 1 KB or for PNG it is not.
func compressible(ctype string, n int) bool {
	return n >= 1024 && !strings.HasPrefix(ctype, "image/png")
}

func gzipBytes(b []byte, level int) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, level)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// gzip compresses b at responseLevel with a writer used before, when
// there is one.
func (c *respCache) gzip(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/4 + 64)
	zw, _ := c.zippers.Get().(*gzip.Writer)
	if zw == nil {
		zw, _ = gzip.NewWriterLevel(&buf, responseLevel)
	} else {
		zw.Reset(&buf)
	}
	_, _ = zw.Write(b)
	_ = zw.Close()
	c.zippers.Put(zw)
	return buf.Bytes()
}

// sendCached answers with raw, or with its gzipped form (compressed once
// and cached under key) when the client takes gzip. It returns the body it
// sent.
func sendCached(c *gin.Context, cache *respCache, key, ctype string, raw []byte) []byte {
	c.Header("Vary", "Accept-Encoding")
	if !compressible(ctype, len(raw)) || !acceptsGzip(c.Request) {
		sendBytes(c, http.StatusOK, ctype, raw)
		return raw
	}
	gz, ok := cache.get(key + "\x00gzip")
	if !ok {
		gz = cache.gzip(raw)
		cache.put(key+"\x00gzip", gz)
	}
	c.Header("Content-Encoding", "gzip")
	sendBytes(c, http.StatusOK, ctype, gz)
	return gz
}
