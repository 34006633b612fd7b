package extract

import (
	"cmp"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// structure reads the table of contents (SUMMARY.md, _sidebar.md) or, with
// neither, the folders, and turns nesting into contains facts and order
// into next facts. Documents the table of contents misses still get a
// contains fact from their project, and a warning.
func (l *loader) structure() {
	var toc []*TOCEntry
	tocPath := ""
	if l.tocSrc != nil {
		tocPath = l.tocSrc.path
		toc = l.parseTOC(l.tocSrc)
	} else {
		toc = l.folderTOC()
	}
	l.tocEntries = toc
	l.tocPath = tocPath
	evidence := func(e *TOCEntry) Evidence {
		if tocPath == "" {
			return Evidence{Path: l.byID[e.DocID].doc.Path, Line: 1, Text: "in folder " + path.Dir(l.byID[e.DocID].doc.Path), Source: FromContents}
		}
		return Evidence{Path: tocPath, Line: e.Line, Text: e.Title, Source: FromContents}
	}
	hasParent := map[string]bool{}
	var order []string
	lineOf := map[string]int{}
	seen := map[string]bool{}
	var visit func(parent string, es []*TOCEntry)
	visit = func(parent string, es []*TOCEntry) {
		for _, e := range es {
			self := parent
			if e.DocID != "" {
				d := l.byID[e.DocID].doc
				d.InTOC = true
				par := parent
				if par == "" && d.Kind != KindProject && d.Project != "" {
					par = "p/" + d.Project
				}
				if par != "" && par != e.DocID && !hasParent[e.DocID] {
					hasParent[e.DocID] = true
					l.facts = append(l.facts, Fact{Subject: par, Relation: Contains, Object: e.DocID, Evidence: evidence(e)})
				}
				if !seen[e.DocID] {
					seen[e.DocID] = true
					order = append(order, e.DocID)
					lineOf[e.DocID] = e.Line
				}
				self = e.DocID
			}
			visit(self, e.Children)
		}
	}
	visit("", toc)
	for i := 1; i < len(order); i++ {
		prev := l.byID[order[i-1]].doc
		ev := Evidence{Path: tocPath, Line: lineOf[order[i]], Text: "after " + prev.Title, Source: FromContents}
		if tocPath == "" {
			ev.Path, ev.Line = l.byID[order[i]].doc.Path, 1
		}
		l.facts = append(l.facts, Fact{Subject: order[i-1], Relation: Next, Object: order[i], Evidence: ev})
	}
	for _, p := range l.files {
		d := p.doc
		if d.Kind == KindConcept || p.implicit {
			continue
		}
		if !d.InTOC && tocPath != "" && !d.Bundled {
			p.warn(l, 0, "not listed in %s", tocPath)
		}
		if !hasParent[d.ID] && d.Kind != KindProject && d.Project != "" {
			l.facts = append(l.facts, Fact{Subject: "p/" + d.Project, Relation: Contains, Object: d.ID,
				Evidence: Evidence{Path: d.Path, Line: keyLine(p.yml, "project"), Text: "project: " + d.Project, Source: FromFrontMatter}})
		}
	}
}

// parseTOC reads a GitBook/mdBook SUMMARY.md or a docsify _sidebar.md: nested
// lists of links, optionally under headings (mdBook parts), and mdBook's
// unnumbered chapters, links on lines of their own.
func (l *loader) parseTOC(f *tocFile) []*TOCEntry {
	src := f.src
	lineOf := (&parsed{lines: lineStarts(src)}).line
	root := l.md.Parser().Parse(text.NewReader(src), parser.WithContext(parser.NewContext()))
	var out []*TOCEntry
	var part *TOCEntry
	var items func(list ast.Node) []*TOCEntry
	items = func(list ast.Node) []*TOCEntry {
		var es []*TOCEntry
		for li := list.FirstChild(); li != nil; li = li.NextSibling() {
			e := &TOCEntry{}
			for c := li.FirstChild(); c != nil; c = c.NextSibling() {
				switch c := c.(type) {
				case *ast.List:
					e.Children = append(e.Children, items(c)...)
				default:
					if e.Title != "" {
						continue
					}
					e.Line = lineOf(blockStart(c))
					e.Title, e.DocID = l.tocLink(f.path, e.Line, c, src)
				}
			}
			if e.Title != "" || len(e.Children) > 0 {
				es = append(es, e)
			}
		}
		return es
	}
	for c := root.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Heading:
			part = &TOCEntry{Title: plainText(c, src), Line: lineOf(blockStart(c))}
			if c.Level == 1 && strings.EqualFold(part.Title, "summary") || strings.EqualFold(part.Title, "table of contents") {
				part = nil
				continue
			}
			out = append(out, part)
		case *ast.List:
			es := items(c)
			if part != nil {
				part.Children = append(part.Children, es...)
			} else {
				out = append(out, es...)
			}
		case *ast.Paragraph:
			// mdBook's prefix and suffix chapters: links outside any list,
			// one per line, so one paragraph holds several; top-level.
			for n := c.FirstChild(); n != nil; n = n.NextSibling() {
				if _, ok := n.(*ast.Link); !ok {
					continue
				}
				off := inlineStart(n, src)
				if off < 0 {
					off = blockStart(c)
				}
				e := &TOCEntry{Line: lineOf(off)}
				e.Title, e.DocID = l.tocLink(f.path, e.Line, n, src)
				out = append(out, e)
			}
			part = nil // they are never inside a part
		}
	}
	return out
}

// tocLink reads the first link of a list item's text.
func (l *loader) tocLink(tocPath string, line int, n ast.Node, src []byte) (title, id string) {
	var link *ast.Link
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if lk, ok := c.(*ast.Link); ok && entering && link == nil {
			link = lk
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if link == nil {
		return plainText(n, src), ""
	}
	title = plainText(link, src)
	dest := strings.TrimSpace(string(link.Destination))
	if dest == "" || schemeRE.MatchString(dest) {
		return title, ""
	}
	dest, _, _ = strings.Cut(dest, "#")
	p := path.Clean(strings.TrimLeft(dest, "/"))
	if p == ".." || strings.HasPrefix(p, "../") {
		l.diags.errorf(tocPath, line, "link %q leaves the content folder", dest)
		return title, ""
	}
	t := l.lookupPath(p, strings.HasSuffix(dest, "/"))
	if t == nil {
		l.diags.errorf(tocPath, line, "link to unknown page %q", dest)
		return title, ""
	}
	return title, t.doc.ID
}

func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *wikiLink:
			b.WriteString(c.Label)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// folderTOC builds the structure from folders: a project per top-level
// folder, a section per sub-folder with an index page, files by name with
// index pages first.
func (l *loader) folderTOC() []*TOCEntry {
	type dirNode struct {
		index *parsed
		files []*parsed
		dirs  map[string]*dirNode
	}
	newDir := func() *dirNode { return &dirNode{dirs: map[string]*dirNode{}} }
	root := newDir()
	for _, p := range l.files {
		d := p.doc
		if d.Kind == KindConcept || d.Bundled || p.implicit {
			continue
		}
		dir := path.Dir(d.Path)
		node := root
		if dir != "." {
			for _, seg := range strings.Split(dir, "/") {
				if node.dirs[seg] == nil {
					node.dirs[seg] = newDir()
				}
				node = node.dirs[seg]
			}
		}
		if (d.Kind == KindProject || d.Kind == KindSection || strings.TrimPrefix(d.ID, "a/") == dir) && dir != "." && node.index == nil {
			node.index = p
		} else {
			node.files = append(node.files, p)
		}
	}
	var build func(prefix string, n *dirNode) []*TOCEntry
	build = func(prefix string, n *dirNode) []*TOCEntry {
		var es []*TOCEntry
		sort.Slice(n.files, func(i, j int) bool { return n.files[i].doc.Path < n.files[j].doc.Path })
		for _, p := range n.files {
			es = append(es, &TOCEntry{Title: p.doc.Title, DocID: p.doc.ID})
		}
		names := make([]string, 0, len(n.dirs))
		for name := range n.dirs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			sub := n.dirs[name]
			dir := path.Join(prefix, name)
			e := &TOCEntry{Title: name}
			switch {
			case sub.index != nil:
				e.Title, e.DocID = sub.index.doc.Title, sub.index.doc.ID
			case prefix == "":
				if t, ok := l.byID["p/"+name]; ok {
					e.Title, e.DocID = t.doc.Title, t.doc.ID
				}
			}
			e.Children = build(dir, sub)
			es = append(es, e)
		}
		return es
	}
	return build("", root)
}

// corpus assembles the result in a deterministic order.
func (l *loader) corpus() *Corpus {
	l.pruneBundled()
	c := &Corpus{TOC: l.tocEntries, TOCFile: l.tocPath, Assets: map[string]bool{}, AssetFS: l.fsys, Lang: l.lang}
	for _, t := range l.trans {
		for _, a := range t.assets {
			c.Assets[a] = true
		}
		l.diags.list = append(l.diags.list, t.later...)
	}
	for _, p := range l.files {
		c.Docs = append(c.Docs, p.doc)
		for _, a := range p.assets {
			c.Assets[a] = true
		}
		l.diags.list = append(l.diags.list, p.later...)
		l.facts = append(l.facts, p.facts...)
	}
	c.index()
	// The comparison is total (down to the evidence text), so the order is
	// the same whatever order the parallel phases produced facts in.
	l.facts = parallelSort(l.facts, compareFacts, l.opts.Workers)
	c.Facts = l.facts
	sortDiagnostics(l.diags.list)
	c.Diagnostics = l.diags.list
	return c
}

// pruneBundled drops the bundled concept pages the notes never reach:
// someone's notes folder gets the catalog's concepts it mentions, links to
// or relates to, and their broader concepts, not our whole catalog (a Rust
// book would otherwise open on a map of Raft and Prometheus). Facts about a
// dropped page go with it.
func (l *loader) pruneBundled() {
	bundled := map[string]*parsed{}
	for _, p := range l.files {
		if p.doc.Bundled {
			bundled[p.doc.ID] = p
		}
	}
	if len(bundled) == 0 {
		return
	}
	keep := map[string]bool{}
	var queue []string
	reach := func(id string) {
		if bundled[id] != nil && !keep[id] {
			keep[id] = true
			queue = append(queue, id)
		}
	}
	for _, p := range l.files {
		if !p.doc.Bundled {
			for _, f := range p.facts {
				reach(f.Object)
			}
		}
	}
	for _, f := range l.facts {
		if bundled[f.Subject] == nil {
			reach(f.Object)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, f := range bundled[id].facts {
			if f.Relation == Broader {
				reach(f.Object)
			}
		}
	}
	dropped := func(id string) bool { return bundled[id] != nil && !keep[id] }
	files := l.files[:0]
	for _, p := range l.files {
		if dropped(p.doc.ID) {
			continue
		}
		if p.doc.Bundled {
			p.facts = slices.DeleteFunc(p.facts, func(f Fact) bool { return dropped(f.Object) })
		}
		files = append(files, p)
	}
	l.files = files
	l.facts = slices.DeleteFunc(l.facts, func(f Fact) bool { return dropped(f.Subject) || dropped(f.Object) })
}

func compareFacts(a, b Fact) int {
	return cmp.Or(
		strings.Compare(a.Subject, b.Subject),
		strings.Compare(string(a.Relation), string(b.Relation)),
		strings.Compare(a.Object, b.Object),
		strings.Compare(a.Evidence.Path, b.Evidence.Path),
		cmp.Compare(a.Evidence.Line, b.Evidence.Line),
		strings.Compare(a.Evidence.Text, b.Evidence.Text),
	)
}

// parallelSort sorts chunks of s on n goroutines and merges them: the fact
// list of a large notes folder has hundreds of thousands of entries.
func parallelSort[T any](s []T, cmp func(a, b T) int, n int) []T {
	if n < 2 || len(s) < 4096 {
		slices.SortFunc(s, cmp)
		return s
	}
	size := (len(s) + n - 1) / n
	var chunks [][]T
	for i := 0; i < len(s); i += size {
		chunks = append(chunks, s[i:min(i+size, len(s))])
	}
	var wg sync.WaitGroup
	for _, c := range chunks {
		wg.Add(1)
		go func(c []T) {
			defer wg.Done()
			slices.SortFunc(c, cmp)
		}(c)
	}
	wg.Wait()
	for len(chunks) > 1 {
		var next [][]T
		for i := 0; i+1 < len(chunks); i += 2 {
			next = append(next, merge(chunks[i], chunks[i+1], cmp))
		}
		if len(chunks)%2 == 1 {
			next = append(next, chunks[len(chunks)-1])
		}
		chunks = next
	}
	return chunks[0]
}

func merge[T any](a, b []T, cmp func(a, b T) int) []T {
	out := make([]T, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if cmp(b[0], a[0]) < 0 {
			out = append(out, b[0])
			b = b[1:]
		} else {
			out = append(out, a[0])
			a = a[1:]
		}
	}
	return append(append(out, a...), b...)
}
