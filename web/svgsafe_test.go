package web

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

func TestSanitizeSVG(t *testing.T) {
	tests := []struct {
		name, in string
		keep     []string // substrings the output keeps
	}{
		{"OK", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><rect width="9" height="9" fill="url(#g)"/><use href="#r"/></svg>`,
			[]string{`<rect width="9" height="9" fill="url(#g)"></rect>`, `<use href="#r">`}},
		{"Script", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(2)</svg:script><circle r="1"/></svg>`, []string{"<circle"}},
		{"CDATAScript", `<svg xmlns="http://www.w3.org/2000/svg"><script><![CDATA[alert(1)]]></script></svg>`, nil},
		{"Handlers", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><g OnClick="alert(2)"><rect/></g></svg>`, []string{"<g>", "<rect>"}},
		{"JavascriptLinks", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a href="javascript:alert(1)"><text>x</text></a><a xlink:href="java&#9;script:alert(2)">y</a><a href=" JAVASCRIPT:alert(3)">z</a></svg>`, []string{"<a>", "x</text>"}},
		{"ExternalRefs", `<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/><image href="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"/><use href="other.svg#x"/><rect style="fill: url('https://evil.example/p')"/><rect fill="url(//evil.example/p)"/><rect xml:base="https://evil.example/"/></svg>`, []string{"<image>", "<use>", "<rect>"}},
		{"Style", `<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css); rect { fill: red }</style><style>rect > g { fill: url(#grad) }</style></svg>`, []string{"rect &gt; g { fill: url(#grad) }"}},
		{"Foreign", `<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:alert(1)"/></foreignObject><embed src="x"/><object data="x"/></svg>`, nil},
		{"Animation", `<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="javascript:alert(1)"/><animate attributeName="xlink:href" values="javascript:alert(2)"/><animate attributeName="onbegin" to="x"/><animate attributeName="opacity" to="0"/>x</a></svg>`, []string{`<animate attributeName="opacity" to="0">`}},
		{"OtherNamespaces", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:i="http://www.inkscape.org/namespaces/inkscape"><h:meta http-equiv="refresh" content="0"/><g xmlns="http://www.w3.org/1999/xhtml"><iframe srcdoc="x"/></g><i:layer/><x:y/><g i:label="kept"><rect/></g></svg>`, []string{`<g i:label="kept"><rect></rect></g>`}},
		{"Prolog", `<?xml version="1.0"?><?xml-stylesheet href="https://evil.example/x.xsl" type="text/xsl"?><!DOCTYPE svg><!-- c --><svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>`, []string{"<svg"}},
	}
	bad := []string{"meta", "srcdoc", "layer", "x:y", "alert", "javascript", "evil.example", "onload", "onclick", "<script", "foreignobject", "iframe", "other.svg", "@import", "data:", "xml-stylesheet"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := sanitizeSVG([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			low := strings.ToLower(string(out))
			for _, b := range bad {
				if strings.Contains(low, b) {
					t.Errorf("output keeps %q: %s", b, out)
				}
			}
			for _, k := range tt.keep {
				if !strings.Contains(string(out), k) {
					t.Errorf("output lacks %q: %s", k, out)
				}
			}
			if !strings.HasPrefix(string(out), "<svg") {
				t.Errorf("output does not start with <svg: %s", out)
			}
		})
	}
	for name, in := range map[string]string{
		"Unclosed":   `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)`,
		"Mismatched": `<svg><g></svg></g>`,
		"NotSVG":     `<html><script>alert(1)</script></html>`,
		"Entity":     `<!DOCTYPE svg [<!ENTITY x "<script>alert(1)</script>">]><svg>&x;</svg>`,
		"Empty":      ``,
		"Text":       `alert(1)`,
	} {
		if out, err := sanitizeSVG([]byte(in)); err == nil {
			t.Errorf("%s: accepted, gave %s", name, out)
		}
	}
}

// FuzzSanitizeSVG: whatever comes in, what comes out is well-formed and
// holds no script, handler or reference out of the file.
func FuzzSanitizeSVG(f *testing.F) {
	f.Add(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)"><rect/></a></svg>`)
	f.Add(`<svg><style>a{fill:url(#x)}</style><use xlink:href="#a" xmlns:xlink="http://www.w3.org/1999/xlink"/><![CDATA[x]]></svg>`)
	f.Add(`<svg><set attributeName="href" to="javascript:x"/><image href="http://x/y.png"/></svg>`)
	f.Fuzz(func(t *testing.T, in string) {
		out, err := sanitizeSVG([]byte(in))
		if err != nil {
			return
		}
		d := xml.NewDecoder(bytes.NewReader(out))
		d.Strict = true
		scopes := []nsScope{{}}
		for {
			tok, err := d.RawToken()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("output not well-formed: %v\n%s", err, out)
			}
			if _, ok := tok.(xml.EndElement); ok {
				scopes = scopes[:len(scopes)-1]
			}
			se, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			ns := scopes[len(scopes)-1].declare(se.Attr)
			scopes = append(scopes, ns)
			if !ns.drawing(se.Name.Space) {
				t.Fatalf("output keeps <%s:%s> of another namespace: %s", se.Name.Space, se.Name.Local, out)
			}
			if droppedSVGElements[strings.ToLower(se.Name.Local)] || dropElement(se) {
				t.Fatalf("output keeps <%s>: %s", se.Name.Local, out)
			}
			for _, a := range se.Attr {
				if !keepAttr(a) {
					t.Fatalf("output keeps %s=%q: %s", a.Name.Local, a.Value, out)
				}
			}
		}
	})
}
