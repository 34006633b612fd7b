package extract

import (
	"bytes"
	"html"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// sameTitle compares a heading's text with a title, ignoring the markup
// and spacing that firstHeading keeps and plain text drops.
func sameTitle(heading, title string) bool {
	strip := strings.NewReplacer("`", "", "*", "", "_", "")
	return strings.Join(strings.Fields(strip.Replace(heading)), " ") == strings.Join(strings.Fields(strip.Replace(title)), " ")
}

// render writes the document's HTML from the tree parseMarkdown built, after
// links were rewritten, rendering ```dot blocks through Options.DOT.
func (l *loader) render(p *parsed) {
	if p.ast == nil {
		return
	}
	for i, d := range p.dots {
		dg := Diagram{Index: i, Line: p.line(blockStart(d)), Source: string(linesOf(d, p.src))}
		dg.Placeholder = dg.Figure(nil, nil)
		p.doc.Diagrams = append(p.doc.Diagrams, dg)
		if l.opts.DOT == nil {
			d.html = dg.Placeholder
			continue
		}
		svg, err := l.opts.DOT([]byte(dg.Source))
		if err != nil && !p.doc.Bundled {
			p.later = append(p.later, Diagnostic{Path: p.doc.Path, Line: dg.Line, Severity: SeverityError, Message: "dot diagram: " + oneLine(err.Error())})
		}
		d.html = dg.Figure(svg, err)
	}
	// The page shows the title above the article; a body that opens with
	// the same heading (notes without front matter take their title from
	// it) would show it twice.
	if h, ok := p.ast.FirstChild().(*ast.Heading); ok && h.Level == 1 && sameTitle(plainText(h, p.src), p.doc.Title) {
		p.ast.RemoveChild(p.ast, h)
	}
	linkCodeSpans(p.ast, p.src, p.doc)
	var buf bytes.Buffer
	if err := l.md.Renderer().Render(&buf, p.src, p.ast); err != nil {
		p.later = append(p.later, Diagnostic{Path: p.doc.Path, Line: 1, Severity: SeverityError, Message: "render: " + err.Error()})
	}
	p.doc.HTML = buf.String()
	// The tree is large and the link and diagram lists point into it: drop
	// them all, the HTML is what is kept.
	p.ast, p.links, p.dots = nil, nil, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Figure is the HTML that stands for the diagram in its document: the
// drawing when svg is given (already made safe for inlining by the
// renderer), else the source, with the reason when err says why it could
// not be drawn. It is the one place diagram markup is written, for
// extraction and for pages that render diagrams later.
func (d Diagram) Figure(svg []byte, err error) string {
	var b strings.Builder
	class := "dot"
	if err != nil {
		class = "dot dot-error"
	}
	b.WriteString(`<figure class="` + class + `" data-diagram="` + strconv.Itoa(d.Index) + `">`)
	if err == nil && svg != nil {
		b.Write(svg)
	} else {
		b.WriteString(`<pre class="dot-source"><code>` + html.EscapeString(d.Source) + `</code></pre>`)
	}
	if err != nil {
		b.WriteString(`<figcaption>` + html.EscapeString(oneLine(err.Error())) + `</figcaption>`)
	}
	b.WriteString(`</figure>`)
	return b.String()
}
