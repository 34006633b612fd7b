package render

import (
	"bytes"
	"os"
	"regexp"
	"testing"
)

func TestQuickSVG(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"OK", `<svg><g id="x" class='a b'><text x="1">a &amp; b &#45; &#x4E2D; 中</text></g></svg>`, true},
		{"OKSelfClosed", "<svg>\n<!-- c -->\n<path d=\"M0,0\"/><a xlink:href=\"/a?b=1&amp;c=2\"><title>t</title></a></svg>\n", true},
		{"OKCommentOutside", "<!-- Title: map -->\n<svg></svg>", true},
		{"ErrRoot", `<g></g>`, false},
		{"ErrTwoRoots", `<svg></svg><svg></svg>`, false},
		{"ErrTextOutside", `<svg></svg>x`, false},
		{"ErrUnclosed", `<svg><g></svg>`, false},
		{"ErrMismatch", `<svg><g></a></svg>`, false},
		{"ErrOpen", `<svg>`, false},
		{"ErrBareAmp", `<svg>a & b</svg>`, false},
		{"ErrHTMLEntity", `<svg>&nbsp;</svg>`, false}, // encoding/xml decides
		{"ErrNulRef", `<svg>&#0;</svg>`, false},
		{"ErrControl", "<svg>\x01</svg>", false},
		{"ErrBadUTF8", "<svg>\xff</svg>", false},
		{"ErrLtInAttr", `<svg><a t="<"/></svg>`, false},
		{"ErrUnquoted", `<svg><a t=1/></svg>`, false},
		{"ErrNoSpace", `<svg><a t="1"u="2"/></svg>`, false},
		{"ErrDoctype", `<!DOCTYPE svg><svg></svg>`, false},
		{"ErrProlog", `<?xml version="1.0"?><svg></svg>`, false},
		{"ErrCDATA", `<svg><![CDATA[x]]></svg>`, false},
		{"ErrDashesInComment", `<svg><!-- a -- b --></svg>`, false},
		{"ErrTruncated", `<svg><g id="x`, false},
		{"ErrEmpty", ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quickSVG([]byte(tt.in)); got != tt.want {
				t.Errorf("quickSVG(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestQuickSVGTakesMaps: a map as Debian's dot 2.43 draws it, cleaned as
// the server cleans it, takes the fast path (else the fast path saves
// nothing).
func TestQuickSVGTakesMaps(t *testing.T) {
	raw, err := os.ReadFile("testdata/map-native.svg")
	if err != nil {
		t.Fatal(err)
	}
	if !quickSVG(CleanSVG(raw)) {
		t.Error("quickSVG rejects a cleaned map")
	}
}

// FuzzQuickSVG: whatever quickSVG accepts, encoding/xml (strict, as
// validSVG reads) accepts too, as one svg root.
func FuzzQuickSVG(f *testing.F) {
	for _, s := range []string{
		`<svg><g id="x" class='a b'><text x="1">a &amp; b &#45; &#x4E2D; 中</text></g></svg>`,
		"<!-- c --><svg>\n<path d=\"M0,0\"/><a xlink:href=\"/a?b=1&amp;c=2\"><title>t</title></a></svg>\n",
		`<svg xmlns:x="u"><x:a x:b="1"></x:a></svg>`,
		`<svg><a t="&#x10FFFF;&#xD800;"/></svg>`,
	} {
		f.Add([]byte(s))
	}
	if raw, err := os.ReadFile("testdata/map-native.svg"); err == nil {
		// Its first 2 KB: a whole map makes every new input found from it
		// take the fuzzer minutes to minimise.
		f.Add(CleanSVG(raw)[:2048])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !quickSVG(b) {
			return
		}
		if err := slowValidSVG(b); err != nil {
			t.Fatalf("quickSVG accepts what encoding/xml rejects (%v): %q", err, b)
		}
	})
}

func BenchmarkValidSVG(b *testing.B) {
	raw, err := os.ReadFile("testdata/map-native.svg")
	if err != nil {
		b.Fatal(err)
	}
	svg := CleanSVG(raw)
	b.Run("quick", func(b *testing.B) {
		b.SetBytes(int64(len(svg)))
		for i := 0; i < b.N; i++ {
			if validSVG(svg) != nil {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("encoding-xml", func(b *testing.B) {
		b.SetBytes(int64(len(svg)))
		for i := 0; i < b.N; i++ {
			if slowValidSVG(svg) != nil {
				b.Fatal("invalid")
			}
		}
	})
}

// TestDropAnchorIDs holds the scan to the pattern it replaced.
func TestDropAnchorIDs(t *testing.T) {
	re := regexp.MustCompile(`<g id="a_[^"]*">`)
	for _, in := range []string{
		``, `<g id="a_x">`, `<g id="a_x"><g id="a_y">`, `<g id="a_<g id="a_x">`, `<g id="a_x" >`,
		`<g id="a_x`, `<g id="a_"`, `<g id="a_">`, `a<g id="b_x"><g id="a_&#45;x">b`,
	} {
		if got, want := string(dropAnchorIDs([]byte(in))), re.ReplaceAllString(in, "<g>"); got != want {
			t.Errorf("dropAnchorIDs(%q) = %q, want %q", in, got, want)
		}
	}
	raw, err := os.ReadFile("testdata/map-native.svg")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := dropAnchorIDs(raw), re.ReplaceAll(raw, []byte("<g>")); !bytes.Equal(got, want) {
		t.Error("dropAnchorIDs differs from the pattern on a map")
	}
}

// TestHoistByPosition holds hoist to cutting every attribute it counted,
// as the search for the whole attribute it replaced did.
func TestHoistByPosition(t *testing.T) {
	slow := func(svg, attr []byte) []byte {
		counts := map[string]int{}
		best := ""
		for i := 0; ; {
			j := bytes.Index(svg[i:], attr)
			if j < 0 {
				break
			}
			start := i + j
			end := bytes.IndexByte(svg[start+len(attr):], '"')
			if end < 0 {
				break
			}
			i = start + len(attr) + end + 1
			k := string(svg[start:i])
			counts[k]++
			if counts[k] > counts[best] || (counts[k] == counts[best] && k < best) {
				best = k
			}
		}
		g := bytes.Index(svg, []byte("<g "))
		if counts[best] < 2 || g < 0 || bytes.Contains(svg[:g], []byte("<text")) {
			return svg
		}
		out := append([]byte{}, svg[:g+2]...)
		out = append(out, best...)
		return append(out, bytes.ReplaceAll(svg[g+2:], []byte(best), nil)...)
	}
	raw, err := os.ReadFile("testdata/map-native.svg")
	if err != nil {
		t.Fatal(err)
	}
	attr := []byte(` font-family="`)
	for _, in := range []string{
		string(raw),
		`<svg font-family="A"><g id="g"><text font-family="A">a</text><text font-family="A">b</text></g></svg>`,
		`<svg><g id="g"><text font-family="A">a</text><text font-family="B">b</text><text font-family="B">c</text></g></svg>`,
		`<svg><g id="g"><text font-family="">a</text><text font-family="">b</text></g></svg>`,
		`<svg><text font-family="A">a</text><g><text font-family="A">a</text></g></svg>`,
	} {
		if got, want := hoist([]byte(in), attr), slow([]byte(in), attr); !bytes.Equal(got, want) {
			t.Errorf("hoist(%.80q) = %.200q, want %.200q", in, got, want)
		}
	}
}
