package upstream

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/codeatlas/codeatlas/extract"
)

// Drift compares, for every article that cites upstream code, the commit
// it pins with against (a ref each clone resolves; "" is HEAD): cited paths
// deleted or renamed, cited symbols gone or defined in another file, and
// for each change the first upstream commit on the first-parent line that
// shows it. A repository without a clone, a pinned commit the clone lacks,
// or a ref it cannot resolve is a warning and is left out.
func Drift(ctx context.Context, c *extract.Corpus, against string, o Options) (*extract.Drift, []extract.Diagnostic, error) {
	if against == "" {
		against = "HEAD"
	}
	repos, byRepo := articles(c)
	out := &extract.Drift{}
	var diags []extract.Diagnostic
	var mu sync.Mutex
	err := o.eachRepo(ctx, repos, func(ctx context.Context, name string) error {
		d, ds, err := driftRepo(ctx, name, byRepo[name], against, o)
		if err != nil {
			return err
		}
		mu.Lock()
		out.Comparisons = append(out.Comparisons, d.Comparisons...)
		out.Findings = append(out.Findings, d.Findings...)
		diags = append(diags, ds...)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	out.Sort()
	sortDiagnostics(diags)
	return out, diags, nil
}

// pinState is one pinned commit compared with the against commit.
type pinState struct {
	pin, against string
	changes      map[string]change
	before       *resolver // at the pinned commit
	after        *resolver // at the against commit
}

func driftRepo(ctx context.Context, name string, docs []*extract.Document, against string, o Options) (*extract.Drift, []extract.Diagnostic, error) {
	out := &extract.Drift{}
	var diags []extract.Diagnostic
	warn := func(d *extract.Document, format string, args ...any) {
		diags = append(diags, extract.Diagnostic{Path: d.Path, Line: upstreamLine(d), Severity: extract.SeverityWarning, Message: fmt.Sprintf(format, args...)})
	}
	r, why, err := o.openClone(ctx, name)
	if err != nil {
		warn(docs[0], "%v", err)
		return out, diags, nil
	}
	if r == nil {
		warn(docs[0], "%s under %s: not comparing %s", why, o.Repos, articlesN(len(docs)))
		return out, diags, nil
	}
	defer r.close()
	to, err := r.commit(ctx, against)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		warn(docs[0], "%s: %v: not comparing %s", r.dir, err, articlesN(len(docs)))
		return out, diags, nil
	}
	after, err := r.tree(ctx, to)
	if err != nil {
		return nil, nil, err
	}
	afterRes := newResolver(after)
	pins := map[string]*pinState{}
	for _, d := range docs {
		pin := d.Upstream.Commit
		st, seen := pins[pin]
		if !seen {
			pins[pin] = nil
			if full, err := r.commit(ctx, pin); err != nil || full != pin {
				if ctx.Err() != nil {
					return nil, nil, ctx.Err()
				}
				warn(d, "commit %s of %s is not in the clone %s: not comparing the articles that pin it", short(pin), name, r.dir)
				continue
			}
			n, err := r.count(ctx, pin, to)
			if err != nil {
				return nil, nil, err
			}
			out.Comparisons = append(out.Comparisons, extract.DriftComparison{Repo: name, Pinned: pin, Against: to, Commits: n})
			changes, err := r.diff(ctx, pin, to)
			if err != nil {
				return nil, nil, err
			}
			before, err := r.tree(ctx, pin)
			if err != nil {
				return nil, nil, err
			}
			st = &pinState{pin: pin, against: to, changes: changes, before: newResolver(before), after: afterRes}
			pins[pin] = st
		}
		if st == nil || st.pin == st.against {
			continue
		}
		fs, err := driftArticle(ctx, r, st, d)
		if err != nil {
			return nil, nil, err
		}
		out.Findings = append(out.Findings, fs...)
	}
	return out, diags, nil
}

// driftArticle finds what changed in the code one article cites.
func driftArticle(ctx context.Context, r *repo, st *pinState, d *extract.Document) ([]extract.DriftFinding, error) {
	var out []extract.DriftFinding
	base := extract.DriftFinding{Article: d.Path, Repo: d.Upstream.Repo, Pinned: st.pin, Against: st.against}
	add := func(f extract.DriftFinding, commit string) error {
		if commit != "" {
			date, err := r.date(ctx, commit)
			if err != nil {
				return err
			}
			f.Commit, f.Date = commit, date
		}
		out = append(out, f)
		return nil
	}
	for _, p := range citedPaths(d) {
		kind := st.before.pathKind(p)
		if kind == "" || st.after.pathKind(p) == kind {
			continue // not there when pinned (lock reports it), or still there
		}
		f := base
		f.Path = p
		if kind == "file" {
			if ch, ok := st.changes[p]; ok && ch.status == 'R' {
				f.Kind, f.NewPath = extract.PathMoved, ch.newPath
			} else {
				f.Kind = extract.PathDeleted
			}
		} else {
			f.Kind, f.NewPath = movedDir(st, p)
		}
		present := func(commit, p string) (bool, error) {
			k, err := r.kind(ctx, commit, p)
			return k != "", err
		}
		var commit string
		var err error
		if f.Kind == extract.PathDeleted {
			var to string
			commit, to, err = removal(ctx, r, st, p, present)
			if to != "" {
				f.Kind, f.NewPath = extract.PathMoved, to
			}
		} else {
			commit, err = firstChange(ctx, r, st.pin, st.against, p, present)
		}
		if err != nil {
			return nil, err
		}
		if err := add(f, commit); err != nil {
			return nil, err
		}
	}
	cited := citedPaths(d)
	var citedAfter []string
	for _, p := range cited {
		if ch, ok := st.changes[p]; ok && ch.status == 'R' {
			p = ch.newPath
		}
		citedAfter = append(citedAfter, p)
	}
	for _, raw := range d.Upstream.Symbols {
		raw = strings.TrimSpace(raw)
		s, err := parseSymbol(raw)
		if err != nil {
			continue // lock reports it
		}
		was, err := st.before.resolve(s, cited)
		if err != nil {
			continue // lock reports it
		}
		now, found, err := findAfter(st, s, was, citedAfter)
		if err != nil {
			return nil, err
		}
		if found && now.Path == was.Path {
			continue
		}
		f := base
		f.Path, f.Symbol = was.Path, raw
		if found {
			f.Kind, f.NewPath = extract.SymbolMoved, now.Path
		} else {
			f.Kind = extract.SymbolGone
		}
		// A move is seen in the first commit whose file at the old path no
		// longer defines the symbol; a removal where it is defined nowhere
		// along the file's renames.
		present := func(commit, p string) (bool, error) {
			t := (&gitTree{r: r, commit: commit}).withContext(ctx)
			_, ok, err := defInFile(newResolver(t), s, p)
			return ok, err
		}
		var commit string
		if found {
			commit, err = firstChange(ctx, r, st.pin, st.against, was.Path, present)
		} else {
			var to string
			commit, to, err = removal(ctx, r, st, was.Path, present)
			if to != "" {
				f.Kind, f.NewPath = extract.SymbolMoved, to
			}
		}
		if err != nil {
			return nil, err
		}
		if err := add(f, commit); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// findAfter looks for a symbol at the against commit: first in its file
// (followed through a rename), then wherever the notation resolves, then,
// for a package cited by directory whose file moved, in the new directory.
func findAfter(st *pinState, s symbol, was Def, cited []string) (Def, bool, error) {
	file := was.Path
	if ch, ok := st.changes[file]; ok {
		switch ch.status {
		case 'R':
			file = ch.newPath
		case 'D':
			file = ""
		}
	}
	if file != "" {
		if def, ok, err := defInFile(st.after, s, file); err != nil || ok {
			return def, ok, err
		}
	}
	if def, err := st.after.resolve(s, cited); err == nil {
		return def, true, nil
	}
	if s.byDir() && file != "" && dirOf(file) != s.qual {
		moved := s
		moved.qual = dirOf(file)
		if def, err := st.after.resolve(moved, cited); err == nil {
			return def, true, nil
		}
	}
	return Def{}, false, nil
}

// defInFile looks for the symbol's definition in one file only.
func defInFile(res *resolver, s symbol, file string) (Def, bool, error) {
	src, err := res.t.Read(file)
	if err != nil {
		return Def{}, false, nil // no such file
	}
	if s.php {
		pf := indexPHP(file, src)
		class := s.qual
		if i := strings.LastIndex(class, `\`); i >= 0 {
			class = class[i+1:]
		}
		for _, c := range pf.classes {
			if !strings.EqualFold(c.name, class) {
				continue
			}
			if len(s.names) == 0 {
				return c.def, true, nil
			}
			m := c.members[strings.ToLower(s.names[0])]
			if len(m) == 0 {
				m = c.members[s.names[0]]
			}
			if len(m) > 0 {
				return m[0], true, nil
			}
		}
		if len(s.names) == 0 {
			if f := pf.functions[strings.ToLower(class)]; len(f) > 0 {
				return f[0], true, nil
			}
		}
		return Def{}, false, nil
	}
	gf := indexGo(file, src)
	if defs := gf.defs[strings.Join(s.names, ".")]; len(defs) > 0 {
		return defs[0], true, nil
	}
	return Def{}, false, nil
}

// firstChange finds the first commit on the first-parent line from (not
// included) to to that touches p and after which present(commit, p) is
// false, by bisection: a change is taken to stay once made. "" when there
// is none.
func firstChange(ctx context.Context, r *repo, from, to, p string, present func(commit, p string) (bool, error)) (string, error) {
	commits, err := r.firstParentCommits(ctx, from, to, p)
	if err != nil {
		return "", err
	}
	var firstErr error
	i := sort.Search(len(commits), func(i int) bool {
		if firstErr != nil {
			return true
		}
		ok, err := present(commits[i], p)
		if err != nil {
			firstErr = err
		}
		return !ok
	})
	if firstErr != nil {
		return "", firstErr
	}
	if i == len(commits) {
		return "", nil
	}
	return commits[i], nil
}

// removal finds the commit that removed what present looks for at p,
// following p through renames: a file renamed in one commit and deleted in
// a later one was removed by the later one. A file renamed and then changed
// so much that the whole diff no longer pairs the two names was moved:
// movedTo is where it is now, and commit the first rename.
func removal(ctx context.Context, r *repo, st *pinState, p string, present func(commit, p string) (bool, error)) (commit, movedTo string, err error) {
	from, firstRename := st.pin, ""
	for hops := 0; hops < 20; hops++ {
		c, err := firstChange(ctx, r, from, st.against, p, present)
		if err != nil {
			return "", "", err
		}
		if c == "" {
			if firstRename != "" {
				return firstRename, p, nil
			}
			return "", "", nil
		}
		renamed, err := r.diff(ctx, c+"^", c)
		if err != nil {
			return "", "", err
		}
		ch, ok := renamed[p]
		if !ok || ch.status != 'R' {
			return c, "", nil
		}
		if still, err := present(c, ch.newPath); err != nil || !still {
			return c, "", err
		}
		if firstRename == "" {
			firstRename = c
		}
		from, p = c, ch.newPath
	}
	return "", "", nil
}

// movedDir decides what became of a cited directory that is gone: moved,
// when every file it held was renamed into one new directory, else deleted.
func movedDir(st *pinState, dir string) (extract.DriftKind, string) {
	newDir := ""
	n := 0
	for _, f := range st.before.t.Files() {
		rel, ok := strings.CutPrefix(f, dir+"/")
		if !ok {
			continue
		}
		n++
		ch, ok := st.changes[f]
		if !ok || ch.status != 'R' || !strings.HasSuffix(ch.newPath, "/"+rel) {
			return extract.PathDeleted, ""
		}
		nd := strings.TrimSuffix(ch.newPath, "/"+rel)
		if newDir != "" && nd != newDir {
			return extract.PathDeleted, ""
		}
		newDir = nd
	}
	if n == 0 || newDir == "" || path.Clean(newDir) == dir {
		return extract.PathDeleted, ""
	}
	return extract.PathMoved, newDir
}
