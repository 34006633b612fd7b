package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/codeatlas/codeatlas/web"
)

func newServe() *cobra.Command {
	var dir, addr, static, engine, baseURL, cpuProfile string
	var watch, open, verbose bool
	var cache *cacheFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the explorer: clickable maps, articles, search, exports",
		Example: `  codeatlas serve                          # the bundled notes on http://127.0.0.1:8080
  codeatlas serve --content ~/notes --watch # your notes, reloading as you edit
  codeatlas serve --static web/static       # the front end from disk, for editing it`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			level := slog.LevelInfo
			if verbose {
				level = slog.LevelDebug
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
			if u, err := url.Parse(baseURL); baseURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "") {
				return fmt.Errorf("--base-url %q: want http(s)://host[/path]", baseURL)
			}
			cfg := web.Config{Logger: log, Live: watch && dir != "", BaseURL: baseURL}
			if static != "" {
				fsys, err := dirFS(static)
				if err != nil {
					return fmt.Errorf("--static: %w", err)
				}
				cfg.Static = fsys
			}
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			srv, pool, err := newWebServer(dir, engine, cfg, cache)
			if err != nil {
				return err
			}
			defer pool.Close()
			// The watcher ends with the server, whatever ends it.
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			if watch {
				if dir == "" {
					log.Warn("--watch needs --content DIR; the bundled notes are embedded and never change")
				} else if err := srv.Watch(ctx, dir, 200*time.Millisecond); err != nil {
					return err
				}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			url := "http://" + ln.Addr().String()
			log.Info("serving", "url", url, "content", contentName(dir))
			fmt.Fprintln(cmd.OutOrStdout(), "codeatlas is serving on", url)
			if open {
				openBrowser(url, log)
			}
			return srv.Serve(ctx, ln)
		},
	}
	addContentFlag(cmd, &dir)
	cache = addCacheFlags(cmd)
	addEngineFlag(cmd, &engine)
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().BoolVar(&watch, "watch", false, "rebuild when the notes change (with --content)")
	cmd.Flags().BoolVar(&open, "open", false, "open the explorer in a browser")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "log every request")
	cmd.Flags().StringVar(&baseURL, "base-url", "", "the site's public address (https://atlas.example.org), which the links of downloaded maps start with (default: the address each request came to)")
	cmd.Flags().StringVar(&static, "static", "", "serve the front end (a copy of web/static) from this folder, read again on every change")
	_ = cmd.MarkFlagDirname("static")
	cmd.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the server to this file when it stops (go tool pprof)")
	_ = cmd.Flags().MarkHidden("cpuprofile")
	return cmd
}

func contentName(dir string) string {
	if dir == "" {
		return "bundled notes"
	}
	return dir
}

// openBrowser starts the user's browser on url: $BROWSER if set (the
// first of a colon-separated list, as other tools read it), else the
// platform's opener. Failing to start one is not fatal: the URL is printed.
func openBrowser(url string, log *slog.Logger) {
	name := "xdg-open"
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		name = "explorer"
	}
	if b, _, _ := strings.Cut(os.Getenv("BROWSER"), ":"); b != "" {
		name = b
	}
	cmd := exec.Command(name, url)
	if err := cmd.Start(); err != nil {
		log.Warn("could not open a browser; open the URL yourself", "url", url, "err", err)
		return
	}
	go func() { _ = cmd.Wait() }()
}
