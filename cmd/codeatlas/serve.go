package main

import (
	"github.com/spf13/cobra"
)

func newServe() *cobra.Command {
	return &cobra.Command{Use: "serve", Short: "Serve the interactive explorer", RunE: func(cmd *cobra.Command, _ []string) error { return nil }}
}
