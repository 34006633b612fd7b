package extract

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// StringList decodes a YAML list of strings, or a single string, so that
// `concepts: raft` and `concepts: [raft]` mean the same thing.
type StringList []string

// UnmarshalYAML implements yaml.Unmarshaler.
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" || n.Value == "" {
			*l = nil
			return nil
		}
		*l = StringList{n.Value}
		return nil
	case yaml.SequenceNode:
		out := make(StringList, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: list item is not a string", c.Line)
			}
			out = append(out, c.Value)
		}
		*l = out
		return nil
	}
	return fmt.Errorf("line %d: want a string or a list of strings", n.Line)
}

// frontMatter is the schema of the content guide; unknown keys are ignored
// so other tools' notes (Hugo, Obsidian, docsify) load too.
type frontMatter struct {
	Kind     string     `yaml:"kind"`
	ID       string     `yaml:"id"`
	Title    string     `yaml:"title"`
	TitleZh  string     `yaml:"title_zh"`
	Summary  string     `yaml:"summary"`
	Project  string     `yaml:"project"`
	Concepts StringList `yaml:"concepts"`
	Related  StringList `yaml:"related"`
	Aliases  StringList `yaml:"aliases"`
	Broader  StringList `yaml:"broader"`
	Uses     StringList `yaml:"uses"`
	Modules  StringList `yaml:"modules"`
	Purpose  string     `yaml:"purpose"`
	Language string     `yaml:"language"`
	LOC      int        `yaml:"loc"`
	Upstream Upstream   `yaml:"upstream"`
	Tags     StringList `yaml:"tags"`
	// SourceHash, on a translation, is the BodyHash of the source it
	// translates.
	SourceHash string `yaml:"source_hash"`
}

// splitFrontMatter finds a leading YAML block delimited by --- lines.
// It returns the YAML text; present reports an opening fence, closed a
// closing one. An unclosed fence would swallow the whole article in the
// front-matter extension, so the caller reports it and parses without it.
func splitFrontMatter(src []byte) (yml []byte, present, closed bool) {
	first, rest, ok := bytes.Cut(src, []byte("\n"))
	if !bytes.Equal(bytes.TrimRight(first, " \t"), []byte("---")) {
		return nil, false, false
	}
	if !ok {
		return nil, true, false
	}
	off := 0
	for off <= len(rest) {
		l := rest[off:]
		if i := bytes.IndexByte(l, '\n'); i >= 0 {
			l = l[:i]
		}
		t := bytes.TrimRight(l, " \t")
		if bytes.Equal(t, []byte("---")) || bytes.Equal(t, []byte("...")) {
			return rest[:off], true, true
		}
		off += len(l) + 1
	}
	return nil, true, false
}

var yamlLineRE = regexp.MustCompile(`line (\d+):? ?`)

// decodeFrontMatter decodes yml; errors carry the file line (front matter
// starts on line 2).
func decodeFrontMatter(yml []byte) (frontMatter, int, error) {
	var fm frontMatter
	if len(bytes.TrimSpace(yml)) == 0 {
		return fm, 0, nil
	}
	err := yaml.Unmarshal(yml, &fm)
	if err == nil {
		return fm, 0, nil
	}
	line := 2
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		line = n + 1
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = yamlLineRE.ReplaceAllString(msg, "")
	msg = strings.TrimPrefix(strings.TrimSpace(msg), ": ")
	msg = strings.ReplaceAll(msg, "\n", "; ")
	return fm, line, fmt.Errorf("front matter: %s", msg)
}

// keyLine returns the file line of a top-level key in the front matter, for
// evidence, or 1 when it is not found.
func keyLine(yml []byte, key string) int {
	prefix := []byte(key + ":")
	for i, l := range bytes.Split(yml, []byte("\n")) {
		if bytes.HasPrefix(l, prefix) {
			return i + 2
		}
	}
	return 1
}

// upstreamLines records the file line of each entry of upstream.paths and
// upstream.symbols (front matter starts on line 2), so that a path or symbol
// that does not resolve is reported where it is written.
func upstreamLines(yml []byte, u *Upstream) {
	if len(u.Paths) == 0 && len(u.Symbols) == 0 {
		return
	}
	var root yaml.Node
	if yaml.Unmarshal(yml, &root) != nil || len(root.Content) == 0 {
		return
	}
	up := mapValue(root.Content[0], "upstream")
	if up != nil {
		u.Line = keyLine(yml, "upstream")
	}
	for key, dst := range map[string]*map[string]int{"paths": &u.PathLines, "symbols": &u.SymbolLines} {
		list := mapValue(up, key)
		if list == nil {
			continue
		}
		*dst = map[string]int{}
		items := []*yaml.Node{list}
		if list.Kind == yaml.SequenceNode {
			items = list.Content
		}
		for _, it := range items {
			v := strings.TrimSpace(it.Value)
			if _, ok := (*dst)[v]; !ok && it.Kind == yaml.ScalarNode {
				(*dst)[v] = it.Line + 1
			}
		}
	}
}

// mapValue is the value of key in a YAML mapping node, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
