package web

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/codeatlas/codeatlas/content"
	"github.com/codeatlas/codeatlas/graph"
	"github.com/codeatlas/codeatlas/graph/render"
)

// TestPathFromEveryNodePage: every kind of node page offers "find a path
// from here", and the link opens the path finder with From filled in.
func TestPathFromEveryNodePage(t *testing.T) {
	s := mustServer(t, loadFS(content.FS()), &fakeRenderer{})
	h := s.Handler()
	link := regexp.MustCompile(`<a class="pathfrom" href="([^"]+)">`)
	for _, id := range []string{"p/etcd", "a/etcd/raft", "c/raft", "m/go.etcd.io/raft/v3"} {
		t.Run(id, func(t *testing.T) {
			w := get(t, h, "/"+id)
			if w.Code != 200 {
				t.Fatalf("GET /%s: %d", id, w.Code)
			}
			m := link.FindStringSubmatch(w.Body.String())
			if m == nil {
				t.Fatalf("/%s has no link to find a path from it", id)
			}
			u, err := url.Parse(html.UnescapeString(m[1]))
			if err != nil {
				t.Fatal(err)
			}
			if u.Path != "/map" || u.Query().Get("view") != "path" || u.Query().Get("from") != id {
				t.Fatalf("the link is %s, want the path finder from %s", u, id)
			}
			form := get(t, h, u.RequestURI())
			if form.Code != 200 {
				t.Fatalf("GET %s: %d", u, form.Code)
			}
			if want := `name="from" value="` + id + `"`; !strings.Contains(form.Body.String(), want) {
				t.Errorf("the path finder from %s does not fill From (%s)", id, want)
			}
		})
	}
}

// TestDownloadNames: a download is named after what it shows.
func TestDownloadNames(t *testing.T) {
	for _, tc := range []struct {
		q    graph.Query
		f    graph.Format
		want string
	}{
		{graph.Query{View: graph.Overview}, graph.FormatSVG, "codeatlas-overview.svg"},
		{graph.Query{View: graph.ConceptView, Focus: "c/raft"}, graph.FormatSVG, "codeatlas-raft.svg"},
		{graph.Query{View: graph.ProjectView, Focus: "p/etcd"}, graph.FormatPNG, "codeatlas-etcd.png"},
		{graph.Query{View: graph.Ego, Focus: "a/etcd/raft", Depth: 2}, graph.FormatSVG, "codeatlas-etcd-raft-depth2.svg"},
		{graph.Query{View: graph.Ego, Focus: "m/github.com/hashicorp/raft", Depth: 1}, graph.FormatDOT, "codeatlas-github-com-hashicorp-raft-depth1.dot"},
		{graph.Query{View: graph.PathView, From: "p/go-micro", To: "c/service-discovery"}, graph.FormatSVG, "codeatlas-go-micro-to-service-discovery.svg"},
		{graph.Query{View: graph.Ego, Focus: "c/服务发现", Depth: 1}, graph.FormatJSON, "codeatlas-c-depth1.json"},
		{graph.Query{View: graph.Full}, graph.FormatGraphML, "codeatlas-full.graphml"},
	} {
		if got := downloadName(tc.q, tc.f); got != tc.want {
			t.Errorf("downloadName(%+v, %s) = %q, want %q", tc.q, tc.f, got, tc.want)
		}
	}
}

// TestDownloadLinks: a map page's download links ask for ?download=1 and
// name the file after the view; the file's node links then lead back to
// the site the request came to (or --base-url), and a bent Host header
// leaves them relative.
func TestDownloadLinks(t *testing.T) {
	s := mustServer(t, loadFS(content.FS()), &fakeRenderer{})
	h := s.Handler()
	page := get(t, h, "/map?view=path&from=p/go-micro&to=c/service-discovery").Body.String()
	if !strings.Contains(page, `download="codeatlas-go-micro-to-service-discovery.svg"`) || !strings.Contains(page, "download=1") {
		t.Errorf("the path answer's download links are not named after it or do not ask for a download")
	}
	dot := "/map.dot?view=concept&focus=c/raft&download=1"
	for _, tc := range []struct {
		name, host, proto, want, not string
	}{
		{"OK", "atlas.example.org:8080", "", `URL="http://atlas.example.org:8080/c/raft"`, ""},
		{"OK/https", "atlas.example.org", "https", `URL="https://atlas.example.org/c/raft"`, ""},
		{"BentHost", "evil.example\"/><script>", "", `URL="/c/raft"`, "evil"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := []string{"Host", tc.host}
			if tc.proto != "" {
				req = append(req, "X-Forwarded-Proto", tc.proto)
			}
			w := getHost(t, h, dot, req...)
			if w.Code != 200 {
				t.Fatalf("GET %s: %d", dot, w.Code)
			}
			if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="codeatlas-raft.dot"`) {
				t.Errorf("Content-Disposition %q", cd)
			}
			body := w.Body.String()
			if !strings.Contains(body, tc.want) {
				t.Errorf("the download has no %s", tc.want)
			}
			if tc.not != "" && strings.Contains(body, tc.not) {
				t.Errorf("the download carries %q", tc.not)
			}
		})
	}
	// Without ?download=1 (the page's own use), links stay relative.
	if body := get(t, h, "/map.dot?view=concept&focus=c/raft").Body.String(); !strings.Contains(body, `URL="/c/raft"`) {
		t.Error("a map asked for without download=1 has absolute links")
	}
	t.Run("BaseURL", func(t *testing.T) {
		s := mustServer(t, loadFS(content.FS()), &fakeRenderer{})
		s.cfg.BaseURL = "https://atlas.example.org/notes/"
		w := get(t, s.Handler(), dot)
		if !strings.Contains(w.Body.String(), `URL="https://atlas.example.org/notes/c/raft"`) {
			t.Error("the download's links do not start with --base-url")
		}
	})
}

// getHost is get with the request's Host (and other headers) set.
func getHost(t *testing.T, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// TestArticleSidebar: "the same concept in other projects" puts the
// articles whose subject the concept is first (gRPC's balancer under load
// balancing beside Traefik's balancers), shows at most sameIdeaArticles a
// concept and says how many more there are, with a link to the concept's
// page; "Linked from" lists each linking page once and no concept page,
// whose list of articles the sidebar already shows.
func TestArticleSidebar(t *testing.T) {
	s := mustServer(t, loadFS(content.FS()), &fakeRenderer{})
	body := get(t, s.Handler(), "/a/traefik/balancer").Body.String()
	section := func(class string) string {
		i := strings.Index(body, `<section class="`+class+`">`)
		if i < 0 {
			t.Fatalf("no %s section", class)
		}
		j := strings.Index(body[i:], "</section>")
		return body[i : i+j]
	}
	same := section("same-idea")
	groups := strings.Split(same, "<h3>")[1:]
	if len(groups) == 0 || len(groups) > sameIdeaConcepts {
		t.Fatalf("%d concepts in the sidebar, want 1 to %d", len(groups), sameIdeaConcepts)
	}
	href := regexp.MustCompile(`<li><a href="([^"]+)"`)
	var lb string
	for _, g := range groups {
		if n := len(href.FindAllString(g, -1)); n > sameIdeaArticles {
			t.Errorf("a concept lists %d articles, over %d", n, sameIdeaArticles)
		}
		if strings.HasPrefix(g, `<a href="/c/load-balancing">`) {
			lb = g
		}
	}
	if !strings.HasPrefix(groups[0], `<a href="/c/load-balancing">`) {
		t.Errorf("the first concept is not the article's first subject, load balancing: %.80s", groups[0])
	}
	first := href.FindStringSubmatch(lb)
	if first == nil || first[1] != "/a/grpc/balancer" {
		t.Errorf("under load balancing the first article is %v, want gRPC's balancer", first)
	}
	if !regexp.MustCompile(`<li class="more"><a href="/c/load-balancing">and \d+ more`).MatchString(lb) {
		t.Error(`load balancing does not say "and N more" with a link to its page`)
	}
	linked := section("backlinks")
	seen := map[string]bool{}
	for _, m := range href.FindAllStringSubmatch(linked, -1) {
		if strings.HasPrefix(m[1], "/c/") {
			t.Errorf("Linked from repeats the concept page %s", m[1])
		}
		if seen[m[1]] {
			t.Errorf("Linked from lists %s twice", m[1])
		}
		seen[m[1]] = true
	}
	if len(seen) == 0 {
		t.Error("Linked from is empty")
	}
}

// TestDownloadLegendSmall: the legend drawn into a downloaded path answer
// is a narrow column beside it, not a band wider than the answer (each key
// used to take a rank of its own across the whole drawing).
func TestDownloadLegendSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("renders with the real pool")
	}
	pool := render.NewPool(render.Config{Command: render.SelfCommand, Timeout: 60 * time.Second})
	defer pool.Close()
	s := mustServer(t, loadFS(content.FS()), pool)
	w := get(t, s.Handler(), "/map.svg?view=path&from=p/go-micro&to=c/service-discovery&download=1")
	if w.Code != 200 {
		t.Fatalf("GET: %d %s", w.Code, w.Body)
	}
	svg := w.Body.String()
	vb := regexp.MustCompile(`viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"`).FindStringSubmatch(svg)
	i := strings.Index(svg, `class="cluster legend"`)
	if vb == nil || i < 0 {
		t.Fatalf("no viewBox or no legend in the download")
	}
	d := regexp.MustCompile(`<path [^>]*d="([^"]+)"`).FindStringSubmatch(svg[i:])
	if d == nil {
		t.Fatal("the legend has no outline")
	}
	minX, maxX, minY, maxY := 1e9, -1e9, 1e9, -1e9
	for _, p := range regexp.MustCompile(`(-?[\d.]+),(-?[\d.]+)`).FindAllStringSubmatch(d[1], -1) {
		x, _ := strconv.ParseFloat(p[1], 64)
		y, _ := strconv.ParseFloat(p[2], 64)
		minX, maxX, minY, maxY = min(minX, x), max(maxX, x), min(minY, y), max(maxY, y)
	}
	W, _ := strconv.ParseFloat(vb[3], 64)
	H, _ := strconv.ParseFloat(vb[4], 64)
	lw, lh := maxX-minX, maxY-minY
	t.Logf("legend %.0fx%.0f pt in a %.0fx%.0f pt drawing", lw, lh, W, H)
	if lw > W/5 || lw*lh > W*H/10 {
		t.Errorf("the legend is %.0fx%.0f pt in a %.0fx%.0f pt drawing, want at most a fifth of its width and a tenth of its area", lw, lh, W, H)
	}
	if strings.Contains(svg, "outside this view") {
		t.Error("the path answer's legend counts edges outside the view")
	}
}
