package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServe runs `serve --watch --open` on a copy of the fixture notes: the
// browser ($BROWSER, here a script that notes its argument) is sent to the
// server's URL, the explorer answers there, an edited note changes the
// graph's version, and cancelling the context shuts the server down.
func TestServe(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and render workers")
	}
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes")
	if err := os.CopyFS(notes, os.DirFS(fixture)); err != nil {
		t.Fatal(err)
	}
	opened := filepath.Join(dir, "opened")
	browser := filepath.Join(dir, "browser.sh")
	if err := os.WriteFile(browser, []byte("#!/bin/sh\necho \"$1\" > '"+opened+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", browser)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--content", notes, "--addr", "127.0.0.1:0", "--watch", "--open"},
			strings.NewReader(""), io.Discard, io.Discard)
	}()
	var url string
	for deadline := time.Now().Add(30 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		b, _ := os.ReadFile(opened)
		url = strings.TrimSpace(string(b))
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		cancel()
		t.Fatalf("the browser was not opened on the server (got %q; serve returned %v)", url, <-done)
	}
	health := func() (version string) {
		t.Helper()
		resp, err := http.Get(url + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var h struct{ Version string }
		if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || resp.StatusCode != 200 {
			t.Fatalf("/healthz: %d %v", resp.StatusCode, err)
		}
		return h.Version
	}
	v1 := health()
	resp, err := http.Get(url + "/c/raft")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "data-live") {
		t.Errorf("/c/raft under --watch: %d, live: %v", resp.StatusCode, strings.Contains(string(body), "data-live"))
	}

	if err := os.WriteFile(filepath.Join(notes, "etcd", "added.md"), []byte("# Added while serving\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v2 := v1
	for deadline := time.Now().Add(20 * time.Second); v2 == v1 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		v2 = health()
	}
	if v2 == v1 {
		t.Error("editing a note did not rebuild the graph")
	}

	// An open page holds an event stream; shutting down must end it, not
	// wait for it.
	events, err := http.Get(url + "/events")
	if err != nil || events.StatusCode != 200 {
		t.Fatalf("/events: %v", err)
	}
	defer events.Body.Close()

	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after cancel: %v", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("shutdown took %v with an event stream open", d)
		}
	case <-time.After(10 * time.Second):
		t.Error("serve did not shut down")
	}
}
