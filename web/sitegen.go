package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/codeatlas/codeatlas/graph"
)

// SiteStats counts what WriteSite wrote.
type SiteStats struct {
	Pages, Maps, Exports, Files int
	// Unchanged counts the files that already held the same bytes (a
	// second run into the same folder): they were not written again.
	Unchanged int
	// Removed counts files of an earlier run that no page links to now.
	Removed int
	Failed  []string // URLs that did not answer 200, with the status
}

// SiteOptions sets up WriteSite.
type SiteOptions struct {
	Dir  string // the folder to write: new, empty, or an earlier site
	Base string // the path the site is served under: "/" or "/project/"
	// Workers fetch pages at once. Default 1.
	Workers int
	// Progress, if set, is called after each file with how many are done
	// and how many are known so far (the count grows as pages link to
	// more). Calls come from one goroutine at a time.
	Progress func(done, known int)
}

// SiteMarker is the file that marks a folder as written by WriteSite: a
// later run may write into it again, rewriting only what changed.
const SiteMarker = ".codeatlas-site"

// WriteSite writes the explorer as static files under dir; see
// WriteSiteWith.
func (s *Server) WriteSite(ctx context.Context, dir, base string, workers int) (SiteStats, error) {
	return s.WriteSiteWith(ctx, SiteOptions{Dir: dir, Base: base, Workers: workers})
}

// WriteSiteWith writes the explorer as static files, for any file server
// or GitHub Pages: every page reachable from the overview and the node
// pages, the maps they link to, the static files and the notes' assets,
// and a 404.html. Links are rewritten to the files' paths under base ("/"
// or "/project/"), so query URLs such as /map?view=ego&focus=c/raft become
// /map/ego-c-raft-…/. The server should be built with Config.StaticSite, so
// that pages drop what needs a server. Pages are fetched from the server's
// own handler, workers at a time. A file that already holds the same bytes
// is left alone, and files of an earlier run (in a folder with SiteMarker)
// that are not part of this one are removed.
func (s *Server) WriteSiteWith(ctx context.Context, opt SiteOptions) (SiteStats, error) {
	dir, base, workers := opt.Dir, opt.Base, opt.Workers
	if !strings.HasPrefix(base, "/") || !strings.HasSuffix(base, "/") {
		return SiteStats{}, fmt.Errorf("base %q must start and end with /", base)
	}
	if workers < 1 {
		workers = 1
	}
	if s.cfg.StaticSite {
		s.warmSite(ctx, s.site.Load())
	}
	g := &siteGen{h: s.Handler(), dir: dir, base: base, seen: map[string]bool{}, written: map[string]bool{}, progress: opt.Progress}
	seeds := []string{"/", "/graph.json", notFoundURL}
	if s.cfg.StaticSite {
		seeds = append(seeds, "/search-index.json")
	}
	st := s.site.Load()
	for i, lang := range st.langs {
		prefix := ""
		if i > 0 {
			prefix = "/" + lang
			seeds = append(seeds, prefix+"/")
		}
		for _, n := range st.graph.Nodes() {
			seeds = append(seeds, prefix+NodeURL(n.ID))
		}
	}
	work := make(chan string)
	var wg sync.WaitGroup
	var pending sync.WaitGroup
	g.enqueue = func(u string) {
		// One fetch per file: the same map can be linked with its
		// parameters in another order.
		key := u
		if file, _, ok := g.place(u); ok {
			key = file
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.seen[key] {
			return
		}
		g.seen[key] = true
		g.known++
		pending.Add(1)
		go func() { work <- u }()
	}
	errc := make(chan error, 1)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				if err := g.fetch(ctx, u); err != nil {
					select {
					case errc <- err:
					default:
					}
				}
				g.done()
				pending.Done()
			}
		}()
	}
	for _, u := range seeds {
		g.enqueue(u)
	}
	pending.Wait()
	close(work)
	wg.Wait()
	select {
	case err := <-errc:
		return g.stats, err
	default:
	}
	if err := ctx.Err(); err != nil {
		return g.stats, err
	}
	if err := g.finish(); err != nil {
		return g.stats, err
	}
	sort.Strings(g.stats.Failed)
	return g.stats, nil
}

// done counts one fetched URL and reports progress.
func (g *siteGen) done() {
	g.mu.Lock()
	g.fetched++
	d, k := g.fetched, g.known
	if g.progress != nil {
		g.progress(d, k)
	}
	g.mu.Unlock()
}

// finish removes the files an earlier run wrote that this one did not,
// and marks the folder as a site.
func (g *siteGen) finish() error {
	if _, err := os.Stat(filepath.Join(g.dir, SiteMarker)); err == nil {
		err := filepath.WalkDir(g.dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(g.dir, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if rel == SiteMarker || g.written[rel] {
				return nil
			}
			g.stats.Removed++
			return os.Remove(p)
		})
		if err != nil {
			return err
		}
		removeEmptyDirs(g.dir)
	}
	return os.WriteFile(filepath.Join(g.dir, SiteMarker), []byte("written by codeatlas site; a later run rewrites this folder\n"), 0o644)
}

// removeEmptyDirs removes the folders under dir that hold nothing.
func removeEmptyDirs(dir string) {
	var dirs []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != dir {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		_ = os.Remove(dirs[i]) // fails, as it should, when not empty
	}
}

type siteGen struct {
	h       http.Handler
	dir     string
	base    string
	enqueue func(string)

	progress func(done, known int)

	placeMu sync.Mutex
	placed  map[string]placed

	mu      sync.Mutex
	seen    map[string]bool
	written map[string]bool // files of this run, slash-separated under dir
	known   int
	fetched int
	stats   SiteStats
}

// linkAttrRE finds the URLs of a page or an SVG: links, sources, the
// search index; jsonURLRE the "url" fields of the JSON files.
var (
	linkAttrRE = regexp.MustCompile(`(\s(?:href|src|xlink:href|data-search-index)=")([^"]*)(")`)
	jsonURLRE  = regexp.MustCompile(`("url":\s*")(/[^"]*)(")`)
)

func (g *siteGen) fetch(ctx context.Context, u string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	rec := httptest.NewRecorder()
	g.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil).WithContext(ctx))
	if want := http.StatusOK; rec.Code != want && !(u == notFoundURL && rec.Code == http.StatusNotFound) {
		g.mu.Lock()
		g.stats.Failed = append(g.stats.Failed, fmt.Sprintf("%s: %d", u, rec.Code))
		g.mu.Unlock()
		return nil
	}
	file, _, ok := g.place(u)
	if !ok {
		// Nothing the server links to should get here; writing it would
		// mean writing outside the pages' folders.
		g.mu.Lock()
		g.stats.Failed = append(g.stats.Failed, u+": no file for this URL")
		g.mu.Unlock()
		return nil
	}
	body := rec.Body.Bytes()
	ctype := rec.Header().Get("Content-Type")
	switch {
	case strings.HasPrefix(ctype, "text/html"), strings.HasPrefix(ctype, "image/svg+xml") && !strings.HasPrefix(u, "/asset/"):
		body = g.rewriteLinks(body)
	case strings.HasPrefix(ctype, "application/json"):
		// Indented for a person reading a download; a third of graph.json
		// in a copy.
		var compact bytes.Buffer
		if json.Compact(&compact, body) == nil {
			body = compact.Bytes()
		}
		body = g.rewrite(jsonURLRE, body, false)
	}
	out := filepath.Join(g.dir, filepath.FromSlash(file))
	same := false
	if old, err := os.ReadFile(out); err == nil && bytes.Equal(old, body) {
		// Unchanged since the last run: keep the file and its time, so
		// a sync to the host sends only what changed.
		same = true
	} else {
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(out, body, 0o644); err != nil {
			return err
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.written[file] = true
	if same {
		g.stats.Unchanged++
	}
	switch {
	case strings.HasSuffix(file, ".html") && strings.HasPrefix(file, "map/"):
		g.stats.Maps++
	case strings.HasSuffix(file, ".html"):
		g.stats.Pages++
	case strings.HasPrefix(file, "map/"):
		g.stats.Exports++
	default:
		g.stats.Files++
	}
	return nil
}

// rewrite points every site-relative URL the pattern finds at its file,
// and queues the pages it has not fetched yet.
func (g *siteGen) rewrite(re *regexp.Regexp, body []byte, escaped bool) []byte {
	return re.ReplaceAllFunc(body, func(m []byte) []byte {
		sub := re.FindSubmatch(m)
		return append(append(append([]byte(nil), sub[1]...), g.link(sub[2], escaped)...), sub[3]...)
	})
}

// link is the public URL of a link of a page (raw is as written, HTML
// escaped when escaped is set), queueing its target; a link the copy
// cannot have is kept as it is.
func (g *siteGen) link(value []byte, escaped bool) []byte {
	raw := string(value)
	if escaped {
		raw = html.UnescapeString(raw)
	}
	if !strings.HasPrefix(raw, "/") || strings.HasPrefix(raw, "//") {
		return value
	}
	_, public, ok := g.place(raw)
	if !ok {
		return value
	}
	target, _, _ := strings.Cut(raw, "#")
	g.enqueue(target)
	if escaped {
		public = html.EscapeString(public)
	}
	return []byte(public)
}

// linkAttrs are the attributes rewriteLinks reads URLs from.
var linkAttrs = [][]byte{[]byte("href"), []byte("src"), []byte("xlink:href"), []byte("data-search-index")}

// rewriteLinks does for pages and SVG what rewrite does with linkAttrRE,
// without a regular expression: every name="value" whose name is one of
// linkAttrs after a space. Pages are large (a map page holds its SVG and
// its data), and the regular expression took half of a site's time.
func (g *siteGen) rewriteLinks(body []byte) []byte {
	var out []byte
	done, pos := 0, 0
	for {
		i := bytes.Index(body[pos:], []byte(`="`))
		if i < 0 {
			break
		}
		eq := pos + i
		start := eq + 2
		end := bytes.IndexByte(body[start:], '"')
		if end < 0 {
			break
		}
		end += start
		pos = start
		named := false
		for _, name := range linkAttrs {
			n := eq - len(name)
			if n >= 1 && bytes.Equal(body[n:eq], name) && isSpaceByte(body[n-1]) {
				named = true
				break
			}
		}
		if !named {
			continue
		}
		pos = end + 1
		repl := g.link(body[start:end], true)
		if bytes.Equal(repl, body[start:end]) {
			continue
		}
		if out == nil {
			// Links under a base grow a little; one allocation for most pages.
			out = make([]byte, 0, len(body)+len(body)/8)
		}
		out = append(out, body[done:start]...)
		out = append(out, repl...)
		done = end
	}
	if out == nil {
		return body
	}
	return append(out, body[done:]...)
}

// isSpaceByte is \s of a regular expression: space, tab, newline, form
// feed, carriage return.
func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// placed is what place answered for a URL.
type placed struct {
	file, public string
	ok           bool
}

// place maps a URL of the server to its file under dir and its public URL
// under base; ok is false for URLs a static copy cannot have (search, live
// reload). Answers are remembered: every map page links the same nodes.
func (g *siteGen) place(raw string) (file, public string, ok bool) {
	g.placeMu.Lock()
	p, hit := g.placed[raw]
	g.placeMu.Unlock()
	if !hit {
		p.file, p.public, p.ok = g.placeURL(raw)
		g.placeMu.Lock()
		if g.placed == nil {
			g.placed = map[string]placed{}
		}
		g.placed[raw] = p
		g.placeMu.Unlock()
	}
	return p.file, p.public, p.ok
}

func (g *siteGen) placeURL(raw string) (file, public string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", false
	}
	p := u.Path
	frag := ""
	if u.Fragment != "" {
		frag = "#" + u.EscapedFragment()
	}
	seg := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(seg) > 1 && slices.Contains(uiLangs, seg[0]) {
		// A page in another language: the same place under its folder.
		lang := seg[0]
		u.Path = "/" + strings.Join(seg[1:], "/")
		file, public, ok := g.place(u.String())
		if !ok {
			return "", "", false
		}
		return lang + "/" + file, g.base + lang + "/" + strings.TrimPrefix(public, g.base), true
	}
	switch {
	case p == "/":
		return "index.html", g.base + frag, true
	case p == notFoundURL:
		return "404.html", g.base + "404.html", true
	case p == "/concepts":
		return "concepts/index.html", g.base + "concepts/" + frag, true
	case p == "/map":
		key := mapKey(u.Query())
		return "map/" + key + "/index.html", g.base + "map/" + key + "/" + frag, true
	case strings.HasPrefix(p, "/map.") && !strings.Contains(p[1:], "/"):
		key := mapKey(u.Query())
		return "map/" + key + p[len("/map"):], g.base + "map/" + key + p[len("/map"):], true
	case p == "/graph.json", p == "/search-index.json":
		return p[1:], g.base + p[1:], true
	case len(seg) >= 2 && (seg[0] == "a" || seg[0] == "c" || seg[0] == "p" || seg[0] == "m"):
		if !safeSegments(seg) {
			return "", "", false
		}
		return path.Join(seg...) + "/index.html", g.base + NodeURL(p[1:])[1:] + "/" + frag, true
	case len(seg) >= 2 && (seg[0] == "static" || seg[0] == "asset"):
		if !safeSegments(seg) {
			return "", "", false
		}
		file, public = path.Join(seg...), g.base+NodeURL(p[1:])[1:]
		if seg[0] == "asset" && activeType(p) {
			// The server sends it as a download; a static host would send
			// page.html as a page, running its script in the site's origin.
			file, public = file+".download", public+".download"
		}
		if u.RawQuery != "" {
			public += "?" + u.RawQuery // static files carry their version
		}
		return file, public, true
	}
	return "", "", false
}

// safeSegments refuses paths that would leave the output folder.
func safeSegments(seg []string) bool {
	for _, s := range seg {
		if s == "" || s == "." || s == ".." || strings.ContainsAny(s, `\`+"\x00") {
			return false
		}
	}
	return true
}

// mapKey names the file of a map from its query: readable, and unique by a
// hash of it. The query is read as the server reads it, so the same map
// linked with its parameters in another order or spelling is one file.
func mapKey(raw url.Values) string {
	v := raw
	if q, err := graph.ParseQuery(raw); err == nil {
		v = q.Values()
	}
	if len(v) == 0 {
		return "overview"
	}
	var b strings.Builder
	for _, k := range graph.QueryParams {
		for _, x := range v[k] {
			if b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteString(x)
		}
	}
	name := strings.Trim(fileSafeRE.ReplaceAllString(b.String(), "-"), "-")
	if len(name) > 60 {
		name = name[:60]
	}
	h := sha256.Sum256([]byte(v.Encode()))
	return name + "-" + hex.EncodeToString(h[:4])
}

var fileSafeRE = regexp.MustCompile(`[^A-Za-z0-9._]+`)

// notFoundURL is fetched for 404.html, which GitHub Pages and most file
// servers show for a missing path.
const notFoundURL = "/404-not-a-page"
