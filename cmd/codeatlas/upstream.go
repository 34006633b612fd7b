package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codeatlas/codeatlas/content"
	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/extract/upstream"
)

func newUpstream() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "upstream",
		Short: "Locate the code the notes cite in local clones: lock and drift",
		Long: `upstream reads local clones of the repositories the notes cite, kept in one
folder as DIR/OWNER/NAME (bare or not), with the git command.

  lock   writes upstream.lock beside the notes: the file and lines of every
         cited symbol, and the presence of every cited path, at each
         article's pinned commit. Pages link code spans to those lines.
  drift  compares each pinned commit with a newer one (each clone's HEAD by
         default) and reports cited code deleted, moved or renamed since.`,
	}
	cmd.AddCommand(newUpstreamLock(), newUpstreamDrift())
	return cmd
}

// usageError is a wrong invocation: exit status 2.
func usageError(err error) error {
	return exitError{msg: err.Error(), code: 2, print: true}
}

// upstreamFlags are the flags lock and drift share.
type upstreamFlags struct {
	repos, notes string
}

func (f *upstreamFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.repos, "repos", "", "folder holding the clones as OWNER/NAME (required)")
	cmd.Flags().StringVar(&f.notes, "content", "content", "notes folder to read and write (the bundled notes in a checkout by default)")
	_ = cmd.MarkFlagDirname("repos")
	_ = cmd.MarkFlagDirname("content")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
}

// load checks the flags and reads the notes.
func (f *upstreamFlags) load() (*extract.Corpus, error) {
	if f.repos == "" {
		return nil, usageError(errors.New("--repos DIR is required: the folder holding the clones as OWNER/NAME"))
	}
	for _, d := range []struct{ flag, dir string }{{"--repos", f.repos}, {"--content", f.notes}} {
		fi, err := os.Stat(d.dir)
		if err != nil || !fi.IsDir() {
			return nil, usageError(fmt.Errorf("%s %s is not a folder", d.flag, d.dir))
		}
	}
	c, err := extract.Load(os.DirFS(f.notes), extract.Options{Fallback: content.FS()})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.notes, err)
	}
	return c, nil
}

// prefix locates a diagnostic from the current folder, as an editor opens it.
func (f *upstreamFlags) prefix(d extract.Diagnostic) extract.Diagnostic {
	d.Path = filepath.ToSlash(filepath.Join(f.notes, filepath.FromSlash(d.Path)))
	return d
}

func newUpstreamLock() *cobra.Command {
	var f upstreamFlags
	var check bool
	cmd := &cobra.Command{
		Use:   "lock --repos DIR [--content NOTES]",
		Short: "Write upstream.lock: where each cited symbol and path is, at each article's pinned commit",
		Long: `lock resolves every upstream.symbols entry of every article to the file and
lines of its definition at the commit the article pins (Go: functions,
methods, types, constants, variables, struct fields, interface methods;
PHP: classes, interfaces, traits, enums, methods, constants, functions), and
every upstream.paths entry to a file or folder, and writes the result to
NOTES/upstream.lock. The same notes and clones give the same bytes.

An entry that does not resolve is an error at the line of the front matter
that names it; the lock is written without it and lock exits 1. A
repository without a clone, or without the pinned commit, is a warning: its
articles keep their previous entries.`,
		Example: `  codeatlas upstream lock --repos ~/src/github.com
  codeatlas upstream lock --repos ~/clones --content ~/notes --check`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError(fmt.Errorf("unexpected argument %q", args[0]))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.load()
			if err != nil {
				return err
			}
			file := filepath.Join(f.notes, extract.LockFile)
			prevData, err := os.ReadFile(file)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			prev, _ := extract.ParseLock(extract.LockFile, prevData)
			lock, diags, err := upstream.Lock(cmd.Context(), c, prev, upstream.Options{Repos: f.repos})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, d := range diags {
				fmt.Fprintln(out, f.prefix(d))
			}
			data := lock.Format()
			changed := !bytes.Equal(data, prevData)
			errs := 0
			for _, d := range diags {
				if d.Severity == extract.SeverityError {
					errs++
				}
			}
			fmt.Fprintln(out, lockSummary(lock, file, changed, check))
			if check {
				if changed {
					return exitError{msg: file + " is out of date: run codeatlas upstream lock", code: 1, print: true}
				}
			} else if changed {
				if err := writeFileAtomic(file, data); err != nil {
					return err
				}
			}
			if errs > 0 {
				return exitError{msg: plural(errs, "entry") + " not resolved"}
			}
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVar(&check, "check", false, "write nothing; exit 1 when upstream.lock is not what lock would write")
	return cmd
}

func lockSummary(l *extract.Lock, file string, changed, check bool) string {
	var arts, syms, paths, unavailable int
	var why []string
	seen := map[string]bool{}
	for _, a := range l.Articles {
		arts++
		syms += len(a.Symbols)
		paths += len(a.Paths)
		if a.Unavailable != "" {
			unavailable++
			if k := a.Repo + ": " + a.Unavailable; !seen[k] {
				seen[k] = true
				why = append(why, k)
			}
		}
	}
	state := "unchanged"
	switch {
	case changed && check:
		state = "out of date"
	case changed:
		state = "written"
	}
	s := fmt.Sprintf("%s %s: %s, %s, %s", file, state, plural(arts, "article"), plural(syms, "symbol"), plural(paths, "path"))
	if unavailable > 0 {
		s += fmt.Sprintf("; %s not located (%s)", plural(unavailable, "article"), strings.Join(why, "; "))
	}
	return s
}

// writeFileAtomic replaces a file by renaming a complete copy over it, so
// a server watching the folder never reads half of it.
func writeFileAtomic(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), name)
}

func newUpstreamDrift() *cobra.Command {
	var f upstreamFlags
	var against string
	var asJSON, write bool
	cmd := &cobra.Command{
		Use:   "drift --repos DIR [--against REF] [--json] [--write]",
		Short: "Report cited code deleted, moved or renamed upstream since each pinned commit",
		Long: `drift compares each article's pinned commit with REF in the clone (HEAD by
default): cited paths deleted or renamed (git diff --find-renames), cited
symbols gone or now defined in another file, each with the first commit on
the first-parent line that shows the change, and the number of commits in
between for each repository.

The report is grouped by repository; --json prints a list of findings
(article, repo, kind, path, symbol, new_path, pinned, against, commit,
date). --write also writes NOTES/upstream.drift, from which article pages
say that the code they describe was removed, and by which commit.

Exit status: 0 when nothing drifted, 1 when something did, 2 on a usage
error or when the comparison could not run.`,
		Example: `  codeatlas upstream drift --repos ~/clones
  codeatlas upstream drift --repos ~/clones --against origin/main --json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError(fmt.Errorf("unexpected argument %q", args[0]))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.load()
			if err != nil {
				return troubled(err)
			}
			d, diags, err := upstream.Drift(cmd.Context(), c, against, upstream.Options{Repos: f.repos})
			if err != nil {
				return troubled(err)
			}
			for _, dg := range diags {
				fmt.Fprintln(cmd.ErrOrStderr(), f.prefix(dg))
			}
			if len(d.Comparisons) == 0 {
				return troubled(fmt.Errorf("nothing compared: no clone under %s holds both a pinned commit and %s", f.repos, against))
			}
			out := cmd.OutOrStdout()
			if asJSON {
				findings := d.Findings
				if findings == nil {
					findings = []extract.DriftFinding{}
				}
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(findings); err != nil {
					return troubled(err)
				}
			} else {
				writeDrift(out, d)
			}
			if write {
				if err := writeFileAtomic(filepath.Join(f.notes, extract.DriftFile), d.Format()); err != nil {
					return troubled(err)
				}
			}
			if len(d.Findings) > 0 {
				return exitError{msg: plural(len(d.Findings), "finding"), code: 1}
			}
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&against, "against", "HEAD", "the ref to compare with, resolved in each clone")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the findings as a JSON list")
	cmd.Flags().BoolVar(&write, "write", false, "also write the report to NOTES/upstream.drift")
	return cmd
}

// troubled makes a failure exit 2, as diff(1) does, so that 1 keeps
// meaning "drifted".
func troubled(err error) error {
	var ee exitError
	if errors.As(err, &ee) {
		return err
	}
	return exitError{msg: err.Error(), code: 2, print: true}
}

// writeDrift prints the report grouped by repository, then by article.
func writeDrift(w io.Writer, d *extract.Drift) {
	byRepo := map[string][]extract.DriftFinding{}
	for _, f := range d.Findings {
		byRepo[f.Repo] = append(byRepo[f.Repo], f)
	}
	articles, removed := map[string]bool{}, map[string]bool{}
	for _, cmp := range d.Comparisons {
		fmt.Fprintf(w, "%s %s..%s: %s", cmp.Repo, short(cmp.Pinned), short(cmp.Against), plural(cmp.Commits, "commit"))
		var fs []extract.DriftFinding
		for _, f := range byRepo[cmp.Repo] {
			if f.Pinned == cmp.Pinned {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			fmt.Fprintln(w, ", nothing cited changed")
			continue
		}
		fmt.Fprintf(w, ", %s\n", plural(len(fs), "finding"))
		last := ""
		for _, f := range fs {
			if f.Article != last {
				fmt.Fprintf(w, "  %s\n", f.Article)
				last = f.Article
			}
			articles[f.Article] = true
			if f.Kind.Removed() {
				removed[f.Article] = true
			}
			what := f.Path
			if f.Symbol != "" {
				what = f.Symbol + " (" + f.Path + ")"
			}
			if f.NewPath != "" {
				what += " -> " + f.NewPath
			}
			when := ""
			if f.Commit != "" {
				when = "  [" + short(f.Commit) + " " + f.Date + "]"
			}
			fmt.Fprintf(w, "    %-13s %s%s\n", f.Kind, what, when)
		}
	}
	gone := make([]string, 0, len(removed))
	for a := range removed {
		gone = append(gone, a)
	}
	sort.Strings(gone)
	fmt.Fprintf(w, "\n%s in %s; %s cite code that no longer exists upstream", plural(len(d.Findings), "finding"), plural(len(articles), "article"), plural(len(gone), "article"))
	if len(gone) > 0 {
		fmt.Fprintf(w, ":\n  %s", strings.Join(gone, "\n  "))
	}
	fmt.Fprintln(w)
}

func plural(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
