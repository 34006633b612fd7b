package extract

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The evidence of a fact is the sentence around it. A paragraph's sentence
// ends are found once, when the paragraph is collected, and each fact finds
// its sentence by binary search: rescanning the paragraph for every link
// and mention made a note of N links in one paragraph cost O(N²) (200,000
// links without a full stop took 381 s).

// evidenceLen caps the evidence text, in bytes.
const evidenceLen = 240

// sentences indexes the sentence ends of a text: the offsets of every
// stop, and the offsets just past them.
type sentences struct {
	at, end []int
}

// indexSentences finds every stop of text in one pass.
func indexSentences(text string) sentences {
	var s sentences
	for i := 0; i < len(text); i++ {
		if isStop(text, i) {
			n := stopLen(text, i)
			s.at = append(s.at, i)
			s.end = append(s.end, i+n)
			i += n - 1
		}
	}
	return s
}

// bounds returns the sentence of the indexed text around off: from just
// past the last stop before off to just past the first stop at or after
// it (or the text's ends).
func (s sentences) bounds(off, textLen int) (int, int) {
	off = min(off, textLen)
	i := sort.SearchInts(s.at, off) // first stop at or after off
	start, end := 0, textLen
	if i > 0 {
		start = s.end[i-1]
	}
	if i < len(s.at) {
		end = s.end[i]
	}
	return start, end
}

// sentenceOf returns the evidence text for offset off of b's text.
func (b *block) sentenceOf(off int) string {
	start, end := b.stops.bounds(off, len(b.text))
	return evidenceText(b.text[start:end])
}

// sentence returns the sentence of text around off, its spaces collapsed
// and clipped to a readable length. It indexes text first: callers with
// many offsets into one text use a block's index instead.
func sentence(text string, off int) string {
	start, end := indexSentences(text).bounds(off, len(text))
	return evidenceText(text[start:end])
}

// evidenceText collapses s's runs of white space to single spaces and
// clips it to evidenceLen bytes, reading no more of s than that needs, so
// that a sentence of megabytes costs no more than a short one.
func evidenceText(s string) string {
	var b strings.Builder
	space := false
	for i, r := range s {
		if b.Len() > evidenceLen {
			break // enough for clip to cut where it would cut the whole
		}
		if i > 4*evidenceLen {
			// Mostly blanks so far: stop reading all the same.
			return strings.TrimRight(b.String(), " ") + "…"
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return clipBytes(b.String(), evidenceLen)
}

var stops = []string{"。", "！", "？", "；"}

func isStop(text string, i int) bool {
	switch text[i] {
	case '.', '!', '?':
		// A full stop ends a sentence only before a space or the end:
		// "raft.Node" and "v3.7.1" stay whole.
		return i+1 >= len(text) || text[i+1] == ' ' || text[i+1] == '\n'
	case 0xe3, 0xef:
		for _, s := range stops {
			if strings.HasPrefix(text[i:], s) {
				return true
			}
		}
	}
	return false
}

func stopLen(text string, i int) int {
	for _, s := range stops {
		if strings.HasPrefix(text[i:], s) {
			return len(s)
		}
	}
	return 1
}

// clipBytes shortens s to at most n bytes on a rune boundary, adding an
// ellipsis: evidence text is bounded in bytes, whatever its script.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimRight(s[:n], " ") + "…"
}
