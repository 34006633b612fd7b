package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/codeatlas/codeatlas/graph"
)

// Every request's work is bounded: what a handler does grows with the
// length of ids and query values, so they are capped before any handler
// runs. Node ids are at most 512 bytes (extract refuses longer ones), and
// the longest bundled one is under 100.
const (
	maxPathBytes  = 1024 // the URL path, decoded
	maxQueryBytes = 4096 // the raw query string
	maxValueBytes = 1024 // one query value, decoded
)

var errURITooLong = fmt.Errorf("the URL is too long: the path may have at most %d bytes and the query %d", maxPathBytes, maxQueryBytes)

// withinLimits reports whether a request's URL is short enough to be
// handled at all; limitRequest answers the others.
func withinLimits(r *http.Request) bool {
	return len(r.URL.Path) <= maxPathBytes && len(r.URL.RawPath) <= 3*maxPathBytes && len(r.URL.RawQuery) <= maxQueryBytes
}

// limitRequest answers 414 to an overlong URL and 400 to an overlong
// query value, before any route does work on them.
func (s *Server) limitRequest(c *gin.Context) {
	if !withinLimits(c.Request) {
		s.fail(c, errURITooLong)
		return
	}
	// A malformed pair is skipped here as the routes skip it.
	vals, _ := url.ParseQuery(c.Request.URL.RawQuery)
	for k, vs := range vals {
		for _, v := range vs {
			if len(v) > maxValueBytes {
				s.fail(c, fmt.Errorf("%w: parameter %.40q is longer than %d bytes", graph.ErrBadQuery, k, maxValueBytes))
				return
			}
		}
	}
	c.Next()
}
