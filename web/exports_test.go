package web

import (
	"compress/gzip"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestLargeDownloads: a download over the cache's entry limit is built
// once for any number of concurrent requests and served from its file:
// whole, gzipped, by range, to HEAD and to a matching ETag; past
// maxSpilled large downloads the oldest is dropped and built again later.
func TestLargeDownloads(t *testing.T) {
	s, h := newTestServer(t, hostile, &fakeRenderer{})
	st := s.site.Load()
	st.exports = newExportStore(200) // every download here is "large"
	var wg sync.WaitGroup
	bodies := make([]string, 16)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := get(t, h, fmt.Sprintf("/graph.json?n=%d", i))
			if w.Code != 200 {
				t.Errorf("status %d", w.Code)
			}
			bodies[i] = w.Body.String()
		}()
	}
	wg.Wait()
	if n := st.exports.builds.Load(); n != 1 {
		t.Errorf("%d builds for 16 concurrent requests, want 1", n)
	}
	full := bodies[0]
	if len(full) < 1000 || !strings.Contains(full, `"id": "c/raft"`) {
		t.Fatalf("graph.json: %.200s", full)
	}
	for _, b := range bodies {
		if b != full {
			t.Fatal("concurrent requests got different bodies")
		}
	}
	w := get(t, h, "/graph.json", "Accept-Encoding", "gzip")
	if w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("not gzipped: %v", w.Header())
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	if unz, _ := io.ReadAll(zr); string(unz) != full {
		t.Error("the gzipped body differs")
	}
	if w := get(t, h, "/graph.json", "Range", "bytes=0-9"); w.Code != http.StatusPartialContent || w.Body.String() != full[:10] {
		t.Errorf("range: %d %q", w.Code, w.Body.String())
	}
	req := httptest.NewRequest("HEAD", "/graph.json", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("Content-Length") != fmt.Sprint(len(full)) || rec.Body.Len() != 0 {
		t.Errorf("HEAD: %d %v %d bytes", rec.Code, rec.Header(), rec.Body.Len())
	}
	tag := get(t, h, "/graph.json").Header().Get("ETag")
	if w := get(t, h, "/graph.json", "If-None-Match", tag); w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", w.Code)
	}
	if w := get(t, h, "/map.json?view=full&download=1"); w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment") || w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("full view download: %d %v", w.Code, w.Header())
	}
	if w := get(t, h, "/map.json?view=ego&focus=c/nothing&download=1"); w.Code != 404 || w.Header().Get("Content-Disposition") != "" {
		t.Errorf("a failed download: %d %v", w.Code, w.Header())
	}
	if n := st.exports.builds.Load(); n != 3 {
		t.Errorf("%d builds, want 3 (graph.json, the full view, the failure)", n)
	}
	// Fill the store past its bound: graph.json is dropped, and built again.
	for i := range maxSpilled {
		if w := get(t, h, fmt.Sprintf("/map.dot?view=full&budget=%d", 100+i)); w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
	}
	before := st.exports.builds.Load()
	if w := get(t, h, "/graph.json"); w.Body.String() != full {
		t.Error("graph.json differs once built again")
	}
	if n := st.exports.builds.Load(); n != before+1 {
		t.Errorf("graph.json was not built again after being dropped (%d builds, had %d)", n, before)
	}
}

// TestSmallDownloadsOnce: a small download asked for concurrently is built
// once too, and then answered from the response cache.
func TestSmallDownloadsOnce(t *testing.T) {
	s, h := newTestServer(t, hostile, &fakeRenderer{})
	st := s.site.Load()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if w := get(t, h, "/map.graphml?view=full"); w.Code != 200 || !strings.Contains(w.Body.String(), "<graphml") {
				t.Errorf("status %d", w.Code)
			}
		}()
	}
	wg.Wait()
	if n := st.exports.builds.Load(); n != 1 {
		t.Errorf("%d builds, want 1", n)
	}
	if w := get(t, h, "/map.graphml?view=full"); w.Code != 200 || st.exports.builds.Load() != 1 {
		t.Errorf("not answered from the response cache: %d, %d builds", w.Code, st.exports.builds.Load())
	}
	if len(st.exports.items) != 0 {
		t.Errorf("the store still holds %d small downloads", len(st.exports.items))
	}
}

// BenchmarkGraphJSON asks for the whole graph of 10,000 articles (58 MB
// of JSON) from parallel clients; allocations per request stay small
// because it is built once and streamed from its file.
func BenchmarkGraphJSON(b *testing.B) {
	st := bigSite(b, 10000)
	s, err := New(Config{Load: loadFS(hostile), Renderer: &fakeRenderer{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	s.site.Store(st)
	h := s.Handler()
	for _, enc := range []string{"identity", "gzip"} {
		b.Run(enc, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest("GET", "/graph.json", nil)
					req.Header.Set("Accept-Encoding", enc)
					w := &countingWriter{header: http.Header{}}
					h.ServeHTTP(w, req)
					if w.code != 200 || w.n < 1<<20 {
						b.Errorf("status %d, %d bytes", w.code, w.n)
					}
				}
			})
		})
	}
	b.Logf("builds: %d", st.exports.builds.Load())
}

// countingWriter is a ResponseWriter that only counts the body's bytes.
type countingWriter struct {
	header http.Header
	code   int
	n      int
}

func (w *countingWriter) Header() http.Header { return w.header }
func (w *countingWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
func (w *countingWriter) Write(p []byte) (int, error) {
	w.WriteHeader(200)
	w.n += len(p)
	return len(p), nil
}
