package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"
	"time"
)

// meshDOT is a graph large enough that sfdp coarsens it (where it drew
// differently after other graphs), with the layout attribute attr ("" for
// none).
func meshDOT(seed int64, n int, attr string) []byte {
	r := rand.New(rand.NewSource(seed))
	var b strings.Builder
	fmt.Fprintf(&b, "digraph \"g%d\" {\n", seed)
	if attr != "" {
		fmt.Fprintf(&b, "  graph [layout=%q, overlap=prism, splines=false];\n", attr)
	}
	for i := 0; i < n*3/2; i++ {
		fmt.Fprintf(&b, "  n%d -> n%d;\n", r.Intn(n), r.Intn(n))
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// TestKeptDotSameDrawing: a kept dot process draws every graph byte for
// byte as a fresh dot does, whatever it drew before: sfdp graphs that
// coarsen, and a graph that names no layout after one that names another
// (dot would keep the other as its engine).
func TestKeptDotSameDrawing(t *testing.T) {
	fresh := nativePool(t, Config{Workers: 1})
	kept := nativePool(t, Config{Workers: 1, KeepDot: true})
	type job struct {
		dot    []byte
		layout string
	}
	var jobs []job
	for i := int64(0); i < 6; i++ {
		jobs = append(jobs, job{meshDOT(i, 60, "sfdp"), "sfdp"})
	}
	jobs = append(jobs,
		job{meshDOT(10, 12, "neato"), "dot"}, // names neato, asked for with dot
		job{meshDOT(11, 12, ""), "dot"},      // names none: dot
		job{meshDOT(12, 40, ""), "sfdp"},
		job{meshDOT(13, 12, "dot"), "sfdp"},
	)
	want := make([][]byte, len(jobs))
	for i, j := range jobs {
		svg, err := fresh.Render(context.Background(), j.dot, j.layout, "svg")
		if err != nil {
			t.Fatal(err)
		}
		want[i] = svg
	}
	// Twice over in a shuffled order, each drawing once from the kept
	// processes (the pool's cache would answer the second time).
	order := rand.New(rand.NewSource(1)).Perm(len(jobs))
	for round := 0; round < 2; round++ {
		for _, i := range order {
			kept.cache = newLRU(1 << 20)
			got, err := kept.Render(context.Background(), jobs[i].dot, jobs[i].layout, "svg")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want[i]) {
				t.Fatalf("round %d, graph %d (%s): a kept dot drew it otherwise than a fresh one", round, i, jobs[i].layout)
			}
		}
		order = rand.New(rand.NewSource(2)).Perm(len(jobs))
	}
	if s := kept.Stats(); s.Started > 3 || s.Killed != 0 {
		t.Errorf("kept processes: %+v (want one per layout, none killed)", s)
	}
}

// TestKeptDotFailures: a graph dot rejects gets ErrBadDOT, with the line
// of its error as in the DOT, and the next render draws; a render past its
// deadline kills its process; Close leaves no process running.
func TestKeptDotFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("lays out a slow graph")
	}
	p := nativePool(t, Config{Workers: 1, KeepDot: true, Timeout: 3 * time.Second})
	ok := []byte("digraph { x -> y }")
	if _, err := p.Render(context.Background(), ok, "dot", "svg"); err != nil {
		t.Fatal(err)
	}
	_, err := p.Render(context.Background(), []byte("digraph {\n a -> b\n c -> ;\n}"), "dot", "svg")
	if !errors.Is(err, ErrBadDOT) || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("bad DOT: %v, want ErrBadDOT at line 3", err)
	}
	if _, err := p.Render(context.Background(), []byte("digraph { y -> z }"), "dot", "svg"); err != nil {
		t.Fatalf("no render after a bad graph: %v", err)
	}
	before := children(os.Getpid())
	if len(before) != 1 {
		t.Fatalf("%d processes kept, want 1", len(before))
	}
	if _, err := p.Render(context.Background(), slowDOT(400), "dot", "svg"); !errors.Is(err, ErrTimeout) {
		t.Fatalf("slow graph: %v, want ErrTimeout", err)
	}
	waitFor(t, "the process past its deadline to end", func() bool { return !alive(before[0]) })
	if _, err := p.Render(context.Background(), []byte("digraph { z -> w }"), "dot", "svg"); err != nil {
		t.Fatalf("no render after a timeout: %v", err)
	}
	kids := children(os.Getpid())
	p.Close()
	for _, pid := range kids {
		if alive(pid) {
			t.Errorf("dot %d survived Close", pid)
		}
	}
}

// TestNativePNGIsOne: a PNG from the native engine is the map's alone,
// not the reset graphs' drawn before it.
func TestNativePNGIsOne(t *testing.T) {
	p := nativePool(t, Config{Workers: 1})
	png, err := p.Render(context.Background(), []byte("digraph { a -> b }"), "dot", "png")
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(png, pngSignature); n != 1 {
		t.Errorf("%d PNG signatures in one PNG", n)
	}
	if got := afterPNGs(png, 2); !bytes.Equal(got, png) {
		t.Error("afterPNGs cut a lone PNG")
	}
}
