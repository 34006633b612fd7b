package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/codeatlas/codeatlas/graph/render"
)

// TestRespCacheGzip: writers taken back from the pool by goroutines at
// once each compress their own body, whole.
func TestRespCacheGzip(t *testing.T) {
	c := newRespCache(1 << 20)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				want := bytes.Repeat([]byte(fmt.Sprintf("<text>%d %d</text>", g, i)), 100+i*g)
				zr, err := gzip.NewReader(bytes.NewReader(c.gzip(want)))
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, want) {
					t.Errorf("goroutine %d body %d: got %d bytes (%v), want %d", g, i, len(got), err, len(want))
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkGzipResponse compresses a map as the server first sends it:
// with a fresh writer, and with one the cache keeps.
func BenchmarkGzipResponse(b *testing.B) {
	raw, err := os.ReadFile("../graph/render/testdata/map-native.svg")
	if err != nil {
		b.Fatal(err)
	}
	svg := render.CleanSVG(raw)
	b.Run("fresh", func(b *testing.B) {
		b.SetBytes(int64(len(svg)))
		for i := 0; i < b.N; i++ {
			gzipBytes(svg, responseLevel)
		}
	})
	b.Run("kept", func(b *testing.B) {
		c := newRespCache(1 << 20)
		b.SetBytes(int64(len(svg)))
		for i := 0; i < b.N; i++ {
			c.gzip(svg)
		}
	})
}
