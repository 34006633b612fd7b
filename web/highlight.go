package web

import (
	"bytes"
	"html"
	"regexp"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// Code is highlighted when a page is served, not when notes are loaded:
// chroma makes rendering several times slower, and most articles of a big
// notes folder are never opened. The formatter writes classes, not inline
// styles, which the Content-Security-Policy would block; highlightCSS is
// served as a static file.

// The language is the info string's first word; mdBook adds options after
// commas ("rust,ignore"), which name no language.
var codeBlockRE = regexp.MustCompile(`(?s)<pre><code class="language-([A-Za-z0-9_+#.-]+)[^"]*">(.*?)</code></pre>`)

type highlighter struct {
	formatter *chromahtml.Formatter
	style     *chroma.Style
	// dark is the style under prefers-color-scheme: dark; the light one
	// leaves near-black code on the dark page.
	dark *chroma.Style
}

func newHighlighter() *highlighter {
	return &highlighter{
		formatter: chromahtml.New(chromahtml.WithClasses(true), chromahtml.ClassPrefix("hl-")),
		style:     styles.Get("github"),
		dark:      styles.Get("github-dark"),
	}
}

// css is the stylesheet for the classes the formatter writes, light and,
// for a reader who asks for it, dark.
func (h *highlighter) css() []byte {
	var buf bytes.Buffer
	_ = h.formatter.WriteCSS(&buf, h.style)
	buf.WriteString("@media (prefers-color-scheme: dark) {\n")
	// A token the dark style leaves uncoloured would keep the light
	// style's near-black: tokens inherit first, the dark rules come after.
	buf.WriteString(".hl-chroma [class] { color: inherit; background-color: transparent; }\n")
	_ = h.formatter.WriteCSS(&buf, h.dark)
	buf.WriteString("}\n")
	return buf.Bytes()
}

// highlight rewrites the fenced code blocks of goldmark's HTML. A block in
// a language chroma does not know stays as it was.
func (h *highlighter) highlight(page string) string {
	if !strings.Contains(page, `<code class="language-`) {
		return page
	}
	return codeBlockRE.ReplaceAllStringFunc(page, func(block string) string {
		m := codeBlockRE.FindStringSubmatch(block)
		lexer := lexers.Get(m[1])
		if lexer == nil {
			return block
		}
		it, err := chroma.Coalesce(lexer).Tokenise(nil, html.UnescapeString(m[2]))
		if err != nil {
			return block
		}
		var buf bytes.Buffer
		if err := h.formatter.Format(&buf, h.style, it); err != nil {
			return block
		}
		return buf.String()
	})
}
