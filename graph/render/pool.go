package render

import (
	"bufio"
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config sets up a Pool. Command is required; the rest have defaults.
type Config struct {
	// Command returns a fresh, unstarted command that runs Serve on its
	// stdin and stdout: the same binary with a hidden subcommand.
	Command func() *exec.Cmd
	// Workers is how many renders run at once, and one small render more
	// in a reserve worker when they are all busy. Default: number of CPUs.
	Workers int
	// MaxRenders recycles a worker after this many renders. Default 200.
	MaxRenders int
	// MaxRSS recycles a worker whose resident memory passes this many
	// bytes (read from /proc where there is one). Default 256 MB.
	MaxRSS int64
	// Timeout is the deadline of one render; an overrunning worker is
	// killed. Default 10 s.
	Timeout time.Duration
	// CacheBytes bounds the cache of rendered output. Default 64 MB.
	CacheBytes int
	// DotPath is the system Graphviz used for PNG; "" looks up "dot" on
	// PATH. PNG is unsupported without it: go-graphviz's PNG is wrong.
	DotPath string
	// Native, when set, is the system dot that lays out SVG, one
	// subprocess per render, instead of the WASM workers (see
	// ResolveEngine).
	Native string
	// KeepDot keeps native dot processes between renders (see keep.go)
	// instead of starting one per render.
	KeepDot bool
	// NativeVersion is that dot's version line (from ResolveEngine), for
	// EngineID; "" makes EngineID ask dot.
	NativeVersion string
}

// Stats counts what a pool did.
type Stats struct {
	Started, Recycled, Killed, Renders, CacheHits int
	// Failed counts renders that failed in a worker and were tried again;
	// Merged counts callers that waited for an identical render;
	// Fallbacks counts maps drawn with dot after their layout failed twice.
	Failed, Merged, Fallbacks int
}

// Pool renders DOT in worker subprocesses. It is safe for concurrent use.
type Pool struct {
	cfg   Config
	slots chan struct{}
	// reserve is one worker (or dot process) beyond slots that only a
	// small render takes, when slots are all busy.
	reserve chan struct{}

	// ctx ends when the pool is closed: every render in flight with it.
	ctx  context.Context
	stop context.CancelFunc
	// flying counts the renders in flight, which Close waits for.
	flying sync.WaitGroup

	mu      sync.Mutex
	idle    []*worker
	live    map[*worker]bool // every running worker, idle or busy
	closed  bool
	stats   Stats
	cache   *lru
	png     string
	flights map[string]*flight
	// Kept dot processes (KeepDot): the idle ones, longest idle first,
	// and every one running.
	idleDots []*keptDot
	liveDots map[*keptDot]bool
}

// ErrClosed is returned by Render once the pool is closed.
var ErrClosed = errors.New("render pool closed")

// NewPool returns a pool; workers start on first use.
func NewPool(cfg Config) *Pool {
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	if cfg.MaxRenders <= 0 {
		cfg.MaxRenders = 200
	}
	if cfg.MaxRSS <= 0 {
		cfg.MaxRSS = 256 << 20
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = 64 << 20
	}
	p := &Pool{cfg: cfg, slots: make(chan struct{}, cfg.Workers), reserve: make(chan struct{}, 1), cache: newLRU(cfg.CacheBytes), flights: map[string]*flight{}, live: map[*worker]bool{}, liveDots: map[*keptDot]bool{}}
	p.ctx, p.stop = context.WithCancel(context.Background())
	p.png = cfg.DotPath
	if p.png == "" {
		p.png, _ = exec.LookPath("dot")
	}
	return p
}

// SupportsPNG reports whether PNG output is available (system Graphviz).
func (p *Pool) SupportsPNG() bool { return p.png != "" }

// Stats returns a snapshot of the counters.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

// Render lays out dot with layout and returns it in format ("svg" or
// "png"). It waits for a free worker as long as ctx allows. Concurrent
// calls for the same (dot, layout, format) share one render. A render that
// fails inside its worker (a trap, a crash, garbage output) ends that
// worker and is tried once more in a fresh one; output is checked (SVG
// that parses with root svg, a PNG signature) before it is returned or
// cached.
//
// A caller whose ctx ends stops waiting at once. The render itself goes
// on while another caller still waits for it; when none does, a cheap
// render already in a worker finishes into the cache (the next visitor
// gets it for free), and any other is cancelled: its worker or dot process
// is killed.
func (p *Pool) Render(ctx context.Context, dot []byte, layout, format string) ([]byte, error) {
	if err := check(dot, layout, format); err != nil {
		return nil, err
	}
	key := cacheKey(dot, layout, format)
	if b, ok := p.cache.get(key); ok {
		p.mu.Lock()
		p.stats.CacheHits++
		p.mu.Unlock()
		return b, nil
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrClosed
	}
	f, ok := p.flights[key]
	if ok {
		p.stats.Merged++
	} else {
		f = &flight{done: make(chan struct{}), cheap: expectedCost(dot) <= cheapEdges}
		f.ctx, f.cancel = context.WithCancel(p.ctx)
		p.flights[key] = f
		p.flying.Add(1)
		go p.fly(f, key, dot, layout, format)
	}
	f.waiters++
	p.mu.Unlock()
	select {
	case <-f.done:
		return f.out, f.err
	case <-ctx.Done():
	}
	p.mu.Lock()
	f.waiters--
	if f.waiters == 0 && (!f.cheap || !f.started) {
		f.cancel()
	}
	p.mu.Unlock()
	return nil, fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
}

// flight is one render and the callers waiting for it.
type flight struct {
	ctx    context.Context
	cancel context.CancelFunc
	cheap  bool
	done   chan struct{}
	out    []byte
	err    error

	// Guarded by Pool.mu.
	waiters int
	started bool // it holds a worker slot
}

func (p *Pool) fly(f *flight, key string, dot []byte, layout, format string) {
	defer p.flying.Done()
	defer f.cancel()
	f.out, f.err = p.renderOnce(f, key, dot, layout, format)
	p.mu.Lock()
	delete(p.flights, key)
	p.mu.Unlock()
	close(f.done)
}

// cheapEdges is the expected cost, in edges, up to which a render whose
// callers have all gone is still finished into the cache: the maps of
// pages are well under it (an article's local map, a concept, a project),
// the slow ones are well over it.
const cheapEdges = 120

// largeEdges is the expected cost, in edges of the DOT, above which a
// render counts as large: large renders never take the reserve, so a small
// map never waits behind them.
const largeEdges = 300

// expectedCost estimates a layout's cost from its DOT: the edge count,
// which dominates Graphviz's time on the maps of this program.
func expectedCost(dot []byte) int {
	return bytes.Count(dot, []byte("->")) + bytes.Count(dot, []byte("--"))
}

// admit waits for the right to render: a slot (one per worker, or per core
// for native renders). Large renders may take every slot, and a small one
// that finds them all busy runs beside them in the reserve (one worker or
// dot process beyond cores) rather than wait. (Holding large renders to
// all workers but one instead left a core idle a quarter of the time in
// bench/maps.sh's storm, where 512 of the 798 maps are large.) It returns
// the function that gives the right back.
func (p *Pool) admit(ctx context.Context, large bool) (func(), error) {
	select {
	case p.slots <- struct{}{}:
		return func() { <-p.slots }, nil
	default:
	}
	var reserve chan struct{} // nil blocks: only small renders use it
	if !large {
		reserve = p.reserve
	}
	select {
	case p.slots <- struct{}{}:
		return func() { <-p.slots }, nil
	case reserve <- struct{}{}:
		return func() { <-reserve }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: waiting for a worker: %v", ErrTimeout, ctx.Err())
	}
}

func (p *Pool) renderOnce(f *flight, key string, dot []byte, layout, format string) ([]byte, error) {
	ctx := f.ctx
	release, err := p.admit(ctx, expectedCost(dot) > largeEdges)
	if err != nil {
		return nil, err
	}
	defer release()
	p.mu.Lock()
	f.started = true
	p.mu.Unlock()
	// Another caller may have finished this render while we waited.
	if b, ok := p.cache.get(key); ok {
		p.mu.Lock()
		p.stats.CacheHits++
		p.mu.Unlock()
		return b, nil
	}
	var out []byte
	for try := 0; try < 2; try++ {
		if format == "png" {
			out, err = p.renderPNG(ctx, dot, layout)
			if err == nil {
				err = validPNG(out)
			}
		} else {
			out, err = p.layoutSVG(ctx, dot, layout)
		}
		if !errors.Is(err, errWorkerFailed) || ctx.Err() != nil {
			break
		}
		p.mu.Lock()
		p.stats.Failed++
		p.mu.Unlock()
	}
	if errors.Is(err, errWorkerFailed) && !errors.Is(err, ErrTimeout) && ctx.Err() == nil && format == "svg" && layout != "dot" {
		// The layout failed in two fresh processes: the input itself
		// breaks it (go-graphviz's sfdp corrupts its memory on some small
		// maps). Draw the map with dot, saying so on it. (One that only
		// overran its deadline would overrun it with dot too.)
		out, err = p.layoutSVG(ctx, fallbackDOT(dot, layout), "dot")
		if err == nil {
			p.mu.Lock()
			p.stats.Fallbacks++
			p.mu.Unlock()
		}
	}
	if err != nil {
		return nil, err
	}
	p.cache.put(key, out)
	return out, nil
}

// fallbackDOT is dot to be laid out with dot instead of layout: a graph
// attribute set last overrides the layout the DOT names, and a note on the
// map says what happened.
func fallbackDOT(dot []byte, layout string) []byte {
	body := bytes.TrimRight(dot, " \t\r\n")
	if !bytes.HasSuffix(body, []byte("}")) {
		return dot
	}
	var b bytes.Buffer
	b.Write(body[:len(body)-1])
	fmt.Fprintf(&b, "  layout=dot;\n  \"render-note\" [class=\"render-note\", shape=plaintext, fontsize=10, label=\"The %s layout failed on this map; it is drawn with dot.\"];\n}\n", layout)
	return b.Bytes()
}

// errWorkerFailed marks a render that failed inside its worker for a
// reason other than its input: the worker is killed and the render tried
// again in a fresh one.
var errWorkerFailed = errors.New("render worker failed")

// validSVG reports whether b is a well-formed XML document whose root
// element is svg: at once when it plainly is (quickSVG), else as
// encoding/xml reads it.
func validSVG(b []byte) error {
	if quickSVG(b) {
		return nil
	}
	return slowValidSVG(b)
}

// slowValidSVG is validSVG by encoding/xml alone.
func slowValidSVG(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	root := ""
	depth := 0
	for {
		t, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("output is not SVG: %v", err)
		}
		switch t := t.(type) {
		case xml.StartElement:
			if depth == 0 {
				if root != "" {
					return errors.New("output is not SVG: more than one root element")
				}
				root = t.Name.Local
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if root != "svg" {
		return fmt.Errorf("output is not SVG: root element %q", root)
	}
	return nil
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

func validPNG(b []byte) error {
	if len(b) < len(pngSignature)+25 || !bytes.HasPrefix(b, pngSignature) || string(b[12:16]) != "IHDR" {
		return errors.New("render: output is not a PNG")
	}
	return nil
}

func cacheKey(dot []byte, layout, format string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", layout, format)
	h.Write(dot)
	return string(h.Sum(nil))
}

func (p *Pool) renderPNG(ctx context.Context, dot []byte, layout string) ([]byte, error) {
	if p.png == "" {
		return nil, fmt.Errorf("%w: PNG needs Graphviz's dot on PATH", ErrUnsupported)
	}
	// The same subprocess as the native engine's, asked for PNG.
	return renderNative(ctx, p.png, p.cfg.Timeout, dot, layout, "png")
}

// layoutSVG lays out dot once, with the native engine or in a worker.
func (p *Pool) layoutSVG(ctx context.Context, dot []byte, layout string) ([]byte, error) {
	if p.cfg.Native != "" {
		if p.cfg.KeepDot && keepable(dot) {
			return p.renderKept(ctx, dot, layout)
		}
		return renderNative(ctx, p.cfg.Native, p.cfg.Timeout, dot, layout, "svg")
	}
	return p.renderSVG(ctx, dot, layout)
}

func (p *Pool) renderSVG(ctx context.Context, dot []byte, layout string) ([]byte, error) {
	w, err := p.get(ctx)
	if err != nil {
		return nil, err
	}
	type result struct {
		out []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := w.do(dot, layout, "svg")
		done <- result{out, err}
	}()
	timer := time.NewTimer(p.cfg.Timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		var werr *workerError
		if r.err != nil && errors.As(r.err, &werr) && werr.input() {
			// The worker refused the input: it is still sound.
			p.put(w)
			return nil, r.err
		}
		if r.err == nil {
			r.err = validSVG(r.out)
		}
		if r.err != nil {
			// A trap, a crash, a broken pipe or garbage: whatever state
			// the worker holds is not trusted again.
			p.retire(w, true)
			return nil, fmt.Errorf("%w: %v", errWorkerFailed, r.err)
		}
		p.put(w)
		return r.out, nil
	case <-timer.C:
	case <-ctx.Done():
	}
	// go-graphviz ignores deadlines, so the only way to stop a layout is to
	// kill the process running it.
	p.retire(w, true)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
	}
	// A hang is a failure like any other: tried once more in a fresh worker.
	return nil, fmt.Errorf("%w after %v: %w", ErrTimeout, p.cfg.Timeout, errWorkerFailed)
}

// get returns an idle worker or starts one.
func (p *Pool) get(ctx context.Context) (*worker, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrClosed
	}
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return w, nil
	}
	p.stats.Started++
	p.mu.Unlock()
	w, err := startWorker(ctx, p.cfg.Command())
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		w.kill()
		return nil, ErrClosed
	}
	p.live[w] = true
	return w, nil
}

// put returns a worker to the idle list, or retires it when it has done
// enough renders or grown too large.
func (p *Pool) put(w *worker) {
	w.renders++
	p.mu.Lock()
	p.stats.Renders++
	if !p.closed && w.renders < p.cfg.MaxRenders && w.rss() <= p.cfg.MaxRSS {
		p.idle = append(p.idle, w)
		p.mu.Unlock()
		return
	}
	p.stats.Recycled++
	p.mu.Unlock()
	p.retire(w, false)
}

// retire ends a worker that is not idle: kill it at once (its state is
// not trusted, or it overran), or let it exit when its input closes.
func (p *Pool) retire(w *worker, kill bool) {
	p.mu.Lock()
	delete(p.live, w)
	if kill {
		p.stats.Killed++
	}
	p.mu.Unlock()
	if kill {
		w.kill()
	} else {
		w.close(closeGrace)
	}
}

// closeGrace is how long a worker whose input is closed has to exit before
// it is killed.
const closeGrace = time.Second

// Close ends the pool: renders in flight are cancelled (their callers get
// ErrTimeout), busy workers and dot processes are killed, idle workers get
// closeGrace to exit and are killed after it. It returns once every worker
// is gone; later renders fail with ErrClosed.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	idle := map[*worker]bool{}
	for _, w := range p.idle {
		idle[w] = true
	}
	var all []*worker
	for w := range p.live {
		all = append(all, w)
	}
	p.idle, p.live = nil, map[*worker]bool{}
	var dots []*keptDot
	for d := range p.liveDots {
		dots = append(dots, d)
	}
	p.idleDots, p.liveDots = nil, map[*keptDot]bool{}
	p.mu.Unlock()
	p.stop()
	var wg sync.WaitGroup
	for _, d := range dots {
		wg.Add(1)
		go func() { defer wg.Done(); d.kill() }()
	}
	for _, w := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if idle[w] {
				w.close(closeGrace)
			} else {
				w.kill()
			}
		}()
	}
	wg.Wait()
	p.flying.Wait()
	return nil
}

type worker struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stdout  *bufio.Reader
	renders int
	reaped  sync.Once
}

// workerError is a render error reported by a healthy worker.
type workerError struct{ msg string }

func (e *workerError) Error() string { return e.msg }

// Is maps the worker's message back to the error kinds of this package.
func (e *workerError) Is(target error) bool {
	for _, k := range []error{ErrBadDOT, ErrUnsupported, ErrTooLarge} {
		if target == k && strings.HasPrefix(e.msg, k.Error()) {
			return true
		}
	}
	return false
}

// input reports whether the worker refused its input (bad DOT, an
// unsupported layout, too large) rather than failing to render it.
func (e *workerError) input() bool {
	return errors.Is(e, ErrBadDOT) || errors.Is(e, ErrUnsupported) || errors.Is(e, ErrTooLarge)
}

func startWorker(ctx context.Context, cmd *exec.Cmd) (*worker, error) {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if cmd.Stderr == nil {
		cmd.Stderr = os.Stderr
	}
	tieToParent(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start render worker: %w", err)
	}
	w := &worker{cmd: cmd, stdin: stdin, stdout: bufio.NewReader(stdout)}
	ready := make(chan error, 1)
	go func() {
		line, err := w.stdout.ReadString('\n')
		if err == nil && line != "ready\n" {
			err = fmt.Errorf("unexpected greeting %q", line)
		}
		ready <- err
	}()
	select {
	case err := <-ready:
		if err != nil {
			w.kill()
			return nil, fmt.Errorf("start render worker: %w", err)
		}
	case <-time.After(startTimeout):
		w.kill()
		return nil, fmt.Errorf("start render worker: no greeting after %v", startTimeout)
	case <-ctx.Done():
		w.kill()
		return nil, fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
	}
	return w, nil
}

// startTimeout bounds a worker's start-up: go-graphviz compiles its
// WebAssembly first (1.4 s cold, 0.2 s with its cache, seen here).
const startTimeout = 60 * time.Second

func (w *worker) do(dot []byte, layout, format string) ([]byte, error) {
	if _, err := fmt.Fprintf(w.stdin, "%s %s %d\n", layout, format, len(dot)); err != nil {
		return nil, err
	}
	if _, err := w.stdin.Write(dot); err != nil {
		return nil, err
	}
	header, err := w.stdout.ReadString('\n')
	if err != nil {
		return nil, err
	}
	f := strings.Fields(header)
	if len(f) != 2 {
		return nil, fmt.Errorf("bad response header %q", header)
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n < 0 {
		return nil, fmt.Errorf("bad response length %q", f[1])
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(w.stdout, body); err != nil {
		return nil, err
	}
	if f[0] == "err" {
		return nil, &workerError{msg: string(body)}
	}
	return body, nil
}

func (w *worker) rss() int64 { return procRSS(w.cmd.Process.Pid) }

// procRSS is the resident memory of process pid, from /proc where there is
// one (0 elsewhere).
func procRSS(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// close ends the worker by closing its input, and kills it when it has
// not exited after grace. Safe to call more than once, and with kill.
func (w *worker) close(grace time.Duration) {
	_ = w.stdin.Close()
	done := make(chan struct{})
	go func() { w.wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		_ = w.cmd.Process.Kill()
		<-done
	}
}

// kill ends the worker at once. Safe to call more than once, and with close.
func (w *worker) kill() {
	_ = w.cmd.Process.Kill()
	_ = w.stdin.Close()
	w.wait()
}

// wait reaps the worker's process once; later callers wait for the first.
func (w *worker) wait() { w.reaped.Do(func() { _ = w.cmd.Wait() }) }

// lru is a byte-bounded cache of rendered output.
type lru struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List
	items map[string]*list.Element
}

type entry struct {
	key string
	val []byte
}

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lru) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*entry).val, true
	}
	return nil, false
}

func (c *lru) put(key string, val []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[key]; ok || len(val) > c.max {
		return
	}
	c.items[key] = c.order.PushFront(&entry{key, val})
	c.size += len(val)
	for c.size > c.max {
		el := c.order.Back()
		e := el.Value.(*entry)
		c.order.Remove(el)
		delete(c.items, e.key)
		c.size -= len(e.val)
	}
}
