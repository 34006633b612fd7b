package web

import (
	"embed"
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"

	"github.com/codeatlas/codeatlas/graph"
)

// The interface speaks the notes' languages. The notes' main language is
// served under /, every other language of theirs under /<lang>/ (/zh/...):
// the language is part of the URL, so every cache keys on it and a link
// says which language it opens. The words of the interface come from one
// message catalog per language (i18n/*.yaml, go-i18n); graph gives
// structured titles (a view kind, a node) and this package words them.

//go:embed i18n/*.yaml
var catalogs embed.FS

// uiLangs are the languages the interface has a catalog for.
var uiLangs = []string{"en", "zh"}

// newBundle loads the message catalogs.
func newBundle() (*i18n.Bundle, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	for _, l := range uiLangs {
		if _, err := b.LoadMessageFileFS(catalogs, "i18n/"+l+".yaml"); err != nil {
			return nil, fmt.Errorf("message catalog %s: %w", l, err)
		}
	}
	return b, nil
}

// loc is what a request needs to speak its language: the language, the
// URL prefix of its pages ("" for the notes' main language, "/zh"), the
// catalog, and the other languages the same page exists in.
type loc struct {
	lang   string
	prefix string
	msgs   *i18n.Localizer
	bundle *i18n.Bundle
	st     *site
	static bool // pages for a static copy (Config.StaticSite)
}

// langKey is where the language routes put the page's language.
const langKey = "codeatlas.lang"

// loc returns the language of the request: the prefix's, or the notes'
// main language at /.
func (s *Server) loc(c *gin.Context, st *site) *loc {
	lang, _ := c.Get(langKey)
	l, _ := lang.(string)
	prefix := ""
	if l == "" || l == st.langs[0] {
		l = st.langs[0]
	} else {
		prefix = "/" + l
	}
	return s.locFor(st, l, prefix)
}

func (s *Server) locFor(st *site, lang, prefix string) *loc {
	return &loc{lang: lang, prefix: prefix, msgs: i18n.NewLocalizer(s.bundle, lang, "en"), bundle: s.bundle, st: st, static: s.cfg.StaticSite}
}

// T words the message id of the catalog; kv are names and values for its
// template, and a value named Count also picks the plural form.
func (l *loc) T(id string, kv ...any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(kv) > 0 {
		data := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			data[k] = kv[i+1]
			if k == "Count" {
				cfg.PluralCount = kv[i+1]
			}
		}
		cfg.TemplateData = data
	}
	msg, err := l.msgs.Localize(cfg)
	if err != nil && cfg.PluralCount != nil {
		// A message with one wording for every count has no "one" form:
		// go-i18n refuses it for a count of 1 ("stub.more" on a map).
		cfg.PluralCount = nil
		msg, err = l.msgs.Localize(cfg)
	}
	if err != nil || msg == "" {
		return id // a missing message shows its id: TestCatalogs catches it
	}
	return msg
}

// node is the page of a node in the request's language.
func (l *loc) node(id string) string { return l.prefix + NodeURL(id) }

// mapURL is the map page of q in the request's language.
func (l *loc) mapURL(q graph.Query) string { return l.prefix + MapURL(q) }

// stubURL is where a "+N more" stub of a map leads: the narrower map of
// q, or nowhere in a static copy. There a stub only counts: the node's page
// lists its concepts and links, and a page for every stub of every map in
// every language was a third of a copy's bytes.
func (l *loc) stubURL(q graph.Query) string {
	if l.static {
		return ""
	}
	return l.mapURL(q)
}

// exportURL is a download of q in the request's language (labels differ).
func (l *loc) exportURL(q graph.Query, f graph.Format) string { return l.prefix + ExportURL(q, f) }

// home is the overview page.
func (l *loc) home() string { return l.prefix + "/" }

// label is a node's title in the request's language.
func (l *loc) label(n *graph.Node) string {
	if l.lang == "zh" && n.LabelZh != "" {
		return n.LabelZh
	}
	return n.Label
}

// other is a node's title in the other language, when it differs.
func (l *loc) other(n *graph.Node) string {
	if l.lang == "zh" {
		if n.Label != n.LabelZh {
			return n.Label
		}
		return ""
	}
	if n.LabelZh != n.Label {
		return n.LabelZh
	}
	return ""
}

// summary is a node's summary in the request's language.
func (l *loc) summary(n *graph.Node) string {
	if n.Doc != nil {
		if t := n.Doc.In(l.lang); t.Summary != "" {
			return t.Summary
		}
	}
	return n.Summary
}

// link is a link to a node's page in the request's language.
func (l *loc) link(n *graph.Node) nodeLink {
	return nodeLink{ID: n.ID, Label: l.label(n), LabelZh: l.other(n), Kind: string(n.Kind), URL: l.node(n.ID)}
}

// kind words a node kind.
func (l *loc) kind(k graph.Kind) string { return l.T("kind." + string(k)) }

// relation words a relation kind.
func (l *loc) relation(r string) string { return l.T("rel." + r) }

// viewTitle words the title of a view: graph says what it is, web says it.
func (l *loc) viewTitle(v *graph.View) string {
	name := func(id string) string {
		if n, err := l.st.graph.Node(id); err == nil {
			return l.label(n)
		}
		return id
	}
	q := v.Query
	switch q.View {
	case graph.Overview:
		if strings.HasPrefix(v.Title, "Overview: sections") {
			return l.T("view.overview.sections")
		}
		if strings.HasPrefix(v.Title, "Overview") {
			return l.T("view.overview.plain")
		}
		return l.T("view.overview.title")
	case graph.ProjectView:
		return l.T("view.project.title", "Name", name(q.Focus))
	case graph.ConceptView:
		return l.T("view.concept.title", "Name", name(q.Focus))
	case graph.Ego:
		return l.T("view.ego.title", "Name", name(q.Focus), "Count", q.Depth)
	case graph.PathView:
		return l.T("view.path.title", "From", name(q.From), "To", name(q.To))
	case graph.Full:
		return l.T("view.full.title")
	}
	return v.Title
}

// nodeText words a node's label on a map: its title in the request's
// language, a stub as the number of nodes it stands for.
func (l *loc) nodeText(n *graph.ViewNode) string {
	if n.Kind != graph.Stub {
		return l.label(n.Node)
	}
	switch {
	case strings.HasPrefix(n.ID, "stub/concept/one"):
		return l.T("stub.oneProject", "Count", n.Count)
	case strings.HasPrefix(n.ID, "stub/concept/techniques"):
		return l.T("stub.techniques", "Count", n.Count)
	}
	k := strings.TrimPrefix(n.ID, "stub/")
	k, _, _ = strings.Cut(k, "/")
	return l.T("stub.more", "Count", n.Count, "Kind", l.T("kinds."+k, "Count", n.Count))
}

// langLink is the same page in another language: its name, and the offer
// to read it, worded in that language.
type langLink struct{ Lang, Name, Offer, URL string }

// alternates lists the page at path (without prefix) in every language
// of the notes but the request's.
func (l *loc) alternates(path string) []langLink {
	var out []langLink
	for i, lang := range l.st.langs {
		if lang == l.lang {
			continue
		}
		prefix := ""
		if i > 0 {
			prefix = "/" + lang
		}
		there := &loc{lang: lang, msgs: i18n.NewLocalizer(l.bundle, lang, "en")}
		out = append(out, langLink{Lang: lang, Name: l.T("lang." + lang), Offer: there.T("lang.offer"), URL: prefix + path})
	}
	return out
}
