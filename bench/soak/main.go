// Command soak browses a codeatlas server as people do: each client starts
// at / and follows a random same-site link from the page it is on (a
// fixed seed per client), now and then starting over at /. After the walk
// it asks for fresh maps, ones the walk did not draw. It reports every 5xx,
// every body served as SVG that is not an SVG document, status counts,
// latency percentiles and requests per second. Used by bench/soak.sh.
//
// Usage: go run ./bench/soak -base http://127.0.0.1:8080 -c 8 -n 3000
package main

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"html"
	"io"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "server to browse")
	clients := flag.Int("c", 8, "clients browsing at once")
	total := flag.Int("n", 3000, "requests of the walk, all clients together")
	fresh := flag.Int("fresh", 20, "fresh maps asked for after the walk")
	seed := flag.Int64("seed", 1, "seed of the walk")
	timeout := flag.Duration("timeout", 60*time.Second, "per request")
	flag.Parse()

	s := &soak{base: strings.TrimRight(*base, "/"), client: &http.Client{
		Timeout:   *timeout,
		Transport: &http.Transport{MaxIdleConnsPerHost: *clients},
		// A person's browser follows redirects; the walk counts the final answer.
	}, nodes: map[string]bool{}, status: map[int]int{}}
	start := time.Now()
	var wg sync.WaitGroup
	left := make(chan struct{}, *total)
	for i := 0; i < *total; i++ {
		left <- struct{}{}
	}
	close(left)
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			s.walk(rand.New(rand.NewSource(*seed+int64(c))), left)
		}(c)
	}
	wg.Wait()
	walk := time.Since(start)
	walked := len(s.lat)
	fmt.Printf("walk: %d requests by %d clients in %.1f s: %.1f requests/s\n", walked, *clients, walk.Seconds(), float64(walked)/walk.Seconds())

	// Fresh maps: ego maps at depth 2 with the neato layout, which no
	// page links, around nodes the walk saw.
	var ids []string
	for id := range s.nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	r := rand.New(rand.NewSource(*seed))
	r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	freshOK := 0
	t0 := time.Now()
	for i := 0; i < *fresh && i < len(ids); i++ {
		if s.get("/map.svg?view=ego&depth=2&layout=neato&focus="+url.QueryEscape(ids[i])) == 200 {
			freshOK++
		}
	}
	fmt.Printf("fresh maps after the walk: %d of %d answered 200 with an SVG (%.1f s)\n", freshOK, min(*fresh, len(ids)), time.Since(t0).Seconds())
	s.report()
	if len(s.bad) > 0 {
		os.Exit(1)
	}
}

type soak struct {
	base   string
	client *http.Client

	mu     sync.Mutex
	lat    []time.Duration
	status map[int]int
	bad    []string        // 5xx, transport errors, non-SVG served as SVG
	nodes  map[string]bool // node ids seen in links
}

var hrefRE = regexp.MustCompile(`href="([^"]*)"`)

// walk browses until left is drained: a page, then a random link of it.
func (s *soak) walk(r *rand.Rand, left <-chan struct{}) {
	page := "/"
	for range left {
		links := s.visit(page)
		if len(links) == 0 || r.Intn(20) == 0 {
			page = "/"
			continue
		}
		page = links[r.Intn(len(links))]
	}
}

// visit gets path and returns the same-site links a person could follow.
func (s *soak) visit(path string) []string {
	body, code := s.fetch(path)
	if code != 200 {
		return nil
	}
	var links []string
	seen := map[string]bool{}
	for _, m := range hrefRE.FindAllSubmatch(body, -1) {
		u := html.UnescapeString(string(m[1]))
		u, _, _ = strings.Cut(u, "#")
		if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || seen[u] ||
			strings.HasPrefix(u, "/static/") || strings.HasPrefix(u, "/events") {
			continue
		}
		seen[u] = true
		links = append(links, u)
		if id := nodeID(u); id != "" {
			s.mu.Lock()
			s.nodes[id] = true
			s.mu.Unlock()
		}
	}
	return links
}

// nodeID is the node a page link names (/c/raft -> c/raft), or "".
func nodeID(u string) string {
	p, _, _ := strings.Cut(u, "?")
	for _, k := range []string{"/a/", "/c/", "/p/", "/m/"} {
		if strings.HasPrefix(p, k) && len(p) > len(k) {
			return p[1:]
		}
	}
	return ""
}

func (s *soak) get(path string) int {
	_, code := s.fetch(path)
	return code
}

// fetch gets path, records its latency and status, and notes a 5xx, a
// transport error, or a body served as SVG that is not an SVG document.
func (s *soak) fetch(path string) ([]byte, int) {
	t0 := time.Now()
	resp, err := s.client.Get(s.base + path)
	var body []byte
	code := 0
	if err == nil {
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		code = resp.StatusCode
	}
	d := time.Since(t0)
	var bad string
	switch {
	case err != nil:
		bad = fmt.Sprintf("%s: %v", path, err)
	case code >= 500:
		bad = fmt.Sprintf("%s: %d %.200s", path, code, body)
	case code == 200 && strings.Contains(resp.Header.Get("Content-Type"), "svg"):
		if verr := svgDocument(body); verr != nil {
			bad = fmt.Sprintf("%s: served as SVG but %v (%d bytes)", path, verr, len(body))
		}
	}
	s.mu.Lock()
	s.lat = append(s.lat, d)
	s.status[code]++
	if bad != "" {
		s.bad = append(s.bad, bad)
	}
	s.mu.Unlock()
	return body, code
}

func svgDocument(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Entity = xml.HTMLEntity
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("not XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		return fmt.Errorf("root element %q", root)
	}
	return nil
}

func (s *soak) report() {
	s.mu.Lock()
	defer s.mu.Unlock()
	lat := append([]time.Duration(nil), s.lat...)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(p*float64(len(lat)-1))]
	}
	var codes []int
	for c := range s.status {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	fmt.Print("status:")
	for _, c := range codes {
		fmt.Printf(" %d x%d", c, s.status[c])
	}
	fmt.Println()
	fmt.Printf("latency: p50 %v p95 %v p99 %v max %v\n", pct(0.5).Round(time.Millisecond), pct(0.95).Round(time.Millisecond),
		pct(0.99).Round(time.Millisecond), pct(1).Round(time.Millisecond))
	fmt.Printf("bad answers (5xx, errors, non-SVG served as SVG): %d\n", len(s.bad))
	for _, b := range s.bad {
		fmt.Println("  " + b)
	}
}
