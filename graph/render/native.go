package render

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Engines a pool can lay out with: EngineWASM is go-graphviz in worker
// subprocesses (needs nothing installed), EngineNative is the system
// Graphviz's dot run as one subprocess per render, and EngineAuto picks
// native when a usable dot is on PATH, else WASM.
const (
	EngineAuto   = "auto"
	EngineWASM   = "wasm"
	EngineNative = "native"
)

// Engines lists the values --engine accepts.
var Engines = []string{EngineAuto, EngineWASM, EngineNative}

// ErrNoNative is returned when the native engine is asked for and no
// usable Graphviz is installed.
var ErrNoNative = errors.New("native engine: no usable Graphviz dot")

// minNative is the oldest Graphviz accepted for SVG layout (Debian
// bookworm ships 2.42/2.43; older releases lack sfdp's overlap removal we
// rely on and write a different SVG header).
var minNative = [2]int{2, 40}

var versionRE = regexp.MustCompile(`graphviz version (\d+)\.(\d+)`)

// parseDotVersion reads the major and minor version from the output of
// `dot -V` (it prints to stderr, e.g. "dot - graphviz version 2.43.0 (0)").
func parseDotVersion(out string) (major, minor int, ok bool) {
	m := versionRE.FindStringSubmatch(out)
	if m == nil {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(m[1])
	minor, err2 := strconv.Atoi(m[2])
	return major, minor, err1 == nil && err2 == nil
}

// NativeDot returns the path and version line of a usable dot: path, or
// "dot" looked up on PATH when path is "". It runs `dot -V` with a short
// deadline and accepts Graphviz minNative or newer.
func NativeDot(path string) (string, string, error) {
	if path == "" {
		p, err := exec.LookPath("dot")
		if err != nil {
			return "", "", fmt.Errorf("%w: dot is not on PATH (install graphviz, or use --engine wasm)", ErrNoNative)
		}
		path = p
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "-V").CombinedOutput()
	if err != nil {
		return "", "", fmt.Errorf("%w: %s -V: %v", ErrNoNative, path, err)
	}
	line := strings.TrimSpace(string(out))
	major, minor, ok := parseDotVersion(line)
	if !ok {
		return "", "", fmt.Errorf("%w: %s -V printed %q", ErrNoNative, path, line)
	}
	if major < minNative[0] || major == minNative[0] && minor < minNative[1] {
		return "", "", fmt.Errorf("%w: %s is Graphviz %d.%d, need %d.%d or newer", ErrNoNative, path, major, minor, minNative[0], minNative[1])
	}
	return path, line, nil
}

// ResolveEngine turns an --engine value into the dot to run natively and
// its version line ("" and "" mean WASM). auto falls back to WASM
// silently; native without a usable dot is an error.
func ResolveEngine(engine, dotPath string) (path, version string, err error) {
	switch engine {
	case EngineWASM:
		return "", "", nil
	case EngineAuto, "":
		p, v, err := NativeDot(dotPath)
		if err != nil {
			return "", "", nil
		}
		return p, v, nil
	case EngineNative:
		return NativeDot(dotPath)
	}
	return "", "", fmt.Errorf("unknown engine %q (want %s)", engine, strings.Join(Engines, "|"))
}

// renderNative lays out dot with the system Graphviz at path, one
// subprocess per render, killed at the deadline or when ctx ends (and, on
// Linux, when this process dies), and cleans its SVG as the WASM path
// does. A dot that dies of a signal, or writes something that is not SVG,
// failed for a reason other than its input: errWorkerFailed, tried again.
func renderNative(ctx context.Context, path string, timeout time.Duration, dot []byte, layout, format string) ([]byte, error) {
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(tctx, path, "-K"+layout, "-T"+format)
	setDeathSignal(cmd)
	// Once dot is killed, do not wait for anything it left holding its
	// output.
	cmd.WaitDelay = time.Second
	// The reset graph first, on the graph's first line: the same drawing
	// as a kept process makes (keep.go), the same line numbers in errors.
	cmd.Stdin = io.MultiReader(strings.NewReader(resetDOT(layout)+" "), bytes.NewReader(dot))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %w", ErrTimeout, ctx.Err())
		}
		if tctx.Err() != nil {
			return nil, fmt.Errorf("%w after %v: %w", ErrTimeout, timeout, errWorkerFailed)
		}
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		if signalled(cmd.ProcessState) {
			return nil, fmt.Errorf("%w: dot: %s (%v)", errWorkerFailed, msg, err)
		}
		return nil, fmt.Errorf("%w: %s", ErrBadDOT, msg)
	}
	if format != "svg" {
		return afterPNGs(out.Bytes(), 2), nil
	}
	drawn := afterReset(out.Bytes())
	if !bytes.Contains(drawn, []byte("<svg")) {
		return nil, fmt.Errorf("%w: no SVG in dot's output", ErrBadDOT)
	}
	svg := CleanSVG(dropPagePrefix(drawn))
	if err := validSVG(svg); err != nil {
		return nil, fmt.Errorf("%w: dot: %v", errWorkerFailed, err)
	}
	return svg, nil
}

// afterPNGs drops the first n PNG files in b (the reset graphs'), walking
// their chunks to their ends; b unchanged when it does not hold n whole
// PNGs followed by more.
func afterPNGs(b []byte, n int) []byte {
	rest := b
	for ; n > 0; n-- {
		if !bytes.HasPrefix(rest, pngSignature) {
			return b
		}
		i := len(pngSignature)
		for {
			if i+12 > len(rest) {
				return b
			}
			size := int(binary.BigEndian.Uint32(rest[i:]))
			if size < 0 || size > len(rest)-i-12 {
				return b
			}
			typ := string(rest[i+4 : i+8])
			i += 12 + size
			if typ == "IEND" {
				break
			}
		}
		rest = rest[i:]
	}
	if len(rest) == 0 {
		return b
	}
	return rest
}

// signalled reports whether a finished process was ended by a signal
// (a crash, or a kill from outside) rather than exiting.
func signalled(ps *os.ProcessState) bool { return ps != nil && ps.ExitCode() == -1 }

// EngineID names what lays out this pool's SVG, with its version, for
// keys of caches kept across runs: another Graphviz never serves an old
// drawing. Native: dot's version line; WASM: go-graphviz's module version;
// either with the form CleanSVG writes (SVGForm).
func (p *Pool) EngineID() string {
	if p.cfg.Native != "" {
		v := p.cfg.NativeVersion
		if v == "" {
			// Not resolved by ResolveEngine: ask dot (or name it).
			v = p.cfg.Native
			if _, line, err := NativeDot(p.cfg.Native); err == nil {
				v = line
			}
		}
		return "native " + v + " " + SVGForm
	}
	id := SVGForm + " go-graphviz"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == "github.com/goccy/go-graphviz" {
				id += "@" + m.Version
			}
		}
	}
	return id
}
