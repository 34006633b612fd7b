package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph/render"
)

func newCheck() *cobra.Command {
	var dir string
	var strict, noDiagrams bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Report path:line diagnostics; exit 1 when there are errors",
		Long: `check loads the notes and prints every diagnostic as path:line: severity: message:
malformed front matter, broken links, unknown concepts, files missing from the
table of contents, diagrams that do not render. It exits 1 when there are
errors (or, with --strict, warnings).`,
		Example: `  codeatlas check
  codeatlas check --content ~/notes --strict`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var dot func([]byte) ([]byte, error)
			if !noDiagrams {
				pool, err := newPool(render.EngineAuto)
				if err != nil {
					return err
				}
				defer pool.Close()
				dot = diagramRenderer(cmd.Context(), pool)
			}
			c, _, err := load(dir, dot)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, d := range c.Diagnostics {
				fmt.Fprintln(out, d)
			}
			errs, warns := c.Counts()
			fmt.Fprintf(out, "%d documents (%s), %d errors, %d warnings\n", countDocs(c), line(c.DocsByLanguage()), errs, warns)
			if errs > 0 || strict && warns > 0 {
				return exitError{msg: fmt.Sprintf("%d errors, %d warnings", errs, warns)}
			}
			return nil
		},
	}
	addContentFlag(cmd, &dir)
	cmd.Flags().BoolVar(&strict, "strict", false, "fail on warnings too")
	cmd.Flags().BoolVar(&noDiagrams, "no-diagrams", false, "do not render ```dot blocks to check them")
	return cmd
}

// countDocs counts the files of the notes: documents and their
// translations, not the pages made up for folders or borrowed from the
// bundled catalog.
func countDocs(c *extract.Corpus) int {
	n := 0
	for _, d := range c.Docs {
		if d.Path != "" && !d.Bundled {
			n += 1 + len(d.Translations)
		}
	}
	return n
}
