package extract

import (
	"bytes"
	"html"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"go.abhg.dev/goldmark/frontmatter"
)

// newMarkdown builds the one goldmark pipeline Load uses: GFM, CJK line
// breaks, front matter, wikilinks and ```dot blocks. Raw HTML stays escaped
// (no html.WithUnsafe), and there is no Typographer, so extracted text is
// free of HTML entities for concept matching.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.CJK, &frontmatter.Extender{}),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithInlineParsers(util.Prioritized(wikiLinkParser{}, 100)),
			parser.WithASTTransformers(util.Prioritized(dotTransformer{}, 100)),
		),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(
			util.Prioritized(customRenderer{}, 100),
		)),
	)
}

// headingIDs makes anchors that keep CJK and other letters: goldmark's own
// ids are ASCII-only, so every Chinese heading would become "heading-N".
type headingIDs struct{ used map[string]bool }

func newHeadingIDs() *headingIDs { return &headingIDs{used: map[string]bool{}} }

func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	base := Slug(string(value))
	if base == "" {
		base = "section"
	}
	id := base
	for n := 1; h.used[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	h.used[id] = true
	return []byte(id)
}

func (h *headingIDs) Put(value []byte) { h.used[string(value)] = true }

// Slug lowercases s and keeps letters (any script) and digits, joining words
// with hyphens: "Raft 日志复制" becomes "raft-日志复制".
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}

// kindDotBlock is a ```dot fenced block; its HTML is decided during the
// extraction walk and written by customRenderer.
var kindDotBlock = ast.NewNodeKind("DotBlock")

type dotBlock struct {
	ast.BaseBlock
	html string
}

func (n *dotBlock) Kind() ast.NodeKind            { return kindDotBlock }
func (n *dotBlock) IsRaw() bool                   { return true }
func (n *dotBlock) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }
func (dotTransformer) Transform(doc *ast.Document, r text.Reader, _ parser.Context) {
	src := r.Source()
	var targets []*ast.FencedCodeBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if fc, ok := n.(*ast.FencedCodeBlock); ok && entering {
			if strings.EqualFold(string(fc.Language(src)), "dot") {
				targets = append(targets, fc)
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, fc := range targets {
		d := &dotBlock{}
		d.SetLines(fc.Lines())
		d.SetPos(fc.Pos())
		fc.Parent().ReplaceChild(fc.Parent(), fc, d)
	}
}

type dotTransformer struct{}

func linesOf(n ast.Node, src []byte) []byte {
	var b bytes.Buffer
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.Write(seg.Value(src))
	}
	return b.Bytes()
}

// kindWikiLink is an Obsidian-style [[target|label]] link.
var kindWikiLink = ast.NewNodeKind("WikiLink")

type wikiLink struct {
	ast.BaseInline
	Target   string
	Fragment string
	Label    string
	Embed    bool   // ![[target]]: an image is shown, a note linked
	href     string // set by the extraction walk; "" renders plain text
	image    bool   // href is an image to show
}

func (n *wikiLink) Kind() ast.NodeKind            { return kindWikiLink }
func (n *wikiLink) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

type wikiLinkParser struct{}

func (wikiLinkParser) Trigger() []byte { return []byte{'[', '!'} }

func (wikiLinkParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, seg := block.PeekLine()
	embed := bytes.HasPrefix(line, []byte("![["))
	if embed {
		line, seg = line[1:], seg.WithStart(seg.Start+1)
	}
	if !bytes.HasPrefix(line, []byte("[[")) {
		return nil
	}
	end := bytes.Index(line, []byte("]]"))
	if end < 3 {
		return nil
	}
	inner := string(line[2:end])
	if strings.ContainsAny(inner, "[]\n") || !utf8.ValidString(inner) {
		return nil
	}
	target, label, hasLabel := strings.Cut(inner, "|")
	target, frag, _ := strings.Cut(target, "#")
	target = strings.TrimSpace(target)
	if target == "" && frag == "" {
		return nil
	}
	if !hasLabel {
		label = strings.TrimSpace(inner)
	}
	n := &wikiLink{Target: target, Fragment: frag, Label: strings.TrimSpace(label), Embed: embed}
	n.SetPos(seg.Start)
	if embed {
		block.Advance(1)
	}
	block.Advance(end + 2)
	return n
}

type customRenderer struct{}

func (customRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindDotBlock, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString(n.(*dotBlock).html)
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(kindWikiLink, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		wl := n.(*wikiLink)
		if wl.image {
			_, _ = w.WriteString(`<img class="embed" src="` + html.EscapeString(wl.href) + `" alt="` + html.EscapeString(wl.Label) + `">`)
			return ast.WalkSkipChildren, nil
		}
		if wl.href == "" {
			_, _ = w.WriteString(`<span class="wikilink unresolved">` + html.EscapeString(wl.Label) + `</span>`)
			return ast.WalkSkipChildren, nil
		}
		_, _ = w.WriteString(`<a class="wikilink" href="` + html.EscapeString(wl.href) + `">` + html.EscapeString(wl.Label) + `</a>`)
		return ast.WalkSkipChildren, nil
	})
	reg.Register(ast.KindText, renderText)
}

// renderText writes a text node as goldmark's HTML renderer does, with one
// difference in CJK mode: goldmark drops a soft line break whenever the next
// node is not plain text, so "in\n[a link]" or "calls\n`Put`" lost their
// space ("inthe link"). Here the break is dropped only between two East
// Asian wide characters, wherever the next character comes from.
func renderText(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Text)
	value := n.Segment.Value(source)
	if n.IsRaw() {
		gmhtml.DefaultWriter.RawWrite(w, value)
		return ast.WalkContinue, nil
	}
	gmhtml.DefaultWriter.Write(w, value)
	switch {
	case n.HardLineBreak():
		_, _ = w.WriteString("<br>\n")
	case n.SoftLineBreak():
		last, _ := utf8.DecodeLastRune(value)
		if !(len(value) > 0 && util.IsEastAsianWideRune(last) && util.IsEastAsianWideRune(nextRune(node, source))) {
			_ = w.WriteByte('\n')
		}
	}
	return ast.WalkContinue, nil
}

// nextRune is the first character rendered after n: the start of the next
// sibling's first text, descending into links, emphasis and code spans. It
// is a space when nothing textual follows.
func nextRune(n ast.Node, source []byte) rune {
	for c := n.NextSibling(); c != nil; c = c.FirstChild() {
		var s []byte
		switch t := c.(type) {
		case *ast.Text:
			s = t.Segment.Value(source)
		case *ast.String:
			s = t.Value
		case *wikiLink:
			s = []byte(t.Label)
		default:
			continue
		}
		if r, size := utf8.DecodeRune(s); size > 0 {
			return r
		}
		return ' '
	}
	return ' '
}
