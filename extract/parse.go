package extract

import (
	"sort"
	"strings"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// block is the prose of one paragraph, heading, list item or table cell,
// with a map back to source offsets. masked has code spans blanked out, so
// concepts are matched in prose only.
type block struct {
	text   string
	masked string
	pieces []piece // sorted by textOff
	stops  sentences
	// heading marks a heading's text: what a section is about.
	heading bool
	// aside marks prose in a section about other systems (design notes,
	// read next): what it names is compared with, not used.
	aside bool
}

// source is what kind of text the block is, for evidence.
func (b *block) source() Source {
	if b.heading {
		return FromHeading
	}
	return FromProse
}

type piece struct{ textOff, srcOff int }

func (b *block) srcOffset(textOff int) int {
	i := sort.Search(len(b.pieces), func(i int) bool { return b.pieces[i].textOff > textOff }) - 1
	if i < 0 {
		return 0
	}
	p := b.pieces[i]
	return p.srcOff + (textOff - p.textOff)
}

type linkRef struct {
	dest    string
	textOff int
	block   int
	wiki    *wikiLink
	link    *ast.Link
	image   *ast.Image
	srcOff  int
}

type codeBlock struct {
	text string
	line int
}

// parsed is what one pass over a file yields before cross-file resolution.
type parsed struct {
	doc      *Document
	src      []byte
	lines    []int // offsets of line starts
	ast      ast.Node
	blocks   []block
	links    []linkRef
	code     []codeBlock
	dots     []*dotBlock
	fm       frontMatter
	yml      []byte
	implicit bool // a project page made up for a folder or a project id
	// lang and sourcePath are set on a translation: its language and the
	// path of the note it translates; source once it is paired.
	lang       string
	sourcePath string
	source     *parsed
	invalid    bool // its id cannot be a URL path: reported, and left out
	diags      []Diagnostic
	later      []Diagnostic // from parallel phases, merged in corpus()
	facts      []Fact       // likewise
	assets     []string     // files of the notes it shows or links to, likewise
}

func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// line converts a byte offset to a 1-based line number.
func (p *parsed) line(off int) int {
	return sort.Search(len(p.lines), func(i int) bool { return p.lines[i] > off })
}

// parseMarkdown parses src once and walks the tree, collecting headings,
// prose blocks, links, code and diagrams. Rendering happens later, after
// links are resolved, from the same tree.
func (l *loader) parseMarkdown(p *parsed) {
	if p.implicit {
		return
	}
	ctx := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	root := l.md.Parser().Parse(text.NewReader(p.src), parser.WithContext(ctx))
	p.ast = root
	src := p.src
	var all strings.Builder
	aside := false // inside a section about other systems
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if n.Level <= 2 {
				aside = comparisonSection(string(n.Text(src)))
			}
			b := p.collect(n)
			b.heading = true
			id, _ := n.AttributeString("id")
			idb, _ := id.([]byte)
			p.doc.Headings = append(p.doc.Headings, Heading{Level: n.Level, ID: string(idb), Text: strings.TrimSpace(b.text), Line: p.line(blockStart(n))})
			all.WriteString(b.text)
			all.WriteByte('\n')
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock, *extast.TableCell:
			b := p.collect(n)
			b.aside = aside
			all.WriteString(b.text)
			all.WriteByte('\n')
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			p.code = append(p.code, codeBlock{text: string(linesOf(n, src)), line: p.line(blockStart(n))})
			return ast.WalkSkipChildren, nil
		case *dotBlock:
			p.dots = append(p.dots, n)
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	p.doc.Text = all.String()
}

func blockStart(n ast.Node) int {
	if lines := n.Lines(); lines != nil && lines.Len() > 0 {
		return lines.At(0).Start
	}
	if n.Pos() >= 0 {
		return n.Pos()
	}
	return 0
}

// collect gathers the inline text of a block node and records its links.
func (p *parsed) collect(n ast.Node) *block {
	var text strings.Builder
	var masks [][2]int // code-span ranges of text, blanked in masked
	b := block{}
	idx := len(p.blocks)
	add := func(s string, srcOff int, mask bool) {
		if srcOff >= 0 {
			b.pieces = append(b.pieces, piece{textOff: text.Len(), srcOff: srcOff})
		}
		if mask && s != "" {
			masks = append(masks, [2]int{text.Len(), text.Len() + len(s)})
		}
		text.WriteString(s)
	}
	var walk func(n ast.Node, mask bool)
	walk = func(n ast.Node, mask bool) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				add(string(c.Segment.Value(p.src)), c.Segment.Start, mask)
				if c.SoftLineBreak() || c.HardLineBreak() {
					add(" ", -1, mask)
				}
			case *ast.String:
				add(string(c.Value), -1, mask)
			case *ast.CodeSpan:
				walk(c, true)
			case *ast.Link:
				p.links = append(p.links, linkRef{dest: string(c.Destination), textOff: text.Len(), block: idx, link: c, srcOff: inlineStart(c, p.src)})
				walk(c, mask)
			case *ast.AutoLink:
				add(string(c.URL(p.src)), -1, true)
			case *wikiLink:
				p.links = append(p.links, linkRef{dest: c.Target, textOff: text.Len(), block: idx, wiki: c, srcOff: c.Pos()})
				add(c.Label, c.Pos(), mask)
			case *ast.Image:
				// alt text is not prose
				p.links = append(p.links, linkRef{dest: string(c.Destination), block: idx, image: c, srcOff: inlineStart(c, p.src)})
			case *ast.RawHTML:
				// raw HTML is not prose
			default:
				walk(c, mask)
			}
		}
	}
	walk(n, false)
	if len(b.pieces) == 0 {
		b.pieces = append(b.pieces, piece{0, blockStart(n)})
	}
	b.text, b.masked = text.String(), text.String()
	b.stops = indexSentences(b.text)
	if len(masks) > 0 {
		m := []byte(b.text)
		for _, r := range masks {
			for i := r[0]; i < r[1]; i++ {
				m[i] = ' '
			}
		}
		b.masked = string(m)
	}
	p.blocks = append(p.blocks, b)
	return &p.blocks[len(p.blocks)-1]
}

// inlineStart finds the source offset of an inline node: its own Pos when
// goldmark knows it, else its first text segment.
func inlineStart(n ast.Node, src []byte) int {
	if n.Pos() >= 0 {
		return n.Pos()
	}
	for c := n.FirstChild(); c != nil; c = c.FirstChild() {
		if t, ok := c.(*ast.Text); ok {
			return t.Segment.Start
		}
	}
	return -1
}
