package extract

import (
	"bytes"
	"testing"
)

func TestLockRoundTrip(t *testing.T) {
	l := &Lock{Articles: []*LockedArticle{
		{Path: "b/two.md", Repo: "o/r", Commit: "c2", Unavailable: "no clone of o/r"},
		{Path: "a/one.md", Repo: "o/r", Commit: "c1",
			Paths:   []LockedPath{{Path: "z.go"}, {Path: "dir", Dir: true}},
			Symbols: []LockedSymbol{{Name: "pkg.Z", Path: "z.go", First: 3, Last: 9}, {Name: "Kernel::handle (Foundation/Http)", Path: "K.php", First: 1, Last: 1}}},
	}}
	data := l.Format()
	back, diags := ParseLock(LockFile, data)
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if again := back.Format(); !bytes.Equal(again, data) {
		t.Errorf("format(parse(x)) != x:\n%s\n---\n%s", again, data)
	}
	a := back.Article("a/one.md")
	if a == nil || a.Symbol("Kernel::handle (Foundation/Http)") == nil || !a.HasPath("dir") || back.Article("c.md") != nil {
		t.Errorf("lookups failed: %+v", a)
	}
	if back.Articles[0].Path != "a/one.md" || back.Articles[0].Paths[0].Path != "dir" {
		t.Errorf("not sorted: %+v", back.Articles[0])
	}
}

func TestDriftRoundTrip(t *testing.T) {
	d := &Drift{
		Comparisons: []DriftComparison{{Repo: "o/r", Pinned: "p1", Against: "a1", Commits: 7}},
		Findings: []DriftFinding{
			{Article: "x.md", Repo: "o/r", Kind: SymbolMoved, Path: "a.go", Symbol: "pkg.A", NewPath: "b.go", Pinned: "p1", Against: "a1", Commit: "c", Date: "2026-01-02"},
			{Article: "x.md", Repo: "o/r", Kind: PathDeleted, Path: "a.go", Pinned: "p1", Against: "a1"},
		},
	}
	data := d.Format()
	back, diags := ParseDrift(DriftFile, data)
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if again := back.Format(); !bytes.Equal(again, data) {
		t.Errorf("format(parse(x)) != x:\n%s\n---\n%s", again, data)
	}
	if back.Findings[0].Kind != PathDeleted || back.Findings[1].NewPath != "b.go" || back.Findings[1].Against != "a1" {
		t.Errorf("findings: %+v", back.Findings)
	}
	_, diags = ParseDrift(DriftFile, []byte("finding\tx.md\tpath-deleted\ta.go\t-\t-\tp9\t-\t-\nfinding\tx.md\tvanished\ta\t-\t-\tp\t-\t-\n"))
	if len(diags) != 2 {
		t.Errorf("want two diagnostics (no compare record, unknown kind), got %v", diags)
	}
}

func TestBlobURL(t *testing.T) {
	u := Upstream{Repo: "o/r", Commit: "abc"}
	tests := []struct {
		path        string
		first, last int
		want        string
	}{
		{"a/b.go", 3, 9, "https://github.com/o/r/blob/abc/a/b.go#L3-L9"},
		{"a/b.go", 3, 3, "https://github.com/o/r/blob/abc/a/b.go#L3"},
		{"dir/", 0, 0, "https://github.com/o/r/blob/abc/dir"},
		{"we ird/#x?.go", 1, 2, "https://github.com/o/r/blob/abc/we%20ird/%23x%3F.go#L1-L2"},
	}
	for _, tc := range tests {
		if got := u.BlobURL(tc.path, tc.first, tc.last); got != tc.want {
			t.Errorf("BlobURL(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
	for _, bad := range []Upstream{{Repo: "javascript:alert(1)", Commit: "c"}, {Repo: "../x", Commit: "c"}, {Repo: "o/r"}} {
		if got := bad.BlobURL("a.go", 1, 2); got != "" {
			t.Errorf("%+v gave %q", bad, got)
		}
	}
}

func FuzzParseLock(f *testing.F) {
	f.Add([]byte("article\ta.md\to/r\tc\npath\tx\tfile\nsymbol\tp.X\tx\t1\t2\nunavailable\twhy\n"))
	f.Add([]byte("symbol\tp.X\tx\t1\n# c\narticle\ta.md\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, _ := ParseLock(LockFile, data)
		out := l.Format()
		back, diags := ParseLock(LockFile, out)
		if len(diags) > 0 {
			// Names with tabs or newlines cannot round-trip; lock never writes them.
			return
		}
		if !bytes.Equal(back.Format(), out) {
			t.Errorf("not stable:\n%s", out)
		}
	})
}

func FuzzParseDrift(f *testing.F) {
	f.Add([]byte("compare\to/r\tp\ta\t3\nfinding\tx.md\tsymbol-gone\ta.go\tp.A\t-\tp\tc\t2026-01-01\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, _ := ParseDrift(DriftFile, data)
		_ = d.Format()
	})
}
