package web

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// An SVG file of the notes is a document that can carry script. The server
// sends it with a sandboxing CSP, but a static host sends no such header,
// so every SVG the notes show is rewritten before it is served or
// published: scripts, foreign objects, event handlers, javascript: URLs and
// every reference outside the file (links, images, stylesheets, fonts) are
// removed; what is left only draws.

// maxSVGBytes caps the SVG files that are rewritten; a larger one is
// replaced as a malformed one is.
const maxSVGBytes = 4 << 20

// droppedSVGElements are removed with everything inside them.
var droppedSVGElements = map[string]bool{
	"script": true, "foreignobject": true, "iframe": true, "embed": true, "object": true,
	"handler": true, "listener": true, "audio": true, "video": true,
}

// sanitizeSVG returns src rewritten to draw only, or an error when it is
// not well-formed XML (a browser would show an error, or render up to it).
func sanitizeSVG(src []byte) ([]byte, error) {
	if len(src) > maxSVGBytes {
		return nil, fmt.Errorf("SVG of %d bytes is over the %d-byte limit", len(src), maxSVGBytes)
	}
	d := xml.NewDecoder(bytes.NewReader(src))
	d.Strict = true
	var out bytes.Buffer
	var open []string       // names of the open elements, as written
	scopes := []nsScope{{}} // namespace prefixes in force, per open element
	skip := 0               // depth inside a dropped element
	root := false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := qname(t.Name)
			open = append(open, name)
			ns := scopes[len(scopes)-1].declare(t.Attr)
			scopes = append(scopes, ns)
			if skip > 0 || dropElement(t) || !ns.drawing(t.Name.Space) {
				skip++
				continue
			}
			if !root {
				if strings.ToLower(t.Name.Local) != "svg" {
					return nil, errors.New("the root element is not svg")
				}
				root = true
			}
			out.WriteString("<" + name)
			for _, a := range t.Attr {
				if keepAttr(a) {
					out.WriteString(" " + qname(a.Name) + `="`)
					_ = xml.EscapeText(&out, []byte(a.Value))
					out.WriteString(`"`)
				}
			}
			out.WriteString(">")
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != qname(t.Name) {
				return nil, fmt.Errorf("line %d: </%s> closes nothing open", lineOf(src, d.InputOffset()), qname(t.Name))
			}
			open = open[:len(open)-1]
			scopes = scopes[:len(scopes)-1]
			if skip > 0 {
				skip--
				continue
			}
			out.WriteString("</" + qname(t.Name) + ">")
		case xml.CharData:
			if skip == 0 && root {
				if len(open) > 0 && strings.EqualFold(localName(open[len(open)-1]), "style") && !safeCSS(string(t)) {
					continue
				}
				_ = xml.EscapeText(&out, t)
			}
		}
		// Comments, processing instructions (<?xml-stylesheet?>) and the
		// doctype, with any entities it declares, are dropped.
	}
	if !root || len(open) > 0 {
		return nil, errors.New("no complete svg element")
	}
	return out.Bytes(), nil
}

const svgNS = "http://www.w3.org/2000/svg"

// nsScope maps the namespace prefixes in force ("" for the default) to
// their names.
type nsScope map[string]string

// declare returns the scope inside an element with attrs.
func (s nsScope) declare(attrs []xml.Attr) nsScope {
	var out nsScope
	for _, a := range attrs {
		prefix, ok := "", false
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			ok = true
		case a.Name.Space == "xmlns":
			prefix, ok = a.Name.Local, true
		}
		if !ok {
			continue
		}
		if out == nil {
			out = make(nsScope, len(s)+1)
			for k, v := range s {
				out[k] = v
			}
		}
		out[prefix] = strings.TrimSpace(a.Value)
	}
	if out == nil {
		return s
	}
	return out
}

// drawing reports whether an element with this prefix is SVG, or in no
// namespace at all (inert). Elements of XHTML or any other vocabulary are
// dropped: inside an SVG document, an XHTML element is a live HTML element.
func (s nsScope) drawing(prefix string) bool {
	ns, ok := s[prefix]
	if !ok {
		return prefix == "" // an undeclared prefix is an error to a browser
	}
	return ns == svgNS || ns == ""
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

func localName(q string) string {
	if i := strings.LastIndexByte(q, ':'); i >= 0 {
		return q[i+1:]
	}
	return q
}

// dropElement: scripts and the like, and animations that would set a
// link or an event handler.
func dropElement(t xml.StartElement) bool {
	local := strings.ToLower(t.Name.Local)
	if droppedSVGElements[local] {
		return true
	}
	switch local {
	case "set", "animate", "animatemotion", "animatetransform", "animatecolor":
		for _, a := range t.Attr {
			if strings.EqualFold(a.Name.Local, "attributeName") {
				v := strings.ToLower(strings.TrimSpace(a.Value))
				if strings.HasSuffix(v, "href") || strings.HasPrefix(v, "on") {
					return true
				}
			}
		}
	}
	return false
}

// keepAttr drops event handlers, links that leave the file, and values
// that load or run anything.
func keepAttr(a xml.Attr) bool {
	local := strings.ToLower(a.Name.Local)
	v := squeeze(a.Value)
	switch {
	case strings.HasPrefix(local, "on"):
		return false
	case local == "href", local == "src", local == "base" && strings.EqualFold(a.Name.Space, "xml"):
		return strings.HasPrefix(v, "#")
	case strings.Contains(v, "javascript:"), strings.Contains(v, "vbscript:"):
		return false
	}
	return safeCSS(a.Value)
}

// safeCSS accepts style text that loads nothing: no @import, no url()
// other than to a fragment of the same file, no expression().
func safeCSS(s string) bool {
	v := squeeze(s)
	if strings.Contains(v, "@import") || strings.Contains(v, "expression(") || strings.Contains(v, "javascript:") {
		return false
	}
	for rest := v; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			return true
		}
		rest = strings.TrimLeft(rest[i+len("url("):], `"'`)
		if !strings.HasPrefix(rest, "#") {
			return false
		}
	}
}

// squeeze lower-cases s and removes white space and control characters,
// which browsers ignore inside a URL's scheme ("java\tscript:").
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

func lineOf(src []byte, off int64) int {
	return 1 + bytes.Count(src[:min(int(off), len(src))], []byte("\n"))
}

// brokenSVG stands in for an SVG that could not be made safe.
const brokenSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="40" viewBox="0 0 320 40"><rect width="320" height="40" fill="#fee"/><text x="10" y="25" font-family="sans-serif" font-size="13" fill="#900">SVG not shown: not well-formed or too large</text></svg>`
