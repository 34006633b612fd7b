// Package render turns DOT into SVG (and PNG where a correct renderer is
// installed). It is the only user of github.com/goccy/go-graphviz.
//
// go-graphviz runs Graphviz as WebAssembly in one module per process: it is
// not safe for concurrent use even across instances (goccy/go-graphviz#117),
// its memory grows on every call and never shrinks (#111), it ignores
// context deadlines (#118), and its PNG output is broken (#106). So renders
// run in worker subprocesses (the same binary, serving Serve over
// stdin/stdout), one render at a time per worker, each worker recycled after
// a number of renders or once its memory passes a limit, and killed when a
// render overruns its deadline. Results are cached by hash of (DOT, layout,
// format).
package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/goccy/go-graphviz"
)

// Errors callers test with errors.Is.
var (
	ErrTimeout     = errors.New("render deadline exceeded")
	ErrUnsupported = errors.New("unsupported format or layout")
	ErrTooLarge    = errors.New("graph too large to lay out")
	ErrBadDOT      = errors.New("invalid DOT")
)

// Layouts and Formats are the allowlists: anything else never reaches
// Graphviz (an unknown format poisons the next call in go-graphviz).
var (
	Layouts = []string{"dot", "sfdp", "neato"}
	Formats = []string{"svg", "png"}
)

// MaxDOTBytes bounds the input of one render.
const MaxDOTBytes = 4 << 20

func allowed(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func check(dot []byte, layout, format string) error {
	if !allowed(Layouts, layout) {
		return fmt.Errorf("%w: layout %q", ErrUnsupported, layout)
	}
	if !allowed(Formats, format) {
		return fmt.Errorf("%w: format %q", ErrUnsupported, format)
	}
	if len(dot) > MaxDOTBytes {
		return fmt.Errorf("%w: %d bytes of DOT", ErrTooLarge, len(dot))
	}
	if len(bytes.TrimSpace(dot)) == 0 {
		return fmt.Errorf("%w: empty input", ErrBadDOT)
	}
	return nil
}

// svgDirect renders in this process with go-graphviz. Only worker
// processes call it, one call at a time.
func svgDirect(ctx context.Context, dot []byte, layout string) ([]byte, error) {
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, err
	}
	defer gv.Close()
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrBadDOT, strings.TrimSpace(err.Error()))
	}
	if g == nil {
		// ParseBytes returns (nil, nil) for input with no graph in it.
		return nil, fmt.Errorf("%w: no graph in input", ErrBadDOT)
	}
	defer g.Close()
	gv.SetLayout(graphviz.Layout(layout))
	var buf bytes.Buffer
	if err := gv.Render(ctx, g, graphviz.SVG, &buf); err != nil {
		return nil, fmt.Errorf("graphviz: %s", strings.TrimSpace(err.Error()))
	}
	return CleanSVG(buf.Bytes()), nil
}

var hrefRE = regexp.MustCompile(`\s(xlink:href|href)="([^"]*)"`)

// CleanSVG prepares Graphviz SVG for inlining in a page: it drops the XML
// prolog and doctype, removes any link that is not a site-relative path or
// an http(s) URL (Graphviz passes javascript: URLs through unchanged), and
// states the commonest font once instead of on every label.
func CleanSVG(svg []byte) []byte {
	if i := bytes.Index(svg, []byte("<svg")); i > 0 {
		svg = svg[i:]
	}
	return hoistFont(safeLinks(svg))
}

// safeLinks removes every link that is not a site-relative path, a
// fragment or an http(s) URL.
func safeLinks(svg []byte) []byte {
	return hrefRE.ReplaceAllFunc(svg, func(m []byte) []byte {
		sub := hrefRE.FindSubmatch(m)
		if safeHref(string(sub[2])) {
			return m
		}
		return nil
	})
}

var fontRE = regexp.MustCompile(` font-family="[^"]*"`)

// hoistFont moves the commonest font-family attribute onto the first group,
// the graph's, which every label is inside and inherits it from. Graphviz
// repeats the font on each text element: an eighth of a map's bytes. Quotes
// inside text and titles are escaped, so the pattern matches attributes only.
func hoistFont(svg []byte) []byte {
	counts := map[string]int{}
	best := ""
	for _, m := range fontRE.FindAll(svg, -1) {
		k := string(m)
		counts[k]++
		if counts[k] > counts[best] || (counts[k] == counts[best] && k < best) {
			best = k
		}
	}
	g := bytes.Index(svg, []byte("<g "))
	if counts[best] < 2 || g < 0 || bytes.Contains(svg[:g], []byte("<text")) {
		return svg
	}
	out := make([]byte, 0, len(svg))
	out = append(out, svg[:g+2]...)
	out = append(out, best...)
	return append(out, bytes.ReplaceAll(svg[g+2:], []byte(best), nil)...)
}

func safeHref(u string) bool {
	u = strings.NewReplacer("&amp;", "&", "&#58;", ":", "&#45;", "-").Replace(u)
	u = strings.TrimSpace(u)
	switch {
	case strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") && !strings.HasPrefix(u, `/\`):
		return true
	case strings.HasPrefix(u, "#"):
		return true
	case strings.HasPrefix(u, "https://"), strings.HasPrefix(u, "http://"):
		return true
	}
	return false
}
