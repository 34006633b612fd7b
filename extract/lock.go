package extract

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// LockFile is the name of the upstream lock at the root of a notes folder:
// where each path and symbol an article cites is, at the commit the article
// pins. `codeatlas upstream lock` writes it from local clones; Load reads it,
// so serving needs no clone.
const LockFile = "upstream.lock"

// Lock is the parsed upstream lock: one entry per article that cites
// upstream paths or symbols, sorted by the article's path.
type Lock struct {
	Articles []*LockedArticle
}

// LockedArticle is what the lock holds for one article.
type LockedArticle struct {
	Path   string // the article's path in the notes folder, e.g. jaeger/agent.md
	Repo   string // owner/name
	Commit string // the commit the entries were located at
	// Unavailable says why nothing could be located (no clone, commit not in
	// the clone); "" when the entries below were.
	Unavailable string
	Paths       []LockedPath   // sorted by path
	Symbols     []LockedSymbol // sorted by name
	Line        int            // line of the article record in the lock file
}

// LockedPath is a cited path that exists at the commit.
type LockedPath struct {
	Path string
	Dir  bool
	Line int // line in the lock file
}

// LockedSymbol is a cited symbol and the lines of its definition.
type LockedSymbol struct {
	Name        string // as cited in the front matter
	Path        string
	First, Last int
	Line        int // line in the lock file
}

// Article returns the entry of the article at path, or nil.
func (l *Lock) Article(path string) *LockedArticle {
	if l == nil {
		return nil
	}
	i := sort.Search(len(l.Articles), func(i int) bool { return l.Articles[i].Path >= path })
	if i < len(l.Articles) && l.Articles[i].Path == path {
		return l.Articles[i]
	}
	return nil
}

// Symbol returns the locked symbol with the given name, or nil.
func (a *LockedArticle) Symbol(name string) *LockedSymbol {
	for i := range a.Symbols {
		if a.Symbols[i].Name == name {
			return &a.Symbols[i]
		}
	}
	return nil
}

// HasPath reports whether the lock located the cited path p.
func (a *LockedArticle) HasPath(p string) bool {
	for _, lp := range a.Paths {
		if lp.Path == p {
			return true
		}
	}
	return false
}

const lockHeader = `# upstream.lock: where the code each article cites is, at the commit the article pins.
# Written by ` + "`codeatlas upstream lock --repos DIR`" + ` from local clones: run it again rather than editing.
# Tab-separated records, one article after another:
#   article  <article path>  <owner/name>  <commit>
#   path     <path>  file|dir
#   symbol   <name as cited>  <path>  <first line>  <last line>
#   unavailable  <why nothing was located>
`

// Format writes the lock in its line-oriented form. The same lock always
// gives the same bytes: articles, paths and symbols are sorted.
func (l *Lock) Format() []byte {
	var b bytes.Buffer
	b.WriteString(lockHeader)
	arts := append([]*LockedArticle(nil), l.Articles...)
	sort.Slice(arts, func(i, j int) bool { return arts[i].Path < arts[j].Path })
	for _, a := range arts {
		fmt.Fprintf(&b, "\narticle\t%s\t%s\t%s\n", a.Path, a.Repo, a.Commit)
		if a.Unavailable != "" {
			fmt.Fprintf(&b, "unavailable\t%s\n", oneLine(a.Unavailable))
		}
		paths := append([]LockedPath(nil), a.Paths...)
		sort.Slice(paths, func(i, j int) bool { return paths[i].Path < paths[j].Path })
		for _, p := range paths {
			kind := "file"
			if p.Dir {
				kind = "dir"
			}
			fmt.Fprintf(&b, "path\t%s\t%s\n", p.Path, kind)
		}
		syms := append([]LockedSymbol(nil), a.Symbols...)
		sort.Slice(syms, func(i, j int) bool { return syms[i].Name < syms[j].Name })
		for _, s := range syms {
			fmt.Fprintf(&b, "symbol\t%s\t%s\t%d\t%d\n", s.Name, s.Path, s.First, s.Last)
		}
	}
	return b.Bytes()
}

// ParseLock reads a lock written by Format. Malformed lines are
// diagnostics located in the file called name; the rest is kept.
func ParseLock(name string, data []byte) (*Lock, []Diagnostic) {
	var ds diags
	l := &Lock{}
	var cur *LockedArticle
	seen := map[string]bool{}
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if bad := badField(f); bad != "" {
			ds.errorf(name, n, "%s", bad)
			continue
		}
		need := func(k int) bool {
			if len(f) != k {
				ds.errorf(name, n, "%s record has %d fields, want %d (tab-separated)", f[0], len(f), k)
				return false
			}
			return true
		}
		if f[0] != "article" && cur == nil {
			ds.errorf(name, n, "%s record before any article record", f[0])
			continue
		}
		switch f[0] {
		case "article":
			cur = nil
			if !need(4) {
				continue
			}
			if seen[f[1]] {
				ds.errorf(name, n, "article %s is listed twice", f[1])
				continue
			}
			seen[f[1]] = true
			cur = &LockedArticle{Path: f[1], Repo: f[2], Commit: f[3], Line: n}
			l.Articles = append(l.Articles, cur)
		case "unavailable":
			if need(2) {
				cur.Unavailable = f[1]
			}
		case "path":
			if !need(3) {
				continue
			}
			if f[2] != "file" && f[2] != "dir" {
				ds.errorf(name, n, "path kind %q is neither file nor dir", f[2])
				continue
			}
			cur.Paths = append(cur.Paths, LockedPath{Path: f[1], Dir: f[2] == "dir", Line: n})
		case "symbol":
			if !need(5) {
				continue
			}
			first, err1 := strconv.Atoi(f[3])
			last, err2 := strconv.Atoi(f[4])
			if err1 != nil || err2 != nil || first < 1 || last < first {
				ds.errorf(name, n, "symbol %s: lines %q-%q are not a range", f[1], f[3], f[4])
				continue
			}
			cur.Symbols = append(cur.Symbols, LockedSymbol{Name: f[1], Path: f[2], First: first, Last: last, Line: n})
		default:
			ds.errorf(name, n, "unknown record %q", clipBytes(f[0], 40))
		}
	}
	sort.SliceStable(l.Articles, func(i, j int) bool { return l.Articles[i].Path < l.Articles[j].Path })
	return l, ds.list
}

// repoRE is a GitHub owner/name; anything else gets no link.
var repoRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// BlobURL is the GitHub address of path at the pinned commit (the ref when
// there is no commit), with the lines first-last when first > 0; "" when the
// repository is not a GitHub owner/name.
func (u Upstream) BlobURL(path string, first, last int) string {
	ref := u.Commit
	if ref == "" {
		ref = u.Ref
	}
	if !repoRE.MatchString(u.Repo) || ref == "" || strings.Contains(u.Repo, "..") {
		return ""
	}
	var b strings.Builder
	b.WriteString("https://github.com/" + u.Repo + "/blob/" + url.PathEscape(ref))
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		b.WriteString("/" + url.PathEscape(seg))
	}
	if first > 0 {
		fmt.Fprintf(&b, "#L%d", first)
		if last > first {
			fmt.Fprintf(&b, "-L%d", last)
		}
	}
	return b.String()
}

// CommitURL is the GitHub address of a commit of the upstream repository,
// or "" when the repository is not a GitHub owner/name.
func (u Upstream) CommitURL(commit string) string {
	if !repoRE.MatchString(u.Repo) || strings.Contains(u.Repo, "..") || commit == "" {
		return ""
	}
	return "https://github.com/" + u.Repo + "/commit/" + url.PathEscape(commit)
}

// badField says what is wrong with a record's fields: an empty one, or one
// holding a control character (which Format never writes); "" when none.
func badField(f []string) string {
	for i, s := range f {
		if s == "" {
			return fmt.Sprintf("%s record: field %d is empty", clipBytes(f[0], 40), i+1)
		}
		for _, r := range s {
			if r < 0x20 || r == 0x7f {
				return fmt.Sprintf("%s record: field %d holds control character %U", clipBytes(f[0], 40), i+1, r)
			}
		}
	}
	return ""
}
