package graph

import "github.com/codeatlas/codeatlas/extract"

// A relation is established when the notes state it, not only mention it in
// passing: declared structure and front matter (contains, next, uses,
// broader, related), a link the author wrote, an import in a code block, a
// concept listed in front matter or named in a heading, or a mention made in
// at least two sentences of the article's own prose. A single sentence is a
// passing mention, and a comparison ("cheaper than Raft") is never more
// than that: maps, tables and the path finder say which is which.

// minProse is how many sentences of prose establish a mention.
const minProse = 2

// Established reports whether the relation is established.
func (r Relation) Established() bool {
	switch r.Kind {
	case extract.Compares:
		return false
	case extract.Mentions:
		prose := map[string]bool{}
		for _, ev := range r.Evidence {
			switch ev.Source {
			case extract.FromFrontMatter, extract.FromHeading, extract.FromCode:
				return true
			case extract.FromProse, "":
				prose[ev.Path+"\x00"+ev.Text] = true
			}
		}
		return len(prose) >= minProse
	}
	return true
}

// Established reports whether any relation of the edge is.
func (e *Edge) Established() bool {
	for _, r := range e.Relations {
		if r.Established() {
			return true
		}
	}
	return false
}
