package extract

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"path"
	"sort"
	"strings"
	"unicode"
)

// Translations. A note may have siblings in other languages, named the way
// Hugo names them (raft.md and raft.zh.md), or a tree of its own in a
// language folder at the root (zh/etcd/raft.md beside etcd/raft.md, as
// docsify and VuePress lay them out). A translation shares its source's node
// id and everything but its text: title, summary, aliases, body. Its front
// matter records which version of the source it translates (source_hash,
// see BodyHash), so a changed source makes the translation stale. The
// translation's links point at the same nodes, in its own language's pages.

// langCodes maps a file suffix or folder name to the language it names.
var langCodes = map[string]string{
	"zh": "zh", "zh-cn": "zh", "zh_cn": "zh", "zh-hans": "zh", "zh-tw": "zh", "zh-hant": "zh",
	"en": "en", "en-us": "en", "en_us": "en",
}

// translationCandidate reports whether the file at p names a translation:
// "etcd/raft.zh.md" is the zh translation of "etcd/raft.md", and
// "zh/etcd/raft.md" of the same when tree is true (the caller decides that
// a language folder is a translation tree, not the notes' only language).
func translationCandidate(p string) (lang, source string, tree bool) {
	dir, file := path.Split(p)
	name := strings.TrimSuffix(file, path.Ext(file))
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		if l, ok := langCodes[strings.ToLower(name[i+1:])]; ok {
			return l, dir + name[:i] + path.Ext(file), false
		}
	}
	if top, rest, ok := strings.Cut(p, "/"); ok {
		if l, ok := langCodes[strings.ToLower(top)]; ok {
			return l, rest, true
		}
	}
	return "", "", false
}

// BodyHash is the version of a note that a translation records as its
// source_hash: the first 16 hex digits of the SHA-256 of the bytes after the
// front matter's closing line (the whole file when it has none).
func BodyHash(src []byte) string {
	sum := sha256.Sum256(body(src))
	return hex.EncodeToString(sum[:8])
}

// body returns src without its front matter, as splitFrontMatter delimits it.
func body(src []byte) []byte {
	yml, present, closed := splitFrontMatter(src)
	if !present || !closed {
		return src
	}
	// The opening line, the YAML, then the closing line and its newline.
	rest := src[bytes.IndexByte(src, '\n')+1+len(yml):]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		return rest[i+1:]
	}
	return nil
}

// detectLang guesses the language of a note from its prose: Chinese when
// Han characters carry more of it than Latin words do. Code (fenced
// blocks and spans) is not prose: a Chinese note about Java is mostly
// Latin letters.
func detectLang(text []byte) string {
	han, latin := 0, 0
	fence := false
	for _, line := range strings.Split(string(text), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = !fence
			continue
		}
		if fence || strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t") {
			continue
		}
		inCode := false
		for _, r := range line {
			if r == '`' {
				inCode = !inCode
				continue
			}
			if inCode {
				continue
			}
			switch {
			case unicode.Is(unicode.Han, r):
				han++
			case r < 0x80 && unicode.IsLetter(r):
				latin++
			}
		}
	}
	// A Chinese character carries about as much as an English word of
	// five letters; identifiers and paths in Chinese prose are Latin.
	if han*3 > latin {
		return "zh"
	}
	return "en"
}

// markTranslations decides which candidates are translations: a language
// folder is a translation tree only when notes live outside it too.
func (l *loader) markTranslations() {
	outside := false
	for _, p := range l.files {
		if _, _, tree := translationCandidate(p.doc.Path); !tree && !p.doc.Bundled {
			outside = true
			break
		}
	}
	for _, p := range l.files {
		lang, src, tree := translationCandidate(p.doc.Path)
		if lang == "" || (tree && !outside) {
			continue
		}
		p.lang, p.sourcePath = lang, src
	}
}

// pairTranslations attaches every translation to its source, found by path,
// and reports stale ones. A translation whose source is missing is kept as a
// note of its own, with a warning. It runs in identify, once sources are
// indexed by path and id, and returns the files that stay notes.
func (l *loader) pairTranslations(trans []*parsed) (orphans []*parsed) {
	bySource := map[string]*parsed{}
	for _, p := range l.files {
		if p.lang == "" {
			bySource[p.doc.Path] = p
		}
	}
	for _, t := range trans {
		src := bySource[t.sourcePath]
		if src == nil || src.doc.Kind == "" {
			if !t.doc.Bundled {
				l.diags.warnf(t.doc.Path, 0, "translation without a source: there is no %s; read as a note of its own", t.sourcePath)
			}
			t.doc.Lang = t.lang
			t.lang = ""
			orphans = append(orphans, t)
			continue
		}
		if dup := src.doc.In(t.lang); dup != src.doc {
			if !t.doc.Bundled {
				l.diags.warnf(t.doc.Path, 0, "second %s translation of %s (%s has it already); ignored", t.lang, src.doc.Path, dup.Path)
			}
			continue
		}
		d, s := t.doc, src.doc
		d.ID, d.Kind, d.Project, d.Lang = s.ID, s.Kind, s.Project, t.lang
		d.Concepts, d.Related, d.Broader, d.Uses, d.Modules = s.Concepts, s.Related, s.Broader, s.Uses, s.Modules
		d.Purpose, d.Language, d.LOC, d.Upstream, d.InTOC = s.Purpose, s.Language, s.LOC, s.Upstream, s.InTOC
		if d.Summary == "" {
			d.Summary = s.Summary
		}
		if t.lang == "zh" {
			s.TitleZh = d.Title
		}
		// A translation's aliases are more words for the same node.
		s.Aliases = clean(append(append(StringList{}, s.Aliases...), d.Aliases...))
		d.Aliases = s.Aliases
		switch {
		case d.SourceHash == "":
			if !t.doc.Bundled {
				l.diags.warnf(d.Path, 1, "translation of %s has no source_hash; the source's is %s", s.Path, s.SourceHash)
			}
			d.Stale = true
		case d.SourceHash != s.SourceHash:
			if !t.doc.Bundled {
				l.diags.warnf(d.Path, keyLine(t.yml, "source_hash"), "stale translation: %s changed since it was translated (source_hash %s, now %s)", s.Path, d.SourceHash, s.SourceHash)
			}
			d.Stale = true
		}
		for key := range t.fm.sourceOnly() {
			if !t.doc.Bundled {
				l.diags.warnf(d.Path, keyLine(t.yml, key), "%s is ignored in a translation: it comes from %s", key, s.Path)
			}
		}
		s.Translations = append(s.Translations, d)
		sort.Slice(s.Translations, func(i, j int) bool { return s.Translations[i].Lang < s.Translations[j].Lang })
		t.source = src
		l.trans = append(l.trans, t)
		if !t.doc.Bundled {
			// A link to the translation's file is a link to the node.
			l.byPath[d.Path] = src
		}
	}
	return orphans
}

// sourceOnly lists the keys a translation sets that only a source may set.
func (fm frontMatter) sourceOnly() map[string]bool {
	keys := map[string]bool{}
	set := func(k string, v bool) {
		if v {
			keys[k] = true
		}
	}
	set("kind", fm.Kind != "")
	set("id", fm.ID != "")
	set("project", fm.Project != "")
	set("concepts", len(fm.Concepts) > 0)
	set("related", len(fm.Related) > 0)
	set("uses", len(fm.Uses) > 0)
	set("broader", len(fm.Broader) > 0)
	set("upstream", fm.Upstream.Repo != "" || fm.Upstream.Commit != "" || len(fm.Upstream.Paths) > 0 || len(fm.Upstream.Symbols) > 0)
	return keys
}

// In returns the document's translation into lang, or the document itself
// when it is written in lang or has no such translation.
func (d *Document) In(lang string) *Document {
	for _, t := range d.Translations {
		if t.Lang == lang {
			return t
		}
	}
	return d
}

// Languages lists the languages of the notes: the language most of them
// are written in first, then the languages they are translated into. The
// bundled pages a folder borrows do not count.
func (c *Corpus) Languages() []string {
	count := map[string]int{}
	trans := map[string]bool{}
	for _, d := range c.Docs {
		if d.Bundled {
			continue
		}
		count[d.Lang]++
		for _, t := range d.Translations {
			trans[t.Lang] = true
		}
	}
	first := "en"
	for l, n := range count {
		if n > count[first] || (n == count[first] && l < first) {
			first = l
		}
	}
	langs := []string{first}
	for l := range trans {
		if l != first {
			langs = append(langs, l)
		}
	}
	sort.Strings(langs[1:])
	return langs
}

// DocsByLanguage counts the notes written in each language, translations
// included; bundled pages do not count.
func (c *Corpus) DocsByLanguage() map[string]int {
	n := map[string]int{}
	for _, d := range c.Docs {
		if d.Bundled {
			continue
		}
		n[d.Lang]++
		for _, t := range d.Translations {
			n[t.Lang]++
		}
	}
	return n
}
