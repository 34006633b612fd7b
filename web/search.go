package web

import (
	"net/http"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

type searchData struct {
	pageData
	Query string
	Hits  []hit
}

// search answers /search?q= as HTML, or as JSON for Accept: application/json.
func (s *Server) search(c *gin.Context) {
	st := s.site.Load()
	q := c.Query("q")
	if utf8.RuneCountInString(q) > 200 {
		s.fail(c, errQueryTooLong)
		return
	}
	limit := 50
	if c.Query("suggest") != "" {
		limit = 10
	}
	hits := st.search(q, limit)
	if hits == nil {
		hits = []hit{}
	}
	if wantsJSON(c) {
		c.JSON(http.StatusOK, gin.H{"query": q, "hits": hits})
		return
	}
	s.html(c, http.StatusOK, "search.html", searchData{pageData: s.page(st, "Search"), Query: q, Hits: hits})
}
