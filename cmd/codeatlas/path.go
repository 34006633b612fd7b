package main

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codeatlas/codeatlas/graph"
)

func newPath() *cobra.Command {
	var dir, kinds string
	cmd := &cobra.Command{
		Use:   "path FROM TO",
		Short: "Show the hops between two nodes, each with its evidence",
		Example: `  codeatlas path p/go-micro c/raft
  codeatlas path a/etcd/raft a/consul/raft`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			q, err := graph.ParseQuery(url.Values{"view": {string(graph.PathView)}, "from": {args[0]}, "to": {args[1]}, "kinds": {kinds}})
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
			out := cmd.OutOrStdout()
			for i, p := range v.Paths {
				fmt.Fprintf(out, "path %d (%d hops)\n", i+1, len(p))
				for _, h := range p {
					arrow := "->"
					if !h.Forward {
						arrow = "<-"
					}
					fmt.Fprintf(out, "  %s %s %s\n", h.From, arrow, h.To)
					for _, r := range h.Relations {
						for j, ev := range r.Evidence {
							if j == 3 {
								fmt.Fprintf(out, "      ... %d more\n", len(r.Evidence)-3)
								break
							}
							fmt.Fprintf(out, "      %s %s:%d: %s\n", r.Kind, ev.Path, ev.Line, ev.Text)
						}
					}
				}
			}
			return nil
		},
	}
	addContentFlag(cmd, &dir)
	cmd.Flags().StringVar(&kinds, "kinds", "", "node kinds the path may pass through, comma-separated: "+strings.Join(names(graph.Kinds), ","))
	_ = cmd.RegisterFlagCompletionFunc("kinds", fixedCompletion(names(graph.Kinds)...))
	return cmd
}
