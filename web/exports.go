package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// Downloads are built once per site version, however many requests ask
// for one at the same time, and large ones are streamed from a file. A
// download up to the response cache's entry limit goes to that cache; a
// larger one (the whole graph of 10,000 articles is 58 MB of JSON) is
// written to an unlinked temporary file with a gzipped copy beside it and
// served with http.ServeContent. Before, a download over the limit was
// rebuilt in memory for every request: 32 concurrent /graph.json
// requests on 10,000 articles took 9 GB.

// maxSpilled bounds the large downloads kept per site version; past it the
// oldest is dropped (its files close when its last reader is done).
const maxSpilled = 8

// exportStore holds the downloads of one site version that are being built
// or are too large for the response cache.
type exportStore struct {
	mu      sync.Mutex
	items   map[string]*export
	spilled []string // keys of large downloads, oldest first
	limit   int      // larger bodies are spilled to a file
	builds  atomic.Int64
}

// export is one download: its body in memory, or its files.
type export struct {
	done    chan struct{} // closed when built
	err     error
	body    []byte // small: the whole body
	raw, gz *spillFile

	readers int  // requests sending its files; under exportStore.mu
	dropped bool // evicted; the last reader closes the files
}

// spillFile is an unlinked temporary file and its size.
type spillFile struct {
	f    *os.File
	size int64
}

func newExportStore(limit int) *exportStore {
	return &exportStore{items: map[string]*export{}, limit: limit}
}

// get returns the download of key, building it with build unless another
// request is already doing so; then it waits for that one, or for ctx.
// A small body is put in cache (under key) and forgotten here.
func (x *exportStore) get(ctx context.Context, cache *respCache, key string, build func(io.Writer) error) (*export, error) {
	x.mu.Lock()
	e, ok := x.items[key]
	if !ok {
		// A build that finished since the caller looked in cache has
		// filed its body there (under x.mu): do not build it again.
		if b, hit := cache.get(key); hit {
			x.mu.Unlock()
			return &export{body: b}, nil
		}
		e = &export{done: make(chan struct{})}
		x.items[key] = e
	}
	x.mu.Unlock()
	if ok {
		select {
		case <-e.done:
			return e, e.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	// This request builds it, to the end even if its client leaves: others
	// may be waiting, and it is bounded by the graph's size.
	defer close(e.done)
	x.builds.Add(1)
	w := &spillWriter{limit: x.limit}
	built := false
	defer func() {
		if !built {
			e.err = errBuildFailed // build panicked; waiters must not hang
		}
		x.finish(cache, key, e)
	}()
	e.err = build(w)
	if e.err == nil {
		e.body, e.raw, e.gz, e.err = w.finish()
	}
	built = true
	return e, e.err
}

// errBuildFailed is what waiters of a build that panicked get.
var errBuildFailed = errors.New("building the download failed")

// finish files a built download: a small one in cache, a large one here,
// dropping the oldest large one past maxSpilled; a failed one is
// forgotten, so that the next request tries again.
func (x *exportStore) finish(cache *respCache, key string, e *export) {
	x.mu.Lock()
	defer x.mu.Unlock()
	switch {
	case e.err != nil:
		delete(x.items, key)
	case e.raw == nil:
		cache.put(key, e.body)
		delete(x.items, key)
	default:
		x.spilled = append(x.spilled, key)
		if len(x.spilled) > maxSpilled {
			old := x.items[x.spilled[0]]
			delete(x.items, x.spilled[0])
			x.spilled = x.spilled[1:]
			old.dropped = true
			if old.readers == 0 {
				old.close()
			}
		}
	}
}

// serve sends a spilled download, gzipped when the client takes it, with
// http.ServeContent (ranges, HEAD, If-None-Match against the ETag already
// set).
func (x *exportStore) serve(c *gin.Context, e *export, ctype string) {
	x.mu.Lock()
	e.readers++
	x.mu.Unlock()
	defer func() {
		x.mu.Lock()
		e.readers--
		if e.dropped && e.readers == 0 {
			e.close()
		}
		x.mu.Unlock()
	}()
	h := c.Writer.Header()
	h.Set("Content-Type", ctype)
	h.Set("Vary", "Accept-Encoding")
	f := e.raw
	if e.gz != nil && acceptsGzip(c.Request) {
		f = e.gz
		h.Set("Content-Encoding", "gzip")
	}
	http.ServeContent(c.Writer, c.Request, "", time.Time{}, io.NewSectionReader(f.f, 0, f.size))
}

func (e *export) close() {
	for _, f := range []*spillFile{e.raw, e.gz} {
		if f != nil {
			_ = f.f.Close()
		}
	}
}

// spillWriter keeps what is written in memory up to limit bytes, then
// moves it to a temporary file and writes on there, gzipping a copy.
type spillWriter struct {
	limit int
	buf   bytes.Buffer
	raw   *os.File
	gzf   *os.File
	zw    *gzip.Writer
	err   error
}

func (w *spillWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.raw == nil && w.buf.Len()+len(p) <= w.limit {
		return w.buf.Write(p)
	}
	if w.raw == nil {
		if w.raw, w.err = tempFile(); w.err != nil {
			return 0, w.err
		}
		if w.gzf, w.err = tempFile(); w.err != nil {
			return 0, w.err
		}
		w.zw = gzip.NewWriter(w.gzf)
		if _, w.err = w.write(w.buf.Bytes()); w.err != nil {
			return 0, w.err
		}
		w.buf = bytes.Buffer{}
	}
	return w.write(p)
}

func (w *spillWriter) write(p []byte) (int, error) {
	if _, err := w.zw.Write(p); err != nil {
		w.err = err
		return 0, err
	}
	n, err := w.raw.Write(p)
	w.err = err
	return n, err
}

// finish returns the body, or the files when it was spilled.
func (w *spillWriter) finish() ([]byte, *spillFile, *spillFile, error) {
	if w.err != nil {
		w.closeAll()
		return nil, nil, nil, w.err
	}
	if w.raw == nil {
		return w.buf.Bytes(), nil, nil, nil
	}
	if err := w.zw.Close(); err != nil {
		w.closeAll()
		return nil, nil, nil, err
	}
	raw, err1 := w.raw.Seek(0, io.SeekCurrent)
	gz, err2 := w.gzf.Seek(0, io.SeekCurrent)
	if err1 != nil || err2 != nil {
		w.closeAll()
		return nil, nil, nil, firstErr(err1, err2)
	}
	return nil, &spillFile{f: w.raw, size: raw}, &spillFile{f: w.gzf, size: gz}, nil
}

func (w *spillWriter) closeAll() {
	for _, f := range []*os.File{w.raw, w.gzf} {
		if f != nil {
			_ = f.Close()
		}
	}
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// tempFile creates a temporary file and unlinks it at once: it is read
// through its descriptor and vanishes when that is closed, even if the
// process is killed. (Where an open file cannot be removed, Windows, it
// stays in the temporary folder.)
func tempFile() (*os.File, error) {
	f, err := os.CreateTemp("", "codeatlas-download-*")
	if err != nil {
		return nil, err
	}
	_ = os.Remove(f.Name())
	return f, nil
}

// download answers a download built once per site version: from the
// response cache, from its files, or built now by build. It returns the
// body when it is small, for the caller to send (compressed and kept for
// replay as every response is), and nil when it has answered already.
func (s *Server) download(c *gin.Context, st *site, key, ctype string, build func(io.Writer) error) []byte {
	if b, hit := st.cache.get(key); hit {
		return b
	}
	e, err := st.exports.get(c.Request.Context(), st.cache, key, build)
	if err != nil {
		s.fail(c, err)
		return nil
	}
	if e.raw == nil {
		return e.body
	}
	st.exports.serve(c, e, ctype)
	return nil
}
