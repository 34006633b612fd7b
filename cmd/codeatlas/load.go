package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/codeatlas/codeatlas/content"
	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
	"github.com/codeatlas/codeatlas/graph/render"
	"github.com/codeatlas/codeatlas/web"
)

// workerCommand is the hidden subcommand that serves renders on a pipe.
const workerCommand = "render-worker"

// contentFS returns --content DIR, or the bundled notes. A folder is read
// through os.Root, which follows no symbolic link out of it: extract
// reports such links, and the root refuses them again when a file is
// read later (an asset served, a page written), should one have changed.
func contentFS(dir string) (fs.FS, error) {
	if dir == "" {
		return content.FS(), nil
	}
	return dirFS(dir)
}

// dirFS is the folder dir, which must exist.
func dirFS(dir string) (fs.FS, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("notes folder: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("notes folder %s is not a folder", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("notes folder: %w", err)
	}
	return root.FS(), nil
}

func addContentFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "content", "", "notes folder to read (default: the bundled notes)")
	_ = cmd.MarkFlagDirname("content")
}

// load extracts the corpus and builds the graph.
func load(dir string, dot func([]byte) ([]byte, error)) (*extract.Corpus, *graph.Graph, error) {
	fsys, err := contentFS(dir)
	if err != nil {
		return nil, nil, err
	}
	c, err := extract.Load(fsys, extract.Options{Fallback: content.FS(), DOT: dot, NodeURL: web.NodeURL, AssetURL: web.AssetURL})
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && dir != "" {
			// The error names "." or a path inside the folder; say which folder.
			return nil, nil, fmt.Errorf("notes folder %s: cannot read %s: %w", dir, pe.Path, pe.Err)
		}
		return nil, nil, err
	}
	g, err := graph.Build(c)
	if err != nil {
		return nil, nil, err
	}
	return c, g, nil
}

// newWebServer loads the notes of dir (the bundled ones when "") into an
// explorer rendering through worker processes; cfg sets the rest. Close
// the returned pool when done. engine is an --engine value; cache puts
// renders on disk (nil: not).
func newWebServer(dir, engine string, cfg web.Config, cache *cacheFlags) (*web.Server, *render.Pool, error) {
	pool, err := newPool(engine)
	if err != nil {
		return nil, nil, err
	}
	cfg.Load = func() (*extract.Corpus, *graph.Graph, error) { return load(dir, nil) }
	cfg.Renderer = cache.wrap(pool)
	srv, err := web.New(cfg)
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return srv, pool, nil
}

// newPool starts renders in worker processes of this same binary. graph
// owns the list of layouts a query may ask for, and render keeps its own
// allowlist in the worker: they are checked against each other here, where
// the two meet. engine is an --engine value: auto, wasm or native.
func newPool(engine string) (*render.Pool, error) {
	for _, l := range graph.Layouts {
		if !slices.Contains(render.Layouts, l) {
			return nil, fmt.Errorf("queries offer the layout %q, which the renderer refuses", l)
		}
	}
	native, version, err := render.ResolveEngine(engine, "")
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return render.NewPool(render.Config{
		Native:        native,
		NativeVersion: version,
		KeepDot:       true,
		Command:       func() *exec.Cmd { return exec.Command(exe, workerCommand) },
		Timeout:       20 * time.Second,
	}), nil
}

// addEngineFlag adds --engine, which picks what lays out maps.
func addEngineFlag(cmd *cobra.Command, engine *string) {
	cmd.Flags().StringVar(engine, "engine", render.EngineAuto, "layout engine: auto (system Graphviz dot when installed, else the embedded WASM), wasm, or native")
	_ = cmd.RegisterFlagCompletionFunc("engine", fixedCompletion(render.Engines...))
}

// diagramRenderer renders ```dot blocks of articles through the pool.
func diagramRenderer(ctx context.Context, p *render.Pool) func([]byte) ([]byte, error) {
	return func(src []byte) ([]byte, error) {
		return p.Render(ctx, src, "dot", "svg")
	}
}

func newWorker() *cobra.Command {
	return &cobra.Command{
		Use:    workerCommand,
		Short:  "Serve Graphviz renders on stdin/stdout (used internally)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return render.Serve(cmd.InOrStdin(), cmd.OutOrStdout())
		},
	}
}
