package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/codeatlas/codeatlas/graph"
	"github.com/codeatlas/codeatlas/graph/render"
)

var (
	errNotFound       = errors.New("page not found")
	errNoFile         = errors.New("no such file")
	errMethod         = errors.New("method not allowed: the explorer answers GET and HEAD")
	errPNGUnsupported = errors.New("PNG export needs Graphviz's dot installed on the server")
	errQueryTooLong   = fmt.Errorf("%w: the search query is longer than 200 characters or %d words", graph.ErrBadQuery, maxSearchTerms)
)

type errorData struct {
	pageData
	Status      int
	Message     string
	Suggestions []hit
}

// status is the one place errors become HTTP statuses.
func status(err error) int {
	switch {
	case errors.Is(err, graph.ErrUnknownNode), errors.Is(err, errNotFound), errors.Is(err, errNoFile), errors.Is(err, graph.ErrNoPath):
		return http.StatusNotFound
	case errors.Is(err, graph.ErrBadQuery), errors.Is(err, render.ErrUnsupported), errors.Is(err, errPNGUnsupported):
		return http.StatusBadRequest
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed
	case errors.Is(err, errURITooLong):
		return http.StatusRequestURITooLong
	case errors.Is(err, render.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, render.ErrTimeout):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail answers with the error's status: a JSON body for API clients and
// export URLs, an HTML page with suggestions otherwise. Server errors are
// logged once, here.
func (s *Server) fail(c *gin.Context, err error) {
	code := status(err)
	if code >= 500 {
		s.log.Error("request failed", "path", c.Request.URL.Path, "err", err)
	}
	if code == http.StatusServiceUnavailable {
		c.Header("Retry-After", "5")
	}
	c.Writer.Header().Del("Content-Disposition") // set for the download that failed
	msg := err.Error()
	if code == http.StatusInternalServerError {
		msg = "internal error"
	}
	st := s.site.Load()
	l := s.loc(c, st)
	path := strings.TrimPrefix(c.Request.URL.Path, l.prefix)
	if wantsJSON(c) || strings.HasPrefix(path, "/map.") || path == "/graph.json" || strings.HasPrefix(path, "/static/") {
		c.AbortWithStatusJSON(code, gin.H{"error": msg, "status": code})
		return
	}
	title := l.T("error.status." + strconv.Itoa(code))
	if strings.HasPrefix(title, "error.status.") {
		title = http.StatusText(code)
	}
	d := errorData{pageData: s.page(c, l, title), Status: code, Message: msg}
	d.Alternates = nil // an error has no page in another language
	if code == http.StatusNotFound {
		id := strings.TrimPrefix(path, "/")
		if f := c.Query("focus"); f != "" {
			id = f
		}
		d.Suggestions = l.localHits(st.suggestions(c.Request.Context(), id))
	}
	s.html(c, code, "error.html", d)
	c.Abort()
}

func wantsJSON(c *gin.Context) bool {
	a := c.GetHeader("Accept")
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}

func (s *Server) html(c *gin.Context, code int, name string, data any) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(code)
	if err := s.tmpl.ExecuteTemplate(c.Writer, name, data); err != nil {
		s.log.Error("template", "name", name, "err", err)
	}
}
