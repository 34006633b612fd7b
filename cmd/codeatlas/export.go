package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codeatlas/codeatlas/graph"
	"github.com/codeatlas/codeatlas/web"
)

// Formats export accepts.
var exportFormats = []string{"dot", "svg", "png", "json", "graphml", "mermaid"}

// queryFlags are the flags that choose a view, shared by export and serve's
// URLs.
type queryFlags struct {
	view, focus, kinds, from, to, layout string
	depth, budget                        int
}

func (f *queryFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.view, "view", "", "overview|project|concept|ego|path|full (default: overview, or ego with --focus, path with --from/--to)")
	fl.StringVar(&f.focus, "focus", "", "focus node id, e.g. p/consul, c/raft, a/etcd/raft")
	fl.IntVar(&f.depth, "depth", 1, "ego depth, 1-3")
	fl.StringVar(&f.kinds, "kinds", "", "node kinds to show: project,article,concept,module")
	fl.StringVar(&f.from, "from", "", "path view: start node")
	fl.StringVar(&f.to, "to", "", "path view: end node")
	fl.StringVar(&f.layout, "layout", "", "dot|sfdp|neato (default per view)")
	fl.IntVar(&f.budget, "budget", 0, fmt.Sprintf("node budget before collapsing into stubs (default %d)", graph.DefaultBudget))
	_ = cmd.RegisterFlagCompletionFunc("view", fixedCompletion("overview", "project", "concept", "ego", "path", "full"))
	_ = cmd.RegisterFlagCompletionFunc("layout", fixedCompletion(graph.Layouts...))
	_ = cmd.RegisterFlagCompletionFunc("kinds", fixedCompletion("project", "article", "concept", "module"))
}

func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

func (f *queryFlags) query() (graph.Query, error) {
	kinds, err := graph.ParseKinds(f.kinds)
	if err != nil {
		return graph.Query{}, err
	}
	q := graph.Query{View: graph.ViewKind(f.view), Focus: f.focus, Depth: f.depth, Kinds: kinds, From: f.from, To: f.to, Layout: f.layout, Budget: f.budget}
	return q.Normalize()
}

func newExport() *cobra.Command {
	var dir, format, out string
	var qf queryFlags
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a view of the graph as DOT, SVG, PNG, JSON, GraphML or Mermaid",
		Example: `  codeatlas export --view overview --format svg -o atlas.svg
  codeatlas export --view ego --focus c/raft --depth 2 --format dot
  codeatlas export --view project --focus p/consul --format json
  codeatlas export --from p/go-micro --to c/raft --format mermaid`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !contains(exportFormats, format) {
				return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(exportFormats, ", "))
			}
			q, err := qf.query()
			if err != nil {
				return err
			}
			_, g, err := load(dir, nil)
			if err != nil {
				return err
			}
			v, err := g.View(q)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := writeView(cmd, &buf, v, format); err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err = cmd.OutOrStdout().Write(buf.Bytes())
				return err
			}
			return os.WriteFile(out, buf.Bytes(), 0o644)
		},
	}
	addContentFlag(cmd, &dir)
	qf.add(cmd)
	cmd.Flags().StringVar(&format, "format", "dot", strings.Join(exportFormats, "|"))
	cmd.Flags().StringVarP(&out, "output", "o", "", "output file (default: stdout)")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(exportFormats...))
	return cmd
}

func writeView(cmd *cobra.Command, w io.Writer, v *graph.View, format string) error {
	switch format {
	case "json":
		return v.WriteJSON(w, web.NodeURL)
	case "graphml":
		return v.WriteGraphML(w, web.NodeURL)
	case "mermaid":
		return v.WriteMermaid(w, web.NodeURL)
	}
	var dot bytes.Buffer
	if err := v.WriteDOT(&dot, graph.DOTOptions{NodeURL: web.NodeURL, StubURL: web.MapURL, Legend: true}); err != nil {
		return err
	}
	if format == "dot" {
		_, err := w.Write(dot.Bytes())
		return err
	}
	pool, err := newPool()
	if err != nil {
		return err
	}
	defer pool.Close()
	b, err := pool.Render(cmd.Context(), dot.Bytes(), v.Query.Layout, format)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
