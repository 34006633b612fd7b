package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codeatlas/codeatlas/web"
)

func newSite() *cobra.Command {
	var dir, out, base, engine, cpuProfile string
	var quiet bool
	var cache *cacheFlags
	cmd := &cobra.Command{
		Use:   "site -o DIR",
		Short: "Write the explorer as a static site, for GitHub Pages or any file server",
		Long: `Write every page of the explorer, the maps and downloads they link to, the
static files and the notes' images as files under DIR. Links point at the
files, under --base when the site is not served from the root (GitHub Pages
project sites: --base /REPO/). A static copy has no server: maps are the
ones the pages link to (no view controls), search suggests titles and
aliases from an index shipped with the site, and there are no downloads.

Rendered maps are kept in the render cache (--cache-dir), and DIR may be a
site written before: files whose bytes are unchanged are left alone, and
files no page links to any more are removed, so a second run after an edit
takes seconds.`,
		Example: "  codeatlas site -o public\n  codeatlas site --content notes -o public --base /my-notes/",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("-o DIR is required")
			}
			if !strings.HasPrefix(base, "/") {
				base = "/" + base
			}
			if !strings.HasSuffix(base, "/") {
				base += "/"
			}
			if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
				if _, err := os.Stat(filepath.Join(out, web.SiteMarker)); err != nil {
					return fmt.Errorf("%s is not empty: codeatlas site writes into a new or empty folder, or one it wrote before", out)
				}
			}
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			srv, pool, err := newWebServer(dir, engine, web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), StaticSite: true}, cache)
			if err != nil {
				return err
			}
			defer pool.Close()
			opt := web.SiteOptions{Dir: out, Base: base, Workers: 2 * runtime.GOMAXPROCS(0)}
			var prog *progress
			if !quiet {
				prog = newProgress(cmd.OutOrStdout(), "site: files")
				opt.Progress = prog.update
			}
			st, err := srv.WriteSiteWith(cmd.Context(), opt)
			if prog != nil {
				prog.end()
			}
			if err != nil {
				return err
			}
			if !quiet {
				fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s, %s, %s (%d unchanged, %d removed)\n", out, counted(st.Pages, "page"), counted(st.Maps, "map"), counted(st.Files+st.Exports, "other file"), st.Unchanged, st.Removed)
			}
			if len(st.Failed) > 0 {
				for _, f := range st.Failed {
					fmt.Fprintln(cmd.ErrOrStderr(), "failed:", f)
				}
				return fmt.Errorf("%d URLs failed; their links are broken in the copy", len(st.Failed))
			}
			return nil
		},
	}
	addContentFlag(cmd, &dir)
	addEngineFlag(cmd, &engine)
	cmd.Flags().StringVarP(&out, "out", "o", "", "folder to write (new, empty, or a site written before)")
	cmd.Flags().StringVar(&base, "base", "/", "path the site is served under, e.g. /my-notes/")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print nothing but errors")
	cmd.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	_ = cmd.Flags().MarkHidden("cpuprofile")
	cache = addCacheFlags(cmd)
	return cmd
}

// startCPUProfile profiles this process into file until stop is called.
func startCPUProfile(file string) (stop func(), err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// counted writes n and the noun, in the plural unless n is 1.
func counted(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
