package render

import (
	"bytes"
	"unicode/utf8"
)

// quickSVG reports whether b is plainly a well-formed SVG document: one
// root element named svg, nested tags that match, quoted attributes, legal
// characters and the five XML entities or character references, comments,
// nothing else. It is validSVG's fast path: every map passes through it,
// and encoding/xml took a sixth of the server's CPU in a storm of fresh
// maps. It never accepts what encoding/xml (strict) rejects; anything
// unusual (a doctype, CDATA, a processing instruction, an HTML entity, a
// name outside ASCII) it leaves to encoding/xml by answering false. A
// fuzz test holds it to that.
func quickSVG(b []byte) bool {
	var stack [][]byte
	root := false
	for i := 0; i < len(b); {
		if b[i] != '<' {
			// Text: between elements only whitespace, inside any legal text.
			end := bytes.IndexByte(b[i:], '<')
			if end < 0 {
				end = len(b) - i
			}
			text := b[i : i+end]
			if len(stack) == 0 {
				if len(bytes.TrimLeft(text, " \t\r\n")) > 0 {
					return false
				}
			} else if !quickText(text) || bytes.Contains(text, []byte("]]>")) {
				return false
			}
			i += end
			continue
		}
		rest := b[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("--"))
			if end < 0 || !bytes.HasPrefix(rest[4+end:], []byte("-->")) || !quickChars(rest[4:4+end]) {
				return false
			}
			i += 4 + end + 3
		case bytes.HasPrefix(rest, []byte("</")):
			n := quickName(rest[2:])
			if n == 0 || len(stack) == 0 || !bytes.Equal(rest[2:2+n], stack[len(stack)-1]) {
				return false
			}
			k := 2 + n + spaces(rest[2+n:])
			if k >= len(rest) || rest[k] != '>' {
				return false
			}
			stack = stack[:len(stack)-1]
			i += k + 1
		default:
			n := quickName(rest[1:])
			if n == 0 {
				return false // <!DOCTYPE, <?xml, <![CDATA[, a stray <
			}
			name := rest[1 : 1+n]
			if len(stack) == 0 {
				if root || string(name) != "svg" {
					return false
				}
				root = true
			}
			k, closed, ok := quickAttrs(rest, 1+n)
			if !ok {
				return false
			}
			if !closed {
				stack = append(stack, name)
			}
			i += k
		}
	}
	return root && len(stack) == 0
}

// quickAttrs reads the attributes of a start tag in tag from k (just after
// its name) to its end, and returns the length of the tag and whether it
// closed itself (/>).
func quickAttrs(tag []byte, k int) (n int, closed, ok bool) {
	for {
		s := spaces(tag[k:])
		k += s
		if k >= len(tag) {
			return 0, false, false
		}
		switch {
		case tag[k] == '>':
			return k + 1, false, true
		case tag[k] == '/' && k+1 < len(tag) && tag[k+1] == '>':
			return k + 2, true, true
		case s == 0:
			return 0, false, false // attributes are separated by space
		}
		a := quickName(tag[k:])
		if a == 0 {
			return 0, false, false
		}
		k += a
		k += spaces(tag[k:])
		if k >= len(tag) || tag[k] != '=' {
			return 0, false, false
		}
		k++
		k += spaces(tag[k:])
		if k >= len(tag) || (tag[k] != '"' && tag[k] != '\'') {
			return 0, false, false
		}
		q := tag[k]
		end := bytes.IndexByte(tag[k+1:], q)
		if end < 0 {
			return 0, false, false
		}
		v := tag[k+1 : k+1+end]
		if bytes.IndexByte(v, '<') >= 0 || !quickText(v) {
			return 0, false, false
		}
		k += 1 + end + 1
	}
}

// quickName is the length of the name b starts with: ASCII letters, digits
// and _ . - after a letter or _, with at most one colon inside (a
// namespace prefix); 0 when b starts with no such name.
func quickName(b []byte) int {
	colon := false
	for n, c := range b {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_':
		case n > 0 && (c >= '0' && c <= '9' || c == '.' || c == '-'):
		case n > 0 && c == ':' && !colon:
			colon = true
		default:
			if n > 0 && b[n-1] == ':' {
				return 0
			}
			return n
		}
	}
	if len(b) > 0 && b[len(b)-1] == ':' {
		return 0
	}
	return len(b)
}

// spaces is the length of the XML whitespace b starts with.
func spaces(b []byte) int {
	for n, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return n
		}
	}
	return len(b)
}

// quickText reports whether text (character data or an attribute value)
// has only legal characters and references to the five XML entities or to
// legal characters.
func quickText(text []byte) bool {
	for {
		amp := bytes.IndexByte(text, '&')
		if amp < 0 {
			return quickChars(text)
		}
		if !quickChars(text[:amp]) {
			return false
		}
		semi := bytes.IndexByte(text[amp:], ';')
		if semi < 0 || !quickRef(text[amp+1:amp+semi]) {
			return false
		}
		text = text[amp+semi+1:]
	}
}

// quickRef reports whether ref (between & and ;) is one of the five XML
// entities or a decimal or hexadecimal reference to a legal character.
func quickRef(ref []byte) bool {
	switch string(ref) {
	case "amp", "lt", "gt", "quot", "apos":
		return true
	}
	if len(ref) < 2 || ref[0] != '#' {
		return false
	}
	digits, base := ref[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 6 {
		return false
	}
	var r rune
	for _, c := range digits {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return false
		}
		r = r*base + d
	}
	return legalChar(r)
}

// quickChars reports whether b is UTF-8 of legal XML characters only.
func quickChars(b []byte) bool {
	for i := 0; i < len(b); {
		if c := b[i]; c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || !legalChar(r) {
			return false
		}
		i += size
	}
	return true
}

// legalChar is XML 1.0's Char production.
func legalChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
