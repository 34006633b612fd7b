package web

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch rebuilds the graph when a markdown file under dir changes, until
// ctx ends. fsnotify is not recursive, so every folder is watched, and new
// folders are added as they appear; editors save by writing a temporary
// file and renaming it, so events are debounced and any change to a .md
// file counts.
func (s *Server) Watch(ctx context.Context, dir string, debounce time.Duration) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	addTree := func(root string) {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if err := w.Add(p); err != nil {
				s.log.Warn("watch", "dir", p, "err", err)
			}
			return nil
		})
	}
	addTree(dir)
	go func() {
		defer w.Close()
		var timer *time.Timer
		var fire <-chan time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if ev.Has(fsnotify.Create) {
					if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
						addTree(ev.Name)
					}
				}
				if !strings.EqualFold(filepath.Ext(ev.Name), ".md") && !ev.Has(fsnotify.Remove) && !ev.Has(fsnotify.Rename) {
					continue
				}
				if timer == nil {
					timer = time.NewTimer(debounce)
				} else {
					timer.Reset(debounce)
				}
				fire = timer.C
			case <-fire:
				fire = nil
				start := time.Now()
				if err := s.Reload(); err == nil {
					s.log.Info("reloaded", "dur", time.Since(start).Round(time.Millisecond), "version", s.site.Load().version)
				}
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				s.log.Warn("watch", "err", err)
			}
		}
	}()
	return nil
}
