package main

import (
	"github.com/spf13/cobra"

	"github.com/codeatlas/codeatlas/graph/render"
)

// cacheFlags choose the render cache on disk: --cache-dir, --no-cache.
type cacheFlags struct {
	dir string
	off bool
}

func addCacheFlags(cmd *cobra.Command) *cacheFlags {
	f := &cacheFlags{}
	cmd.Flags().StringVar(&f.dir, "cache-dir", "", "keep rendered maps in this folder (default: the user cache folder/codeatlas)")
	cmd.Flags().BoolVar(&f.off, "no-cache", false, "do not keep rendered maps on disk")
	_ = cmd.MarkFlagDirname("cache-dir")
	return f
}

// wrap puts the disk cache in front of next, unless it is turned off or
// there is no folder for it (then renders are simply not kept).
func (f *cacheFlags) wrap(next *render.Pool) render.Backend {
	if f == nil || f.off {
		return next
	}
	dir := f.dir
	if dir == "" {
		d, err := render.DefaultCacheDir()
		if err != nil {
			return next
		}
		dir = d
	}
	c, err := render.NewDiskCache(next, dir, next.EngineID(), 0)
	if err != nil {
		return next
	}
	return c
}
