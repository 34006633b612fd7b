package extract

import (
	"regexp"
	"strings"
)

// importRE finds Go import paths on well-known module hosts, in code and in
// prose: github.com/hashicorp/raft, go.etcd.io/etcd/server/v3,
// google.golang.org/grpc.
var importRE = regexp.MustCompile(`(?:^|[^\w.@/-])((?:github\.com|gitlab\.com|bitbucket\.org|golang\.org|google\.golang\.org|gopkg\.in|k8s\.io|sigs\.k8s\.io|cloud\.google\.com|go-micro\.dev|go\.[a-z0-9-]+\.(?:io|org|dev|com))(?:/[A-Za-z0-9_.~-]+)+)`)

var majorRE = regexp.MustCompile(`^v[0-9]+$`)

// ModuleRoot reduces an import path to the module it belongs to, as far as
// the path alone tells: github.com/etcd-io/etcd/server/v3/x becomes
// github.com/etcd-io/etcd, go.etcd.io/raft/v3 becomes go.etcd.io/raft/v3.
// It returns "" when the path names no module.
func ModuleRoot(p string) string {
	p = strings.TrimRight(p, ".,;:)'\"`")
	segs := strings.Split(p, "/")
	n := 2
	switch segs[0] {
	case "github.com", "gitlab.com", "bitbucket.org", "golang.org", "cloud.google.com":
		n = 3
	case "gopkg.in":
		if len(segs) > 2 && !strings.Contains(segs[1], ".v") {
			n = 3
		}
	}
	if len(segs) < n {
		return ""
	}
	if len(segs) > n && majorRE.MatchString(segs[n]) {
		n++
	}
	root := strings.TrimSuffix(strings.Join(segs[:n], "/"), ".git")
	if len(root) > MaxIDBytes {
		return "" // no module path is this long; its page could not be served
	}
	return root
}

// importHints are substrings every match of importRE contains; text
// without any of them is not worth running the regular expression on.
var importHints = []string{".com/", ".org/", ".io/", ".in/", ".dev/"}

func mayHaveImport(s string) bool {
	for _, h := range importHints {
		if strings.Contains(s, h) {
			return true
		}
	}
	return false
}

// importFacts records the modules named in p's code blocks and prose.
func (l *loader) importFacts(p *parsed) []Fact {
	seen := map[string]int{}
	var facts []Fact
	add := func(mod string, line int, text string) {
		if mod == "" || seen[mod] >= maxEvidence {
			return
		}
		seen[mod]++
		facts = append(facts, Fact{Subject: p.doc.ID, Relation: Mentions, Object: "m/" + mod,
			Evidence: Evidence{Path: p.doc.Path, Line: line, Text: clipBytes(strings.TrimSpace(text), 240), Source: FromCode}})
	}
	for _, c := range p.code {
		if !mayHaveImport(c.text) {
			continue
		}
		for i, ln := range strings.Split(c.text, "\n") {
			for _, m := range importRE.FindAllStringSubmatch(ln, -1) {
				add(ModuleRoot(m[1]), c.line+1+i, ln)
			}
		}
	}
	for i := range p.blocks {
		b := &p.blocks[i]
		if !mayHaveImport(b.text) {
			continue
		}
		for _, m := range importRE.FindAllStringSubmatchIndex(b.text, -1) {
			if mod := ModuleRoot(b.text[m[2]:m[3]]); mod != "" && seen[mod] < maxEvidence {
				add(mod, p.line(b.srcOffset(m[2])), b.sentenceOf(m[2]))
			}
		}
	}
	return facts
}
