package extract

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// maxEvidence caps the facts kept per (document, object): enough to show a
// reader where a mention comes from without flooding the graph.
const maxEvidence = 3

// mentions links a document to the concepts, projects and modules its
// prose names. Project and concept pages supply the terms: title, title_zh
// and aliases.
func (l *loader) mentions(p *parsed, dict *dictionary) {
	// Bundled concept pages describe our projects, not the reader's.
	if !p.implicit && !p.doc.Bundled {
		p.facts = append(p.facts, l.matchDoc(p, dict)...)
		p.facts = append(p.facts, l.importFacts(p)...)
	}
	p.blocks, p.code = nil, nil
}

func (l *loader) buildDictionary() *dictionary {
	seen := map[string]string{}
	var terms []term
	for _, p := range l.files {
		d := p.doc
		if d.Kind != KindConcept && d.Kind != KindProject {
			continue
		}
		// Titles and aliases only: a concept's id is often an everyday
		// word (watch, provider, configuration) that would match everywhere;
		// a page that wants its id matched lists it as an alias.
		words := append([]string{d.Title, d.TitleZh}, d.Aliases...)
		for _, w := range words {
			w = strings.TrimSpace(w)
			if utf8.RuneCountInString(w) < 2 || (len(w) < 3 && !containsCJK(w)) {
				continue
			}
			f := foldASCII(w)
			if owner, dup := seen[f]; dup {
				if owner != d.ID && !p.doc.Bundled {
					p.warn(l, keyLine(p.yml, "aliases"), "alias %q also names %s; the first page keeps it", w, owner)
				}
				continue
			}
			seen[f] = d.ID
			terms = append(terms, term{folded: f, target: d.ID})
		}
	}
	sort.Slice(terms, func(i, j int) bool { return terms[i].folded < terms[j].folded })
	return newDictionary(terms)
}

func containsCJK(s string) bool {
	for _, r := range s {
		if isCJK(r) {
			return true
		}
	}
	return false
}

// matchDoc finds the dictionary's terms in p's prose (code excluded).
func (l *loader) matchDoc(p *parsed, dict *dictionary) []Fact {
	type seenKey struct {
		target       string
		block, start int
	}
	count := map[string]int{}
	seen := map[seenKey]bool{}
	var facts []Fact
	for bi := range p.blocks {
		b := &p.blocks[bi]
		dict.find(b.masked, func(m match) {
			target := dict.terms[m.term].target
			if target == p.doc.ID || target == "p/"+p.doc.Project {
				return
			}
			if count[target] >= maxEvidence {
				return
			}
			start, _ := b.stops.bounds(m.start, len(b.text))
			if seen[seenKey{target, bi, start}] {
				return // "Raft 协议" and "raft" in one sentence are one mention
			}
			seen[seenKey{target, bi, start}] = true
			text := b.sentenceOf(m.start)
			count[target]++
			line := p.line(b.srcOffset(m.start))
			rel := Mentions
			if b.aside || comparative(text) {
				rel = Compares
			}
			facts = append(facts, Fact{Subject: p.doc.ID, Relation: rel, Object: target,
				Evidence: Evidence{Path: p.doc.Path, Line: line, Text: text, Source: b.source()}})
		})
	}
	return facts
}
