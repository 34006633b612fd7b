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
		src := string(linesOf(d, p.src))
		line := p.line(blockStart(d))
		ph := placeholderFigure(i, src)
		p.doc.Diagrams = append(p.doc.Diagrams, Diagram{Line: line, Source: src, Placeholder: ph})
		if l.opts.DOT == nil {
			d.html = ph
			continue
		}
		svg, err := l.opts.DOT([]byte(src))
		if err != nil {
			if !p.doc.Bundled {
				p.later = append(p.later, Diagnostic{Path: p.doc.Path, Line: line, Severity: SeverityError, Message: "dot diagram: " + oneLine(err.Error())})
			}
			d.html = `<figure class="dot dot-error"><pre class="dot-source"><code>` + html.EscapeString(src) + `</code></pre><figcaption>` + html.EscapeString(oneLine(err.Error())) + `</figcaption></figure>`
			continue
		}
		d.html = `<figure class="dot" data-diagram="` + strconv.Itoa(i) + `">` + string(svg) + `</figure>`
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
