// Package upstream locates the code that notes cite in local clones of the
// upstream repositories. Lock finds, at the commit each article pins, the
// file and lines of every symbol in its upstream.symbols and the presence
// of every path in upstream.paths, for the notes' upstream.lock. Drift
// compares each pinned commit with a newer one and reports the cited code
// that was deleted, moved or renamed since, for upstream.drift.
//
// Clones live in one folder as OWNER/NAME (bare or not) and are read with
// the git command: `git ls-tree` for file lists, one `git cat-file --batch`
// per repository for contents, `git diff --find-renames` and `git rev-list`
// for history. Go is read with go/parser; PHP with a small scanner.
package upstream

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/codeatlas/codeatlas/extract"
)

// Options says where the clones are.
type Options struct {
	// Repos is the folder that holds the clones as Repos/OWNER/NAME.
	Repos string
	// Workers reads this many repositories at once. Default: GOMAXPROCS,
	// at most 4.
	Workers int
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return min(runtime.GOMAXPROCS(0), 4)
}

var repoRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// articles returns the documents a lock covers, grouped by repository (in
// order), each group sorted by path. Translations are not among the
// corpus's documents: they share their source's entry.
func articles(c *extract.Corpus) (repos []string, byRepo map[string][]*extract.Document) {
	byRepo = map[string][]*extract.Document{}
	for _, d := range c.Docs {
		if d.Bundled || !d.CitesUpstream() {
			continue
		}
		byRepo[d.Upstream.Repo] = append(byRepo[d.Upstream.Repo], d)
	}
	for r, ds := range byRepo {
		sort.Slice(ds, func(i, j int) bool { return ds[i].Path < ds[j].Path })
		repos = append(repos, r)
	}
	sort.Strings(repos)
	return repos, byRepo
}

// clonePath is where the clone of owner/name should be; an error for a
// repository name that is not owner/name.
func (o Options) clonePath(repo string) (string, error) {
	if !repoRE.MatchString(repo) || strings.Contains(repo, "..") {
		return "", fmt.Errorf("upstream.repo %q is not OWNER/NAME", repo)
	}
	return filepath.Join(o.Repos, filepath.FromSlash(repo)), nil
}

// openClone opens the clone of repo, or says why it cannot.
func (o Options) openClone(ctx context.Context, repo string) (*repo, string, error) {
	dir, err := o.clonePath(repo)
	if err != nil {
		return nil, "", err
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, "no clone of " + repo, nil
	}
	r, err := openRepo(ctx, dir)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", dir, err)
	}
	return r, "", nil
}

// eachRepo runs f for every repository on o.workers() goroutines and
// returns the first error.
func (o Options) eachRepo(ctx context.Context, repos []string, f func(ctx context.Context, repo string) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for i := 0; i < o.workers(); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range ch {
				if err := f(ctx, r); err != nil {
					mu.Lock()
					if first == nil {
						first = err
						cancel()
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, r := range repos {
		ch <- r
	}
	close(ch)
	wg.Wait()
	return first
}

// Lock locates, for every article of the corpus that cites upstream code,
// its paths and symbols at the commit it pins. An entry that does not
// resolve is an error diagnostic at the line of the front matter that
// names it. A repository without a clone, or without the pinned commit,
// is a warning, and its articles keep their entries from prev (the lock
// the notes have now) when those were made at the same commit.
func Lock(ctx context.Context, c *extract.Corpus, prev *extract.Lock, o Options) (*extract.Lock, []extract.Diagnostic, error) {
	repos, byRepo := articles(c)
	results := make(map[string]*repoLock, len(repos))
	var mu sync.Mutex
	err := o.eachRepo(ctx, repos, func(ctx context.Context, repo string) error {
		rl, err := lockRepo(ctx, repo, byRepo[repo], prev, o)
		if err != nil {
			return err
		}
		mu.Lock()
		results[repo] = rl
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	lock := &extract.Lock{}
	var diags []extract.Diagnostic
	for _, r := range repos {
		lock.Articles = append(lock.Articles, results[r].articles...)
		diags = append(diags, results[r].diags...)
	}
	sort.Slice(lock.Articles, func(i, j int) bool { return lock.Articles[i].Path < lock.Articles[j].Path })
	sortDiagnostics(diags)
	return lock, diags, nil
}

type repoLock struct {
	articles []*extract.LockedArticle
	diags    []extract.Diagnostic
}

func lockRepo(ctx context.Context, name string, docs []*extract.Document, prev *extract.Lock, o Options) (*repoLock, error) {
	out := &repoLock{}
	diag := func(d *extract.Document, line int, sev extract.Severity, format string, args ...any) {
		out.diags = append(out.diags, extract.Diagnostic{Path: d.Path, Line: line, Severity: sev, Message: fmt.Sprintf(format, args...)})
	}
	r, why, err := o.openClone(ctx, name)
	if err != nil {
		var ds []extract.Diagnostic
		for _, d := range docs {
			ds = append(ds, extract.Diagnostic{Path: d.Path, Line: upstreamLine(d), Severity: extract.SeverityError, Message: err.Error()})
		}
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		return &repoLock{diags: ds}, nil
	}
	if r != nil {
		defer r.close()
	}
	// unavailable keeps the previous entry made at the same commit, or
	// records why there is none.
	unavailable := func(d *extract.Document, why string) {
		if p := prev.Article(d.Path); p != nil && p.Repo == name && p.Commit == d.Upstream.Commit && p.Unavailable == "" {
			out.articles = append(out.articles, p)
			return
		}
		out.articles = append(out.articles, &extract.LockedArticle{Path: d.Path, Repo: name, Commit: d.Upstream.Commit, Unavailable: why})
	}
	if r == nil {
		diag(docs[0], upstreamLine(docs[0]), extract.SeverityWarning, "%s under %s (looked for %s): not locating %s (previous lock entries are kept)", why, o.Repos, filepath.Join(o.Repos, filepath.FromSlash(name)), articlesN(len(docs)))
		for _, d := range docs {
			unavailable(d, why)
		}
		return out, nil
	}
	resolvers := map[string]*resolver{}
	missing := map[string]bool{}
	for _, d := range docs {
		commit := d.Upstream.Commit
		if commit == "" {
			diag(d, upstreamLine(d), extract.SeverityError, "upstream.commit is empty: pin the full commit hash the ref points to")
			continue
		}
		res := resolvers[commit]
		if res == nil && !missing[commit] {
			full, err := r.commit(ctx, commit)
			if err == nil && full != commit {
				err = fmt.Errorf("%s is %s: write the full hash", commit, full)
			}
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				missing[commit] = true
				diag(d, upstreamLine(d), extract.SeverityWarning, "commit %s of %s is not in the clone %s (%v): not locating the articles that pin it (previous lock entries are kept)", short(commit), name, r.dir, err)
			} else {
				t, err := r.tree(ctx, commit)
				if err != nil {
					return nil, err
				}
				res = newResolver(t)
				resolvers[commit] = res
			}
		}
		if res == nil {
			unavailable(d, "commit not in the clone")
			continue
		}
		a := &extract.LockedArticle{Path: d.Path, Repo: name, Commit: commit}
		seenPath := map[string]bool{}
		for _, p := range d.Upstream.Paths {
			p = strings.TrimSpace(p)
			line := lineOr(d.Upstream.PathLines[p], upstreamLine(d))
			if seenPath[p] {
				continue
			}
			seenPath[p] = true
			if hasControl(p) {
				diag(d, line, extract.SeverityError, "upstream path %q holds a control character", p)
				continue
			}
			switch res.pathKind(p) {
			case "file":
				a.Paths = append(a.Paths, extract.LockedPath{Path: p})
			case "dir":
				a.Paths = append(a.Paths, extract.LockedPath{Path: p, Dir: true})
			default:
				diag(d, line, extract.SeverityError, "upstream path %q does not exist in %s at %s", p, name, short(commit))
			}
		}
		cited := citedPaths(d)
		seenSym := map[string]bool{}
		for _, raw := range d.Upstream.Symbols {
			raw = strings.TrimSpace(raw)
			line := lineOr(d.Upstream.SymbolLines[raw], upstreamLine(d))
			if seenSym[raw] {
				continue
			}
			seenSym[raw] = true
			s, err := parseSymbol(raw)
			if err != nil {
				diag(d, line, extract.SeverityError, "upstream symbol %q: %v", raw, err)
				continue
			}
			if hasControl(raw) {
				diag(d, line, extract.SeverityError, "upstream symbol %q holds a control character", raw)
				continue
			}
			def, err := res.resolve(s, cited)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				diag(d, line, extract.SeverityError, "upstream symbol %q not found in %s at %s: %v", raw, name, short(commit), err)
				continue
			}
			a.Symbols = append(a.Symbols, extract.LockedSymbol{Name: raw, Path: def.Path, First: def.First, Last: def.Last})
		}
		out.articles = append(out.articles, a)
	}
	return out, nil
}

// citedPaths are an article's upstream paths, trimmed.
func citedPaths(d *extract.Document) []string {
	var out []string
	for _, p := range d.Upstream.Paths {
		if p = strings.Trim(strings.TrimSpace(p), "/"); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// upstreamLine is the line of the article's upstream: key.
func upstreamLine(d *extract.Document) int { return lineOr(d.Upstream.Line, 1) }

func lineOr(line, fallback int) int {
	if line > 0 {
		return line
	}
	return fallback
}

func sortDiagnostics(ds []extract.Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Message < b.Message
	})
}

func articlesN(n int) string {
	if n == 1 {
		return "its article"
	}
	return fmt.Sprintf("its %d articles", n)
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0
}
