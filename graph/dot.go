package graph

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/codeatlas/codeatlas/extract"
)

// DOTOptions configures WriteDOT.
type DOTOptions struct {
	// NodeURL gives the link of a node; nil or "" leaves the node unlinked.
	// Only relative paths and http(s) URLs are written.
	NodeURL func(id string) string
	// StubURL gives the link of a stub's narrower view.
	StubURL func(q Query) string
	// GraphID prefixes every SVG element id, so several maps can share a page.
	GraphID string
	// Compact leaves out the title and edge labels and draws one short line
	// per node in a larger font: for thumbnails, whose page says what they
	// show (nodes and edges keep their tooltips).
	Compact bool
	// Label words a node's label (its title in the page's language, a
	// stub's count); nil uses the node's Label. One language a label: a
	// map of two-line labels shows half as many of them.
	Label func(n *ViewNode) string
	// Legend draws a key of the node kinds, and what the view leaves out,
	// into the picture: for downloads, which stand alone. Pages show it
	// beside the map instead.
	Legend bool
	// TerseEdges leaves the evidence out of edge tooltips, which then say
	// only the relation: for pages that list every edge's evidence beside
	// the map, where it was a third of the picture's bytes.
	TerseEdges bool
}

// Fonts: the WASM Graphviz has no fonts and sizes text with Helvetica
// metrics (the name starts with it), so a Chinese label overflows its box
// and the page squeezes it. The system's dot measures with the fonts
// fontconfig finds for this list, glyph by glyph, as the browser draws it:
// Latin in the first face of the list installed (else the default sans),
// Chinese in a CJK face it falls back to (Debian: fonts-wqy-microhei), so
// boxes fit their labels. Naming WenQuanYi Micro Hei here was tried:
// where it is the only face of the list installed, dot and the browser
// both drew Latin in it too, and its taller lines overlapped the lines of
// multi-line labels.
const fontName = "Helvetica,Arial,Noto Sans CJK SC,PingFang SC,Microsoft YaHei,sans-serif"

// clusterColumn is how many members of a cluster dot stacks in a column.
const clusterColumn = 6

// style is how a node kind is drawn.
type style struct{ shape, fill, stroke string }

var kindStyle = map[Kind]style{
	Project: {"box", "#dbe7f5", "#2f6db5"},
	Article: {"note", "#fdebd3", "#c7701c"},
	Concept: {"ellipse", "#dcefd8", "#3f8a36"},
	Module:  {"component", "#eee0f0", "#8a4d93"},
	Stub:    {"box", "#eeeeee", "#777777"},
}

// relationStyle is how an edge is drawn, by the kind of its first relation.
var relationStyle = map[extract.Relation]string{
	extract.Contains: `style=bold`,
	extract.Next:     `style=dotted`,
	extract.Links:    `style=solid`,
	// Dashed is for passing mentions and comparisons (the legend says
	// so); an established mention is a plain line.
	extract.Mentions: `style=solid`,
	extract.Uses:     `style=bold, penwidth=2`,
	extract.Broader:  `arrowhead=empty`,
	extract.Related:  `style=dotted, arrowhead=none`,
}

// WriteDOT writes the view as a Graphviz digraph. The output is a function
// of the view alone: the same query gives byte-identical DOT. Every string
// is escaped, so no label or URL can break out of its attribute.
func (v *View) WriteDOT(w io.Writer, opt DOTOptions) error {
	bw := bufio.NewWriter(w)
	gid := opt.GraphID
	if gid == "" {
		gid = "map"
	}
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("digraph %s {\n", Quote(gid))
	p("  graph [id=%s, layout=%s, rankdir=LR, bgcolor=\"transparent\", fontname=%s, fontsize=12, tooltip=%s", Quote(gid), Quote(v.Query.Layout), Quote(fontName), Quote(v.Title))
	if v.Straight {
		p(", splines=line")
	}
	if v.Class != "" {
		p(", class=%s", Quote(v.Class))
	}
	if !opt.Compact {
		p(", label=%s, labelloc=t", Quote(v.Title))
	}
	switch v.Query.Layout {
	case "dot":
		// Bound dot's crossing minimisation: a third of the time on big maps.
		p(", nslimit=1, nslimit1=1, mclimit=0.3")
		if opt.Compact {
			p(", ranksep=0.35, nodesep=0.08")
		} else {
			p(", ranksep=0.5, nodesep=0.25")
		}
	case "neato":
		if v.pinned() {
			// Every node has its place: nothing to move apart.
			p(", overlap=true, inputscale=72")
			break
		}
		fallthrough
	default:
		// Straight edges: spline routing around nodes costs more than the
		// layout itself on a few hundred edges.
		p(", overlap=prism, overlap_scaling=-4, sep=\"+6\", splines=false, K=0.9")
	}
	p("];\n")
	p("  node [fontname=%s, fontsize=11, style=\"filled,rounded\", penwidth=1.2, margin=\"0.12,0.05\"];\n", Quote(fontName))
	p("  edge [fontname=%s, fontsize=9, color=\"#7a8794\", fontcolor=\"#55606b\", arrowsize=0.7];\n", Quote(fontName))

	rank := map[string]int{}
	for i, id := range v.LabelOrder() {
		rank[id] = i
	}
	byCluster := map[string][]*ViewNode{}
	for _, n := range v.Nodes {
		byCluster[n.Cluster] = append(byCluster[n.Cluster], n)
	}
	children := map[string][]*Cluster{}
	for _, c := range v.Clusters {
		children[c.Parent] = append(children[c.Parent], c)
	}
	var writeCluster func(c *Cluster, indent string)
	writeCluster = func(c *Cluster, indent string) {
		p("%ssubgraph %s {\n", indent, Quote(c.ID))
		p("%s  id=%s; label=%s; class=\"cluster\"; style=\"rounded\"; color=\"#b8c2cc\"; fontsize=11;", indent, Quote(gid+"-"+c.ID), Quote(clipRunes(c.Label, 60)))
		if opt.NodeURL != nil && c.NodeID != "" {
			if u := safeURL(opt.NodeURL(c.NodeID)); u != "" {
				p(" URL=%s; target=\"_top\";", Quote(u))
			}
		}
		p("\n")
		members := byCluster[c.ID]
		for _, n := range members {
			writeNode(p, n, rank[n.ID], opt, gid, indent+"  ")
		}
		// dot puts every member of a cluster that touches the same node in
		// one rank: fifty articles of a concept made one column fifty nodes
		// tall. Invisible edges fold a long cluster into columns.
		if v.Query.Layout == "dot" && len(members) > clusterColumn {
			for i := clusterColumn; i < len(members); i++ {
				p("%s  %s -> %s [style=invis];\n", indent, Quote(members[i-clusterColumn].ID), Quote(members[i].ID))
			}
		}
		for _, sub := range children[c.ID] {
			writeCluster(sub, indent+"  ")
		}
		p("%s}\n", indent)
	}
	for _, c := range children[""] {
		writeCluster(c, "  ")
	}
	for _, n := range byCluster[""] {
		writeNode(p, n, rank[n.ID], opt, gid, "  ")
	}
	// Edge labels become virtual nodes in dot; on a crowded map they cost
	// seconds and hide the nodes, so the kinds stay in tooltips and classes.
	labels := len(v.Edges) <= 80 && !opt.Compact
	for _, e := range v.Edges {
		ks := e.Kinds()
		cls := make([]string, len(ks))
		for i, k := range ks {
			cls[i] = "rel-" + string(k)
		}
		if !e.Established {
			// A passing mention or a comparison: drawn faint, and said so.
			cls = append(cls, "weak")
		}
		from, to, back := e.From, e.To, ""
		if e.Back || opt.Compact && v.Node(e.To) != nil && v.Node(e.To).Focus {
			// A thumbnail is a star: every neighbour on the focus's right,
			// the arrows still pointing the way the relation goes.
			from, to, back = e.To, e.From, ", dir=back"
		}
		p("  %s -> %s [id=%s, class=%s, tooltip=%s%s", Quote(from), Quote(to),
			Quote(gid+"-e-"+e.From+"->"+e.To), Quote(strings.Join(cls, " ")), Quote(edgeTooltip(e, opt.TerseEdges)), back)
		if labels {
			p(", label=%s", Quote(e.Label()))
		}
		st := relationStyle[ks[0]]
		if !e.Established {
			// A passing mention or a comparison: faint and dashed.
			st = `style=dashed, color="#b3bcc6"`
		}
		if st != "" {
			p(", %s", st)
		}
		if e.Weight > 1 {
			p(", penwidth=%.1f", 1+minf(float64(e.Weight)/8, 2.5))
		}
		if e.Loose {
			p(", constraint=false")
		}
		p("];\n")
	}
	if opt.Legend {
		writeLegend(p, v, gid)
	}
	p("}\n")
	return bw.Flush()
}

// pinned reports whether every node of the view has its place.
func (v *View) pinned() bool {
	for _, n := range v.Nodes {
		if n.Pos == nil {
			return false
		}
	}
	return len(v.Nodes) > 0
}

func minf(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}

// writeNode writes one node; rank is its place in LabelOrder, which the
// browser reads from the prio-N class to decide which labels to show.
func writeNode(p func(string, ...any), n *ViewNode, rank int, opt DOTOptions, gid, indent string) {
	st := kindStyle[n.Kind]
	name := n.Label
	if opt.Label != nil {
		name = opt.Label(n)
	}
	label := wrap(clipRunes(name, 64), 26)
	if n.Pos != nil {
		label = clipRunes(name, 40) // a line of a table
	}
	if opt.Compact {
		label = wrap(clipRunes(name, 44), 24)
	}
	class := "kind-" + string(n.Kind) + " prio-" + strconv.Itoa(rank)
	if n.Focus {
		class += " focus"
	}
	tooltip := n.Label
	if n.Summary != "" {
		tooltip += " — " + clipRunes(n.Summary, 240)
	}
	shape, extra := st.shape, ""
	switch {
	case opt.Compact:
		extra = ", fontsize=13"
	case n.Heading:
		shape, extra = "plaintext", ", style=\"\", fontsize=13, fontcolor=\"#3f8a36\""
	case n.Kind == Project:
		// Projects are what a reader finds first on every map.
		extra = ", fontsize=14"
	case n.Shared > 0:
		// A line of the overview's table: a low box, larger the more
		// projects share the concept.
		shape, extra = "box", fmt.Sprintf(", height=0.3, margin=\"0.1,0.02\", fontsize=%d", 11+min(n.Shared-2, 4))
	}
	p("%s%s [id=%s, class=%s, label=%s, tooltip=%s, shape=%s, fillcolor=%s, color=%s%s",
		indent, Quote(n.ID), Quote(gid+"-"+n.ID), Quote(class), Quote(label), Quote(tooltip), shape, Quote(st.fill), Quote(st.stroke), extra)
	if n.Focus {
		p(", penwidth=2.5")
	}
	if n.Pos != nil {
		p(", pos=\"%.1f,%.1f!\"", n.Pos.X, n.Pos.Y)
	}
	var url string
	if n.Kind == Stub {
		if opt.StubURL != nil {
			url = opt.StubURL(n.Target)
		}
	} else if opt.NodeURL != nil {
		url = opt.NodeURL(n.ID)
	}
	if u := safeURL(url); u != "" {
		p(", URL=%s, target=\"_top\"", Quote(u))
	}
	p("];\n")
}

// writeLegend draws the key of the node kinds, and what the view leaves
// out, as one narrow column of small keys: all in one rank, so that in the
// left-to-right layout it stands beside the map rather than across it
// (each key in a rank of its own made the legend of a four-node path
// answer wider than the answer).
func writeLegend(p func(string, ...any), v *View, gid string) {
	present := map[Kind]bool{}
	for _, n := range v.Nodes {
		present[n.Kind] = true
	}
	p("  subgraph \"cluster_legend\" {\n    id=%s; class=\"legend\"; label=\"Legend\"; style=\"rounded,dashed\"; color=\"#c9d1d9\"; fontsize=9; margin=4;\n", Quote(gid+"-legend"))
	var keys []string
	for _, k := range append(append([]Kind(nil), Kinds...), Stub) {
		if !present[k] {
			continue
		}
		st := kindStyle[k]
		id := "legend/" + string(k)
		p("    %s [id=%s, class=\"legend\", label=%s, shape=%s, fillcolor=%s, color=%s, fontsize=8, width=0.5, height=0.2, margin=\"0.04,0.01\"];\n", Quote(id), Quote(gid+"-"+id), Quote(string(k)), st.shape, Quote(st.fill), Quote(st.stroke))
		keys = append(keys, id)
	}
	if v.Hidden > 0 {
		p("    \"legend/hidden\" [id=%s, class=\"legend\", shape=plaintext, style=\"\", fontsize=8, height=0.2, label=%s];\n", Quote(gid+"-legend/hidden"), Quote(fmt.Sprintf("%d relations not drawn\n(see the text version)", v.Hidden)))
		keys = append(keys, "legend/hidden")
	}
	// A path answer lists its hops; how many other edges its ends have
	// means nothing to a reader of it.
	if v.Outside > 0 && v.Query.View != PathView {
		p("    \"legend/outside\" [id=%s, class=\"legend\", shape=plaintext, style=\"\", fontsize=8, height=0.2, label=%s];\n", Quote(gid+"-legend/outside"), Quote(fmt.Sprintf("%d edges of the focus lead\noutside this view", v.Outside)))
		keys = append(keys, "legend/outside")
	}
	if len(keys) > 1 {
		p("    {rank=same;")
		for _, k := range keys {
			p(" %s;", Quote(k))
		}
		p("}\n")
	}
	p("  }\n")
}

func edgeTooltip(e *ViewEdge, terse bool) string {
	if terse {
		return e.Label()
	}
	var b strings.Builder
	b.WriteString(e.Label())
	n := 0
	for _, r := range e.Relations {
		for _, ev := range r.Evidence {
			if n == 3 {
				break
			}
			fmt.Fprintf(&b, "\n%s:%d: %s", ev.Path, ev.Line, clipRunes(ev.Text, 160))
			n++
		}
	}
	return b.String()
}

// Quote writes s as a DOT double-quoted string. Backslashes and quotes are
// escaped, newlines become \n, and other control characters are dropped,
// so no input can end the string early or inject attributes.
func Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			// control characters and invalid bytes have no place in a label
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// safeURL keeps site-relative paths and http(s) URLs; anything else
// (javascript:, data:, protocol-relative) is dropped.
func safeURL(u string) string {
	switch {
	case u == "":
		return ""
	case strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") && !strings.HasPrefix(u, `/\`):
		return u
	case strings.HasPrefix(u, "https://"), strings.HasPrefix(u, "http://"):
		return u
	}
	return ""
}

// clipRunes shortens s to at most n characters, the last an ellipsis:
// labels are measured in characters, whatever their script.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// wrap breaks a label into lines of about width runes at spaces.
func wrap(s string, width int) string {
	words := strings.Fields(s)
	var lines []string
	cur := ""
	for _, w := range words {
		if cur != "" && utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, cur)
			cur = w
			continue
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return strings.Join(lines, "\n")
}
