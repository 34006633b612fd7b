package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress reports a long job's count, rate and time left. On a terminal
// it redraws one line with \r, at most ten times a second; elsewhere (a
// log, a CI job) it prints a plain line every few seconds.
type progress struct {
	w     io.Writer
	tty   bool
	what  string
	now   func() time.Time
	every time.Duration // between plain lines
	start time.Time
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, what string) *progress {
	p := &progress{w: w, tty: isTerminal(w), what: what, now: time.Now, every: 3 * time.Second}
	p.start = p.now()
	p.last = p.start // the first line after a gap, not at the first file
	return p
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// update reports done of known; known may still grow.
func (p *progress) update(done, known int) {
	now := p.now()
	gap := p.every
	if p.tty {
		gap = 100 * time.Millisecond
	}
	if now.Sub(p.last) < gap {
		return
	}
	p.last = now
	line := p.line(done, known, now)
	if p.tty {
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, line)
}

func (p *progress) line(done, known int, now time.Time) string {
	el := now.Sub(p.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(done) / el
	}
	line := fmt.Sprintf("%s %d/%d, %.1f/s", p.what, done, known, rate)
	// The first files of a site are its slowest (maps are drawn first): a
	// time left from them said 11 minutes for a 10 s job. It is given once
	// a tenth is done or 10 s have passed.
	if rate > 0 && known >= done && (done*10 >= known || el >= 10) {
		eta := (time.Duration(float64(known-done)/rate) * time.Second).Round(time.Second)
		line += fmt.Sprintf(", about %s left", eta)
	}
	return line
}

// end clears the terminal line, so the summary that follows starts clean.
func (p *progress) end() {
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
