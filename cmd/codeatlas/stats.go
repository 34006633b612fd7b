package main

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/spf13/cobra"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
)

// statsJSON is the shape of `stats --json`.
type statsJSON struct {
	Documents   int            `json:"documents"`
	Languages   map[string]int `json:"languages"`
	Nodes       map[string]int `json:"nodes"`
	Edges       map[string]int `json:"edges"`
	Diagnostics map[string]int `json:"diagnostics"`
}

func newStats() *cobra.Command {
	var dir string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Count documents, nodes and edges by kind, and diagnostics",
		Example: `  codeatlas stats
  codeatlas stats --content ~/notes --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, g, err := load(dir, nil)
			if err != nil {
				return err
			}
			s := computeStats(c, g)
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(s)
			}
			fmt.Fprintf(out, "documents  %d\n", s.Documents)
			fmt.Fprintf(out, "languages  %s\n", line(s.Languages))
			fmt.Fprintf(out, "nodes      %s\n", line(s.Nodes))
			fmt.Fprintf(out, "edges      %s\n", line(s.Edges))
			fmt.Fprintf(out, "diagnostics %d errors, %d warnings\n", s.Diagnostics["error"], s.Diagnostics["warning"])
			return nil
		},
	}
	addContentFlag(cmd, &dir)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func computeStats(c *extract.Corpus, g *graph.Graph) statsJSON {
	s := statsJSON{Nodes: map[string]int{}, Edges: map[string]int{}, Diagnostics: map[string]int{}}
	s.Documents = countDocs(c)
	s.Languages = c.DocsByLanguage()
	for _, k := range graph.Kinds {
		s.Nodes[string(k)] = 0
	}
	for k, n := range g.CountNodes() {
		s.Nodes[string(k)] = n
	}
	for _, r := range extract.Relations {
		s.Edges[string(r)] = 0
	}
	for k, n := range g.CountRelations() {
		s.Edges[string(k)] = n
	}
	e, w := c.Counts()
	s.Diagnostics["error"], s.Diagnostics["warning"] = e, w
	return s
}

func line(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += "  "
		}
		s += fmt.Sprintf("%s %d", k, m[k])
	}
	return s
}
