package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestServeGivesBackWhenIdle: a worker gives memory back once it has
// waited idle after a request, once per idle spell, not while it works.
func TestServeGivesBackWhenIdle(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var freed atomic.Int32
	done := make(chan error, 1)
	go func() { done <- serve(inR, outW, 20*time.Millisecond, func() { freed.Add(1) }) }()
	out := bufio.NewReader(outR)
	if l, err := out.ReadString('\n'); err != nil || l != "ready\n" {
		t.Fatalf("hello: %q, %v", l, err)
	}
	// Nothing to give back before the first render.
	time.Sleep(100 * time.Millisecond)
	if got := freed.Load(); got != 0 {
		t.Fatalf("memory given back %d times before any request", got)
	}
	request := func() {
		t.Helper()
		dot := "digraph { a -> b }"
		if _, err := fmt.Fprintf(inW, "dot svg %d\n%s", len(dot), dot); err != nil {
			t.Fatal(err)
		}
		l, err := out.ReadString('\n')
		if err != nil || !strings.HasPrefix(l, "ok ") {
			t.Fatalf("response: %q, %v", l, err)
		}
		var n int
		fmt.Sscanf(l, "ok %d", &n)
		if _, err := io.ReadFull(out, make([]byte, n)); err != nil {
			t.Fatal(err)
		}
	}
	for round := int32(1); round <= 2; round++ {
		request()
		waitFor(t, "memory given back", func() bool { return freed.Load() >= round })
		// One idle spell gives back once.
		time.Sleep(100 * time.Millisecond)
		if got := freed.Load(); got != round {
			t.Fatalf("after %d idle spells memory was given back %d times", round, got)
		}
	}
	inW.Close()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}
