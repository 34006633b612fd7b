package web

import (
	"context"
	"regexp"
	"strconv"
	"strings"
)

// An article's diagram is drawn at its natural size in a column about
// columnWidth points wide. The author picked a direction (rankdir) that
// reads well in their editor; when the drawing is wider than the column
// and the other direction is narrower, the page draws that one, so a
// reader scrolls down the article rather than sideways through the figure.

// columnWidth is the width of the article column, in points of the SVG
// (one point a CSS pixel at the diagram's natural size).
const columnWidth = 840

var (
	svgWidthRE = regexp.MustCompile(`<svg[^>]*?\swidth="([0-9.]+)pt"`)
	rankdirRE  = regexp.MustCompile(`(?i)\brankdir\s*=\s*"?(LR|RL|TB|BT)"?`)
)

// drawDiagram renders src, turned the other way when that fits the column
// better.
func (s *Server) drawDiagram(ctx context.Context, src string) ([]byte, error) {
	render := func(dot string) ([]byte, error) {
		rctx, cancel := context.WithTimeout(ctx, s.cfg.RenderTimeout)
		defer cancel()
		return s.cfg.Renderer.Render(rctx, []byte(dot), "dot", "svg")
	}
	svg, err := render(src)
	if err != nil || svgWidth(svg) <= columnWidth {
		return svg, err
	}
	turned, ok := turn(src)
	if !ok {
		return svg, nil
	}
	other, err := render(turned)
	if err != nil || svgWidth(other) >= svgWidth(svg) {
		return svg, nil
	}
	return other, nil
}

// svgWidth is the natural width of an SVG in points, or 0.
func svgWidth(svg []byte) float64 {
	m := svgWidthRE.FindSubmatch(svg)
	if m == nil {
		return 0
	}
	w, _ := strconv.ParseFloat(string(m[1]), 64)
	return w
}

// turn gives src the other direction: left to right becomes top to
// bottom and the reverse. The attribute goes last in the root graph,
// where it overrides the author's.
func turn(src string) (string, bool) {
	end := strings.LastIndexByte(src, '}')
	if end < 0 {
		return "", false
	}
	dir := "LR" // Graphviz's default is TB
	// The first rankdir is the root graph's: a subgraph's means nothing.
	if m := rankdirRE.FindStringSubmatch(src); m != nil {
		switch strings.ToUpper(m[1]) {
		case "LR", "RL":
			dir = "TB"
		}
	}
	return src[:end] + "\n  graph [rankdir=" + dir + "];\n" + src[end:], true
}
