// Package extract turns a folder of markdown reading notes into a Corpus:
// documents (front matter, headings, rendered HTML, table-of-contents
// position) and facts (subject, relation, object, evidence).
//
// Load walks an fs.FS, parses every .md file once with goldmark, and never
// fails on bad input: every problem becomes a Diagnostic with path:line.
// Node ids are URL paths: p/<project>, a/<article>, c/<concept>, m/<module>.
package extract

import (
	"fmt"
	"io/fs"
	"sort"
)

// Relation names a typed fact. The graph package turns facts into edges of
// the same kind.
type Relation string

// The relations extract emits.
const (
	Contains Relation = "contains" // project/section → article, from the table of contents or folders
	Next     Relation = "next"     // table-of-contents order
	Links    Relation = "links"    // article → article, markdown links and wikilinks
	Mentions Relation = "mentions" // article → concept, project or module
	Compares Relation = "compares" // article → concept or project it is compared with ("unlike Raft", "相比 etcd")
	Uses     Relation = "uses"     // project → project, from front matter
	Broader  Relation = "broader"  // concept → broader concept
	Related  Relation = "related"  // front matter related; module → owning project
)

// Relations lists every relation in a stable order.
var Relations = []Relation{Contains, Next, Links, Mentions, Compares, Uses, Broader, Related}

// DocKind says what a document describes.
type DocKind string

// Document kinds. A section is an article that groups other articles.
const (
	KindArticle DocKind = "article"
	KindSection DocKind = "section"
	KindProject DocKind = "project"
	KindConcept DocKind = "concept"
)

// Source says what kind of text a piece of evidence comes from, which
// decides how much it proves: a concept listed in front matter or named in
// a heading is the article's subject; one sentence of prose may be an aside.
type Source string

// The sources of evidence.
const (
	FromFrontMatter Source = "front matter"
	FromContents    Source = "contents" // the table of contents or the folders
	FromHeading     Source = "heading"
	FromProse       Source = "prose"
	FromCode        Source = "code" // an import path in a code block
)

// Evidence is where a fact was found: the file, the 1-based line, the
// sentence or line that produced it, and what kind of text that is.
type Evidence struct {
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Text   string `json:"text"`
	Source Source `json:"source,omitempty"`
}

func (e Evidence) String() string { return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Text) }

// Fact is one typed statement about two nodes, with its evidence.
type Fact struct {
	Subject  string
	Relation Relation
	Object   string
	Evidence Evidence
}

// Upstream pins the source a document walks through.
type Upstream struct {
	Repo    string     `yaml:"repo" json:"repo,omitempty"`
	Ref     string     `yaml:"ref" json:"ref,omitempty"`
	Commit  string     `yaml:"commit" json:"commit,omitempty"`
	Paths   StringList `yaml:"paths" json:"paths,omitempty"`
	Symbols StringList `yaml:"symbols" json:"symbols,omitempty"`
	// PathLines and SymbolLines give the line of the notes file each entry
	// of Paths and Symbols is written on, for diagnostics.
	PathLines   map[string]int `yaml:"-" json:"-"`
	SymbolLines map[string]int `yaml:"-" json:"-"`
	// Line is the line of the upstream key itself.
	Line int `yaml:"-" json:"-"`
}

// Heading is one heading of a document, with the anchor id it renders with.
type Heading struct {
	Level int
	ID    string
	Text  string
	Line  int
}

// Diagram is a ```dot block of a document. When Options.DOT is nil its
// Placeholder stands in the HTML, so a caller can render it later and put
// Figure in its place.
type Diagram struct {
	Index       int // the diagram's place among the document's, from 0
	Line        int
	Source      string
	Placeholder string
}

// Document is one markdown file.
type Document struct {
	ID       string // node id: a/etcd/raft, p/etcd, c/raft
	Kind     DocKind
	Path     string // slash path inside the content folder
	Title    string
	TitleZh  string
	Summary  string
	Project  string // project id without the p/ prefix; "" for concepts
	Concepts []string
	Related  []string
	Aliases  []string
	Broader  []string
	Uses     []string
	Modules  []string
	Purpose  string
	Language string
	LOC      int
	Upstream Upstream

	Headings []Heading
	Diagrams []Diagram
	HTML     string // rendered body, raw HTML escaped, links rewritten to node URLs
	Text     string // plain prose, for search
	InTOC    bool
	Bundled  bool // loaded from Options.Fallback, not from the notes folder

	// Locked is the notes' upstream.lock entry for the document, when the
	// lock was made at the commit it pins: its code spans that name a cited
	// path or symbol link to the lines (see UpstreamRefs).
	Locked *LockedArticle
	// Drift is what the notes' upstream.drift found changed upstream in the
	// code the document cites, or nil.
	Drift *DocDrift
	// Lang is the language the document is written in ("en", "zh").
	Lang string
	// SourceHash is, on a source, BodyHash of its text; on a translation,
	// the source_hash its front matter records.
	SourceHash string
	// Stale marks a translation whose source changed since it was made.
	Stale bool
	// Translations are the document in other languages, sorted by Lang
	// (see In). A translation shares the source's ID, Kind, Project,
	// relations and Upstream; it is never in Corpus.Docs itself.
	Translations []*Document
}

// TOCEntry is one item of the table of contents.
type TOCEntry struct {
	Title    string
	DocID    string // "" for a label without a page
	Line     int
	Children []*TOCEntry
}

// Corpus is everything Load found.
type Corpus struct {
	Docs        []*Document // sorted by ID
	Facts       []Fact      // sorted by subject, relation, object, path, line
	Diagnostics []Diagnostic
	TOC         []*TOCEntry
	TOCFile     string // SUMMARY.md, _sidebar.md, or "" when folders gave the structure
	// Lang is the language most of the notes are written in.
	Lang string
	// Assets are the files of the notes that are not markdown and that an
	// article shows or links to (images, PDFs), by path; AssetFS reads them.
	// Files nobody references are not listed: a server must not hand out
	// whatever else lies in the folder.
	Assets  map[string]bool
	AssetFS fs.FS

	byID map[string]*Document
}

// Doc returns the document with the given node id, or nil.
func (c *Corpus) Doc(id string) *Document { return c.byID[id] }

// Options configures Load. The zero value is ready to use.
type Options struct {
	// Fallback supplies concept pages (concepts/*.md) when the folder has none
	// of its own, so anyone's notes link to the bundled concept catalog.
	Fallback fs.FS
	// DOT renders a ```dot block to SVG. When nil, the block stays as escaped
	// source inside a placeholder figure (see Document.Diagrams).
	DOT func(src []byte) ([]byte, error)
	// NodeURL maps a node id to the href written into article HTML.
	// The default is "/" + id.
	NodeURL func(id string) string
	// LangNodeURL maps a node id to the href written into a translation's
	// HTML, when the translation is not in the notes' main language. The
	// default is "/" + lang + "/" + id.
	LangNodeURL func(lang, id string) string
	// AssetURL maps the path of a file of the notes that is not markdown (an
	// image, a PDF) to the src or href written into article HTML. The
	// default is "/asset/" + path.
	AssetURL func(path string) string
	// MaxFileSize skips larger files with a warning. Default 4 MB.
	MaxFileSize int64
	// MaxLinks is the number of links and images of one note that are
	// resolved into facts; past it a warning says the rest were not.
	// Default 10,000.
	MaxLinks int
	// Workers parses this many files at once. Default GOMAXPROCS.
	Workers int
}

func (o Options) assetURL(p string) string {
	if o.AssetURL != nil {
		return o.AssetURL(p)
	}
	return "/asset/" + p
}

func (o Options) nodeURL(id string) string {
	if o.NodeURL != nil {
		return o.NodeURL(id)
	}
	return "/" + id
}

// nodeURLIn is nodeURL for a page in lang; "" is the notes' main language.
func (o Options) nodeURLIn(lang, id string) string {
	if lang == "" {
		return o.nodeURL(id)
	}
	if o.LangNodeURL != nil {
		return o.LangNodeURL(lang, id)
	}
	return "/" + lang + "/" + id
}

// Counts returns the number of errors and warnings.
func (c *Corpus) Counts() (errors, warnings int) {
	for _, d := range c.Diagnostics {
		switch d.Severity {
		case SeverityError:
			errors++
		case SeverityWarning:
			warnings++
		}
	}
	return errors, warnings
}

func (c *Corpus) index() {
	sort.Slice(c.Docs, func(i, j int) bool { return c.Docs[i].ID < c.Docs[j].ID })
	c.byID = make(map[string]*Document, len(c.Docs))
	for _, d := range c.Docs {
		c.byID[d.ID] = d
	}
}
