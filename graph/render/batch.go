package render

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"sort"
	"sync"
	"time"
)

// clusterRE finds a cluster in a DOT.
var clusterRE = regexp.MustCompile(`subgraph\s+"?cluster`)

// batchSize bounds the graphs of one dot run: a run with a graph dot
// rejects is thrown away whole, its graphs left to be drawn one by one.
const batchSize = 48

// RenderBatch lays out many graphs as SVG with a few runs of the system
// dot, workers at a time, instead of one process per graph: a Debian dot
// spends about 30 ms of CPU starting (pango and fontconfig), more than
// most maps take to lay out. It answers one SVG per input, in order, nil
// where it has none (every graph of a run that failed, or every graph when
// the pool has no native dot): a caller renders those one by one as
// before.
//
// Graphs with two clusters or more are left out: dot orders clusters by
// where their names sit in its memory, so after other graphs in one run it
// may stack them in another order than alone, and Debian's 2.43 aborts on
// some of them there. Every graph it draws comes out byte for byte as
// Render draws it.
func (p *Pool) RenderBatch(ctx context.Context, dots [][]byte, layout string, workers int) [][]byte {
	out := make([][]byte, len(dots))
	if p.cfg.Native == "" || len(dots) == 0 {
		return out
	}
	var todo []int
	for i, d := range dots {
		if check(d, layout, "svg") == nil && len(clusterRE.FindAllIndex(d, 2)) < 2 {
			todo = append(todo, i)
		}
	}
	// Largest first, dealt round-robin: each run gets a share of the work.
	sort.SliceStable(todo, func(a, b int) bool { return len(dots[todo[a]]) > len(dots[todo[b]]) })
	workers = max(1, min(workers, (len(todo)+batchSize-1)/batchSize*2))
	runs := make([][]int, 0)
	for w := 0; w < workers; w++ {
		var mine []int
		for k := w; k < len(todo); k += workers {
			mine = append(mine, todo[k])
		}
		for len(mine) > 0 {
			n := min(batchSize, len(mine))
			runs = append(runs, mine[:n])
			mine = mine[n:]
		}
	}
	jobs := make(chan []int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for run := range jobs {
				in := make([][]byte, len(run))
				for k, i := range run {
					in[k] = dots[i]
				}
				for k, svg := range p.nativeRuns(ctx, in, layout) {
					out[run[k]] = svg
				}
			}
		}()
	}
	for _, run := range runs {
		if ctx.Err() != nil {
			break
		}
		jobs <- run
	}
	close(jobs)
	wg.Wait()
	return out
}

// nativeRuns lays out dots in one dot process, or when that run fails (a
// graph of the notes that dot rejects) in two halves, and so on: a bad
// graph costs a few runs, not the whole batch. A graph that fails alone
// has no SVG.
func (p *Pool) nativeRuns(ctx context.Context, dots [][]byte, layout string) [][]byte {
	out, ok := p.nativeRun(ctx, dots, layout)
	if ok || len(dots) < 2 || ctx.Err() != nil {
		return out
	}
	half := len(dots) / 2
	return append(p.nativeRuns(ctx, dots[:half], layout), p.nativeRuns(ctx, dots[half:], layout)...)
}

// nativeRun lays out dots in one dot process and splits its output into
// one SVG per graph. A run that fails gives none: which graph an SVG
// belongs to is known only by counting, and dot may skip a graph it
// cannot lay out and go on with the next.
func (p *Pool) nativeRun(ctx context.Context, dots [][]byte, layout string) ([][]byte, bool) {
	timeout := p.cfg.Timeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout*time.Duration(len(dots)))
	defer cancel()
	cmd := exec.CommandContext(ctx, p.cfg.Native, "-K"+layout, "-Tsvg")
	setDeathSignal(cmd)
	var in bytes.Buffer
	for _, d := range dots {
		// Each after the reset graph, as Render draws it (keep.go).
		in.WriteString(resetDOT(layout) + " ")
		in.Write(d)
		in.WriteByte('\n')
	}
	cmd.Stdin = &in
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		return make([][]byte, len(dots)), false
	}
	out := splitSVGs(stdout.Bytes(), len(dots))
	return out, len(out) == 0 || out[0] != nil
}

// splitSVGs cuts the output of one dot run over n graphs, each after the
// reset graphs, into their SVG documents, cleaned, or none at all unless
// there are exactly n whole ones, each after a reset.
func splitSVGs(b []byte, n int) [][]byte {
	out := make([][]byte, n)
	if bytes.Count(b, []byte("<?xml")) != 3*n {
		return out
	}
	start := []byte("<?xml")
	for k := 0; k < 3*n; k++ {
		i := bytes.Index(b, start)
		if i < 0 {
			break
		}
		b = b[i:]
		j := bytes.Index(b[len(start):], start)
		doc := b
		if j >= 0 {
			doc = b[:len(start)+j]
		}
		b = b[len(doc):]
		if !bytes.Contains(doc, []byte("<svg")) || !bytes.HasSuffix(bytes.TrimSpace(doc), []byte("</svg>")) || !bytes.Contains(doc, []byte("codeatlasreset")) != (k%3 == 2) {
			return make([][]byte, n)
		}
		if k%3 < 2 {
			continue
		}
		out[k/3] = CleanSVG(dropPagePrefix(doc))
	}
	return out
}
