package upstream

import (
	"fmt"
	"strings"
	"unicode"
)

// symbol is a cited identifier, parsed from the notes' notation:
//
//	pkg.Name, pkg.Type.Method, pkg.Type.Field    a Go package by name
//	cmd/agent/app.Agent.Start                    a Go package by directory
//	resolver.Builder (agent/grpc-internal)       a path hint narrows the search
//	Container::bind, Kernel::handle (Foundation/Http), Container, helper
//	                                             PHP: method or constant, class or function
type symbol struct {
	raw  string
	hint string // a path fragment the definition's directory contains
	php  bool
	// Go: qual is the package name or its directory, names the rest
	// ([Type, Method] or [Name]). PHP: qual is the class (perhaps with its
	// namespace) and names the member; a bare name is qual with no names.
	qual  string
	names []string
}

// parseSymbol reads one upstream.symbols entry.
func parseSymbol(raw string) (symbol, error) {
	s := symbol{raw: raw}
	base := strings.TrimSpace(raw)
	if strings.HasSuffix(base, ")") {
		i := strings.LastIndex(base, " (")
		if i < 0 {
			return s, fmt.Errorf("unbalanced parenthesis: write a path hint as \"Name (dir/sub)\"")
		}
		s.hint = strings.Trim(strings.TrimSpace(base[i+2:len(base)-1]), "/")
		base = strings.TrimSpace(base[:i])
		if s.hint == "" {
			return s, fmt.Errorf("empty path hint")
		}
	}
	if base == "" {
		return s, fmt.Errorf("empty symbol")
	}
	if cls, member, ok := strings.Cut(base, "::"); ok {
		s.php, s.qual = true, strings.TrimPrefix(cls, `\`)
		if !isPHPName(s.qual, true) || !isPHPName(strings.TrimPrefix(member, "$"), false) {
			return s, fmt.Errorf("not a PHP Class::member")
		}
		if strings.HasPrefix(member, "$") {
			return s, fmt.Errorf("properties (Class::$name) are not located; cite the class or a method")
		}
		s.names = []string{member}
		return s, nil
	}
	slash := strings.LastIndex(base, "/")
	dot := strings.Index(base[slash+1:], ".")
	if dot < 0 {
		// No package qualifier: a PHP class or function.
		s.php, s.qual = true, strings.TrimPrefix(base, `\`)
		if !isPHPName(s.qual, true) {
			return s, fmt.Errorf("neither pkg.Name (Go) nor a PHP Class::method, class or function")
		}
		return s, nil
	}
	s.qual = base[:slash+1+dot]
	s.names = strings.Split(base[slash+1+dot+1:], ".")
	if len(s.names) > 2 {
		return s, fmt.Errorf("too many parts after the package: write pkg.Name or pkg.Type.Member")
	}
	for _, n := range s.names {
		if !isGoIdent(n) {
			return s, fmt.Errorf("%q is not a Go identifier", n)
		}
	}
	for _, seg := range strings.Split(s.qual, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return s, fmt.Errorf("package directory %q is not a clean relative path", s.qual)
		}
	}
	return s, nil
}

func isGoIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return s != ""
}

// isPHPName reports whether s is a PHP name; with qualified, namespace
// separators (\) are allowed between parts.
func isPHPName(s string, qualified bool) bool {
	parts := []string{s}
	if qualified {
		parts = strings.Split(s, `\`)
	}
	for _, p := range parts {
		if !isGoIdent(p) { // the same shape: a letter or _, then letters, digits, _
			return false
		}
	}
	return true
}

// pkgName is the Go package name a symbol names: the last element of a
// directory qualifier, which a directory's package usually is.
func (s symbol) pkgName() string {
	if i := strings.LastIndex(s.qual, "/"); i >= 0 {
		return s.qual[i+1:]
	}
	return s.qual
}

// byDir reports whether the Go qualifier is a directory, not a name.
func (s symbol) byDir() bool { return strings.Contains(s.qual, "/") }

// hintMatches reports whether dir contains the hint as whole path elements.
func hintMatches(hint, dir string) bool {
	return hint == "" || strings.Contains("/"+dir+"/", "/"+hint+"/")
}
