package main

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codeatlas/codeatlas/graph"
	"github.com/codeatlas/codeatlas/web"
)

// queryFlags are the flags that choose a view: one per URL parameter of a
// query (graph.QueryParams), read by the same graph.ParseQuery as the
// server's URLs.
type queryFlags map[string]*string

func addQueryFlags(cmd *cobra.Command) queryFlags {
	f := queryFlags{}
	for _, name := range graph.QueryParams {
		usage, choices := queryFlagHelp(name)
		f[name] = cmd.Flags().String(name, "", usage)
		if choices != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, fixedCompletion(choices...))
		}
	}
	return f
}

// queryFlagHelp is the help text of the flag for a query parameter, and
// the values it completes to.
func queryFlagHelp(name string) (usage string, choices []string) {
	switch name {
	case "view":
		vs := names(graph.ViewKinds)
		return strings.Join(vs, "|") + " (default: overview, or ego with --focus, path with --from/--to)", vs
	case "focus":
		return "focus node id, e.g. p/consul, c/raft, a/etcd/raft", nil
	case "depth":
		return fmt.Sprintf("ego depth, 1-%d (default 1)", graph.MaxDepth), nil
	case "kinds":
		ks := names(graph.Kinds)
		return "node kinds to show, comma-separated: " + strings.Join(ks, ","), ks
	case "from":
		return "path view: start node", nil
	case "to":
		return "path view: end node", nil
	case "layout":
		return strings.Join(graph.Layouts, "|") + " (default: per view)", graph.Layouts
	case "budget":
		return fmt.Sprintf("node budget before collapsing into stubs (default %d)", graph.DefaultBudget), nil
	}
	return "view query parameter " + name, nil
}

func names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// query reads the flags the user set, as a URL would carry them.
func (f queryFlags) query() (graph.Query, error) {
	v := url.Values{}
	for name, s := range f {
		if *s != "" {
			v.Set(name, *s)
		}
	}
	return graph.ParseQuery(v)
}

func newExport() *cobra.Command {
	var dir, format, out string
	var qf queryFlags
	var cache *cacheFlags
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a view of the graph as DOT, SVG, PNG, JSON, GraphML or Mermaid",
		Example: `  codeatlas export --view overview --format svg -o atlas.svg
  codeatlas export --view ego --focus c/raft --depth 2 --format dot
  codeatlas export --view project --focus p/consul --format json
  codeatlas export --from p/go-micro --to c/raft --format mmd`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := graph.ParseFormat(format)
			if err != nil {
				return err
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
			if err := writeView(cmd, &buf, v, f, cache); err != nil {
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
	cache = addCacheFlags(cmd)
	addEngineFlag(cmd, new(string))
	qf = addQueryFlags(cmd)
	cmd.Flags().StringVar(&format, "format", string(graph.FormatDOT), strings.Join(names(graph.Formats), "|"))
	cmd.Flags().StringVarP(&out, "output", "o", "", "output file (default: stdout)")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(names(graph.Formats)...))
	return cmd
}

func writeView(cmd *cobra.Command, w io.Writer, v *graph.View, f graph.Format, cache *cacheFlags) error {
	opt := graph.DOTOptions{NodeURL: web.NodeURL, StubURL: web.MapURL, Legend: true}
	if !f.Drawn() {
		return v.Write(w, f, opt)
	}
	var dot bytes.Buffer
	if err := v.WriteDOT(&dot, opt); err != nil {
		return err
	}
	engine, _ := cmd.Flags().GetString("engine")
	pool, err := newPool(engine)
	if err != nil {
		return err
	}
	defer pool.Close()
	b, err := cache.wrap(pool).Render(cmd.Context(), dot.Bytes(), v.Query.Layout, string(f))
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
