package upstream

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"strings"
)

// Def is where a symbol is defined: a file and its first and last line.
type Def struct {
	Path        string
	First, Last int
}

// goFile is the index of one Go file: its package and the definitions it
// holds, by name ("Name", "Type.Method", "Type.Field").
type goFile struct {
	path string
	pkg  string
	// constrained files build only for some systems or tags (x_linux.go,
	// //go:build): a definition elsewhere is preferred.
	constrained bool
	defs        map[string][]Def
}

// indexGo parses one Go file. A file with syntax errors keeps what the
// parser recovered; one without a package clause indexes nothing.
func indexGo(p string, src []byte) *goFile {
	fset := token.NewFileSet()
	f, _ := parser.ParseFile(fset, p, src, parser.SkipObjectResolution|parser.ParseComments)
	gf := &goFile{path: p, defs: map[string][]Def{}, constrained: constrainedName(p)}
	if f == nil || f.Name == nil {
		return gf
	}
	gf.pkg = f.Name.Name
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//go:build") || strings.HasPrefix(c.Text, "// +build") {
				gf.constrained = true
			}
		}
	}
	add := func(name string, from, to token.Pos) {
		if name == "" || name == "_" {
			return
		}
		gf.defs[name] = append(gf.defs[name], Def{Path: p, First: fset.Position(from).Line, Last: fset.Position(to).Line})
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			name := d.Name.Name
			if d.Recv != nil && len(d.Recv.List) > 0 {
				name = receiverType(d.Recv.List[0].Type) + "." + name
			}
			add(name, d.Pos(), d.End())
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				// A spec alone in its declaration spans the keyword too.
				from, to := spec.Pos(), spec.End()
				if !d.Lparen.IsValid() {
					from, to = d.Pos(), d.End()
				}
				switch s := spec.(type) {
				case *ast.TypeSpec:
					add(s.Name.Name, from, to)
					members(s.Name.Name, s.Type, add)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						add(n.Name, from, to)
					}
				}
			}
		}
	}
	return gf
}

// members indexes a struct's fields and an interface's methods as
// Type.Name.
func members(typ string, e ast.Expr, add func(string, token.Pos, token.Pos)) {
	var fields *ast.FieldList
	switch t := e.(type) {
	case *ast.StructType:
		fields = t.Fields
	case *ast.InterfaceType:
		fields = t.Methods
	}
	if fields == nil {
		return
	}
	for _, f := range fields.List {
		if len(f.Names) == 0 {
			// An embedded type is a field named after the type.
			if n := receiverType(f.Type); n != "" {
				add(typ+"."+n, f.Pos(), f.End())
			}
			continue
		}
		for _, n := range f.Names {
			add(typ+"."+n.Name, f.Pos(), f.End())
		}
	}
}

// receiverType is the type name of a receiver or embedded field: T for
// T, *T, T[K, V], *pkg.T.
func receiverType(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return receiverType(t.X)
	case *ast.ParenExpr:
		return receiverType(t.X)
	case *ast.IndexExpr:
		return receiverType(t.X)
	case *ast.IndexListExpr:
		return receiverType(t.X)
	case *ast.SelectorExpr:
		return t.Sel.Name
	case *ast.Ident:
		return t.Name
	}
	return ""
}

// goosArch are the file-name suffixes that restrict a Go file to a system
// or architecture.
var goosArch = map[string]bool{
	"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true, "illumos": true, "ios": true,
	"js": true, "linux": true, "netbsd": true, "openbsd": true, "plan9": true, "solaris": true, "wasip1": true, "windows": true,
	"386": true, "amd64": true, "arm": true, "arm64": true, "loong64": true, "mips": true, "mips64": true, "mips64le": true,
	"mipsle": true, "ppc64": true, "ppc64le": true, "riscv64": true, "s390x": true, "wasm": true,
}

func constrainedName(p string) bool {
	parts := strings.Split(strings.TrimSuffix(path.Base(p), ".go"), "_")
	for _, s := range parts[1:] {
		if goosArch[s] {
			return true
		}
	}
	return false
}

// isGoSource reports whether p is a Go file the package builds from: not a
// test, not under vendor/ or testdata/, not in a directory Go ignores.
func isGoSource(p string) bool {
	if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "vendor" || seg == "testdata" || strings.HasPrefix(seg, ".") || strings.HasPrefix(seg, "_") {
			return false
		}
	}
	return true
}

// packageClause reads only the package name of a Go file.
func packageClause(src []byte) string {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.PackageClauseOnly)
	if err != nil || f.Name == nil {
		// A file whose clause is preceded by something odd: look for it.
		for _, l := range bytes.Split(src, []byte("\n")) {
			if rest, ok := bytes.CutPrefix(bytes.TrimSpace(l), []byte("package ")); ok {
				return string(bytes.Fields(rest)[0])
			}
		}
		return ""
	}
	return f.Name.Name
}
