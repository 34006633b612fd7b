package render

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"testing"
)

func BenchmarkTmpClean(b *testing.B) {
	svg, _ := os.ReadFile("/tmp/sd2.svg")
	for i := 0; i < b.N; i++ {
		CleanSVG(svg)
	}
}
func BenchmarkTmpValid(b *testing.B) {
	svg, _ := os.ReadFile("/tmp/sd2.svg")
	if err := validSVG(svg); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		_ = validSVG(svg)
	}
}
func BenchmarkTmpGz(b *testing.B) {
	page, _ := os.ReadFile(os.Getenv("GZF"))
	for _, lvl := range []int{1, 3, 4, 5, 6, 9} {
		b.Run(fmt.Sprint(lvl), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				var buf bytes.Buffer
				zw, _ := gzip.NewWriterLevel(&buf, lvl)
				zw.Write(page)
				zw.Close()
				if i == 0 {
					b.ReportMetric(float64(buf.Len()), "bytes")
				}
			}
		})
	}
}
