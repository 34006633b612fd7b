package upstream

import (
	"strings"
)

// phpFile is the index of one PHP file: its classes (with interfaces,
// traits and enums), their methods and constants, and its functions.
type phpFile struct {
	path      string
	classes   []*phpClass
	functions map[string][]Def // by lower-case name: PHP function names ignore case
}

type phpClass struct {
	name      string
	namespace string
	def       Def
	members   map[string][]Def // methods by lower-case name, constants as written
}

// phpToken is one token of PHP code that matters for declarations.
type phpToken struct {
	text string // an identifier, or one of { } ( ) ; : :: -> & = , (?-> is ->)
	line int
}

// scanPHP turns PHP source into tokens, dropping what cannot declare
// anything: inline HTML outside <?php ... ?>, comments, strings (single,
// double with {$...} interpolation, heredoc, nowdoc), variables and
// numbers. It never fails: malformed input ends the scan early at worst.
func scanPHP(src []byte) []phpToken {
	s := &phpScanner{src: src, line: 1}
	s.html()
	return s.toks
}

type phpScanner struct {
	src  []byte
	i    int
	line int
	toks []phpToken
}

func (s *phpScanner) advance(n int) {
	for k := 0; k < n && s.i < len(s.src); k++ {
		if s.src[s.i] == '\n' {
			s.line++
		}
		s.i++
	}
}

func (s *phpScanner) has(prefix string) bool {
	return strings.HasPrefix(string(s.src[s.i:min(len(s.src), s.i+len(prefix))]), prefix)
}

// html skips inline HTML up to each opening tag, then scans code.
func (s *phpScanner) html() {
	for s.i < len(s.src) {
		switch {
		case s.has("<?php"):
			s.advance(5)
			s.code(false)
		case s.has("<?="):
			s.advance(3)
			s.code(false)
		default:
			s.advance(1)
		}
	}
}

// code scans PHP code until ?> or, inside a {$...} interpolation, the
// brace that closes it.
func (s *phpScanner) code(interp bool) {
	depth := 0
	for s.i < len(s.src) {
		c := s.src[s.i]
		switch {
		case c == '?' && s.has("?>"):
			if interp {
				s.advance(2)
				continue
			}
			s.advance(2)
			return
		case c == '/' && s.has("//"), c == '#' && !s.has("#["):
			s.lineComment()
		case c == '/' && s.has("/*"):
			s.advance(2)
			for s.i < len(s.src) && !s.has("*/") {
				s.advance(1)
			}
			s.advance(2)
		case c == '\'':
			s.quoted('\'')
		case c == '"' || c == '`':
			s.quoted(c)
		case c == '<' && s.has("<<<"):
			s.heredoc()
		case c == '$':
			s.advance(1)
			for s.i < len(s.src) && isNameByte(s.src[s.i]) {
				s.advance(1)
			}
		case isNameStart(c) || c == '\\':
			start, line := s.i, s.line
			for s.i < len(s.src) && (isNameByte(s.src[s.i]) || s.src[s.i] == '\\') {
				s.advance(1)
			}
			s.toks = append(s.toks, phpToken{string(s.src[start:s.i]), line})
		case c >= '0' && c <= '9':
			for s.i < len(s.src) && (isNameByte(s.src[s.i]) || s.src[s.i] == '.') {
				s.advance(1)
			}
		case s.has("::"), s.has("->"):
			s.toks = append(s.toks, phpToken{string(s.src[s.i : s.i+2]), s.line})
			s.advance(2)
		case s.has("?->"):
			s.toks = append(s.toks, phpToken{"->", s.line})
			s.advance(3)
		case c == '{':
			depth++
			s.toks = append(s.toks, phpToken{"{", s.line})
			s.advance(1)
		case c == '}':
			if interp && depth == 0 {
				s.advance(1)
				return
			}
			depth--
			s.toks = append(s.toks, phpToken{"}", s.line})
			s.advance(1)
		case c == '(' || c == ')' || c == ';' || c == '&' || c == '=' || c == ',' || c == ':':
			s.toks = append(s.toks, phpToken{string(c), s.line})
			s.advance(1)
		default:
			s.advance(1)
		}
	}
}

func (s *phpScanner) lineComment() {
	for s.i < len(s.src) && s.src[s.i] != '\n' && !s.has("?>") {
		s.advance(1)
	}
}

// quoted skips a string; in double quotes and backticks, {$...} holds code,
// which is scanned (and dropped) so that its quotes do not end the string.
func (s *phpScanner) quoted(q byte) {
	s.advance(1)
	for s.i < len(s.src) {
		c := s.src[s.i]
		switch {
		case c == '\\':
			s.advance(2)
		case c == q:
			s.advance(1)
			return
		case q != '\'' && c == '{' && s.has("{$"):
			s.advance(1)
			s.skipInterpolation()
		default:
			s.advance(1)
		}
	}
}

// skipInterpolation scans the code of a {$...} and drops its tokens.
func (s *phpScanner) skipInterpolation() {
	n := len(s.toks)
	s.code(true)
	s.toks = s.toks[:n]
}

// heredoc skips <<<ID ... ID and <<<'ID' ... ID (PHP 7.3 allows the closing
// identifier to be indented and followed by more code on its line).
func (s *phpScanner) heredoc() {
	s.advance(3)
	for s.i < len(s.src) && (s.src[s.i] == ' ' || s.src[s.i] == '\t') {
		s.advance(1)
	}
	quote := byte(0)
	if s.i < len(s.src) && (s.src[s.i] == '\'' || s.src[s.i] == '"') {
		quote = s.src[s.i]
		s.advance(1)
	}
	start := s.i
	for s.i < len(s.src) && isNameByte(s.src[s.i]) {
		s.advance(1)
	}
	id := string(s.src[start:s.i])
	if quote != 0 && s.i < len(s.src) && s.src[s.i] == quote {
		s.advance(1)
	}
	if id == "" {
		return
	}
	for s.i < len(s.src) {
		// Skip to the next line, then see whether it closes.
		for s.i < len(s.src) && s.src[s.i] != '\n' {
			s.advance(1)
		}
		s.advance(1)
		j := s.i
		for j < len(s.src) && (s.src[j] == ' ' || s.src[j] == '\t') {
			j++
		}
		if strings.HasPrefix(string(s.src[j:min(len(s.src), j+len(id)+1)]), id) &&
			(j+len(id) >= len(s.src) || !isNameByte(s.src[j+len(id)])) {
			s.advance(j + len(id) - s.i)
			return
		}
	}
}

func isNameStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

func isNameByte(c byte) bool { return isNameStart(c) || '0' <= c && c <= '9' }

var phpModifiers = map[string]bool{
	"public": true, "protected": true, "private": true, "static": true,
	"abstract": true, "final": true, "readonly": true,
}

// indexPHP finds the declarations of a PHP file from its tokens: classes,
// interfaces, traits and enums with their methods and constants, and
// functions outside them. Lines run from the first modifier to the closing
// brace (or the semicolon of an abstract method).
func indexPHP(p string, src []byte) *phpFile {
	toks := scanPHP(src)
	pf := &phpFile{path: p, functions: map[string][]Def{}}
	ns := ""
	depth := 0
	type open struct {
		class *phpClass
		depth int // the brace depth inside the class body
	}
	var classes []open
	modStart := 0 // line of the first modifier before the current token, 0 when none
	prev := func(i int) string {
		if i > 0 {
			return toks[i-1].text
		}
		return ""
	}
	// bodyEnd finds the token that ends a declaration starting at i: the
	// closing brace of its body, or a semicolon before any body.
	bodyEnd := func(i int) (int, bool) {
		parens := 0
		for ; i < len(toks); i++ {
			switch toks[i].text {
			case "(":
				parens++
			case ")":
				parens--
			case ";":
				if parens <= 0 {
					return i, false
				}
			case "{":
				if parens <= 0 {
					return matchBrace(toks, i), true
				}
			}
		}
		return len(toks) - 1, false
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		lower := strings.ToLower(t.text)
		switch {
		case t.text == "{":
			depth++
			modStart = 0
		case t.text == "}":
			depth--
			for len(classes) > 0 && depth < classes[len(classes)-1].depth {
				classes = classes[:len(classes)-1]
			}
			modStart = 0
		case t.text == ";":
			modStart = 0
		case lower == "namespace" && prev(i) != "::" && prev(i) != "->" && i+1 < len(toks) && toks[i+1].text != "(":
			if i+1 < len(toks) && toks[i+1].text != "{" {
				ns = strings.TrimPrefix(toks[i+1].text, `\`)
			}
		case phpModifiers[lower] && prev(i) != "::" && prev(i) != "->":
			if modStart == 0 {
				modStart = t.line
			}
		case (lower == "class" || lower == "interface" || lower == "trait" || lower == "enum") &&
			prev(i) != "::" && prev(i) != "->" && prev(i) != "new" && i+1 < len(toks) && isPHPName(toks[i+1].text, false) &&
			(lower == "class" || i+2 < len(toks) && (toks[i+2].text == "{" || toks[i+2].text == ":" || isKeyword(toks[i+2].text))):
			first := t.line
			if modStart != 0 {
				first = modStart
			}
			end, _ := bodyEnd(i + 2)
			c := &phpClass{name: toks[i+1].text, namespace: ns, def: Def{Path: p, First: first, Last: toks[end].line}, members: map[string][]Def{}}
			pf.classes = append(pf.classes, c)
			// The class body opens at the next "{": its members sit one deeper.
			classes = append(classes, open{class: c, depth: depth + 1})
			modStart = 0
			i++
		case lower == "function" && prev(i) != "::" && prev(i) != "->" && prev(i) != "use":
			j := i + 1
			if j < len(toks) && toks[j].text == "&" {
				j++
			}
			if j >= len(toks) || !isPHPName(toks[j].text, false) {
				modStart = 0
				continue // a closure
			}
			first := t.line
			if modStart != 0 {
				first = modStart
			}
			end, _ := bodyEnd(j + 1)
			d := Def{Path: p, First: first, Last: toks[end].line}
			name := toks[j].text
			if n := len(classes); n > 0 && depth == classes[n-1].depth {
				classes[n-1].class.members[strings.ToLower(name)] = append(classes[n-1].class.members[strings.ToLower(name)], d)
			} else if len(classes) == 0 {
				pf.functions[strings.ToLower(name)] = append(pf.functions[strings.ToLower(name)], d)
			}
			modStart = 0
			i = j
		case lower == "const" && prev(i) != "::" && prev(i) != "->" && prev(i) != "use":
			if n := len(classes); n > 0 && depth == classes[n-1].depth {
				first := t.line
				if modStart != 0 {
					first = modStart
				}
				end, _ := bodyEnd(i + 1)
				// const A = 1, B = 2; a typed constant (PHP 8.3) has its type first.
				for j := i + 1; j < end; j++ {
					if toks[j].text == "=" && isPHPName(toks[j-1].text, false) {
						c := classes[n-1].class
						c.members[toks[j-1].text] = append(c.members[toks[j-1].text], Def{Path: p, First: first, Last: toks[end].line})
					}
				}
			}
			modStart = 0
		}
	}
	return pf
}

func isKeyword(s string) bool {
	switch strings.ToLower(s) {
	case "extends", "implements":
		return true
	}
	return false
}

// matchBrace returns the index of the } that closes the { at i, or the last
// token when the file ends first.
func matchBrace(toks []phpToken, i int) int {
	depth := 0
	for ; i < len(toks); i++ {
		switch toks[i].text {
		case "{":
			depth++
		case "}":
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(toks) - 1
}

// isPHPSource reports whether p is a PHP file outside vendor/.
func isPHPSource(p string) bool {
	if !strings.HasSuffix(p, ".php") {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "vendor" || seg == "node_modules" {
			return false
		}
	}
	return true
}
