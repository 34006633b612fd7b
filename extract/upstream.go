package extract

import (
	"errors"
	"io/fs"
	"strings"
)

// DocDrift is what the notes' upstream.drift says about one document: the
// comparison of its pinned commit with a newer one, and what changed.
type DocDrift struct {
	DriftComparison
	Findings []DriftFinding
}

// Removed lists the findings that say code is gone rather than moved.
func (d *DocDrift) Removed() []DriftFinding {
	var out []DriftFinding
	for _, f := range d.Findings {
		if f.Kind.Removed() {
			out = append(out, f)
		}
	}
	return out
}

// UpstreamRef is one cited path or symbol located at the pinned commit,
// with its address.
type UpstreamRef struct {
	Name        string // the symbol as cited, or the path
	Symbol      bool
	Path        string
	First, Last int // 0 for a path
	URL         string
}

// CitesUpstream reports whether the document names upstream paths or
// symbols that a lock can locate.
func (d *Document) CitesUpstream() bool {
	return d.Upstream.Repo != "" && (len(d.Upstream.Paths) > 0 || len(d.Upstream.Symbols) > 0) &&
		(d.Kind == KindArticle || d.Kind == KindSection)
}

// UpstreamRefs lists the cited paths and symbols the lock located, in the
// order the front matter gives them, each with its address at the commit.
func (d *Document) UpstreamRefs() []UpstreamRef {
	a := d.Locked
	if a == nil {
		return nil
	}
	var out []UpstreamRef
	for _, p := range d.Upstream.Paths {
		p = strings.TrimSpace(p)
		for _, lp := range a.Paths {
			if lp.Path == p {
				out = append(out, UpstreamRef{Name: p, Path: p, URL: d.Upstream.treeOrBlob(p, lp.Dir)})
				break
			}
		}
	}
	for _, s := range d.Upstream.Symbols {
		if ls := a.Symbol(strings.TrimSpace(s)); ls != nil {
			out = append(out, UpstreamRef{Name: ls.Name, Symbol: true, Path: ls.Path, First: ls.First, Last: ls.Last, URL: d.Upstream.BlobURL(ls.Path, ls.First, ls.Last)})
		}
	}
	return out
}

func (u Upstream) treeOrBlob(p string, dir bool) string {
	s := u.BlobURL(p, 0, 0)
	if dir && s != "" {
		s = strings.Replace(s, "/blob/", "/tree/", 1)
	}
	return s
}

// readUpstream reads the lock and the drift report at the root of the
// notes, when they are there. A malformed line is a diagnostic.
func (l *loader) readUpstream() {
	read := func(name string) []byte {
		data, err := fs.ReadFile(l.fsys, name)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				l.diags.errorf(name, 0, "unreadable: %v", unwrapPath(err))
			}
			return nil
		}
		return data
	}
	if data := read(LockFile); data != nil {
		lock, ds := ParseLock(LockFile, data)
		l.lock = lock
		l.diags.list = append(l.diags.list, ds...)
	}
	if data := read(DriftFile); data != nil {
		d, ds := ParseDrift(DriftFile, data)
		l.drift = d
		l.diags.list = append(l.diags.list, ds...)
	}
}

// attachUpstream gives a document its lock entry (only one made at the
// commit it pins) and its drift findings, and reports what the lock lacks:
// a cited path or symbol it does not locate, or an entry made at another
// commit. Without a lock, nothing is reported: a lock is optional.
func (l *loader) attachUpstream(p *parsed) {
	d := p.doc
	if d.Bundled || p.implicit || !d.CitesUpstream() {
		return
	}
	// A translation shares its source's entry, and its source reports the
	// lock's problems.
	key := d.Path
	if p.source != nil {
		key = p.source.doc.Path
	}
	if l.drift != nil {
		var dd *DocDrift
		for _, f := range l.drift.Findings {
			if f.Article == key && f.Repo == d.Upstream.Repo && f.Pinned == d.Upstream.Commit {
				if dd == nil {
					dd = &DocDrift{DriftComparison: *l.drift.Comparison(f.Repo, f.Pinned)}
				}
				dd.Findings = append(dd.Findings, f)
			}
		}
		d.Drift = dd
	}
	if l.lock == nil {
		return
	}
	upLine := keyLine(p.yml, "upstream")
	if p.source != nil {
		if a := l.lock.Article(key); a != nil && a.Commit == d.Upstream.Commit && a.Unavailable == "" {
			d.Locked = a
		}
		return
	}
	a := l.lock.Article(key)
	switch {
	case a == nil:
		p.warn(l, upLine, "%s has no entry for this article: run codeatlas upstream lock", LockFile)
		return
	case a.Repo != d.Upstream.Repo || a.Commit != d.Upstream.Commit:
		p.warn(l, upLine, "%s locates this article's code in %s at %s, but it pins %s at %s: run codeatlas upstream lock", LockFile, a.Repo, short(a.Commit), d.Upstream.Repo, short(d.Upstream.Commit))
		return
	case a.Unavailable != "":
		// The lock says why (no clone, commit missing) and stays valid.
		return
	}
	d.Locked = a
	for _, s := range d.Upstream.Symbols {
		s = strings.TrimSpace(s)
		if a.Symbol(s) == nil {
			p.warn(l, lineOr(d.Upstream.SymbolLines[s], upLine), "upstream symbol %q is not in %s: run codeatlas upstream lock", s, LockFile)
		}
	}
	for _, s := range d.Upstream.Paths {
		s = strings.TrimSpace(s)
		if !a.HasPath(s) {
			p.warn(l, lineOr(d.Upstream.PathLines[s], upLine), "upstream path %q is not in %s: run codeatlas upstream lock", s, LockFile)
		}
	}
}

// staleLockEntries reports lock entries no article cites any more.
func (l *loader) staleLockEntries() {
	if l.lock == nil {
		return
	}
	for _, a := range l.lock.Articles {
		p := l.byPath[a.Path]
		if p == nil || !p.doc.CitesUpstream() {
			l.diags.warnf(LockFile, a.Line, "article %s cites no upstream code any more (or is gone): run codeatlas upstream lock", a.Path)
			continue
		}
		d := p.doc
		if a.Repo != d.Upstream.Repo || a.Commit != d.Upstream.Commit {
			continue // reported on the article
		}
		cited := map[string]bool{}
		for _, s := range d.Upstream.Symbols {
			cited["s"+strings.TrimSpace(s)] = true
		}
		for _, s := range d.Upstream.Paths {
			cited["p"+strings.TrimSpace(s)] = true
		}
		for _, s := range a.Symbols {
			if !cited["s"+s.Name] {
				l.diags.warnf(LockFile, s.Line, "%s no longer cites symbol %q: run codeatlas upstream lock", a.Path, s.Name)
			}
		}
		for _, lp := range a.Paths {
			if !cited["p"+lp.Path] {
				l.diags.warnf(LockFile, lp.Line, "%s no longer cites path %q: run codeatlas upstream lock", a.Path, lp.Path)
			}
		}
	}
}

func lineOr(line, fallback int) int {
	if line > 0 {
		return line
	}
	return fallback
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
