package render

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"time"
)

// Kept dot processes. A Debian dot spends about 30 ms of CPU starting
// (pango and fontconfig), a third of what a map of the bundled notes
// takes it in all; dot reads graph after graph from its input and writes
// each drawing as soon as the graph ends, so one process can draw many.
// What one graph leaves behind must not change the next: sfdp coarsens a
// graph with rand() before it seeds it, so the same DOT drawn after other
// graphs came out another shape; and a graph's layout attribute stays
// dot's engine for the graphs after it that name none. resetDOT, drawn
// before every graph by a kept process and by a fresh one alike, puts both
// back, so a map is the same drawing whichever drew it
// (TestKeptDotSameDrawing).

// resetDOT is the two graphs drawn before each graph: the first, laid out
// with sfdp at a fixed seed, leaves rand() in one state whatever came
// before; the second, empty, makes layout the engine again. One line, so
// that dot's messages about the graph after it keep their line numbers.
// layout is one of Layouts (check refuses any other).
func resetDOT(layout string) string {
	return sfdpResetDOT + ` digraph codeatlasreset1 { graph [layout=` + layout + `] }`
}

// sfdpResetDOT is resetDOT's first graph, which the WASM worker draws on
// its own (wasmReset).
const sfdpResetDOT = `digraph codeatlasreset0 { graph [layout=sfdp, start=1]; a -> b -> c -> a }`

// resetTitles tell the reset graphs' drawings from the one asked for.
var resetTitles = [2][]byte{[]byte("<title>codeatlasreset0</title>"), []byte("<title>codeatlasreset1</title>")}

// isReset reports whether an SVG document is a reset graph's drawing.
func isReset(doc []byte) bool {
	return bytes.Contains(doc, resetTitles[0]) || bytes.Contains(doc, resetTitles[1])
}

// afterReset returns what dot drew after the reset graphs, or out
// unchanged when it holds no drawing of the second.
func afterReset(out []byte) []byte {
	i := bytes.Index(out, resetTitles[1])
	if i < 0 {
		return out
	}
	j := bytes.Index(out[i:], []byte("</svg>\n"))
	if j < 0 {
		return out
	}
	return out[i+j+len("</svg>\n"):]
}

// dropPagePrefix takes away what dot puts before the id of a graph's group
// when it is not the first graph of a run (<g id="page0,1_graph0">), so
// that the drawing reads as a run's only graph would.
func dropPagePrefix(doc []byte) []byte {
	i := bytes.Index(doc, []byte("<g "))
	if i < 0 || !bytes.HasPrefix(doc[i:], []byte(`<g id="page`)) {
		return doc
	}
	k := i + len(`<g id="page`)
	digits := func() bool {
		n := 0
		for k < len(doc) && doc[k] >= '0' && doc[k] <= '9' {
			k++
			n++
		}
		return n > 0
	}
	if !digits() || k >= len(doc) || doc[k] != ',' {
		return doc
	}
	k++
	if !digits() || k >= len(doc) || doc[k] != '_' {
		return doc
	}
	out := make([]byte, 0, len(doc))
	out = append(out, doc[:i+len(`<g id="`)]...)
	return append(out, doc[k+1:]...)
}

// keepable reports whether a graph may be drawn by a kept process: with
// two clusters or more, dot 2.43 orders them by where their names sit in
// its memory, which depends on the graphs before.
func keepable(dot []byte) bool { return len(clusterRE.FindAllIndex(dot, 2)) < 2 }

// keptDot is a dot process kept for one layout between renders.
type keptDot struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	out     *bufio.Reader
	layout  string
	renders int
	reaped  sync.Once
}

// startKeptDot starts dot for layout and draws resetDOT in it.
func startKeptDot(ctx context.Context, path, layout string) (*keptDot, error) {
	cmd := exec.Command(path, "-K"+layout, "-Tsvg")
	setDeathSignal(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start dot: %w", err)
	}
	d := &keptDot{cmd: cmd, stdin: stdin, out: bufio.NewReaderSize(stdout, 64<<10), layout: layout}
	err = d.await(ctx, startTimeout, func() error {
		if _, err := io.WriteString(d.stdin, resetDOT(layout)+"\n"); err != nil {
			return err
		}
		return d.readReset()
	})
	if err != nil {
		d.kill()
		return nil, err
	}
	return d, nil
}

// render draws dot, then resetDOT for the next graph, and returns dot's
// SVG as dot wrote it. Any error leaves the process in an unknown state:
// the caller kills it.
func (d *keptDot) render(ctx context.Context, timeout time.Duration, dot []byte) ([]byte, error) {
	var svg []byte
	err := d.await(ctx, timeout, func() error {
		// Written beside the reading: dot may write a large drawing
		// before it has read the reset graph after it.
		wrote := make(chan error, 1)
		go func() {
			reset := resetDOT(d.layout)
			in := make([]byte, 0, len(dot)+len(reset)+2)
			in = append(append(append(in, dot...), '\n'), reset+"\n"...)
			_, err := d.stdin.Write(in)
			wrote <- err
		}()
		doc, err := d.read()
		if err == nil && isReset(doc) {
			err = errors.New("dot skipped the graph")
		}
		if err == nil {
			err = d.readReset()
		}
		if err != nil {
			d.kill() // unblocks the writer
		}
		if werr := <-wrote; err == nil {
			err = werr
		}
		svg = doc
		return err
	})
	return svg, err
}

// await runs step, killing the process when ctx ends or timeout passes
// first (dot ignores both).
func (d *keptDot) await(ctx context.Context, timeout time.Duration, step func() error) error {
	done := make(chan error, 1)
	go func() { done <- step() }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		d.kill()
		<-done
		return fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
	case <-timer.C:
		d.kill()
		<-done
		return fmt.Errorf("%w after %v: %w", ErrTimeout, timeout, errWorkerFailed)
	}
}

// read returns the next SVG document dot writes: up to its last line,
// </svg>.
func (d *keptDot) read() ([]byte, error) {
	var doc []byte
	for {
		line, err := d.out.ReadSlice('\n')
		doc = append(doc, line...)
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err != nil:
			return nil, fmt.Errorf("dot's output: %w", err)
		case bytes.Equal(line, []byte("</svg>\n")):
			return doc, nil
		}
	}
}

// readReset reads the reset graphs' two drawings.
func (d *keptDot) readReset() error {
	for _, title := range resetTitles {
		doc, err := d.read()
		if err != nil {
			return err
		}
		if !bytes.Contains(doc, title) {
			return errors.New("dot drew something else than the reset graphs")
		}
	}
	return nil
}

// kill ends the process at once. Safe to call more than once.
func (d *keptDot) kill() {
	_ = d.cmd.Process.Kill()
	_ = d.stdin.Close()
	d.reaped.Do(func() { _ = d.cmd.Wait() })
}

// renderKept lays out dot in a kept process for layout, started when
// there is none idle. A process that fails is killed and the graph drawn
// again by a fresh dot, which tells a bad graph from a broken process.
func (p *Pool) renderKept(ctx context.Context, dot []byte, layout string) ([]byte, error) {
	d, err := p.takeDot(ctx, layout)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return renderNative(ctx, p.cfg.Native, p.cfg.Timeout, dot, layout, "svg")
	}
	raw, err := d.render(ctx, p.cfg.Timeout, dot)
	if err != nil {
		p.dropDot(d)
		if errors.Is(err, ErrTimeout) {
			return nil, err
		}
		return renderNative(ctx, p.cfg.Native, p.cfg.Timeout, dot, layout, "svg")
	}
	p.putDot(d)
	svg := CleanSVG(dropPagePrefix(raw))
	if err := validSVG(svg); err != nil {
		return nil, fmt.Errorf("%w: dot: %v", errWorkerFailed, err)
	}
	return svg, nil
}

// takeDot returns an idle kept process for layout or starts one.
func (p *Pool) takeDot(ctx context.Context, layout string) (*keptDot, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrClosed
	}
	for i := len(p.idleDots) - 1; i >= 0; i-- {
		if d := p.idleDots[i]; d.layout == layout {
			p.idleDots = append(p.idleDots[:i], p.idleDots[i+1:]...)
			p.mu.Unlock()
			return d, nil
		}
	}
	p.stats.Started++
	p.mu.Unlock()
	d, err := startKeptDot(ctx, p.cfg.Native, layout)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		d.kill()
		return nil, ErrClosed
	}
	p.liveDots[d] = true
	return d, nil
}

// putDot keeps a process that drew its graph for the next render, unless
// it has drawn MaxRenders, grown past MaxRSS, or more are idle than can
// ever run at once (then the one idle longest goes).
func (p *Pool) putDot(d *keptDot) {
	d.renders++
	var drop []*keptDot
	p.mu.Lock()
	p.stats.Renders++
	if p.closed || d.renders >= p.cfg.MaxRenders || procRSS(d.cmd.Process.Pid) > p.cfg.MaxRSS {
		p.stats.Recycled++
		delete(p.liveDots, d)
		drop = append(drop, d)
	} else {
		p.idleDots = append(p.idleDots, d)
		for len(p.idleDots) > p.cfg.Workers+1 {
			old := p.idleDots[0]
			p.idleDots = p.idleDots[1:]
			delete(p.liveDots, old)
			drop = append(drop, old)
		}
	}
	p.mu.Unlock()
	for _, d := range drop {
		d.kill()
	}
}

// dropDot kills a process that failed.
func (p *Pool) dropDot(d *keptDot) {
	p.mu.Lock()
	delete(p.liveDots, d)
	p.stats.Killed++
	p.mu.Unlock()
	d.kill()
}
