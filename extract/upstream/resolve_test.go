package upstream

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/resolve/*.txtar and the golden files")

// TestResolve runs testdata/resolve/*.txtar: every file of the archive
// forms a tree, each line of "symbols" is resolved with the paths of
// "cited", and the results must match "want" (path:first-last, or the
// error).
func TestResolve(t *testing.T) {
	files, err := filepath.Glob("testdata/resolve/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			tree := map[string][]byte{}
			sections := map[string]string{}
			for _, f := range ar.Files {
				switch f.Name {
				case "symbols", "cited", "want":
					sections[f.Name] = string(f.Data)
				default:
					tree[f.Name] = f.Data
				}
			}
			res := newResolver(newMapTree(tree))
			cited := strings.Fields(sections["cited"])
			var got strings.Builder
			for _, raw := range strings.Split(strings.TrimSpace(sections["symbols"]), "\n") {
				fmt.Fprintf(&got, "%s\t%s\n", raw, resolveLine(res, raw, cited))
			}
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "want" {
						ar.Files[i].Data = []byte(got.String())
					}
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got.String() != sections["want"] {
				t.Errorf("mismatch (go test ./extract/upstream -run TestResolve -update)\n--- got ---\n%s--- want ---\n%s", got.String(), sections["want"])
			}
		})
	}
}

func resolveLine(res *resolver, raw string, cited []string) string {
	s, err := parseSymbol(raw)
	if err != nil {
		return "error: parse: " + err.Error()
	}
	d, err := res.resolve(s, cited)
	if err != nil {
		return "error: " + err.Error()
	}
	if d.First == d.Last {
		return fmt.Sprintf("%s:%d", d.Path, d.First)
	}
	return fmt.Sprintf("%s:%d-%d", d.Path, d.First, d.Last)
}
