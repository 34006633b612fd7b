package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
)

// site is one immutable build of the notes; a reload replaces it whole.
type site struct {
	corpus  *extract.Corpus
	graph   *graph.Graph
	version string
	fast    *fastCache
	built   time.Time
	entries []searchEntry // sorted by id
	prefix  []prefixEntry // the suggestion index, sorted by term
	cache   *respCache
	exports *exportStore
	// langs are the notes' languages, the main one first (served at /,
	// the others under /<lang>/).
	langs []string
}

type searchEntry struct {
	node  *graph.Node
	terms []string // lower-case title, Chinese title, aliases, id
	text  string   // lower-case full text
}

func newSite(c *extract.Corpus, g *graph.Graph) *site {
	h := sha256.New()
	for _, d := range c.Docs {
		for _, t := range append([]*extract.Document{d}, d.Translations...) {
			fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00", t.ID, t.Lang, t.Title, len(t.HTML))
			h.Write([]byte(t.HTML))
		}
	}
	for _, f := range c.Facts {
		fmt.Fprintf(h, "%s %s %s %s:%d\n", f.Subject, f.Relation, f.Object, f.Evidence.Path, f.Evidence.Line)
	}
	st := &site{corpus: c, graph: g, version: hex.EncodeToString(h.Sum(nil))[:16], built: time.Now(), cache: newRespCache(64 << 20), fast: newFastCache()}
	st.exports = newExportStore(st.cache.entryLimit())
	st.langs = c.Languages()
	for _, n := range g.Nodes() {
		e := searchEntry{node: n, terms: []string{strings.ToLower(n.Label), strings.ToLower(n.ID)}}
		if n.LabelZh != "" {
			e.terms = append(e.terms, strings.ToLower(n.LabelZh))
		}
		if n.Doc != nil {
			for _, a := range n.Doc.Aliases {
				e.terms = append(e.terms, strings.ToLower(a))
			}
			text := []string{n.Doc.Summary, n.Doc.Text}
			// A Chinese query finds the Chinese text of a note, and its
			// Chinese title, whichever language the page is in.
			for _, t := range n.Doc.Translations {
				if t.Title != "" {
					e.terms = append(e.terms, strings.ToLower(t.Title))
				}
				for _, a := range t.Aliases {
					e.terms = append(e.terms, strings.ToLower(a))
				}
				text = append(text, t.Summary, t.Text)
			}
			e.text = strings.ToLower(strings.Join(text, "\n"))
		}
		st.entries = append(st.entries, e)
	}
	st.prefix = buildPrefixIndex(st.entries)
	return st
}

// NodeURL is the page of a node; node ids are URL paths.
func NodeURL(id string) string {
	segs := strings.Split(id, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return "/" + strings.Join(segs, "/")
}

// AssetURL is the URL of a file of the notes that an article shows or
// links to (extract.Corpus.Assets).
func AssetURL(path string) string { return "/asset" + NodeURL(path) }

// MapURL is the map page of a query.
func MapURL(q graph.Query) string { return "/map" + queryString(q) }

// ExportURL is the URL of the view of q in format f.
func ExportURL(q graph.Query, f graph.Format) string { return "/map." + string(f) + queryString(q) }

func queryString(q graph.Query) string {
	if v := q.Values(); len(v) > 0 {
		return "?" + v.Encode()
	}
	return ""
}

// hit is one search result.
type hit struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	KindLabel string `json:"kind_label,omitempty"`
	Label     string `json:"label"`
	LabelZh   string `json:"label_zh,omitempty"`
	Project   string `json:"project,omitempty"` // the project of an article, by its title
	Summary   string `json:"summary,omitempty"`
	URL       string `json:"url"`
	Snippet   string `json:"snippet,omitempty"`
	score     int
}

// localHits words hits in the request's language: titles, kinds, the
// project of an article, and links to the pages of that language.
func (l *loc) localHits(hits []hit) []hit {
	out := make([]hit, 0, len(hits))
	for _, h := range hits {
		n, err := l.st.graph.Node(h.ID)
		if err != nil {
			continue
		}
		h.Label, h.LabelZh, h.Summary = l.label(n), l.other(n), l.summary(n)
		h.KindLabel, h.URL = l.kind(n.Kind), l.node(n.ID)
		if n.Kind == graph.Article && n.Project != "" {
			if p, err := l.st.graph.Node("p/" + n.Project); err == nil {
				h.Project = l.label(p)
			}
		}
		out = append(out, h)
	}
	return out
}

// search ranks nodes by title, Chinese title and alias matches, then full
// text. Matching is by substring on lower-cased text, so Chinese queries
// work without word segmentation; every space-separated term must match.
// It gives up, returning nil, when ctx is done: its work grows with the
// number of terms and the size of the notes.
func (st *site) search(ctx context.Context, q string, limit int) []hit {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return nil
	}
	terms := strings.Fields(q)
	alts := st.aliasesOf(terms)
	var hits []hit
	for i, e := range st.entries {
		if i%256 == 0 && ctx.Err() != nil {
			return nil
		}
		score := 0
		snippet := ""
		for _, t := range terms {
			ts := termScore(e, t)
			if ts == 0 {
				for _, a := range append([]string{t}, alts[t]...) {
					if i := strings.Index(e.text, a); i >= 0 {
						ts = max(ts, 5+min(strings.Count(e.text, a), 10))
						if snippet == "" {
							snippet = around(e.text, i, len(a))
						}
					}
				}
			}
			if ts == 0 {
				score = 0
				break
			}
			score += ts
		}
		if score == 0 {
			continue
		}
		n := e.node
		hits = append(hits, hit{ID: n.ID, Kind: string(n.Kind), Label: n.Label, LabelZh: n.LabelZh, Summary: n.Summary, URL: NodeURL(n.ID), Snippet: snippet, score: score + kindBonus(n.Kind)})
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].ID < hits[j].ID
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

// aliasesOf maps each query term that names a concept exactly (its title,
// Chinese title or an alias, in any language) to the concept's other
// names, so that the full text is searched across languages: 服务发现
// finds notes that say "service discovery", and "service-discovery" notes
// that say 服务发现.
func (st *site) aliasesOf(terms []string) map[string][]string {
	out := map[string][]string{}
	for _, t := range terms {
		for _, e := range st.entries {
			if e.node.Kind != graph.Concept || !slices.Contains(e.terms, t) {
				continue
			}
			for _, a := range e.terms {
				if a != t && a != strings.ToLower(e.node.ID) && !slices.Contains(out[t], a) {
					out[t] = append(out[t], a)
				}
			}
		}
	}
	return out
}

func kindBonus(k graph.Kind) int {
	switch k {
	case graph.Project:
		return 3
	case graph.Concept:
		return 2
	case graph.Article:
		return 1
	}
	return 0
}

func termScore(e searchEntry, t string) int {
	best := 0
	for i, term := range e.terms {
		s := 0
		switch {
		case term == t:
			s = 100
		case strings.HasPrefix(term, t):
			s = 60
		case strings.Contains(term, t):
			s = 35
		}
		if i > 0 && s > 0 {
			s -= 5 // the title ranks above ids and aliases
		}
		best = max(best, s)
	}
	return best
}

// around returns a short excerpt of text around [i, i+n).
func around(text string, i, n int) string {
	start, end := i-60, i+n+60
	if start < 0 {
		start = 0
	}
	if end > len(text) {
		end = len(text)
	}
	for start > 0 && !utf8.RuneStart(text[start]) {
		start--
	}
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
	}
	s := strings.Join(strings.Fields(text[start:end]), " ")
	return strings.TrimFunc(s, unicode.IsPunct)
}
