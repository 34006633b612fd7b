package upstream

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// resolver finds definitions in one tree. It parses files on demand and
// keeps what it parsed, so the symbols of one commit cost one parse per
// file however many articles cite them.
type resolver struct {
	t tree

	goDirs    map[string][]string // directory ("" for the root) -> its Go source files
	phpByBase map[string][]string // lower-case file name -> PHP files
	phpFiles  []string
	goIdx     map[string]*goFile
	phpIdx    map[string]*phpFile
	clauses   map[string]string // directory -> package clause of its first Go file
}

func newResolver(t tree) *resolver {
	return &resolver{t: t, goIdx: map[string]*goFile{}, phpIdx: map[string]*phpFile{}, clauses: map[string]string{}}
}

// pathKind says whether p is a file or a directory in the tree, or "".
func (r *resolver) pathKind(p string) string {
	p = strings.Trim(p, "/")
	switch {
	case hasFile(r.t.Files(), p):
		return "file"
	case r.t.IsDir(p):
		return "dir"
	}
	return ""
}

func (r *resolver) listFiles() {
	if r.goDirs != nil {
		return
	}
	r.goDirs, r.phpByBase = map[string][]string{}, map[string][]string{}
	for _, f := range r.t.Files() {
		switch {
		case isGoSource(f):
			r.goDirs[dirOf(f)] = append(r.goDirs[dirOf(f)], f)
		case isPHPSource(f):
			r.phpFiles = append(r.phpFiles, f)
			b := strings.ToLower(path.Base(f))
			r.phpByBase[b] = append(r.phpByBase[b], f)
		}
	}
}

func dirOf(p string) string {
	if d := path.Dir(p); d != "." {
		return d
	}
	return ""
}

func (r *resolver) goFile(p string) (*goFile, error) {
	if gf := r.goIdx[p]; gf != nil {
		return gf, nil
	}
	src, err := r.t.Read(p)
	if err != nil {
		return nil, err
	}
	gf := indexGo(p, src)
	r.goIdx[p] = gf
	return gf, nil
}

func (r *resolver) phpFile(p string) (*phpFile, error) {
	if pf := r.phpIdx[p]; pf != nil {
		return pf, nil
	}
	src, err := r.t.Read(p)
	if err != nil {
		return nil, err
	}
	pf := indexPHP(p, src)
	r.phpIdx[p] = pf
	return pf, nil
}

// clause is the package name of a directory's first Go file, read without
// parsing the rest, to find packages whose name is not their directory's.
func (r *resolver) clause(dir string) (string, error) {
	if c, ok := r.clauses[dir]; ok {
		return c, nil
	}
	files := r.goDirs[dir]
	c := ""
	if len(files) > 0 {
		if gf := r.goIdx[files[0]]; gf != nil {
			c = gf.pkg
		} else {
			src, err := r.t.Read(files[0])
			if err != nil {
				return "", err
			}
			c = packageClause(src)
		}
	}
	r.clauses[dir] = c
	return c, nil
}

// resolve finds the definition of a cited symbol. cited are the paths the
// article cites: a name that several packages or classes define is the one
// among them.
func (r *resolver) resolve(s symbol, cited []string) (Def, error) {
	r.listFiles()
	if s.php {
		return r.resolvePHP(s, cited)
	}
	return r.resolveGo(s, cited)
}

func (r *resolver) resolveGo(s symbol, cited []string) (Def, error) {
	name := strings.Join(s.names, ".")
	if s.byDir() {
		if _, ok := r.goDirs[s.qual]; !ok {
			if r.t.IsDir(s.qual) {
				return Def{}, fmt.Errorf("directory %s holds no Go source files", s.qual)
			}
			return Def{}, fmt.Errorf("no directory %s", s.qual)
		}
		defs, typeSeen, err := r.goDefs([]string{s.qual}, "", name)
		if err != nil {
			return Def{}, err
		}
		if len(defs) == 0 {
			return Def{}, notDefined(s.qual, s.names, typeSeen)
		}
		return pick(defs, cited, s.hint)
	}
	citedDirs := map[string]bool{}
	for _, c := range cited {
		citedDirs[dirOf(strings.Trim(c, "/"))] = true
		citedDirs[strings.Trim(c, "/")] = true
	}
	var near, far []string
	for _, d := range sortedKeys(r.goDirs) {
		if !hintMatches(s.hint, d) {
			continue
		}
		if path.Base(d) == s.qual || d == "" || citedDirs[d] {
			near = append(near, d)
		} else {
			far = append(far, d)
		}
	}
	typeSeenAny, pkgSeen := false, false
	for _, dirs := range [][]string{near, far} {
		var keep []string
		for _, d := range dirs {
			c, err := r.clause(d)
			if err != nil {
				return Def{}, err
			}
			// The first file's clause decides quickly; a directory named
			// after the package is indexed whole, in case that file was a
			// generator's package main.
			if c == s.qual || path.Base(d) == s.qual {
				keep = append(keep, d)
			}
		}
		defs, typeSeen, err := r.goDefs(keep, s.qual, name)
		if err != nil {
			return Def{}, err
		}
		typeSeenAny = typeSeenAny || typeSeen
		if len(defs) > 0 {
			return pick(defs, cited, s.hint)
		}
		for _, d := range keep {
			for _, f := range r.goDirs[d] {
				if gf := r.goIdx[f]; gf != nil && gf.pkg == s.qual {
					pkgSeen = true
				}
			}
		}
	}
	if len(s.names) == 1 {
		// Type.Member with the package left out, as notes write it after
		// naming the package once (echo.Context, then Context.Bind).
		if def, err := r.resolveUnqualified(s, cited, citedDirs); err == nil {
			return def, nil
		}
	}
	if pkgSeen {
		return Def{}, notDefined("package "+s.qual, s.names, typeSeenAny)
	}
	where := "no Go package " + s.qual
	if s.hint != "" {
		where += " in a directory containing " + s.hint
	}
	if len(s.names) == 1 {
		where += ", and no type " + s.qual + " with a member " + s.names[0]
	}
	return Def{}, fmt.Errorf("%s", where)
}

// resolveUnqualified reads pkg.Name as Type.Member of an unnamed package:
// the packages of the cited paths and the root package first, then any.
func (r *resolver) resolveUnqualified(s symbol, cited []string, citedDirs map[string]bool) (Def, error) {
	name := s.qual + "." + s.names[0]
	var near, far []string
	for _, d := range sortedKeys(r.goDirs) {
		switch {
		case !hintMatches(s.hint, d):
		case d == "" || citedDirs[d]:
			near = append(near, d)
		default:
			far = append(far, d)
		}
	}
	for _, dirs := range [][]string{near, far} {
		defs, _, err := r.goDefs(dirs, "", name)
		if err != nil {
			return Def{}, err
		}
		if len(defs) > 0 {
			return pick(defs, cited, s.hint)
		}
	}
	return Def{}, fmt.Errorf("no type %s with a member %s", s.qual, s.names[0])
}

// goDefs collects the definitions of name in the Go files of dirs that
// belong to package pkg (any non-test package when pkg is ""). typeSeen
// reports that the type of a Type.Member name exists.
func (r *resolver) goDefs(dirs []string, pkg, name string) (defs []Def, typeSeen bool, err error) {
	typ, _, member := strings.Cut(name, ".")
	var constrained []Def
	for _, d := range dirs {
		for _, f := range r.goDirs[d] {
			gf, err := r.goFile(f)
			if err != nil {
				return nil, false, err
			}
			// A package is named by its clause or, as notes often do, by
			// its directory (tcp. for pkg/server/middleware/tcp, whose
			// package is tcpmiddleware).
			if gf.pkg == "" || strings.HasSuffix(gf.pkg, "_test") || pkg != "" && gf.pkg != pkg && path.Base(d) != pkg {
				continue
			}
			if member && len(gf.defs[typ]) > 0 {
				typeSeen = true
			}
			if gf.constrained {
				constrained = append(constrained, gf.defs[name]...)
			} else {
				defs = append(defs, gf.defs[name]...)
			}
		}
	}
	// A definition in a file built everywhere wins over its copies for one
	// system (x_linux.go, x_windows.go).
	if len(defs) == 0 {
		defs = constrained
	}
	return defs, typeSeen, nil
}

func notDefined(where string, names []string, typeSeen bool) error {
	if len(names) == 2 && typeSeen {
		return fmt.Errorf("%s defines %s but no method, field or interface method %s on it (promoted from an embedded type?)", where, names[0], names[1])
	}
	return fmt.Errorf("%s defines no %s", where, strings.Join(names, "."))
}

func (r *resolver) resolvePHP(s symbol, cited []string) (Def, error) {
	class, ns := s.qual, ""
	if i := strings.LastIndex(s.qual, `\`); i >= 0 {
		class, ns = s.qual[i+1:], s.qual[:i]
	}
	var near []string
	for _, f := range r.phpByBase[strings.ToLower(class)+".php"] {
		if hintMatches(s.hint, dirOf(f)) {
			near = append(near, f)
		}
	}
	var far []string
	for _, f := range r.phpFiles {
		if hintMatches(s.hint, dirOf(f)) && !strings.EqualFold(path.Base(f), class+".php") {
			far = append(far, f)
		}
	}
	var classesSeen []string
	for _, files := range [][]string{near, far} {
		var defs []Def
		for _, f := range files {
			pf, err := r.phpFile(f)
			if err != nil {
				return Def{}, err
			}
			for _, c := range pf.classes {
				if !strings.EqualFold(c.name, class) || ns != "" && !strings.EqualFold(c.namespace, ns) {
					continue
				}
				if len(s.names) == 0 {
					defs = append(defs, c.def)
					continue
				}
				classesSeen = append(classesSeen, fmt.Sprintf("%s:%d", c.def.Path, c.def.First))
				m := c.members[strings.ToLower(s.names[0])]
				if len(m) == 0 {
					m = c.members[s.names[0]]
				}
				defs = append(defs, m...)
			}
			if len(s.names) == 0 && ns == "" {
				defs = append(defs, pf.functions[strings.ToLower(class)]...)
			}
		}
		if len(defs) > 0 {
			return pick(defs, cited, s.hint)
		}
		if len(classesSeen) > 0 {
			// The class is found; looking further would only find others.
			break
		}
	}
	switch {
	case len(classesSeen) > 0:
		return Def{}, fmt.Errorf("%s (%s) declares no method or constant %s; inherited members are not followed: cite the class that declares it", class, strings.Join(classesSeen, ", "), s.names[0])
	case len(s.names) == 0:
		return Def{}, fmt.Errorf("no PHP class, interface, trait, enum or function %s", s.qual)
	}
	return Def{}, fmt.Errorf("no PHP class, interface, trait or enum %s", s.qual)
}

// pick chooses among the definitions of one name: the only one; else those
// in a file the article cites; else those in a directory it cites; else
// those outside tests; else the name is ambiguous and needs a path hint.
// A hint that names a definition's directory exactly picks it over one
// whose directory only contains the hint (agent/ against command/agent/).
// Definitions of one name in one directory are a single package's copies
// for different builds, and the first is taken.
func pick(defs []Def, cited []string, hint string) (Def, error) {
	defs = uniqueDefs(defs)
	citedFile, citedDir := map[string]bool{}, map[string]bool{}
	for _, c := range cited {
		c = strings.Trim(c, "/")
		citedFile[c] = true
		citedDir[dirOf(c)] = true
		citedDir[c] = true
	}
	narrow := func(keep func(Def) bool) {
		var out []Def
		for _, d := range defs {
			if keep(d) {
				out = append(out, d)
			}
		}
		if len(out) > 0 {
			defs = out
		}
	}
	if hint != "" {
		narrow(func(d Def) bool { return dirOf(d.Path) == hint })
	}
	narrow(func(d Def) bool { return citedFile[d.Path] })
	narrow(func(d Def) bool { return citedDir[dirOf(d.Path)] })
	narrow(func(d Def) bool { return !inTests(d.Path) })
	oneDir := true
	for _, d := range defs {
		oneDir = oneDir && dirOf(d.Path) == dirOf(defs[0].Path)
	}
	if oneDir {
		return defs[0], nil
	}
	var where []string
	for i, d := range defs {
		if i == 4 {
			where = append(where, fmt.Sprintf("and %d more", len(defs)-i))
			break
		}
		where = append(where, fmt.Sprintf("%s:%d", d.Path, d.First))
	}
	return Def{}, fmt.Errorf("defined in %d places (%s): add a path hint, \"Name (dir/of/it)\", or cite only one of those files in upstream.paths", len(defs), strings.Join(where, ", "))
}

func uniqueDefs(defs []Def) []Def {
	sort.Slice(defs, func(i, j int) bool {
		if defs[i].Path != defs[j].Path {
			return defs[i].Path < defs[j].Path
		}
		return defs[i].First < defs[j].First
	})
	out := defs[:0]
	for i, d := range defs {
		if i == 0 || d != defs[i-1] {
			out = append(out, d)
		}
	}
	return out
}

func inTests(p string) bool {
	for _, seg := range strings.Split(dirOf(p), "/") {
		switch strings.ToLower(seg) {
		case "test", "tests", "testing", "testdata", "fixtures", "examples", "example":
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
