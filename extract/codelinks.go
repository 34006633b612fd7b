package extract

import (
	"fmt"
	"path"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// codeTarget is where a code span that names cited code links to.
type codeTarget struct{ url, title string }

// targets maps the ways to write cited code to where it is; a key two
// targets share is dropped, since it names neither for sure.
type targets struct {
	m         map[string]codeTarget
	ambiguous map[string]bool
}

func newTargets() *targets {
	return &targets{m: map[string]codeTarget{}, ambiguous: map[string]bool{}}
}

func (ts *targets) add(key string, t codeTarget) {
	if key == "" || ts.ambiguous[key] {
		return
	}
	if old, ok := ts.m[key]; ok && old.url != t.url {
		ts.ambiguous[key] = true
		delete(ts.m, key)
		return
	}
	ts.m[key] = t
}

// codeTargets maps the ways an article's prose writes a cited symbol or
// path to its lines at the pinned commit. Strong keys are the forms the
// front matter uses (cmd/agent/app.Agent.Run, app.Agent.Run, the path);
// weak keys are shorter (Agent.Run, NewAgent, agent.go) and count only
// while one target has them.
func codeTargets(d *Document) (strong, weak map[string]codeTarget) {
	st, wk := newTargets(), newTargets()
	commit := short(d.Upstream.Commit)
	for _, r := range d.UpstreamRefs() {
		if r.URL == "" {
			continue
		}
		if !r.Symbol {
			t := codeTarget{url: r.URL, title: r.Path + " at " + commit}
			st.add(r.Path, t)
			st.add(strings.TrimSuffix(r.Path, "/")+"/", t)
			wk.add(path.Base(r.Path), t)
			continue
		}
		t := codeTarget{url: r.URL, title: fmt.Sprintf("%s, lines %d-%d at %s", r.Path, r.First, r.Last, commit)}
		for _, k := range symbolForms(r.Name) {
			st.add(k, t)
		}
		for _, k := range symbolShortForms(r.Name) {
			wk.add(k, t)
		}
	}
	return st.m, wk.m
}

// splitHint separates a cited symbol from the path hint in parentheses
// that some notes add: "Kernel::handle (Foundation/Http)".
func splitHint(name string) (base, hint string) {
	name = strings.TrimSpace(name)
	if strings.HasSuffix(name, ")") {
		if i := strings.LastIndex(name, " ("); i > 0 {
			return strings.TrimSpace(name[:i]), strings.TrimSpace(name[i+2 : len(name)-1])
		}
	}
	return name, ""
}

// symbolForms are the full ways to write a cited symbol: as cited, without
// its hint, and with a directory qualifier shortened to the package name.
func symbolForms(name string) []string {
	base, _ := splitHint(name)
	forms := []string{name, base}
	if i := strings.LastIndex(base, "/"); i >= 0 && !strings.Contains(base, "::") {
		forms = append(forms, base[i+1:])
	}
	return forms
}

// symbolShortForms drop the qualifier: Agent.Run for app.Agent.Run, NewAgent
// for app.NewAgent, Container::bind for Illuminate\Container\Container::bind.
// A member alone (Run, bind) is no short form: "a provider's `register`
// method" is not Application::register.
func symbolShortForms(name string) []string {
	base, _ := splitHint(name)
	if cls, member, ok := strings.Cut(base, "::"); ok {
		if i := strings.LastIndex(cls, `\`); i >= 0 {
			return []string{cls[i+1:] + "::" + member}
		}
		return nil
	}
	if i := strings.LastIndex(base, "/"); i >= 0 {
		base = base[i+1:]
	}
	if _, rest, ok := strings.Cut(base, "."); ok {
		return []string{rest}
	}
	if i := strings.LastIndex(base, `\`); i >= 0 {
		return []string{base[i+1:]}
	}
	return nil
}

// normalizeCode reduces a code span to the name it mentions: `*Agent`,
// `Agent.Run()`, `NewAgent(opts)`, `(*Agent).Run`, `Set[T]` and
// `Container::bind()` become Agent, Agent.Run, NewAgent, Agent.Run, Set and
// Container::bind. Anything else comes back trimmed.
func normalizeCode(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "(") {
		// (*T).M and (T).M are method expressions.
		if i := strings.Index(s, ")."); i > 0 {
			s = strings.TrimPrefix(s[1:i], "*") + s[i+1:]
		}
	}
	s = strings.TrimLeft(s, "*&")
	// One trailing call or type-parameter list: Run(), New(opts), Set[T];
	// not a chain like when()->needs()->give().
	for _, pair := range [][2]byte{{'(', ')'}, {'[', ']'}} {
		i := strings.IndexByte(s, pair[0])
		if i > 0 && isNameChain(s[:i]) && closing(s, i, pair) == len(s)-1 {
			s = s[:i]
		}
	}
	return s
}

// closing is the index of the bracket that closes the one at i, or -1.
func closing(s string, i int, pair [2]byte) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case pair[0]:
			depth++
		case pair[1]:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

func isNameChain(s string) bool {
	for _, r := range s {
		if !(r == '_' || r == '.' || r == '/' || r == ':' || r == '\\' || r == '-' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return s != ""
}

// linkCodeSpans wraps every code span that names a cited path or symbol in
// a link to its lines at the pinned commit. Spans already inside a link
// stay as they are.
func linkCodeSpans(root ast.Node, src []byte, d *Document) {
	if d.Locked == nil {
		return
	}
	strong, weak := codeTargets(d)
	if len(strong) == 0 && len(weak) == 0 {
		return
	}
	type hit struct {
		span *ast.CodeSpan
		t    codeTarget
	}
	var hits []hit
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link, *ast.AutoLink, *wikiLink, *ast.Image, *ast.Heading:
			// No link inside a link; and a heading's text is its anchor.
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			var b strings.Builder
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					b.Write(t.Segment.Value(src))
				}
			}
			key := normalizeCode(b.String())
			t, ok := strong[key]
			if !ok {
				t, ok = weak[key]
			}
			if ok {
				hits = append(hits, hit{n, t})
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, h := range hits {
		link := ast.NewLink()
		link.Destination = []byte(h.t.url)
		link.Title = []byte(h.t.title)
		link.SetAttributeString("class", []byte("upstream-ref"))
		parent := h.span.Parent()
		parent.ReplaceChild(parent, h.span, link)
		link.AppendChild(link, h.span)
	}
}
