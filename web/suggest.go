package web

import (
	"context"
	"sort"
	"strings"
	"unicode"
)

// A 404 page suggests the nodes closest to the id it did not find. The
// lookup is bounded: the key is the id's last part, at most
// suggestKeyRunes long, and each of its prefixes is a binary search in a
// sorted index of every node's titles, aliases, id and their words, so a
// miss costs microseconds whatever the URL (a full search for every
// prefix of a 100 KB id took 36 s).

// suggestKeyRunes caps the part of a missing id that is looked up.
const suggestKeyRunes = 48

// suggestScan caps the index entries read for one prefix.
const suggestScan = 64

// prefixEntry is one term of the suggestion index.
type prefixEntry struct {
	term  string
	entry int32 // index into site.entries
}

// buildPrefixIndex lists every term of every entry, and each word of the
// terms, sorted.
func buildPrefixIndex(entries []searchEntry) []prefixEntry {
	var idx []prefixEntry
	for i, e := range entries {
		seen := map[string]bool{}
		add := func(t string) {
			if t != "" && !seen[t] {
				seen[t] = true
				idx = append(idx, prefixEntry{term: t, entry: int32(i)})
			}
		}
		for _, t := range e.terms {
			add(t)
			for _, w := range strings.FieldsFunc(t, notWordRune) {
				add(w)
			}
		}
	}
	sort.Slice(idx, func(i, j int) bool {
		if idx[i].term != idx[j].term {
			return idx[i].term < idx[j].term
		}
		return idx[i].entry < idx[j].entry
	})
	return idx
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// lookupPrefix returns up to limit nodes with a term that starts with p:
// an exact term first, then by kind (projects, concepts, articles), then
// the shortest term.
func (st *site) lookupPrefix(p string, limit int) []hit {
	i := sort.Search(len(st.prefix), func(i int) bool { return st.prefix[i].term >= p })
	type cand struct {
		entry, rank, length int
	}
	best := map[int32]cand{}
	for n := 0; i < len(st.prefix) && n < suggestScan && strings.HasPrefix(st.prefix[i].term, p); i, n = i+1, n+1 {
		pe := st.prefix[i]
		c := cand{entry: int(pe.entry), length: len(pe.term), rank: kindBonus(st.entries[pe.entry].node.Kind)}
		if pe.term == p {
			c.rank += 10
		}
		if old, ok := best[pe.entry]; !ok || c.rank > old.rank || c.rank == old.rank && c.length < old.length {
			best[pe.entry] = c
		}
	}
	cands := make([]cand, 0, len(best))
	for _, c := range best {
		cands = append(cands, c)
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.rank != b.rank {
			return a.rank > b.rank
		}
		if a.length != b.length {
			return a.length < b.length
		}
		return st.entries[a.entry].node.ID < st.entries[b.entry].node.ID
	})
	var out []hit
	for _, c := range cands[:min(limit, len(cands))] {
		n := st.entries[c.entry].node
		out = append(out, hit{ID: n.ID, Kind: string(n.Kind), Label: n.Label, LabelZh: n.LabelZh, Summary: n.Summary, URL: NodeURL(n.ID)})
	}
	return out
}

// suggestions are the nodes closest to an unknown id, for 404 pages: the
// longest prefix of the id's last part that starts a title, alias or id
// ("rafts" finds raft), then its words one by one. It stops when ctx is
// done.
func (st *site) suggestions(ctx context.Context, id string) []hit {
	key := id
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		key = id[i+1:]
	}
	key = strings.ToLower(strings.NewReplacer("-", " ", "_", " ").Replace(key))
	r := []rune(key)
	if len(r) > suggestKeyRunes {
		r = r[:suggestKeyRunes]
	}
	for n := len(r); n >= 3; n-- {
		if ctx.Err() != nil {
			return nil
		}
		if hs := st.lookupPrefix(string(r[:n]), 5); len(hs) > 0 {
			return hs
		}
	}
	var out []hit
	seen := map[string]bool{}
	for _, w := range strings.Fields(string(r)) {
		if ctx.Err() != nil {
			return nil
		}
		if len([]rune(w)) < 3 {
			continue
		}
		for _, h := range st.lookupPrefix(w, 3) {
			if !seen[h.ID] {
				seen[h.ID] = true
				out = append(out, h)
			}
		}
	}
	return out
}
