package graph

import (
	"bytes"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestNativeFontFitsLabels lays out labels in the map's font list with the
// system's dot: its boxes must hold the text as a browser draws it, a
// Chinese character a full em wide (the WASM engine, without fonts, gives
// them less and the page squeezes them). Skips without dot or a CJK font.
func TestNativeFontFitsLabels(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("no Graphviz dot")
	}
	if out, err := exec.Command("fc-list", ":lang=zh", "family").Output(); err != nil || len(bytes.TrimSpace(out)) == 0 {
		t.Skip("no CJK font installed (Debian: fonts-wqy-microhei)")
	}
	labels := []string{"服务发现与注册中心", "一致性算法", "Consul 服务发现概览"}
	var src strings.Builder
	src.WriteString("digraph g {\n  node [shape=box, fontsize=11, margin=0, fontname=" + Quote(fontName) + "];\n")
	for i, l := range labels {
		src.WriteString("  n" + strconv.Itoa(i) + " [label=" + Quote(l) + "];\n")
	}
	src.WriteString("}\n")
	cmd := exec.Command(dot, "-Tsvg")
	cmd.Stdin = strings.NewReader(src.String())
	svg, err := cmd.Output()
	if err != nil {
		t.Fatalf("dot: %v", err)
	}
	boxes := regexp.MustCompile(`<polygon fill="none" stroke="black" points="([-\d.]+),[-\d.]+ ([-\d.]+),`).FindAllSubmatch(svg, -1)
	if len(boxes) != len(labels) {
		t.Fatalf("found %d boxes, want %d:\n%s", len(boxes), len(labels), svg)
	}
	for i, l := range labels {
		x1, _ := strconv.ParseFloat(string(boxes[i][1]), 64)
		x2, _ := strconv.ParseFloat(string(boxes[i][2]), 64)
		cjk := 0
		for _, r := range l {
			if r >= 0x4e00 && r <= 0x9fff {
				cjk++
			}
		}
		// Each Chinese character an em (11 pt); Latin letters, spaces
		// and the like at least a quarter of one.
		want := float64(cjk)*11 + float64(utf8.RuneCountInString(l)-cjk)*11/4
		if w := x1 - x2; w < want {
			t.Errorf("%q: box %.1f wide, want at least %.1f", l, w, want)
		}
	}
}
