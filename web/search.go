package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// maxSearchTerms bounds the words of a query: each is a pass over the
// text of every note.
const maxSearchTerms = 8

type searchData struct {
	pageData
	Query string
	Hits  []hit
}

// search answers /search?q= as HTML, or as JSON for Accept: application/json.
func (s *Server) search(c *gin.Context) {
	st := s.site.Load()
	q := c.Query("q")
	if utf8.RuneCountInString(q) > 200 || len(strings.Fields(q)) > maxSearchTerms {
		s.fail(c, errQueryTooLong)
		return
	}
	limit := 50
	if c.Query("suggest") != "" {
		limit = 10
	}
	hits := st.search(c.Request.Context(), q, limit)
	if hits == nil {
		hits = []hit{}
	}
	if wantsJSON(c) {
		c.JSON(http.StatusOK, gin.H{"query": q, "hits": s.loc(c, st).localHits(hits)})
		return
	}
	l := s.loc(c, st)
	d := searchData{pageData: s.page(c, l, l.T("search.title")), Query: q, Hits: l.localHits(hits)}
	d.SearchQuery = q
	s.html(c, http.StatusOK, "search.html", d)
}

// indexEntry is a node as the static site's search box matches it.
type indexEntry struct {
	Kind    string   `json:"kind"`
	Label   string   `json:"label"`
	LabelZh string   `json:"label_zh,omitempty"`
	URL     string   `json:"url"`
	Terms   []string `json:"terms"`
}

// searchIndex is every node with its lower-case titles and aliases, for a
// static copy of the site, where no server answers /search.
func (s *Server) searchIndex(c *gin.Context) {
	st := s.site.Load()
	out := make([]indexEntry, 0, len(st.entries))
	for _, e := range st.entries {
		n := e.node
		out = append(out, indexEntry{Kind: string(n.Kind), Label: n.Label, LabelZh: n.LabelZh, URL: NodeURL(n.ID), Terms: e.terms})
	}
	c.JSON(http.StatusOK, out)
}
