package web

import (
	"context"
	"maps"
	"runtime"
	"slices"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
)

// warmer is a renderer that can draw many graphs ahead of the pages that
// show them, in a few processes (render.DiskCache over a native dot).
type warmer interface {
	Warm(ctx context.Context, dots [][]byte, layout string, workers int) int
}

// warmSite draws, before a static copy's pages are fetched, the small
// graphs those pages hold: every article's and module's sidebar map and
// every diagram of the notes (as it is and turned), in a few runs of the
// renderer (one dot process per graph spent more time starting than
// drawing). They are the same DOT the pages ask for, so the pages find
// them in the cache, drawn byte for byte as they would be one by one. The
// larger maps (the overview, concepts', projects') are left to the pages:
// with clusters, dot draws them differently after other graphs in one
// run, and Debian's 2.43 aborts on some. It returns how many it drew (none
// when the renderer cannot draw in batches).
func (s *Server) warmSite(ctx context.Context, st *site) int {
	w, ok := s.cfg.Renderer.(warmer)
	if !ok {
		return 0
	}
	byLayout := map[string][][]byte{}
	add := func(l *loc, q graph.Query, gid string) {
		v, err := st.graph.View(q)
		if err != nil || len(v.Nodes) == 0 {
			return
		}
		byLayout[v.Query.Layout] = append(byLayout[v.Query.Layout], viewDOT(l, v, gid, false, ""))
	}
	for i, lang := range st.langs {
		prefix := ""
		if i > 0 {
			prefix = "/" + lang
		}
		l := s.locFor(st, lang, prefix)
		for _, n := range st.graph.Nodes() {
			if n.Kind == graph.Article || n.Kind == graph.Module {
				add(l, localMapQuery(n.ID), localMapID)
			}
		}
	}
	for _, d := range st.corpus.Docs {
		for _, t := range append([]*extract.Document{d}, d.Translations...) {
			for _, dg := range t.Diagrams {
				byLayout["dot"] = append(byLayout["dot"], []byte(dg.Source))
				// A diagram wider than the column is tried turned too
				// (drawDiagram): most are.
				if turned, ok := turn(dg.Source); ok {
					byLayout["dot"] = append(byLayout["dot"], []byte(turned))
				}
			}
		}
	}
	drawn := 0
	for _, layout := range slices.Sorted(maps.Keys(byLayout)) {
		drawn += w.Warm(ctx, byLayout[layout], layout, runtime.GOMAXPROCS(0))
	}
	return drawn
}
