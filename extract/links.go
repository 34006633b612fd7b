package extract

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
)

var schemeRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)

// resolveFileLinks turns every markdown link and wikilink of one file that
// points inside the notes into a links fact and rewrites its href to the
// target's node URL; images become assets. A link that cannot be resolved
// is a diagnostic, never silently dropped. The indexes it reads are
// complete and no longer change, so files resolve in parallel. Past
// Options.MaxLinks links the rest stay as written, and a warning says so.
func (l *loader) resolveFileLinks(p *parsed) {
	if p.ast == nil {
		return
	}
	if n := len(p.links); n > l.opts.MaxLinks {
		p.warn(l, p.line(p.links[l.opts.MaxLinks].srcOff), "%d links and images: only the first %d are read (the limit per note); the rest stay as written", n, l.opts.MaxLinks)
	}
	for _, ref := range p.links[:min(len(p.links), l.opts.MaxLinks)] {
		var target *parsed
		var frag string
		line := p.line(ref.srcOff)
		switch {
		case ref.image != nil:
			if _, _, asset, _ := l.resolveLink(p, line, ref.dest, "image"); asset != "" {
				ref.image.Destination = []byte(l.opts.assetURL(asset))
				p.assets = append(p.assets, asset)
			}
			continue
		case ref.wiki != nil:
			target = l.resolveWiki(p, ref.wiki.Target)
			frag = ref.wiki.Fragment
			if target == nil && ref.wiki.Target == "" {
				ref.wiki.href = "#" + Slug(frag)
				continue
			}
			if target == nil {
				if asset := l.resolveWikiAsset(p, ref.wiki.Target); asset != "" {
					ref.wiki.href = l.opts.assetURL(asset)
					ref.wiki.image = ref.wiki.Embed && isImage(asset)
					p.assets = append(p.assets, asset)
					continue
				}
				p.warn(l, line, "wikilink to unknown page [[%s]]", ref.wiki.Target)
				continue
			}
			ref.wiki.href = l.pageURL(p, target.doc.ID) + fragment(Slug(frag)) // [[Note#Heading text]] names the heading
		default:
			var asset string
			var ok bool
			target, frag, asset, ok = l.resolveLink(p, line, ref.dest, "link")
			if asset != "" {
				ref.link.Destination = []byte(l.opts.assetURL(asset) + fragment(frag))
				p.assets = append(p.assets, asset)
				continue
			}
			if !ok || target == nil {
				continue
			}
			ref.link.Destination = []byte(l.pageURL(p, target.doc.ID) + fragment(frag))
		}
		if target == p {
			continue
		}
		b := &p.blocks[ref.block]
		l.addFact(p, Links, target.doc.ID, line, b.sentenceOf(ref.textOff), b.source())
	}
}

// isImage reports whether a file of the notes is a picture ![[embed]] shows.
func isImage(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".bmp", ".ico":
		return true
	}
	return false
}

// resolveWikiAsset finds the file of ![[diagram.png]] as Obsidian does: a
// path from the note or the vault's root, then a unique file name anywhere.
func (l *loader) resolveWikiAsset(p *parsed, target string) string {
	for _, c := range []string{path.Join(path.Dir(p.doc.Path), target), path.Clean(strings.TrimLeft(target, "/"))} {
		if l.assets[c] {
			return c
		}
	}
	if c := l.assetByBase[strings.ToLower(path.Base(target))]; len(c) == 1 {
		return c[0]
	}
	return ""
}

func fragment(f string) string {
	if f == "" {
		return ""
	}
	return "#" + f
}

// warn and fail record a diagnostic of p's file on p itself, so that
// files can be processed in parallel; corpus() gathers them. Bundled pages
// and the project pages made up for a folder have no file of the reader's
// to point at, and get none.
func (p *parsed) warn(_ *loader, line int, format string, args ...any) {
	if !p.doc.Bundled && !p.implicit {
		p.later = append(p.later, Diagnostic{Path: p.doc.Path, Line: line, Severity: SeverityWarning, Message: fmt.Sprintf(format, args...)})
	}
}

func (p *parsed) fail(_ *loader, line int, format string, args ...any) {
	if !p.doc.Bundled && !p.implicit {
		p.later = append(p.later, Diagnostic{Path: p.doc.Path, Line: line, Severity: SeverityError, Message: fmt.Sprintf(format, args...)})
	}
}

// resolveLink resolves a markdown link or image destination (what names
// it in diagnostics): to a page, or to a file of the notes that is not
// markdown (asset). ok is false for links that stay outside the graph
// (external URLs, in-page anchors) and for broken ones, which it reports.
func (l *loader) resolveLink(p *parsed, line int, dest, what string) (target *parsed, frag, asset string, ok bool) {
	dest = strings.TrimSpace(dest)
	if dest == "" || strings.HasPrefix(dest, "#") || schemeRE.MatchString(dest) || strings.HasPrefix(dest, "//") {
		return nil, "", "", false
	}
	raw := dest
	dest, frag, _ = strings.Cut(dest, "#")
	dest, _, _ = strings.Cut(dest, "?")
	if u, err := url.PathUnescape(dest); err == nil {
		dest = u
	}
	var joined string
	if strings.HasPrefix(dest, "/") {
		joined = path.Clean(strings.TrimLeft(dest, "/"))
	} else {
		joined = path.Join(path.Dir(p.doc.Path), dest)
	}
	if joined == ".." || strings.HasPrefix(joined, "../") {
		// Often deliberate (mdBook's "../std/..." to a sibling book), and
		// nothing codeatlas can follow: kept as written, and reported.
		p.warn(l, line, "%s %q leaves the content folder", what, raw)
		return nil, "", "", false
	}
	dir := strings.HasSuffix(dest, "/")
	if what != "image" {
		if t := l.lookupPath(joined, dir); t != nil {
			return t, frag, "", true
		}
	}
	if l.assets[joined] {
		return nil, frag, joined, true
	}
	if strings.HasPrefix(dest, "/") {
		if t, a := l.lookupRepoPath(joined, dir); t != nil || a != "" {
			return t, frag, a, true
		}
	}
	if p.doc.Bundled {
		return nil, "", "", false
	}
	if what == "image" {
		p.warn(l, line, "image %q not found in the notes", raw)
	} else {
		p.fail(l, line, "link to unknown page %q", raw)
	}
	return nil, "", "", false
}

// lookupPath finds the document a cleaned path names: the file itself, the
// file with .md added (docsify), or a folder's README.md or index.md.
func (l *loader) lookupPath(p string, dir bool) *parsed {
	var cands []string
	if !dir {
		cands = append(cands, p, p+".md")
		if strings.HasSuffix(p, ".html") {
			cands = append(cands, strings.TrimSuffix(p, ".html")+".md")
		}
	}
	if p == "." {
		cands = append(cands, "README.md", "index.md")
	} else {
		cands = append(cands, p+"/README.md", p+"/index.md", p+"/readme.md")
	}
	for _, c := range cands {
		if t, ok := l.byPath[c]; ok {
			return t
		}
	}
	return nil
}

// lookupRepoPath finds a site-absolute link written from the repository's
// root rather than the notes folder's: "/docs/mq/intro.md" in a repository
// whose notes live in docs/. Leading folders the notes do not have are
// dropped, at most two. It finds a page or an asset.
func (l *loader) lookupRepoPath(p string, dir bool) (*parsed, string) {
	for range 2 {
		first, rest, ok := strings.Cut(p, "/")
		if !ok || l.dirs[first] {
			return nil, ""
		}
		if t := l.lookupPath(rest, dir); t != nil {
			return t, ""
		}
		if l.assets[rest] {
			return nil, rest
		}
		p = rest
	}
	return nil, ""
}

// resolveWiki resolves [[target]] as Obsidian does: a path, then a unique
// file name, then a title or a concept or project id.
func (l *loader) resolveWiki(p *parsed, target string) *parsed {
	if target == "" {
		return nil
	}
	for _, c := range []string{path.Join(path.Dir(p.doc.Path), target), path.Clean(strings.TrimLeft(target, "/"))} {
		if t := l.lookupPath(c, false); t != nil {
			return t
		}
	}
	key := strings.ToLower(strings.TrimSuffix(path.Base(target), ".md"))
	if c := l.byBase[key]; len(c) == 1 {
		return c[0]
	}
	if c := l.byTitle[strings.ToLower(target)]; len(c) >= 1 {
		return c[0]
	}
	for _, prefix := range []string{"c/", "p/", "a/"} {
		if t, ok := l.byID[prefix+target]; ok {
			return t
		}
	}
	return nil
}

// pageURL is the href of node id in p's HTML: a page in p's language.
func (l *loader) pageURL(p *parsed, id string) string {
	if p.source == nil || p.doc.Lang == l.lang {
		return l.opts.nodeURL(id)
	}
	return l.opts.nodeURLIn(p.doc.Lang, id)
}

// addFact records a fact whose subject is p's document, on p. A
// translation adds none: its relations are its source's.
func (l *loader) addFact(p *parsed, rel Relation, object string, line int, text string, src Source) {
	if p.source != nil {
		return
	}
	p.facts = append(p.facts, Fact{Subject: p.doc.ID, Relation: rel, Object: object, Evidence: Evidence{Path: p.doc.Path, Line: line, Text: text, Source: src}})
}
