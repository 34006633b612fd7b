// Command gencorpus-cli writes a generated notes folder to disk, for the
// bench/ scripts that time codeatlas and other tools on the same input.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/codeatlas/codeatlas/bench/gencorpus"
)

func main() {
	n := flag.Int("n", 10000, "number of articles")
	out := flag.String("o", "", "output folder (required)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: gencorpus-cli -n 10000 -o DIR")
		os.Exit(2)
	}
	for name, f := range gencorpus.Generate(*n, 1) {
		p := filepath.Join(*out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
