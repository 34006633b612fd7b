package web

import (
	"encoding/json"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/codeatlas/codeatlas/content"
)

// TestSearchAcrossLanguages: on the bundled notes, a query finds the
// notes whose text says it in either language (translations are searched
// too) and the notes that use another name of the concept it names
// (服务发现 is service discovery); the results page keeps the query in
// the box.
func TestSearchAcrossLanguages(t *testing.T) {
	s := mustServer(t, loadFS(content.FS()), &fakeRenderer{})
	h := s.Handler()
	for _, tc := range []struct {
		q    string
		want string // an id among the first top hits
		top  int
	}{
		{"服务发现", "a/go-micro/registry", 10},
		{"服务发现", "c/service-discovery", 1},
		{"go-micro service discovery", "a/go-micro/registry", 1},
		{"注册中心", "a/go-micro/registry", 10},
		{"一致性", "c/raft", 10},
	} {
		t.Run(tc.q+"→"+tc.want, func(t *testing.T) {
			w := get(t, h, "/search?q="+url.QueryEscape(tc.q), "Accept", "application/json")
			var res struct {
				Hits []hit `json:"hits"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			var ids []string
			for i, h := range res.Hits {
				if i == tc.top {
					break
				}
				ids = append(ids, h.ID)
			}
			found := false
			for _, id := range ids {
				found = found || id == tc.want
			}
			if !found {
				t.Errorf("%s not in the first %d hits: %v", tc.want, tc.top, ids)
			}
			for _, path := range []string{"/search?q=", "/zh/search?q="} {
				page := get(t, h, path+url.QueryEscape(tc.q)).Body.String()
				if !strings.Contains(page, `name="q" type="search" value="`+html.EscapeString(tc.q)+`"`) {
					t.Errorf("%s: the results page does not keep the query in the box", path)
				}
			}
		})
	}
}
