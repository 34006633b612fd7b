package extract

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Node ids are URL paths, and in a static copy of the site folder names:
// they are checked where they are made, so that nothing `check` accepts
// can make a page that cannot be written.

// MaxIDBytes caps the length of a node id's name: a server may refuse
// longer URLs.
const MaxIDBytes = 512

// idProblem says what is wrong with the name of a node id (what follows
// "a/", "p/" or "c/"), or "" when nothing is. Only articles and sections
// have slashes in their names.
func idProblem(name string, slashes bool) string {
	if name == "" {
		return "it is empty"
	}
	if len(name) > MaxIDBytes {
		return fmt.Sprintf("it is %d bytes long, over the limit of %d", len(name), MaxIDBytes)
	}
	if !slashes && strings.Contains(name, "/") {
		return "it contains /"
	}
	for _, seg := range strings.Split(name, "/") {
		switch seg {
		case "":
			return "it has an empty part (// or a / at either end)"
		case ".", "..":
			return fmt.Sprintf("a part of it is %q, which names a folder in URLs and in file names", seg)
		}
	}
	for _, r := range name {
		if r < ' ' || r == 0x7f || strings.ContainsRune(`"<>\`, r) {
			return fmt.Sprintf("it contains %q", r)
		}
	}
	return ""
}

// foldID is the form of an id that a case-insensitive, normalising file
// system (macOS, Windows) sees: two ids with the same fold would be one
// folder of a static copy there.
func foldID(id string) string {
	return strings.ToLower(norm.NFC.String(id))
}

// idFolds finds ids that collide with an earlier one once folded: the
// files are sorted, so the first path keeps its id quietly.
type idFolds map[string]string

// collides records id, made by p (at line), and reports a collision.
func (f idFolds) collides(l *loader, p *parsed, id string, line int) {
	if p.doc.Bundled {
		return
	}
	k := foldID(id)
	if first, ok := f[k]; ok && first != id {
		how := "only in case"
		if !strings.EqualFold(id, first) {
			how = fmt.Sprintf("only in case or Unicode form (%+q, %+q)", id, first)
		}
		l.diags.errorf(p.doc.Path, line, "id %s differs from %s %s: the two would be one folder where file names ignore case and Unicode form (macOS, Windows)", id, first, how)
		return
	}
	f[k] = id
}
