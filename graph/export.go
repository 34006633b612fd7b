package graph

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/codeatlas/codeatlas/extract"
)

// Format is a way to write a view, named by its file extension: the
// export command's --format, the /map.<format> download and its file name
// all use the name.
type Format string

// The formats. SVG and PNG are drawn from the DOT by a renderer; Write
// writes the others.
const (
	FormatDOT     Format = "dot"
	FormatSVG     Format = "svg"
	FormatPNG     Format = "png"
	FormatJSON    Format = "json"
	FormatGraphML Format = "graphml"
	FormatMermaid Format = "mmd"
)

// Formats lists every format, in the order downloads and help show them.
var Formats = []Format{FormatSVG, FormatDOT, FormatPNG, FormatJSON, FormatGraphML, FormatMermaid}

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want %s)", s, orList(Formats))
}

// Drawn reports whether a renderer lays the format out from the DOT.
func (f Format) Drawn() bool { return f == FormatSVG || f == FormatPNG }

// Write writes the view in a format that needs no renderer; opt.NodeURL
// links the nodes of every format, the rest of opt is for DOT.
func (v *View) Write(w io.Writer, f Format, opt DOTOptions) error {
	switch f {
	case FormatDOT:
		return v.WriteDOT(w, opt)
	case FormatJSON:
		return v.WriteJSON(w, opt.NodeURL)
	case FormatGraphML:
		return v.WriteGraphML(w, opt.NodeURL)
	case FormatMermaid:
		return v.WriteMermaid(w, opt.NodeURL)
	}
	return fmt.Errorf("graph: format %q is drawn by a renderer from the DOT", f)
}

// JSONNode and JSONEdge are the JSON export's records.
type JSONNode struct {
	ID      string `json:"id"`
	Kind    Kind   `json:"kind"`
	Label   string `json:"label"`
	LabelZh string `json:"label_zh,omitempty"`
	Summary string `json:"summary,omitempty"`
	URL     string `json:"url,omitempty"`
}

// JSONEdge is one typed relation between two nodes.
type JSONEdge struct {
	From     string             `json:"from"`
	To       string             `json:"to"`
	Kind     extract.Relation   `json:"kind"`
	Weight   int                `json:"weight"`
	Evidence []extract.Evidence `json:"evidence"`
	// Established tells a stated relation from a passing mention or a
	// comparison (see Relation.Established).
	Established bool `json:"established"`
}

// JSONGraph is the JSON export of a view or of the whole graph.
type JSONGraph struct {
	Title string     `json:"title,omitempty"`
	Nodes []JSONNode `json:"nodes"`
	Edges []JSONEdge `json:"edges"`
}

// JSON converts the view; url maps node ids to links (nil for none).
func (v *View) JSON(url func(id string) string) JSONGraph {
	out := JSONGraph{Title: v.Title, Nodes: []JSONNode{}, Edges: []JSONEdge{}}
	for _, n := range v.Nodes {
		jn := JSONNode{ID: n.ID, Kind: n.Kind, Label: n.Label, LabelZh: n.LabelZh, Summary: n.Summary}
		if url != nil && n.Kind != Stub {
			jn.URL = url(n.ID)
		}
		out.Nodes = append(out.Nodes, jn)
	}
	for _, e := range v.Edges {
		for _, r := range e.Relations {
			w := len(r.Evidence)
			if len(e.Relations) == 1 {
				w = e.Weight
			}
			out.Edges = append(out.Edges, JSONEdge{From: e.From, To: e.To, Kind: r.Kind, Weight: w, Evidence: r.Evidence, Established: r.Established()})
		}
	}
	return out
}

// WriteJSON writes the view as indented JSON, the same bytes as
// json.Encoder with a two-space indent writes of v.JSON. It writes node by
// node and edge by edge: the whole graph of 10,000 articles is 58 MB of
// JSON, which an encoder would hold in memory, twice over, before the
// first byte went out.
func (v *View) WriteJSON(w io.Writer, url func(id string) string) error {
	g := v.JSON(url)
	bw := bufio.NewWriter(w)
	bw.WriteString("{\n")
	if g.Title != "" {
		t, _ := json.Marshal(g.Title)
		bw.WriteString(`  "title": `)
		bw.Write(t)
		bw.WriteString(",\n")
	}
	if err := writeJSONArray(bw, "nodes", g.Nodes, false); err != nil {
		return err
	}
	if err := writeJSONArray(bw, "edges", g.Edges, true); err != nil {
		return err
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// writeJSONArray writes "name": [...] one element at a time, indented as
// the second level of an object.
func writeJSONArray[T any](bw *bufio.Writer, name string, items []T, last bool) error {
	bw.WriteString(`  "` + name + `": [`)
	for i, it := range items {
		b, err := json.MarshalIndent(it, "    ", "  ")
		if err != nil {
			return err
		}
		if i == 0 {
			bw.WriteString("\n    ")
		} else {
			bw.WriteString(",\n    ")
		}
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	if len(items) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]")
	if !last {
		bw.WriteString(",")
	}
	_, err := bw.WriteString("\n")
	return err
}

// WriteGraphML writes the view for Gephi and yEd.
func (v *View) WriteGraphML(w io.Writer, url func(id string) string) error {
	esc := func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	p("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n")
	for _, k := range []struct{ id, on, name string }{
		{"kind", "node", "kind"}, {"label", "node", "label"}, {"label_zh", "node", "label_zh"},
		{"summary", "node", "summary"}, {"url", "node", "url"}, {"ekind", "edge", "kind"}, {"weight", "edge", "weight"},
		{"established", "edge", "established"},
	} {
		typ := "string"
		switch k.id {
		case "weight":
			typ = "int"
		case "established":
			typ = "boolean"
		}
		p("  <key id=%q for=%q attr.name=%q attr.type=%q/>\n", k.id, k.on, k.name, typ)
	}
	p("  <graph id=\"%s\" edgedefault=\"directed\">\n", esc(v.Query.Key()))
	for _, n := range v.Nodes {
		p("    <node id=\"%s\">", esc(n.ID))
		p("<data key=\"kind\">%s</data><data key=\"label\">%s</data>", esc(string(n.Kind)), esc(n.Label))
		if n.LabelZh != "" {
			p("<data key=\"label_zh\">%s</data>", esc(n.LabelZh))
		}
		if n.Summary != "" {
			p("<data key=\"summary\">%s</data>", esc(n.Summary))
		}
		if url != nil && n.Kind != Stub {
			p("<data key=\"url\">%s</data>", esc(url(n.ID)))
		}
		p("</node>\n")
	}
	for i, e := range v.Edges {
		p("    <edge id=\"e%d\" source=\"%s\" target=\"%s\"><data key=\"ekind\">%s</data><data key=\"weight\">%d</data><data key=\"established\">%t</data></edge>\n",
			i, esc(e.From), esc(e.To), esc(e.Label()), e.Weight, e.Established)
	}
	p("  </graph>\n</graphml>\n")
	return nil
}

// WriteMermaid writes the view as a Mermaid flowchart, for README files.
func (v *View) WriteMermaid(w io.Writer, url func(id string) string) error {
	ids := map[string]string{}
	for i, n := range v.Nodes {
		ids[n.ID] = fmt.Sprintf("n%d", i)
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("flowchart LR\n")
	for _, n := range v.Nodes {
		open, close := "[", "]"
		switch n.Kind {
		case Concept:
			open, close = "([", "])"
		case Project:
			open, close = "[[", "]]"
		case Module:
			open, close = "[/", "/]"
		}
		p("  %s%s\"%s\"%s\n", ids[n.ID], open, mermaidText(n.Label), close)
	}
	for _, e := range v.Edges {
		p("  %s -->|%s| %s\n", ids[e.From], mermaidText(e.Label()), ids[e.To])
	}
	for _, k := range append(append([]Kind(nil), Kinds...), Stub) {
		st := kindStyle[k]
		p("  classDef %s fill:%s,stroke:%s\n", k, st.fill, st.stroke)
	}
	for _, n := range v.Nodes {
		p("  class %s %s\n", ids[n.ID], n.Kind)
		if url != nil && n.Kind != Stub {
			if u := safeURL(url(n.ID)); u != "" {
				p("  click %s \"%s\"\n", ids[n.ID], mermaidText(u))
			}
		}
	}
	return nil
}

// mermaidText escapes text for a quoted Mermaid label with entity codes.
func mermaidText(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "|", "#124;", "\n", " ", "\r", " ", "`", "#96;", "#", "#35;")
	return r.Replace(s)
}
