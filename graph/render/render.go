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
	"html"
	"io"
	"strings"

	"github.com/goccy/go-graphviz"
	"github.com/goccy/go-graphviz/cgraph"

	"github.com/codeatlas/codeatlas/graph/render/internal/gvtmp"
)

// go-graphviz has compiled its module by now, into gvtmp's folder.
func init() { gvtmp.Restore() }

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
	if layout == "sfdp" {
		if err := wasmReset(ctx, gv); err != nil {
			return nil, err
		}
	}
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrBadDOT, strings.TrimSpace(err.Error()))
	}
	if g == nil {
		// ParseBytes returns (nil, nil) for input with no graph in it.
		return nil, fmt.Errorf("%w: no graph in input", ErrBadDOT)
	}
	defer g.Close()
	if err := wasmOverlap(g); err != nil {
		return nil, err
	}
	gv.SetLayout(graphviz.Layout(layout))
	var buf bytes.Buffer
	if err := gv.Render(ctx, g, graphviz.SVG, &buf); err != nil {
		return nil, fmt.Errorf("graphviz: %s", strings.TrimSpace(err.Error()))
	}
	return CleanSVG(buf.Bytes()), nil
}

// wasmReset draws sfdpResetDOT, resetDOT's first graph, an sfdp graph at a fixed
// seed, so that the next sfdp layout starts from one rand() state whatever
// this worker drew before (the WebAssembly module lives as long as the
// worker, and sfdp coarsens with rand() before it seeds it, as native dot
// does): the same map is the same drawing whichever worker drew it.
func wasmReset(ctx context.Context, gv *graphviz.Graphviz) error {
	g, err := graphviz.ParseBytes([]byte(sfdpResetDOT))
	if err != nil || g == nil {
		return fmt.Errorf("graphviz: reset graph: %v", err)
	}
	defer g.Close()
	gv.SetLayout(graphviz.SFDP)
	if err := gv.Render(ctx, g, graphviz.SVG, io.Discard); err != nil {
		return fmt.Errorf("graphviz: reset graph: %s", strings.TrimSpace(err.Error()))
	}
	return nil
}

// The WebAssembly Graphviz is built without a triangulation library, so
// prism, the overlap removal maps ask for, is not in it: Graphviz falls
// back to Voronoi without a word, which on a 179-node map took 0.45 s of
// the 0.5 s render (native dot's prism: 0.08 s), leaked 4 MB of the
// module's memory per render, and left the middle of a concept map a
// clump of unlabelled nodes. scalexy (grow the layout along x and y until
// no nodes overlap) took 0.05 s there and drew the two-hub shape native
// prism draws; maplens found labels as readable as with Voronoi or more.
// wasmOverlap asks for it wherever a graph asks for prism.
func wasmOverlap(g *cgraph.Graph) error {
	if g.GetStr("overlap") != "prism" {
		return nil
	}
	if err := g.Set("overlap", "scalexy"); err != nil {
		return fmt.Errorf("graphviz: setting overlap: %w", err)
	}
	return nil
}

// CleanSVG prepares Graphviz SVG for inlining in a page: it drops the XML
// prolog and doctype, removes any link that is not a site-relative path or
// an http(s) URL (Graphviz passes javascript: URLs through unchanged),
// states the commonest font once instead of on every label, and drops
// bytes no reader of the drawing uses (compactSVG). SVGForm names this
// output: caches of drawings kept across runs key on it.
func CleanSVG(svg []byte) []byte {
	if i := bytes.Index(svg, []byte("<svg")); i > 0 {
		svg = svg[i:]
	}
	return hoistFont(compactSVG(safeLinks(svg)))
}

// SVGForm changes whenever CleanSVG writes other bytes for the same
// drawing, or an engine draws the same DOT otherwise (svg5: the WASM
// engine's sfdp maps, after a reset and with scalexy), so that a cache on
// disk never serves the old form.
const SVGForm = "svg5"

// Graphviz wraps every link in <g id="a_…">, which nothing reads; it
// writes every hyphen as &#45;; and it gives coordinates in hundredths of
// a point, where tenths are finer than a screen shows at the deepest zoom
// of a map (40×). coordAttrs are the attributes whose numbers compactSVG
// shortens.
var coordAttrs = [][]byte{[]byte("points"), []byte("d"), []byte("x"), []byte("y"), []byte("cx"), []byte("cy"), []byte("rx"), []byte("ry")}

// compactSVG drops the ids of link wrappers, writes hyphens as
// themselves and coordinates to a tenth of a point: a third fewer bytes on
// a large map, the same picture. Text and every other attribute keep
// their bytes (a label may say "1.25").
func compactSVG(svg []byte) []byte {
	svg = dropAnchorIDs(svg)
	svg = bytes.ReplaceAll(svg, []byte("&#45;"), []byte("-"))
	return tenths(svg)
}

// dropAnchorIDs writes every <g id="a_…"> (an id without quotes inside) as
// <g>: a scan, as the pattern it replaces took a third of CleanSVG's time.
func dropAnchorIDs(svg []byte) []byte {
	open := []byte(`<g id="a_`)
	var out []byte
	done, pos := 0, 0
	for {
		i := bytes.Index(svg[pos:], open)
		if i < 0 {
			break
		}
		start := pos + i
		q := bytes.IndexByte(svg[start+len(open):], '"')
		if q < 0 {
			break
		}
		end := start + len(open) + q // at the closing quote
		pos = start + 1
		if end+1 >= len(svg) || svg[end+1] != '>' {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(svg))
		}
		out = append(out, svg[done:start]...)
		out = append(out, "<g>"...)
		done = end + 2
		pos = done
	}
	if out == nil {
		return svg
	}
	return append(out, svg[done:]...)
}

// tenths cuts every number in the values of coordAttrs (a name after a
// space, then ="…") to one decimal; a scan, as a pattern took a tenth of
// a site's time.
func tenths(svg []byte) []byte {
	out := make([]byte, 0, len(svg))
	done, pos := 0, 0
	for {
		i := bytes.Index(svg[pos:], []byte(`="`))
		if i < 0 {
			break
		}
		eq := pos + i
		start := eq + 2
		end := bytes.IndexByte(svg[start:], '"')
		if end < 0 {
			break
		}
		end += start
		pos = start
		coord := false
		for _, name := range coordAttrs {
			n := eq - len(name)
			if n >= 1 && svg[n-1] == ' ' && bytes.Equal(svg[n:eq], name) {
				coord = true
				break
			}
		}
		if !coord {
			continue
		}
		pos = end + 1
		out = append(out, svg[done:start]...)
		for k := start; k < end; k++ {
			c := svg[k]
			out = append(out, c)
			if c == '.' && k+1 < end && isDigit(svg[k+1]) {
				out = append(out, svg[k+1])
				k += 2
				for k < end && isDigit(svg[k]) {
					k++
				}
				k--
			}
		}
		done = end
	}
	return append(out, svg[done:]...)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// safeLinks removes every link that is not a site-relative path, a
// fragment or an http(s) URL, and writes the links it keeps in one form,
// name="value" with only &amp; &lt; &gt; &#34; &#39; escaped, so that a
// browser reads exactly the value checked. A link is an href attribute in
// any namespace (xlink:href, or any prefix bound to XLink) and any case
// (an HTML parser lower-cases the names of inline SVG), quoted either way
// or not at all, with or without spaces around the =.
//
// Tags are read as an HTML tokenizer reads them, and nothing can hide a
// tag from this reading in a browser that reads it otherwise: comments,
// CDATA, processing instructions and declarations are removed (Graphviz
// writes only comments, which the page does not need), a < that starts no
// tag is escaped, and so is every < inside an attribute value (where a
// browser in another context might see a tag).
func safeLinks(svg []byte) []byte {
	var out []byte
	done := 0 // svg[:done] is in out
	// replace puts repl in place of svg[from:to].
	replace := func(from, to int, repl ...[]byte) {
		out = append(out, svg[done:from]...)
		for _, r := range repl {
			out = append(out, r...)
		}
		done = to
	}
	for i := 0; i < len(svg); {
		j := bytes.IndexByte(svg[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := svg[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := skipPast(svg, i+4, "-->")
			replace(i, end)
			i = end
			continue
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end := skipPast(svg, i+9, "]]>")
			replace(i, end)
			i = end
			continue
		case bytes.HasPrefix(rest, []byte("<?")):
			end := skipPast(svg, i+2, "?>")
			replace(i, end)
			i = end
			continue
		case bytes.HasPrefix(rest, []byte("<!")):
			end := skipPast(svg, i+2, ">")
			replace(i, end)
			i = end
			continue
		}
		k := i + 1
		if k < len(svg) && svg[k] == '/' {
			k++
		}
		if k >= len(svg) || !asciiLetter(svg[k]) {
			replace(i, i+1, []byte("&lt;"))
			i++
			continue
		}
		for k < len(svg) && !isSpace(svg[k]) && svg[k] != '/' && svg[k] != '>' {
			k++
		}
		i = k
		for i < len(svg) {
			for i < len(svg) && (isSpace(svg[i]) || svg[i] == '/') {
				i++
			}
			if i >= len(svg) || svg[i] == '>' {
				break
			}
			a := readAttr(svg, i)
			i = a.end
			local := a.name[bytes.LastIndexByte(a.name, ':')+1:]
			switch {
			case bytes.EqualFold(local, []byte("href")):
				v := html.UnescapeString(string(a.value))
				if !safeHref(v) {
					// Removed whole; a space keeps the tag's name or the
					// attribute before it apart from the one after
					// (<a href="x"b=""> is not <ab="">).
					if a.end < len(svg) && !isSpace(svg[a.end]) && svg[a.end] != '>' && svg[a.end] != '/' {
						replace(a.start, a.end, []byte(" "))
					} else {
						replace(a.start, a.end)
					}
					continue
				}
				replace(a.start, a.end, []byte(" "), a.name, []byte(`="`), []byte(html.EscapeString(v)), []byte(`"`))
			case bytes.IndexByte(a.value, '<') >= 0:
				replace(a.valueStart, a.valueStart+len(a.value), bytes.ReplaceAll(a.value, []byte("<"), []byte("&lt;")))
			}
		}
	}
	if out == nil {
		return svg
	}
	return append(out, svg[done:]...)
}

// attr is one attribute of a tag: svg[start:end] is the whole of it,
// from the space before its name.
type attr struct {
	start, end  int
	name, value []byte
	valueStart  int // where value begins in svg
}

// readAttr reads the attribute at svg[i], as an HTML tokenizer does: the
// name runs to a space, /, > or =; the value is quoted with " or ', or
// runs to a space or >.
func readAttr(svg []byte, i int) attr {
	a := attr{start: i}
	for a.start > 0 && isSpace(svg[a.start-1]) {
		a.start--
	}
	n := i
	for n < len(svg) && (n == i || (!isSpace(svg[n]) && svg[n] != '/' && svg[n] != '>' && svg[n] != '=')) {
		n++
	}
	a.name = svg[i:n]
	k := n
	for k < len(svg) && isSpace(svg[k]) {
		k++
	}
	if k >= len(svg) || svg[k] != '=' {
		a.end = n
		return a
	}
	k++
	for k < len(svg) && isSpace(svg[k]) {
		k++
	}
	switch {
	case k < len(svg) && (svg[k] == '"' || svg[k] == '\''):
		q := svg[k]
		e := bytes.IndexByte(svg[k+1:], q)
		a.valueStart = k + 1
		if e < 0 {
			a.value, a.end = svg[k+1:], len(svg)
			return a
		}
		a.value, a.end = svg[k+1:k+1+e], k+2+e
	default:
		e := k
		for e < len(svg) && !isSpace(svg[e]) && svg[e] != '>' {
			e++
		}
		a.value, a.end, a.valueStart = svg[k:e], e, k
	}
	return a
}

// skipPast is the index after the first end at or after i, or len(svg).
func skipPast(svg []byte, i int, end string) int {
	if i > len(svg) {
		return len(svg)
	}
	if e := bytes.Index(svg[i:], []byte(end)); e >= 0 {
		return i + e + len(end)
	}
	return len(svg)
}

// asciiLetter reports whether c may begin a tag name in HTML. XML allows
// more (_, :, other scripts), but a browser reading inline SVG takes those
// for text: safeLinks escapes their <.
func asciiLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// hoistFont moves the commonest font-family and text-anchor attributes onto
// the first group, the graph's, which every label is inside and inherits
// them from (both properties are inherited). Graphviz repeats them on each
// text element: a sixth of a map's bytes. Quotes inside text and titles
// are escaped, so the scan finds attributes only.
func hoistFont(svg []byte) []byte {
	return hoist(hoist(svg, []byte(` font-family="`)), []byte(` text-anchor="`))
}

// hoist moves the commonest value of the attribute attr (` name="`) onto
// the first group.
func hoist(svg, attr []byte) []byte {
	// Where each value's attributes are, to cut them out by position: a
	// search for the whole attribute (it starts with a space) took twice
	// as long as this scan.
	at := map[string][]int{}
	best := ""
	for i := 0; ; {
		j := bytes.Index(svg[i:], attr)
		if j < 0 {
			break
		}
		start := i + j
		end := bytes.IndexByte(svg[start+len(attr):], '"')
		if end < 0 {
			break
		}
		i = start + len(attr) + end + 1
		k := string(svg[start:i])
		at[k] = append(at[k], start)
		if len(at[k]) > len(at[best]) || (len(at[k]) == len(at[best]) && k < best) {
			best = k
		}
	}
	g := bytes.Index(svg, []byte("<g "))
	if len(at[best]) < 2 || g < 0 || bytes.Contains(svg[:g], []byte("<text")) {
		return svg
	}
	out := make([]byte, 0, len(svg))
	out = append(out, svg[:g+2]...)
	out = append(out, best...)
	done := g + 2
	for _, start := range at[best] {
		if start < done {
			continue
		}
		out = append(out, svg[done:start]...)
		done = start + len(best)
	}
	return append(out, svg[done:]...)
}

// safeHref reports whether a decoded link stays on this site or goes to an
// http(s) URL. It reads the link as a browser's URL parser does: tabs and
// newlines are dropped, leading and trailing spaces and controls trimmed,
// and a backslash counts as a slash ("/\\host" leaves the site as "//host"
// does).
func safeHref(u string) bool {
	u = strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, u)
	u = strings.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	low := strings.ToLower(u)
	switch {
	case strings.HasPrefix(u, "//"):
		return false
	case strings.HasPrefix(u, "/"), strings.HasPrefix(u, "#"):
		return true
	case strings.HasPrefix(low, "https://"), strings.HasPrefix(low, "http://"):
		return true
	}
	return false
}
