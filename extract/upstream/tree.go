package upstream

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// tree is the files of a repository at one commit.
type tree interface {
	// Files lists the path of every file, sorted.
	Files() []string
	// IsDir reports whether p is a directory holding files.
	IsDir(p string) bool
	// Read returns a file's content.
	Read(p string) ([]byte, error)
}

// mapTree is a tree held in memory, for tests and for the txtar cases.
type mapTree struct {
	files map[string][]byte
	list  []string
	dirs  map[string]bool
}

func newMapTree(files map[string][]byte) *mapTree {
	t := &mapTree{files: files, dirs: map[string]bool{}}
	for p := range files {
		t.list = append(t.list, p)
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			t.dirs[d] = true
		}
	}
	sort.Strings(t.list)
	return t
}

func (t *mapTree) Files() []string     { return t.list }
func (t *mapTree) IsDir(p string) bool { return t.dirs[strings.TrimSuffix(p, "/")] }
func (t *mapTree) Read(p string) ([]byte, error) {
	b, ok := t.files[p]
	if !ok {
		return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
	}
	return b, nil
}

// hasFile reports whether the sorted list holds p.
func hasFile(files []string, p string) bool {
	i := sort.SearchStrings(files, p)
	return i < len(files) && files[i] == p
}
