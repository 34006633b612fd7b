package extract

import (
	"unicode"
	"unicode/utf8"
)

// dictionary finds many terms in one pass over a text: an Aho-Corasick
// automaton over ASCII-folded bytes, compiled to a full transition table.
// Folding only ASCII keeps byte offsets identical between the folded text
// and the original, so matches map straight back to source lines.
type dictionary struct {
	next  [][256]int32
	out   [][]int32 // per state: indexes into terms
	terms []term
}

type term struct {
	folded string
	target string // node id
}

func foldASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func newDictionary(terms []term) *dictionary {
	d := &dictionary{terms: terms, next: make([][256]int32, 1), out: make([][]int32, 1)}
	for i, t := range terms {
		s := int32(0)
		for j := 0; j < len(t.folded); j++ {
			c := t.folded[j]
			if d.next[s][c] == 0 {
				d.next = append(d.next, [256]int32{})
				d.out = append(d.out, nil)
				d.next[s][c] = int32(len(d.next) - 1)
			}
			s = d.next[s][c]
		}
		d.out[s] = append(d.out[s], int32(i))
	}
	// Breadth-first: compute failure links and fill missing transitions.
	fail := make([]int32, len(d.next))
	queue := make([]int32, 0, len(d.next))
	for c := 0; c < 256; c++ {
		if s := d.next[0][c]; s != 0 {
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		d.out[s] = append(d.out[s], d.out[fail[s]]...)
		for c := 0; c < 256; c++ {
			t := d.next[s][c]
			if t == 0 {
				d.next[s][c] = d.next[fail[s]][c]
				continue
			}
			fail[t] = d.next[fail[s]][c]
			queue = append(queue, t)
		}
	}
	return d
}

type match struct {
	start, end int
	term       int
}

// find reports every term occurrence in text that sits on word boundaries.
// Latin terms need non-word neighbours ("raft" is not found in "craft");
// CJK characters are their own boundary, so 服务发现 is found inside a
// Chinese sentence.
func (d *dictionary) find(text string, visit func(match)) {
	s := int32(0)
	for i := 0; i < len(text); i++ {
		c := text[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		s = d.next[s][c]
		for _, ti := range d.out[s] {
			t := d.terms[ti]
			start, end := i+1-len(t.folded), i+1
			if boundaryBefore(text, start) && boundaryAfter(text, end) {
				visit(match{start: start, end: end, term: int(ti)})
			}
		}
	}
}

func isWordRune(r rune) bool {
	if r == '_' || unicode.IsDigit(r) {
		return true
	}
	return unicode.IsLetter(r) && !isCJK(r)
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

func boundaryBefore(text string, start int) bool {
	if start == 0 {
		return true
	}
	first, _ := utf8.DecodeRuneInString(text[start:])
	if !isWordRune(first) {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(text[:start])
	return !isWordRune(prev)
}

func boundaryAfter(text string, end int) bool {
	if end >= len(text) {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(text[:end])
	if !isWordRune(last) {
		return true
	}
	next, _ := utf8.DecodeRuneInString(text[end:])
	return !isWordRune(next)
}
