// Command codeatlas turns source-code reading notes into an explorable
// knowledge graph: it extracts a graph from a folder of markdown, renders
// views of it with Graphviz, and serves them as interactive maps.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		code := 1
		var ee exitError
		if !errors.As(err, &ee) || ee.print {
			fmt.Fprintln(os.Stderr, "codeatlas:", err)
		}
		if ee.code != 0 {
			code = ee.code
		}
		os.Exit(code)
	}
}

// exitError fails the command with an exit status (1 when code is 0),
// after it has already said why unless print is set.
type exitError struct {
	msg   string
	code  int
	print bool
}

func (e exitError) Error() string { return e.msg }

// run is the whole program, testable end to end.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "codeatlas",
		Short: "Turn source-code reading notes into an explorable knowledge graph",
		Long: `codeatlas reads a folder of markdown notes (the bundled ones by default) and
builds a knowledge graph of projects, articles, shared concepts and external
modules, with the evidence for every edge. It renders views of the graph with
Graphviz and serves them as clickable maps.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newStats(), newCheck(), newExport(), newPath(), newServe(), newSite(), newUpstream(), newWorker())
	return root
}
