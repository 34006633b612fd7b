package render

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// The worker protocol, one request at a time over a pipe:
//
//	hello:    "ready\n" once, when the worker can take requests
//	request:  "<layout> <format> <n>\n" then n bytes of DOT
//	response: "ok <n>\n" then n bytes, or "err <n>\n" then n bytes of message

// idleFree is how long a worker waits for a request before it gives the
// memory it does not use back to the system.
const idleFree = time.Second

// Serve runs the worker side until r is closed: the hidden render-worker
// subcommand calls it with stdin and stdout.
func Serve(r io.Reader, w io.Writer) error {
	return serve(r, w, idleFree, debug.FreeOSMemory)
}

// serve is Serve with free called each time the worker has waited idle
// for a request after answering one.
func serve(r io.Reader, w io.Writer, idle time.Duration, free func()) error {
	br := bufio.NewReader(r)
	bw := bufio.NewWriter(w)
	// go-graphviz compiles its WebAssembly in package init, before this
	// runs; saying ready now keeps that start-up out of the first render's
	// deadline.
	if _, err := bw.WriteString("ready\n"); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	// A worker's Go heap keeps the copies its WebAssembly memory left as
	// it grew, and Go gives them back to the system slowly: after 300 maps,
	// idle workers held 130-215 MB each, 75-105 MB once they gave back
	// what they do not use. They do so when they have waited idle long
	// enough (after every render it made renders 45% slower: the pages
	// are faulted in again).
	rest := time.AfterFunc(idle, free)
	rest.Stop() // armed after each response
	defer rest.Stop()
	for {
		header, err := br.ReadString('\n')
		rest.Stop()
		if err == io.EOF && header == "" {
			return nil
		}
		if err != nil {
			return err
		}
		f := strings.Fields(header)
		if len(f) != 3 {
			return fmt.Errorf("render worker: bad request header %q", header)
		}
		n, err := strconv.Atoi(f[2])
		if err != nil || n < 0 || n > MaxDOTBytes {
			return fmt.Errorf("render worker: bad length %q", f[2])
		}
		dot := make([]byte, n)
		if _, err := io.ReadFull(br, dot); err != nil {
			return err
		}
		out, rerr := renderLocal(dot, f[0], f[1])
		out, rerr = injectFault(dot, out, rerr)
		if rerr != nil {
			fmt.Fprintf(bw, "err %d\n%s", len(rerr.Error()), rerr.Error())
		} else {
			fmt.Fprintf(bw, "ok %d\n", len(out))
			bw.Write(out)
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		rest.Reset(idle)
	}
}

func renderLocal(dot []byte, layout, format string) ([]byte, error) {
	if err := check(dot, layout, format); err != nil {
		return nil, err
	}
	if format != "svg" {
		return nil, fmt.Errorf("%w: the worker renders only svg", ErrUnsupported)
	}
	return svgDirect(context.Background(), dot, layout)
}

// faultEnv, for tests only, makes a worker fail one render on purpose:
// "KIND:FILE" fails the render that removes FILE first (so one render in
// one worker fails, and the retry in a fresh worker does not), where KIND
// is garbage (an ok answer that is not SVG), error (an error answer, as a
// WASM trap gives), trap (a panic inside the render: the worker dies with
// it), exit (the worker exits mid-answer) or hang (it never answers).
// "hold:FILE" is no failure: every render whose DOT contains the word
// hold waits while FILE exists, then renders as usual (a slow render whose
// end the test chooses).
const faultEnv = "CODEATLAS_RENDER_FAULT"

func injectFault(dot, out []byte, err error) ([]byte, error) {
	kind, file, ok := strings.Cut(os.Getenv(faultEnv), ":")
	if !ok {
		return out, err
	}
	if kind == "hold" {
		for bytes.Contains(dot, []byte("hold")) {
			if _, serr := os.Stat(file); serr != nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		return out, err
	}
	if os.Remove(file) != nil {
		return out, err
	}
	switch kind {
	case "garbage":
		return []byte("\x00\x01 not an svg \xff"), nil
	case "error":
		return nil, errors.New("wasm error: out of bounds memory access (injected)")
	case "trap":
		panic("wasm error: unreachable (injected)")
	case "exit":
		os.Stdout.WriteString("ok 100\n<svg")
		os.Exit(3)
	case "hang":
		select {}
	}
	return out, err
}
