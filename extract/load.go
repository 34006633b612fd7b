package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/yuin/goldmark"
)

// loader holds the state of one Load call.
type loader struct {
	fsys fs.FS
	// wrapper is the one folder that holds all the notes of a repository
	// checked out whole ("docs" of docs/Spring/..., with README.md and
	// images/ beside it): projects are the folders inside it.
	wrapper string
	opts    Options
	md      goldmark.Markdown
	files   []*parsed
	diags   diags

	byPath  map[string]*parsed
	byID    map[string]*parsed
	byBase  map[string][]*parsed // lower-case file name without .md
	byTitle map[string][]*parsed // lower-case title
	assets  map[string]bool      // non-markdown files, valid link targets
	dirs    map[string]bool      // top-level folders of the notes
	// assetByBase finds an asset by its lower-case file name, as
	// Obsidian's ![[diagram.png]] does.
	assetByBase map[string][]string
	tocSrc      *tocFile
	facts       []Fact

	tocEntries []*TOCEntry
	tocPath    string

	lock  *Lock  // upstream.lock of the notes, or nil
	drift *Drift // upstream.drift of the notes, or nil
	// trans are the translations, paired with their sources; lang is the
	// language most notes are written in.
	trans []*parsed
	lang  string
}

type tocFile struct {
	path string
	src  []byte
}

// tocNames are the table-of-contents files, in order of preference; they and
// docsify's other special files are structure, not articles.
var tocNames = []string{"SUMMARY.md", "_sidebar.md"}

var specialFiles = map[string]bool{"SUMMARY.md": true, "_sidebar.md": true, "_navbar.md": true, "_coverpage.md": true, "_footer.md": true}

// Load reads every markdown file of fsys into a Corpus. Problems with the
// notes become diagnostics; the error is only for a folder that cannot be
// read at all.
func Load(fsys fs.FS, opts Options) (*Corpus, error) {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = 4 << 20
	}
	if opts.MaxLinks <= 0 {
		opts.MaxLinks = 10000
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	l := &loader{opts: opts, md: newMarkdown(), assets: map[string]bool{}, fsys: fsys}
	if err := l.walk(fsys, ".", false); err != nil {
		return nil, err
	}
	l.markTranslations()
	l.wrapper = wrapperFolder(l.files)
	l.readUpstream()
	l.parallel(l.prepare)
	if opts.Fallback != nil && !l.hasConcepts() {
		if err := l.walk(opts.Fallback, "concepts", true); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("bundled concepts: %w", err)
		}
		l.markTranslations()
		l.parallel(func(p *parsed) {
			if p.doc.Bundled && p.doc.Kind == "" {
				l.prepare(p)
			}
		})
	}
	l.lang = l.mainLanguage()
	l.identify()
	// Every index links resolve against, and every term of the concept and
	// project dictionary, is known after identify, so each file is parsed,
	// resolved, rendered and matched in one go and its syntax tree and prose
	// freed at once: holding them for ten thousand files took 950 MB.
	dict := l.buildDictionary()
	hasConcepts := l.hasConcepts()
	l.parallel(func(p *parsed) {
		l.parseMarkdown(p)
		l.resolveFileLinks(p)
		l.attachUpstream(p)
		l.render(p)
		if p.source == nil {
			// A translation's relations are its source's.
			l.mentions(p, dict)
			l.docFacts(p, hasConcepts)
		}
		p.blocks, p.code = nil, nil
		l.release(p)
	}, l.files, l.trans)
	l.moduleFacts()
	l.staleLockEntries()
	l.structure()
	return l.corpus(), nil
}

// release drops what a file no longer needs once its facts are out: the
// source and its line table, except on project pages, whose lines are the
// evidence of module ownership. The front matter is copied, for evidence
// lines found later.
func (l *loader) release(p *parsed) {
	p.yml = append([]byte(nil), p.yml...)
	if p.doc.Kind != KindProject {
		p.src, p.lines = nil, nil
	}
}

// parallel runs f over every file (or over the lists given) on
// opts.Workers goroutines; f touches only its own file.
func (l *loader) parallel(f func(*parsed), lists ...[]*parsed) {
	if len(lists) == 0 {
		lists = [][]*parsed{l.files}
	}
	ch := make(chan *parsed)
	var wg sync.WaitGroup
	for i := 0; i < l.opts.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range ch {
				f(p)
			}
		}()
	}
	for _, list := range lists {
		for _, p := range list {
			ch <- p
		}
	}
	close(ch)
	wg.Wait()
}

// wrapperFolder is the top-level folder that holds every note not at the
// root, when there is exactly one and it has at least two folders of notes
// of its own; "" otherwise.
func wrapperFolder(files []*parsed) string {
	wrapper := ""
	inner := map[string]bool{}
	for _, p := range files {
		top, rest, ok := strings.Cut(p.doc.Path, "/")
		if !ok || p.doc.Bundled || p.lang != "" {
			continue
		}
		if wrapper != "" && top != wrapper {
			return ""
		}
		wrapper = top
		if sub, _, ok := strings.Cut(rest, "/"); ok {
			inner[sub] = true
		}
	}
	if wrapper == "concepts" || len(inner) < 2 {
		return ""
	}
	return wrapper
}

func (l *loader) hasConcepts() bool {
	for _, p := range l.files {
		if p.doc.Kind == KindConcept {
			return true
		}
	}
	return false
}

func skipDir(name string) bool {
	return name != "." && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "_book" || name == "testdata")
}

// walk reads the markdown files under root. Reading problems become
// diagnostics; each file is checked before it is parsed.
func (l *loader) walk(fsys fs.FS, root string, bundled bool) error {
	return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil && utf8.ValidString(p) {
			if p == root {
				return err
			}
			l.diags.errorf(p, 0, "unreadable: %v", unwrapPath(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !utf8.ValidString(p) {
			// io/fs names files in UTF-8 and cannot open this one.
			what := "file"
			if d.IsDir() {
				what = "folder"
			}
			l.diags.errorf(escapeName(p), 0, "skipped: the %s name is not valid UTF-8 (shown with \\x escapes); rename it to read it", what)
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if skipDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 && !l.checkSymlink(fsys, p) {
			return nil
		}
		if !strings.EqualFold(path.Ext(p), ".md") {
			if !bundled {
				l.assets[p] = true
			}
			return nil
		}
		if path.Dir(p) == "." && specialFiles[p] {
			if l.tocSrc == nil || tocRank(p) < tocRank(l.tocSrc.path) {
				if src, ok := l.read(fsys, p); ok {
					l.tocSrc = &tocFile{path: p, src: src}
				}
			}
			return nil
		}
		src, ok := l.read(fsys, p)
		if !ok {
			return nil
		}
		l.files = append(l.files, &parsed{doc: &Document{Path: p, Bundled: bundled}, src: src})
		return nil
	})
}

// escapeName shows a file name that is not UTF-8 with its odd bytes as
// \xNN, the rest as it is.
func escapeName(p string) string {
	q := strconv.Quote(p)
	return strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`)
}

func tocRank(p string) int {
	for i, n := range tocNames {
		if n == p {
			return i
		}
	}
	return len(tocNames)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// read loads one file and normalises it: a BOM is dropped, CRLF becomes LF,
// invalid UTF-8 becomes U+FFFD. Each repair is reported.
func (l *loader) read(fsys fs.FS, p string) ([]byte, bool) {
	fi, err := fs.Stat(fsys, p)
	if err != nil {
		l.diags.errorf(p, 0, "unreadable: %v", unwrapPath(err))
		return nil, false
	}
	if fi.Size() > l.opts.MaxFileSize {
		l.diags.warnf(p, 0, "skipped: %d bytes is over the %d-byte limit", fi.Size(), l.opts.MaxFileSize)
		return nil, false
	}
	src, err := fs.ReadFile(fsys, p)
	if err != nil {
		l.diags.errorf(p, 0, "unreadable: %v", unwrapPath(err))
		return nil, false
	}
	if int64(len(src)) > l.opts.MaxFileSize {
		l.diags.warnf(p, 0, "skipped: over the %d-byte limit", l.opts.MaxFileSize)
		return nil, false
	}
	return l.normalize(p, src)
}

func (l *loader) normalize(p string, src []byte) ([]byte, bool) {
	if i := bytes.IndexByte(src, 0); i >= 0 {
		l.diags.errorf(p, 1+bytes.Count(src[:i], []byte("\n")), "skipped: binary file (NUL byte)")
		return nil, false
	}
	if len(bytes.TrimSpace(src)) == 0 {
		l.diags.warnf(p, 0, "skipped: empty file")
		return nil, false
	}
	if bytes.HasPrefix(src, []byte("\xEF\xBB\xBF")) {
		l.diags.warnf(p, 1, "byte order mark removed")
		src = src[3:]
	}
	if i := bytes.IndexByte(src, '\r'); i >= 0 {
		l.diags.warnf(p, 1+bytes.Count(src[:i], []byte("\n")), "CRLF line endings read as LF")
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
		src = bytes.ReplaceAll(src, []byte("\r"), []byte("\n"))
	}
	if !utf8.Valid(src) {
		i := 0
		for i < len(src) {
			r, n := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		l.diags.warnf(p, 1+bytes.Count(src[:i], []byte("\n")), "invalid UTF-8 replaced with U+FFFD")
		src = bytes.ToValidUTF8(src, []byte("\uFFFD"))
	}
	return src, true
}

// prepare reads the front matter and decides the document's kind, id and
// project, before any file is parsed, so links can resolve to ids.
func (l *loader) prepare(p *parsed) {
	d := p.doc
	var ds diags
	d.SourceHash = BodyHash(p.src)
	d.Lang = detectLang(body(p.src))
	yml, present, closed := splitFrontMatter(p.src)
	var fm frontMatter
	switch {
	case present && !closed:
		ds.errorf(d.Path, 1, "front matter opened with --- is never closed; the file is read as plain markdown")
		p.src = append([]byte("\n"), p.src[bytes.IndexByte(p.src, '\n')+1:]...)
		if bytes.IndexByte(p.src[1:], '\n') < 0 && len(bytes.TrimSpace(p.src)) == 0 {
			p.src = []byte("\n")
		}
	case present:
		var line int
		var err error
		fm, line, err = decodeFrontMatter(yml)
		if err != nil {
			ds.errorf(d.Path, line, "%v", err)
		}
		p.yml = yml
	}
	p.fm = fm
	p.lines = lineStarts(p.src)
	// A translation's kind and id are its source's; until it is paired
	// they are worked out from the source's path.
	idPath := d.Path
	if p.sourcePath != "" {
		idPath = p.sourcePath
		d.SourceHash = strings.TrimSpace(fm.SourceHash)
	}
	dir, file := path.Split(idPath)
	dir = strings.TrimSuffix(dir, "/")
	name := strings.TrimSuffix(file, path.Ext(file))
	isIndex := strings.EqualFold(name, "index") || strings.EqualFold(name, "readme") || name == "_index"
	rel := idPath
	if l.wrapper != "" && !d.Bundled {
		rel = strings.TrimPrefix(rel, l.wrapper+"/")
	}
	top, depth := "", strings.Count(rel, "/")+1
	if depth > 1 {
		top = rel[:strings.IndexByte(rel, '/')]
	}
	kind := DocKind(strings.ToLower(strings.TrimSpace(fm.Kind)))
	switch kind {
	case KindArticle, KindSection, KindProject, KindConcept:
	case "":
		switch {
		case top == "concepts" && depth == 2 && !isIndex:
			kind = KindConcept
		case isIndex && depth == 2:
			kind = KindProject
		case isIndex && depth > 2:
			kind = KindSection
		default:
			kind = KindArticle
		}
	default:
		ds.warnf(d.Path, keyLine(yml, "kind"), "unknown kind %q, read as an article", fm.Kind)
		kind = KindArticle
	}
	d.Kind = kind
	switch kind {
	case KindProject:
		id := firstNonBlank(fm.ID, top, name)
		d.ID, d.Project = "p/"+id, id
	case KindConcept:
		id := firstNonBlank(fm.ID, name)
		d.ID = "c/" + id
	default:
		id := strings.TrimSuffix(idPath, path.Ext(idPath))
		if isIndex && dir != "" {
			id = dir
		}
		d.ID = "a/" + id
		d.Project = firstNonBlank(fm.Project, top)
		if d.Project == "concepts" {
			d.Project = ""
		}
	}
	if why := idProblem(d.ID[2:], d.Kind == KindArticle || d.Kind == KindSection); why != "" {
		ds.errorf(d.Path, keyLine(yml, "id"), "invalid id %q: %s; the page is left out", d.ID, why)
		p.invalid = true
	}
	if why := idProblem(d.Project, false); d.Project != "" && d.Kind != KindProject && why != "" {
		ds.errorf(d.Path, keyLine(yml, "project"), "invalid project %q: %s; the page belongs to no project", d.Project, why)
		d.Project = ""
	}
	d.Title = strings.TrimSpace(fm.Title)
	if d.Title == "" {
		d.Title = firstHeading(p.src)
	}
	if d.Title == "" {
		d.Title = strings.NewReplacer("-", " ", "_", " ").Replace(name)
		if isIndex && dir != "" {
			d.Title = path.Base(dir)
		}
	}
	if present && closed && fm.Title == "" && (fm.Kind != "" || fm.Summary != "") {
		ds.warnf(d.Path, 2, "front matter has no title")
	}
	d.TitleZh, d.Summary = strings.TrimSpace(fm.TitleZh), strings.TrimSpace(fm.Summary)
	if n := utf8.RuneCountInString(d.Summary); n > 200 {
		ds.warnf(d.Path, keyLine(yml, "summary"), "summary has %d characters; keep it under 200", n)
	}
	d.Concepts, d.Related, d.Aliases = clean(fm.Concepts), clean(fm.Related), clean(fm.Aliases)
	d.Broader, d.Uses, d.Modules = clean(fm.Broader), clean(fm.Uses), clean(fm.Modules)
	d.Purpose, d.Language, d.LOC, d.Upstream = fm.Purpose, fm.Language, fm.LOC, fm.Upstream
	upstreamLines(yml, &d.Upstream)
	if c := d.Upstream.Commit; c != "" && !isHex40(c) {
		ds.warnf(d.Path, keyLine(yml, "upstream"), "upstream.commit %q is not a full 40-character hash", c)
	}
	if d.Bundled {
		ds.list = nil
	}
	p.diags = ds.list
}

func isHex40(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func clean(l StringList) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range l {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// firstNonBlank is the first of s that is not only spaces, trimmed.
func firstNonBlank(s ...string) string {
	for _, x := range s {
		if x = strings.TrimSpace(x); x != "" {
			return x
		}
	}
	return ""
}

// firstHeading finds the first ATX level-1 heading outside code fences.
func firstHeading(src []byte) string {
	fence := false
	for _, line := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = !fence
			continue
		}
		if !fence && strings.HasPrefix(t, "# ") {
			return strings.TrimSpace(strings.Trim(strings.TrimSpace(t[2:]), "#"))
		}
	}
	return ""
}

// mainLanguage is the language most of the reader's notes are written in.
func (l *loader) mainLanguage() string {
	count := map[string]int{}
	for _, p := range l.files {
		if !p.doc.Bundled && p.lang == "" {
			count[p.doc.Lang]++
		}
	}
	best := "en"
	for lang, n := range count {
		if n > count[best] || (n == count[best] && lang < best) {
			best = lang
		}
	}
	return best
}

// identify indexes documents by path, id, file name and title, reports
// duplicate ids, and adds a page for every project that has none.
func (l *loader) identify() {
	sort.Slice(l.files, func(i, j int) bool {
		if l.files[i].doc.Bundled != l.files[j].doc.Bundled {
			return !l.files[i].doc.Bundled
		}
		return l.files[i].doc.Path < l.files[j].doc.Path
	})
	l.byPath, l.byID = map[string]*parsed{}, map[string]*parsed{}
	l.byBase, l.byTitle = map[string][]*parsed{}, map[string][]*parsed{}
	l.dirs, l.assetByBase = map[string]bool{}, map[string][]string{}
	for a := range l.assets {
		b := strings.ToLower(path.Base(a))
		l.assetByBase[b] = append(l.assetByBase[b], a)
	}
	var trans []*parsed
	kept := l.files[:0]
	index := func(p *parsed) {
		if first, dup := l.byID[p.doc.ID]; dup {
			if !p.doc.Bundled {
				l.diags.errorf(p.doc.Path, keyLine(p.yml, "id"), "duplicate id %s: %s has it already", p.doc.ID, first.doc.Path)
			}
			return
		}
		kept = append(kept, p)
		l.byID[p.doc.ID] = p
		if !p.doc.Bundled {
			l.byPath[p.doc.Path] = p
			if dir, _, ok := strings.Cut(p.doc.Path, "/"); ok {
				l.dirs[dir] = true
			}
		}
		base := strings.ToLower(strings.TrimSuffix(path.Base(p.doc.Path), path.Ext(p.doc.Path)))
		l.byBase[base] = append(l.byBase[base], p)
		t := strings.ToLower(p.doc.Title)
		l.byTitle[t] = append(l.byTitle[t], p)
	}
	for _, p := range l.files {
		l.diags.list = append(l.diags.list, p.diags...)
		if p.invalid {
			continue
		}
		if p.lang != "" {
			trans = append(trans, p)
			continue
		}
		index(p)
	}
	l.files = kept
	for _, p := range l.pairTranslations(trans) {
		index(p)
	}
	l.files = kept
	folds := idFolds{}
	for _, p := range l.files {
		folds.collides(l, p, p.doc.ID, keyLine(p.yml, "id"))
	}
	var implicit []*parsed
	for _, p := range l.files {
		if pr := p.doc.Project; pr != "" && p.doc.Kind != KindProject {
			if _, ok := l.byID["p/"+pr]; !ok {
				folds.collides(l, p, "p/"+pr, keyLine(p.yml, "project"))
				ip := &parsed{doc: &Document{ID: "p/" + pr, Kind: KindProject, Project: pr, Title: pr, Lang: l.lang}, lines: []int{0}, implicit: true}
				l.byID[ip.doc.ID] = ip
				implicit = append(implicit, ip)
			}
		}
	}
	l.files = append(l.files, implicit...)
}
