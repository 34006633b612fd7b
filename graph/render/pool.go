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
	// Workers is how many renders run at once. Default: number of CPUs.
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
}

// Stats counts what a pool did.
type Stats struct {
	Started, Recycled, Killed, Renders, CacheHits int
	// Failed counts renders that failed in a worker and were tried again;
	// Merged counts callers that waited for an identical render.
	Failed, Merged int
}

// Pool renders DOT in worker subprocesses. It is safe for concurrent use.
type Pool struct {
	cfg   Config
	slots chan struct{}
	// large admits large renders: one fewer than slots, so one worker is
	// always left for small ones (with one worker, they take turns).
	large chan struct{}
	// reserve, for native renders only, is one dot process beyond slots
	// that only a small render takes, when slots are all busy.
	reserve chan struct{}

	mu      sync.Mutex
	idle    []*worker
	stats   Stats
	cache   *lru
	png     string
	flights map[string]*flight
}

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
	p := &Pool{cfg: cfg, slots: make(chan struct{}, cfg.Workers), large: make(chan struct{}, max(1, cfg.Workers-1)), cache: newLRU(cfg.CacheBytes), flights: map[string]*flight{}}
	if cfg.Native != "" {
		p.reserve = make(chan struct{}, 1)
	}
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
	if c, ok := p.flights[key]; ok {
		p.stats.Merged++
		p.mu.Unlock()
		select {
		case <-c.done:
			return c.out, c.err
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: waiting for the same render: %v", ErrTimeout, ctx.Err())
		}
	}
	c := &flight{done: make(chan struct{})}
	p.flights[key] = c
	p.mu.Unlock()
	c.out, c.err = p.renderOnce(ctx, key, dot, layout, format)
	p.mu.Lock()
	delete(p.flights, key)
	p.mu.Unlock()
	close(c.done)
	return c.out, c.err
}

// flight is a render that other callers of the same key wait for.
type flight struct {
	done chan struct{}
	out  []byte
	err  error
}

// largeEdges is the expected cost, in edges of the DOT, above which a
// render counts as large: large renders together hold at most all workers
// but one, so a small map never waits behind them.
const largeEdges = 300

// expectedCost estimates a layout's cost from its DOT: the edge count,
// which dominates Graphviz's time on the maps of this program.
func expectedCost(dot []byte) int {
	return bytes.Count(dot, []byte("->")) + bytes.Count(dot, []byte("--"))
}

// admit waits for the right to render: a slot (one per worker, or per core
// for native renders). WASM workers are processes holding a compiled
// Graphviz each, so large renders take all of them but one and a small map
// never waits behind them. A native render is a dot process that ends with
// it: large renders may take every core, and a small one that finds them
// all busy runs beside them in the reserve (one process beyond cores) rather
// than wait. It returns the function that gives the right back.
func (p *Pool) admit(ctx context.Context, large bool) (func(), error) {
	if large && p.reserve == nil {
		select {
		case p.large <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: waiting for a worker: %v", ErrTimeout, ctx.Err())
		}
	}
	done := func(ch chan struct{}) func() {
		return func() {
			<-ch
			if large && p.reserve == nil {
				<-p.large
			}
		}
	}
	select {
	case p.slots <- struct{}{}:
		return done(p.slots), nil
	default:
	}
	var reserve chan struct{} // nil blocks: only small native renders use it
	if !large {
		reserve = p.reserve
	}
	select {
	case p.slots <- struct{}{}:
		return done(p.slots), nil
	case reserve <- struct{}{}:
		return done(reserve), nil
	case <-ctx.Done():
		if large && p.reserve == nil {
			<-p.large
		}
		return nil, fmt.Errorf("%w: waiting for a worker: %v", ErrTimeout, ctx.Err())
	}
}

func (p *Pool) renderOnce(ctx context.Context, key string, dot []byte, layout, format string) ([]byte, error) {
	release, err := p.admit(ctx, expectedCost(dot) > largeEdges)
	if err != nil {
		return nil, err
	}
	defer release()
	// Another caller may have finished this render while we waited.
	if b, ok := p.cache.get(key); ok {
		p.mu.Lock()
		p.stats.CacheHits++
		p.mu.Unlock()
		return b, nil
	}
	var out []byte
	if format == "svg" && p.cfg.Native != "" {
		out, err = renderNative(ctx, p.cfg.Native, p.cfg.Timeout, dot, layout, format)
	} else if format == "png" {
		out, err = p.renderPNG(ctx, dot, layout)
		if err == nil {
			err = validPNG(out)
		}
	} else {
		for try := 0; try < 2; try++ {
			out, err = p.renderSVG(ctx, dot, layout)
			if !errors.Is(err, errWorkerFailed) || ctx.Err() != nil {
				break
			}
			p.mu.Lock()
			p.stats.Failed++
			p.mu.Unlock()
		}
	}
	if err != nil {
		return nil, err
	}
	p.cache.put(key, out)
	return out, nil
}

// errWorkerFailed marks a render that failed inside its worker for a
// reason other than its input: the worker is killed and the render tried
// again in a fresh one.
var errWorkerFailed = errors.New("render worker failed")

// validSVG reports whether b is a well-formed XML document whose root
// element is svg.
func validSVG(b []byte) error {
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
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.png, "-K"+layout, "-Tpng")
	cmd.Stdin = bytes.NewReader(dot)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w after %v", ErrTimeout, p.cfg.Timeout)
		}
		return nil, fmt.Errorf("%w: %s", ErrBadDOT, strings.TrimSpace(errb.String()))
	}
	return out.Bytes(), nil
}

func (p *Pool) renderSVG(ctx context.Context, dot []byte, layout string) ([]byte, error) {
	w, err := p.get()
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
			w.kill()
			p.mu.Lock()
			p.stats.Killed++
			p.mu.Unlock()
			return nil, fmt.Errorf("%w: %v", errWorkerFailed, r.err)
		}
		p.put(w)
		return r.out, nil
	case <-timer.C:
	case <-ctx.Done():
	}
	// go-graphviz ignores deadlines, so the only way to stop a layout is to
	// kill the process running it.
	w.kill()
	p.mu.Lock()
	p.stats.Killed++
	p.mu.Unlock()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w: %v", ErrTimeout, ctx.Err())
	}
	// A hang is a failure like any other: tried once more in a fresh worker.
	return nil, fmt.Errorf("%w after %v: %w", ErrTimeout, p.cfg.Timeout, errWorkerFailed)
}

// get returns an idle worker or starts one.
func (p *Pool) get() (*worker, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return w, nil
	}
	p.stats.Started++
	p.mu.Unlock()
	return startWorker(p.cfg.Command())
}

// put returns a worker to the idle list, or retires it when it has done
// enough renders or grown too large.
func (p *Pool) put(w *worker) {
	w.renders++
	p.mu.Lock()
	p.stats.Renders++
	if w.renders >= p.cfg.MaxRenders || w.rss() > p.cfg.MaxRSS {
		p.stats.Recycled++
		p.mu.Unlock()
		w.close()
		return
	}
	p.idle = append(p.idle, w)
	p.mu.Unlock()
}

// Close stops the idle workers.
func (p *Pool) Close() error {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, w := range idle {
		w.close()
	}
	return nil
}

type worker struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stdout  *bufio.Reader
	renders int
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

func startWorker(cmd *exec.Cmd) (*worker, error) {
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

func (w *worker) rss() int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(w.cmd.Process.Pid) + "/status")
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

func (w *worker) close() {
	_ = w.stdin.Close()
	done := make(chan struct{})
	go func() { _ = w.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		_ = w.cmd.Process.Kill()
		<-done
	}
}

func (w *worker) kill() {
	_ = w.cmd.Process.Kill()
	_ = w.stdin.Close()
	_ = w.cmd.Wait()
}

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
