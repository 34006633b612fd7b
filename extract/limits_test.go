package extract

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// manyLinks is a note of n links to b.md, ten per line, in one paragraph
// with no sentence punctuation: the worst case for finding a link's
// sentence.
func manyLinks(n int, item string) fstest.MapFS {
	var b strings.Builder
	b.WriteString("# A\n\n")
	for i := 1; i <= n; i++ {
		b.WriteString(item)
		if i%10 == 0 {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
	}
	return fstest.MapFS{
		"x/a.md":           {Data: []byte(b.String())},
		"x/b.md":           {Data: []byte("# B\n")},
		"concepts/raft.md": {Data: []byte("---\nkind: concept\ntitle: Raft\naliases: [raft]\n---\nRaft.\n")},
		"concepts/grpc.md": {Data: []byte("---\nkind: concept\ntitle: gRPC\naliases: [grpc]\n---\ngRPC.\n")},
	}
}

// TestManyLinks: a note of 200,000 links in one paragraph loads (in
// seconds: finding sentences is linear), its first MaxLinks links become
// facts with clipped evidence, and a warning states the limit.
func TestManyLinks(t *testing.T) {
	c, err := Load(manyLinks(200000, "[b](b.md)"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	links := 0
	for _, f := range c.Facts {
		if f.Relation == Links {
			links++
			if len(f.Evidence.Text) > evidenceLen+len("…") || !strings.HasPrefix(f.Evidence.Text, "b b b") {
				t.Fatalf("evidence %q", f.Evidence.Text)
			}
		}
	}
	if links != 10000 {
		t.Errorf("%d link facts, want the limit, 10000", links)
	}
	want := "x/a.md:1003: warning: 200000 links and images: only the first 10000 are read (the limit per note); the rest stay as written"
	if got := formatDiags(c); !strings.Contains(got, want) {
		t.Errorf("diagnostics lack %q:\n%s", want, got)
	}
}

// TestManyMentions: 40,000 bare mentions in one sentence give each concept
// its one fact for that sentence.
func TestManyMentions(t *testing.T) {
	c, err := Load(manyLinks(40000, "raft grpc"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range c.Facts {
		if f.Subject == "a/x/a" && f.Relation == Mentions {
			got = append(got, fmt.Sprintf("%s %s :%d", f.Relation, f.Object, f.Evidence.Line))
		}
	}
	if want := "mentions c/grpc :3,mentions c/raft :3"; strings.Join(got, ",") != want {
		t.Errorf("facts %v, want %s", got, want)
	}
}

// BenchmarkManyLinks loads a note of n links in one paragraph with every
// link resolved (MaxLinks n): the time per link must stay flat as n grows.
func BenchmarkManyLinks(b *testing.B) {
	for _, n := range []int{10000, 40000, 200000} {
		fsys := manyLinks(n, "[b](b.md)")
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Load(fsys, Options{MaxLinks: n}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/link")
		})
	}
}

// BenchmarkManyMentions is the same for bare concept mentions.
func BenchmarkManyMentions(b *testing.B) {
	for _, n := range []int{10000, 40000, 200000} {
		fsys := manyLinks(n, "raft grpc")
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Load(fsys, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/mention")
		})
	}
}

// naiveBounds is the sentence search Load used before sentences were
// indexed: a scan back and forth from off.
func naiveBounds(text string, off int) (int, int) {
	off = min(off, len(text))
	start := 0
	for i := off - 1; i >= 0; i-- {
		if isStop(text, i) {
			start = i + stopLen(text, i)
			break
		}
	}
	end := len(text)
	for i := off; i < len(text); i++ {
		if isStop(text, i) {
			end = i + stopLen(text, i)
			break
		}
	}
	return start, end
}

// FuzzSentence: the index finds the sentence a scan from the offset finds,
// and the evidence is the sentence's words, clipped.
func FuzzSentence(f *testing.F) {
	f.Add("First one. Raft is here. Last.", 12)
	f.Add("第一句。服务发现在这里。第三句", 14)
	f.Add("a.b. c!d? e\n。！？；", 3)
	f.Add(strings.Repeat("a ", 300)+"end.", 400)
	f.Add(strings.Repeat(" ", 2000)+"x", 5)
	f.Fuzz(func(t *testing.T, text string, off int) {
		if off < 0 || off > len(text) || !utf8.ValidString(text) || (off < len(text) && !utf8.RuneStart(text[off])) {
			return
		}
		s, e := indexSentences(text).bounds(off, len(text))
		ws, we := naiveBounds(text, off)
		if s != ws || e != we {
			t.Fatalf("bounds(%q, %d) = %d,%d, want %d,%d", text, off, s, e, ws, we)
		}
		got := sentence(text, off)
		full := strings.Join(strings.Fields(text[s:e]), " ")
		if want := clipBytes(full, evidenceLen); got != want && !(strings.HasSuffix(got, "…") && strings.HasPrefix(full, strings.TrimSuffix(got, "…"))) {
			t.Fatalf("sentence(%q, %d) = %q, want %q", text, off, got, want)
		}
	})
}
