package extract

import (
	"slices"
	"sort"
	"strings"
)

// docFacts turns one document's declared relations into facts: an
// article's concepts and related articles, a project's uses, a concept's
// broader concepts. Unknown ids are diagnostics.
func (l *loader) docFacts(p *parsed, hasConcepts bool) {
	d := p.doc
	if p.implicit {
		return
	}
	{
		fmLine := func(key string) (int, string) {
			line := keyLine(p.yml, key)
			return line, strings.TrimSpace(lineText(p.src, p.lines, line))
		}
		for _, c := range d.Concepts {
			line, text := fmLine("concepts")
			if _, ok := l.byID["c/"+c]; !ok {
				if hasConcepts {
					p.fail(l, line, "unknown concept %q", c)
				} else {
					p.warn(l, line, "unknown concept %q (no concept pages loaded)", c)
				}
				continue
			}
			l.addFact(p, Mentions, "c/"+c, line, text, FromFrontMatter)
		}
		// Obsidian's tags name concepts too when they are a concept's id
		// ("#raft", "consensus/raft"); other tags are the reader's own.
		for _, tag := range p.fm.Tags {
			id := conceptIDOfTag(tag)
			if _, ok := l.byID["c/"+id]; !ok || slices.Contains(d.Concepts, id) {
				continue
			}
			line, text := fmLine("tags")
			l.addFact(p, Mentions, "c/"+id, line, text, FromFrontMatter)
		}
		for _, r := range d.Related {
			line, text := fmLine("related")
			t := l.lookupPath(strings.TrimSuffix(strings.TrimPrefix(r, "a/"), ".md")+".md", false)
			if t == nil {
				t = l.byID[r]
			}
			if t == nil {
				p.fail(l, line, "related: unknown page %q", r)
				continue
			}
			l.addFact(p, Related, t.doc.ID, line, text, FromFrontMatter)
		}
		for _, u := range d.Uses {
			line, text := fmLine("uses")
			if _, ok := l.byID["p/"+u]; !ok {
				p.fail(l, line, "uses: unknown project %q", u)
				continue
			}
			l.addFact(p, Uses, "p/"+u, line, text, FromFrontMatter)
		}
		for _, b := range d.Broader {
			line, text := fmLine("broader")
			if _, ok := l.byID["c/"+b]; !ok {
				p.fail(l, line, "broader: unknown concept %q", b)
				continue
			}
			l.addFact(p, Broader, "c/"+b, line, text, FromFrontMatter)
		}
	}
}

// moduleFacts links each module the notes name to the project that owns it.
func (l *loader) moduleFacts() {
	modules := l.moduleOwners()
	mentioned := map[string]bool{}
	for _, p := range l.files {
		for _, f := range p.facts {
			if strings.HasPrefix(f.Object, "m/") {
				mentioned[f.Object] = true
			}
		}
	}
	// A module that belongs to a project in the atlas links to it.
	mods := make([]string, 0, len(mentioned))
	for m := range mentioned {
		mods = append(mods, m)
	}
	sort.Strings(mods)
	for _, m := range mods {
		if owner := ownerOf(modules, strings.TrimPrefix(m, "m/")); owner != nil {
			line := keyLine(owner.yml, "modules")
			if line == 1 {
				line = keyLine(owner.yml, "upstream")
			}
			l.facts = append(l.facts, Fact{Subject: m, Relation: Related, Object: owner.doc.ID,
				Evidence: Evidence{Path: owner.doc.Path, Line: line, Text: strings.TrimSpace(lineText(owner.src, owner.lines, line)), Source: FromFrontMatter}})
		}
	}
}

// moduleOwners maps module roots to the project pages that own them: the
// project's upstream GitHub repo and its declared modules.
func (l *loader) moduleOwners() map[string]*parsed {
	owners := map[string]*parsed{}
	for _, p := range l.files {
		d := p.doc
		if d.Kind != KindProject || p.implicit {
			continue
		}
		if r := d.Upstream.Repo; r != "" {
			owners[ModuleRoot("github.com/"+strings.Trim(r, "/"))] = p
		}
		for _, m := range d.Modules {
			root := ModuleRoot(m)
			if root == "" { // a bare host such as go-micro.dev owns all below it
				root = strings.Trim(m, "/")
			}
			owners[root] = p
		}
	}
	return owners
}

func lineText(src []byte, lines []int, line int) string {
	if line < 1 || line > len(lines) {
		return ""
	}
	start := lines[line-1]
	end := len(src)
	if line < len(lines) {
		end = lines[line] - 1
	}
	if start > end {
		return ""
	}
	return clipBytes(string(src[start:end]), 240)
}

// ownerOf finds the project owning a module: an exact root, or a declared
// prefix (go.etcd.io/raft owns go.etcd.io/raft/v3).
func ownerOf(owners map[string]*parsed, mod string) *parsed {
	for p := mod; p != ""; {
		if o, ok := owners[p]; ok {
			return o
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return nil
}

// conceptIDOfTag reads a tag as a concept id: without "#", the last part
// of a nested tag, lower case, spaces as hyphens.
func conceptIDOfTag(tag string) string {
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "#")
	if i := strings.LastIndexByte(tag, '/'); i >= 0 {
		tag = tag[i+1:]
	}
	return strings.ReplaceAll(strings.ToLower(tag), " ", "-")
}
