package extract

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// DriftFile is the name of the drift report at the root of a notes folder:
// what changed upstream, between each article's pinned commit and a newer
// one, in the code the article cites. `codeatlas upstream drift --write`
// writes it; Load attaches its findings to the articles, whose pages then
// say that the code they describe moved or is gone.
const DriftFile = "upstream.drift"

// DriftKind names one kind of change.
type DriftKind string

// The kinds of drift.
const (
	PathDeleted  DriftKind = "path-deleted" // a cited path is gone
	PathMoved    DriftKind = "path-moved"   // a cited path was renamed (NewPath)
	SymbolGone   DriftKind = "symbol-gone"  // a cited symbol is defined nowhere
	SymbolMoved  DriftKind = "symbol-moved" // a cited symbol is defined in another file (NewPath)
	driftUnknown DriftKind = ""
)

func driftKind(s string) DriftKind {
	switch k := DriftKind(s); k {
	case PathDeleted, PathMoved, SymbolGone, SymbolMoved:
		return k
	}
	return driftUnknown
}

// Removed reports whether the kind means the code is gone, not moved.
func (k DriftKind) Removed() bool { return k == PathDeleted || k == SymbolGone }

// DriftFinding is one change in the code an article cites.
type DriftFinding struct {
	Article string    `json:"article"` // the article's path in the notes folder
	Repo    string    `json:"repo"`
	Kind    DriftKind `json:"kind"`
	Path    string    `json:"path"`     // the path at the pinned commit (a symbol's file)
	Symbol  string    `json:"symbol"`   // the symbol as cited; "" for a path
	NewPath string    `json:"new_path"` // where it is now, for moves
	Pinned  string    `json:"pinned"`   // the article's commit
	Against string    `json:"against"`  // the commit compared with
	// Commit is the first upstream commit after Pinned (on the first-parent
	// line to Against) in which the change is seen, and Date its day.
	Commit string `json:"commit,omitempty"`
	Date   string `json:"date,omitempty"`
}

// DriftComparison is one pinned commit of a repository compared with a newer
// one.
type DriftComparison struct {
	Repo    string
	Pinned  string
	Against string
	Commits int // commits in Against that Pinned lacks
}

// Drift is the parsed drift report.
type Drift struct {
	Comparisons []DriftComparison // sorted by repo, pinned commit
	Findings    []DriftFinding    // sorted by article, kind, path, symbol
}

// Comparison returns the comparison of repo's pinned commit, or nil.
func (d *Drift) Comparison(repo, pinned string) *DriftComparison {
	if d == nil {
		return nil
	}
	for i := range d.Comparisons {
		if c := &d.Comparisons[i]; c.Repo == repo && c.Pinned == pinned {
			return c
		}
	}
	return nil
}

// Sort puts comparisons and findings in their canonical order.
func (d *Drift) Sort() {
	sort.Slice(d.Comparisons, func(i, j int) bool {
		a, b := d.Comparisons[i], d.Comparisons[j]
		if a.Repo != b.Repo {
			return a.Repo < b.Repo
		}
		return a.Pinned < b.Pinned
	})
	sort.Slice(d.Findings, func(i, j int) bool { return lessFinding(d.Findings[i], d.Findings[j]) })
}

func lessFinding(a, b DriftFinding) bool {
	for _, p := range [][2]string{{a.Article, b.Article}, {string(a.Kind), string(b.Kind)}, {a.Path, b.Path}, {a.Symbol, b.Symbol}, {a.NewPath, b.NewPath}} {
		if p[0] != p[1] {
			return p[0] < p[1]
		}
	}
	return false
}

const driftHeader = `# upstream.drift: what changed upstream in the code the articles cite, since each pinned commit.
# Written by ` + "`codeatlas upstream drift --repos DIR --write`" + `: run it again rather than editing.
# Tab-separated records; "-" is an empty field:
#   compare  <owner/name>  <pinned commit>  <against commit>  <commits in between>
#   finding  <article path>  <kind>  <path>  <symbol>  <new path>  <pinned commit>  <commit of the change>  <its date>
`

// Format writes the report in its line-oriented form, sorted.
func (d *Drift) Format() []byte {
	c := &Drift{Comparisons: append([]DriftComparison(nil), d.Comparisons...), Findings: append([]DriftFinding(nil), d.Findings...)}
	c.Sort()
	var b bytes.Buffer
	b.WriteString(driftHeader)
	if len(c.Comparisons) > 0 {
		b.WriteByte('\n')
	}
	for _, cmp := range c.Comparisons {
		fmt.Fprintf(&b, "compare\t%s\t%s\t%s\t%d\n", cmp.Repo, cmp.Pinned, cmp.Against, cmp.Commits)
	}
	if len(c.Findings) > 0 {
		b.WriteByte('\n')
	}
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	for _, f := range c.Findings {
		fmt.Fprintf(&b, "finding\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Article, f.Kind, f.Path, dash(f.Symbol), dash(f.NewPath), f.Pinned, dash(f.Commit), dash(f.Date))
	}
	return b.Bytes()
}

// ParseDrift reads a report written by Format. Malformed lines are
// diagnostics located in the file called name; a finding takes its
// repository and against commit from the comparison of its pinned commit.
func ParseDrift(name string, data []byte) (*Drift, []Diagnostic) {
	var ds diags
	d := &Drift{}
	type pending struct {
		f    DriftFinding
		line int
	}
	var findings []pending
	undash := func(s string) string {
		if s == "-" {
			return ""
		}
		return s
	}
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
		switch f[0] {
		case "compare":
			if len(f) != 5 {
				ds.errorf(name, n, "compare record has %d fields, want 5 (tab-separated)", len(f))
				continue
			}
			count, err := strconv.Atoi(f[4])
			if err != nil || count < 0 {
				ds.errorf(name, n, "commit count %q is not a number", f[4])
				continue
			}
			d.Comparisons = append(d.Comparisons, DriftComparison{Repo: f[1], Pinned: f[2], Against: f[3], Commits: count})
		case "finding":
			if len(f) != 9 {
				ds.errorf(name, n, "finding record has %d fields, want 9 (tab-separated)", len(f))
				continue
			}
			k := driftKind(f[2])
			if k == driftUnknown {
				ds.errorf(name, n, "unknown drift kind %q", clipBytes(f[2], 40))
				continue
			}
			findings = append(findings, pending{DriftFinding{Article: f[1], Kind: k, Path: f[3], Symbol: undash(f[4]), NewPath: undash(f[5]), Pinned: f[6], Commit: undash(f[7]), Date: undash(f[8])}, n})
		default:
			ds.errorf(name, n, "unknown record %q", clipBytes(f[0], 40))
		}
	}
	for _, p := range findings {
		var cmp *DriftComparison
		for i := range d.Comparisons {
			if d.Comparisons[i].Pinned == p.f.Pinned {
				cmp = &d.Comparisons[i]
				break
			}
		}
		if cmp == nil {
			ds.errorf(name, p.line, "finding for %s: no compare record for commit %s", p.f.Article, p.f.Pinned)
			continue
		}
		p.f.Repo, p.f.Against = cmp.Repo, cmp.Against
		d.Findings = append(d.Findings, p.f)
	}
	d.Sort()
	return d, ds.list
}
