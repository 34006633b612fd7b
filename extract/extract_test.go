package extract

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/*.txtar")

// TestTxtar runs every testdata/*.txtar case: the files (those under
// fallback/ form Options.Fallback) are loaded, and the facts, diagnostics,
// documents and table of contents must match the want.* sections.
func TestTxtar(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fsys, fallback := fstest.MapFS{}, fstest.MapFS{}
			want := map[string]string{}
			for _, f := range ar.Files {
				switch {
				case strings.HasPrefix(f.Name, "want."):
					want[f.Name] = string(f.Data)
				case strings.HasPrefix(f.Name, "fallback/"):
					fallback[strings.TrimPrefix(f.Name, "fallback/")] = &fstest.MapFile{Data: f.Data}
				default:
					fsys[f.Name] = &fstest.MapFile{Data: f.Data}
				}
			}
			opts := Options{Workers: 2}
			if len(fallback) > 0 {
				opts.Fallback = fallback
			}
			c, err := Load(fsys, opts)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{
				"want.facts": formatFacts(c),
				"want.diags": formatDiags(c),
				"want.docs":  formatDocs(c),
				"want.toc":   formatTOC(c.TOC, ""),
			}
			changed := false
			for name, g := range got {
				w, ok := want[name]
				if !ok && g == "" {
					continue
				}
				if *update {
					if w != g {
						changed = true
						want[name] = g
					}
					continue
				}
				if w != g {
					t.Errorf("%s mismatch (run go test ./extract -update)\n--- got ---\n%s--- want ---\n%s", name, g, w)
				}
			}
			if *update && changed {
				var kept []txtar.File
				for _, f := range ar.Files {
					if !strings.HasPrefix(f.Name, "want.") {
						kept = append(kept, f)
					}
				}
				names := make([]string, 0, len(want))
				for n := range want {
					names = append(names, n)
				}
				sort.Strings(names)
				for _, n := range names {
					if want[n] != "" {
						kept = append(kept, txtar.File{Name: n, Data: []byte(want[n])})
					}
				}
				ar.Files = kept
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func formatFacts(c *Corpus) string {
	var b strings.Builder
	for _, f := range c.Facts {
		fmt.Fprintf(&b, "%s %s %s @ %s:%d %q\n", f.Subject, f.Relation, f.Object, f.Evidence.Path, f.Evidence.Line, f.Evidence.Text)
	}
	return b.String()
}

func formatDiags(c *Corpus) string {
	var b strings.Builder
	for _, d := range c.Diagnostics {
		fmt.Fprintln(&b, d)
	}
	return b.String()
}

func formatDocs(c *Corpus) string {
	var b strings.Builder
	for _, d := range c.Docs {
		fmt.Fprintf(&b, "%s %s project=%q title=%q", d.ID, d.Kind, d.Project, d.Title)
		if d.TitleZh != "" {
			fmt.Fprintf(&b, " zh=%q", d.TitleZh)
		}
		if d.Bundled {
			b.WriteString(" bundled")
		}
		if d.Lang != "en" {
			fmt.Fprintf(&b, " lang=%s", d.Lang)
		}
		for _, h := range d.Headings {
			fmt.Fprintf(&b, " #%s", h.ID)
		}
		b.WriteString("\n")
		for _, t := range d.Translations {
			fmt.Fprintf(&b, "  %s %s title=%q", t.Lang, t.Path, t.Title)
			if t.Stale {
				b.WriteString(" stale")
			}
			for _, h := range t.Headings {
				fmt.Fprintf(&b, " #%s", h.ID)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func formatTOC(es []*TOCEntry, indent string) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%s- %s [%s] :%d\n", indent, e.Title, e.DocID, e.Line)
		b.WriteString(formatTOC(e.Children, indent+"  "))
	}
	return b.String()
}

// errFS fails to open the files it names, to exercise unreadable files.
type errFS struct {
	fs.FS
	fail map[string]error
}

func (e errFS) Open(name string) (fs.File, error) {
	if err, ok := e.fail[name]; ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return e.FS.Open(name)
}

func TestUnreadableAndOversized(t *testing.T) {
	mfs := fstest.MapFS{
		"a.md":   {Data: []byte("# A\n")},
		"big.md": {Data: []byte("# Big\n" + strings.Repeat("x", 300))},
		"bad.md": {Data: []byte("# Bad\n")},
	}
	c, err := Load(errFS{mfs, map[string]error{"bad.md": errors.New("permission denied")}}, Options{MaxFileSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	got := formatDiags(c)
	for _, want := range []string{"bad.md: error: unreadable: permission denied", "big.md: warning: skipped: 306 bytes is over the 100-byte limit"} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, got)
		}
	}
	if c.Doc("a/a") == nil || c.Doc("a/big") != nil {
		t.Errorf("want a loaded and big skipped, got docs:\n%s", formatDocs(c))
	}
}

func TestSymlinks(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("etcd/raft.md", "# Raft\n")
	if err := os.Symlink("loop.md", filepath.Join(dir, "loop.md")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := os.Symlink(".", filepath.Join(dir, "etcd", "self")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("etcd/raft.md", filepath.Join(dir, "alias.md")); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var c *Corpus
	go func() {
		defer close(done)
		var err error
		c, err = Load(os.DirFS(dir), Options{})
		if err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Load did not finish: a symlink loop was followed")
	}
	if c == nil {
		return
	}
	got := formatDiags(c)
	for _, want := range []string{"loop.md: error: unreadable symlink", "etcd/self: warning: symlinked folder not followed"} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, got)
		}
	}
	if c.Doc("a/alias") == nil || c.Doc("a/etcd/raft") == nil {
		t.Errorf("symlinked file should load:\n%s", formatDocs(c))
	}
}

func TestDOTRenderer(t *testing.T) {
	mfs := fstest.MapFS{"a.md": {Data: []byte("# A\n\n```dot\ndigraph { x -> y }\n```\n\n```dot\nbroken\n```\n")}}
	c, err := Load(mfs, Options{DOT: func(src []byte) ([]byte, error) {
		if strings.Contains(string(src), "broken") {
			return nil, errors.New("syntax error in line 1")
		}
		return []byte("<svg>ok</svg>"), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	html := c.Doc("a/a").HTML
	if !strings.Contains(html, `<figure class="dot" data-diagram="0"><svg>ok</svg></figure>`) {
		t.Errorf("rendered diagram missing:\n%s", html)
	}
	if !strings.Contains(html, "dot-error") || !strings.Contains(formatDiags(c), "a.md:8: error: dot diagram: syntax error in line 1") {
		t.Errorf("broken diagram not reported:\n%s\n%s", html, formatDiags(c))
	}
}

func TestSentence(t *testing.T) {
	tests := []struct {
		text string
		off  int
		want string
	}{
		{"First one. Raft is here. Last.", 12, "Raft is here."},
		{"Use raft.Node and v3.7.1 here. Next.", 5, "Use raft.Node and v3.7.1 here."},
		{"第一句。服务发现在这里。第三句", 14, "服务发现在这里。"},
		{strings.Repeat("a ", 200), 10, strings.Repeat("a ", 120)[:239] + "…"},
	}
	for _, tt := range tests {
		if got := sentence(tt.text, tt.off); got != tt.want {
			t.Errorf("sentence(%q, %d) = %q, want %q", tt.text, tt.off, got, tt.want)
		}
	}
}

func TestModuleRoot(t *testing.T) {
	tests := map[string]string{
		"github.com/hashicorp/raft":                       "github.com/hashicorp/raft",
		"github.com/etcd-io/etcd/server/v3/etcdserver":    "github.com/etcd-io/etcd",
		"github.com/micro/go-micro/v5/registry":           "github.com/micro/go-micro/v5",
		"go.etcd.io/raft/v3":                              "go.etcd.io/raft/v3",
		"go.etcd.io/etcd/server/v3":                       "go.etcd.io/etcd",
		"google.golang.org/grpc/balancer":                 "google.golang.org/grpc",
		"golang.org/x/net/http2":                          "golang.org/x/net",
		"gopkg.in/yaml.v3":                                "gopkg.in/yaml.v3",
		"github.com/foo":                                  "",
		"github.com/prometheus/client_golang/prometheus.": "github.com/prometheus/client_golang",
	}
	for in, want := range tests {
		if got := ModuleRoot(in); got != want {
			t.Errorf("ModuleRoot(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Raft 日志复制":              "raft-日志复制",
		"The flow, step by step": "the-flow-step-by-step",
		"  ":                     "",
		"etcd v3.7.1":            "etcd-v3-7-1",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLineBreaks: a soft line break is a space, except between two Chinese
// (East Asian wide) characters, whatever node the next line starts with.
func TestLineBreaks(t *testing.T) {
	tests := []struct{ name, md, want string }{
		{"words", "one\ntwo", "<p>one\ntwo</p>"},
		{"before a link", "handlers in\n[the KV article](x.md) turn", "handlers in\n<a href=\"x.md\">the KV article</a> turn"},
		{"before code", "calls\n`Put` first", "calls\n<code>Put</code> first"},
		{"before emphasis", "is\n*not* done", "is\n<em>not</em> done"},
		{"chinese", "服务\n发现", "<p>服务发现</p>"},
		{"chinese before a link", "参见\n[日志](x.md)", "参见<a href=\"x.md\">日志</a>"},
		{"chinese before code", "调用\n`Put`", "调用\n<code>Put</code>"},
		{"chinese before a wikilink", "参见\n[[日志]]", "参见<span class=\"wikilink unresolved\">日志</span>"},
		{"latin before chinese", "raft\n协议", "<p>raft\n协议</p>"},
		{"hard break", "one  \ntwo", "one<br>\ntwo"},
		{"escapes", "a \\*b\\*\nc &amp; d", "a *b*\nc &amp; d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(fstest.MapFS{"a.md": {Data: []byte("# A\n\n" + tt.md + "\n")}}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if html := c.Doc("a/a").HTML; !strings.Contains(html, tt.want) {
				t.Errorf("got\n%s\nwant it to contain\n%s", html, tt.want)
			}
		})
	}
}

// TestAssets: images and other files the notes show or link to are
// rewritten to asset URLs and listed; files nobody references are not.
func TestAssets(t *testing.T) {
	notes := fstest.MapFS{
		"mq/kafka.md": {Data: []byte("# Kafka\n\n![flow](./images/flow.png) ![root](/images/top.png) " +
			"![repo root](/docs/images/top.png) ![[diagram.png]] ![[kafka-2]] [slides](slides.pdf#page=2) " +
			"![gone](images/gone.png) ![web](https://example.com/x.png)\n")},
		"mq/kafka-2.md":              {Data: []byte("# Kafka, part two\n")},
		"mq/images/flow.png":         {Data: []byte("png")},
		"images/top.png":             {Data: []byte("png")},
		"attachments/Diagram.png":    {Data: []byte("png")},
		"mq/slides.pdf":              {Data: []byte("pdf")},
		"secrets/.env":               {Data: []byte("TOKEN=x")},
		"secrets/unreferenced.key":   {Data: []byte("key")},
		"notes-without-links/a.json": {Data: []byte("{}")},
	}
	c, err := Load(notes, Options{})
	if err != nil {
		t.Fatal(err)
	}
	html := c.Doc("a/mq/kafka").HTML
	for _, want := range []string{
		`<img src="/asset/mq/images/flow.png" alt="flow">`,
		`<img src="/asset/images/top.png" alt="root">`,
		`<img src="/asset/images/top.png" alt="repo root">`,
		`<img class="embed" src="/asset/attachments/Diagram.png" alt="diagram.png">`,
		`<a class="wikilink" href="/a/mq/kafka-2">kafka-2</a>`,
		`<a href="/asset/mq/slides.pdf#page=2">slides</a>`,
		`<img src="images/gone.png" alt="gone">`,
		`<img src="https://example.com/x.png" alt="web">`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in\n%s", want, html)
		}
	}
	var assets []string
	for a := range c.Assets {
		assets = append(assets, a)
	}
	sort.Strings(assets)
	if got, want := strings.Join(assets, " "), "attachments/Diagram.png images/top.png mq/images/flow.png mq/slides.pdf"; got != want {
		t.Errorf("assets %q, want %q", got, want)
	}
	if d := formatDiags(c); !strings.Contains(d, `mq/kafka.md:3: warning: image "images/gone.png" not found in the notes`) {
		t.Errorf("no warning for the missing image:\n%s", d)
	}
	if b, err := fs.ReadFile(c.AssetFS, "mq/slides.pdf"); err != nil || string(b) != "pdf" {
		t.Errorf("AssetFS reads %q, %v", b, err)
	}
}

// TestTitleNotRepeated: the page shows the title, so a body that opens with
// the same heading drops it; any other heading stays.
func TestTitleNotRepeated(t *testing.T) {
	tests := []struct{ name, md, title, h1 string }{
		{"title from the heading", "# Redis 集群\n\nBody.\n", "Redis 集群", ""},
		{"same as front matter", "---\ntitle: The `raft` module\n---\n# The raft module\n\nBody.\n", "The `raft` module", ""},
		{"different heading", "---\ntitle: Overview\n---\n# Something else\n\nBody.\n", "Overview", "Something else"},
		{"not first", "Intro.\n\n# Late title\n", "Late title", "Late title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(fstest.MapFS{"a.md": {Data: []byte(tt.md)}}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			d := c.Doc("a/a")
			if d.Title != tt.title {
				t.Errorf("title %q, want %q", d.Title, tt.title)
			}
			if tt.h1 == "" && strings.Contains(d.HTML, "<h1") || tt.h1 != "" && !strings.Contains(d.HTML, tt.h1+"</h1>") {
				t.Errorf("HTML:\n%s", d.HTML)
			}
		})
	}
}

// TestWikiHeading: [[Note#Heading text]] points at the heading's anchor.
func TestWikiHeading(t *testing.T) {
	c, err := Load(fstest.MapFS{
		"Raft/Log Replication.md": {Data: []byte("# Log Replication\n\n## Commit Rules\n")},
		"Raft/Election.md":        {Data: []byte("# Election\n\nSee [[Log Replication#Commit Rules|commit]].\n")},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if html := c.Doc("a/Raft/Election").HTML; !strings.Contains(html, `href="/a/Raft/Log Replication#commit-rules"`) {
		t.Errorf("wikilink to a heading:\n%s", html)
	}
	if h := c.Doc("a/Raft/Log Replication").Headings; len(h) < 2 || h[1].ID != "commit-rules" {
		t.Errorf("headings %+v", h)
	}
}

// TestTranslationLinks checks that a translation links to the pages of its
// own language, its source to the main language's, and that the hash
// srchash-style tools compute is the one check compares.
func TestTranslationLinks(t *testing.T) {
	src := "---\ntitle: A\nproject: p\n---\nSee [b](b.md).\n"
	fsys := fstest.MapFS{
		"p/a.md":    {Data: []byte(src)},
		"p/a.zh.md": {Data: []byte("---\ntitle: 甲\nsource_hash: " + BodyHash([]byte(src)) + "\n---\n见[乙](b.md)和[乙的译文](b.zh.md)。\n")},
		"p/b.md":    {Data: []byte("---\ntitle: B\nproject: p\n---\nB.\n")},
		"p/b.zh.md": {Data: []byte("---\ntitle: 乙\n---\n乙。\n")},
	}
	c, err := Load(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := c.Doc("a/p/a")
	zh := a.In("zh")
	if zh == a || zh.Stale || zh.ID != "a/p/a" || zh.Project != "p" {
		t.Fatalf("translation of a: %+v", zh)
	}
	if !strings.Contains(a.HTML, `href="/a/p/b"`) {
		t.Errorf("source links to the main pages: %s", a.HTML)
	}
	if n := strings.Count(zh.HTML, `href="/zh/a/p/b"`); n != 2 {
		t.Errorf("translation has %d links to /zh/a/p/b, want 2: %s", n, zh.HTML)
	}
	if got := c.Languages(); !slices.Equal(got, []string{"en", "zh"}) {
		t.Errorf("Languages() = %v", got)
	}
	if got := c.DocsByLanguage(); got["en"] != 3 || got["zh"] != 2 {
		t.Errorf("DocsByLanguage() = %v", got)
	}
	if !c.Doc("a/p/b").In("zh").Stale {
		t.Error("a translation without source_hash is not marked stale")
	}
	for _, f := range c.Facts {
		if strings.HasSuffix(f.Evidence.Path, ".zh.md") {
			t.Errorf("fact from a translation: %v", f)
		}
	}
}

func TestBodyHash(t *testing.T) {
	for _, tc := range []struct{ src, body string }{
		{"---\ntitle: x\n---\nbody\n", "body\n"},
		{"---\ntitle: x\n...\nbody", "body"},
		{"no front matter\n", "no front matter\n"},
		{"---\nunclosed\n", "---\nunclosed\n"},
		{"---\n---\n", ""},
	} {
		if got, want := BodyHash([]byte(tc.src)), BodyHash([]byte(tc.body)); got != want && tc.body != tc.src {
			t.Errorf("BodyHash(%q) = %s, want the hash of %q (%s)", tc.src, got, tc.body, want)
		}
		if got := string(body([]byte(tc.src))); got != tc.body {
			t.Errorf("body(%q) = %q, want %q", tc.src, got, tc.body)
		}
	}
}

func TestComparative(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"NSQ keeps no consensus log, which is cheaper than Raft.", true},
		{"Unlike Consul, etcd exposes a plain key space.", true},
		{"Compared with Traefik, Laravel's middleware runs inside the application.", true},
		{"It works the way Consul does.", true},
		{"与 etcd 相比，Consul 自带健康检查。", true},
		{"etcd drives the raft library from its Ready loop.", false},
		{"Consul imports hashicorp/raft for its catalog.", false},
		{"The leader thanks nobody.", false}, // "than" as a word only
		{"etcd 使用 Raft 复制日志。", false},
		{"Its Pipeline folds middleware into nested closures exactly as Echo folds MiddlewareFuncs.", true},
		{"Just as Consul does, it gossips.", true},
		// traefik/index.md:66, a use told in the relations section.
		{"Consul (project page): pkg/provider/consulcatalog/consul_catalog.go lists services through hashicorp/consul/api and watches services and checks with its api/watch package.", false},
	} {
		if got := comparative(tc.s); got != tc.want {
			t.Errorf("comparative(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// TestComparisonSection: sections that send the reader elsewhere make
// their mentions comparisons; a project page's relations section says
// what the project uses and is read sentence by sentence.
func TestComparisonSection(t *testing.T) {
	for _, tc := range []struct {
		heading string
		want    bool
	}{
		{"Design notes", true},
		{"Read next", true},
		{"See also", true},
		{"Compared with Consul", true},
		{"延伸阅读", true},
		{"设计取舍", true},
		{"How it relates to the other systems", false},
		{"与其他系统的关系", false},
		{"Architecture", false},
	} {
		if got := comparisonSection(tc.heading); got != tc.want {
			t.Errorf("comparisonSection(%q) = %v, want %v", tc.heading, got, tc.want)
		}
	}
}

// TestDiagramFigure: the one writer of diagram markup, in its three
// states; the source and the reason are escaped.
func TestDiagramFigure(t *testing.T) {
	d := Diagram{Index: 2, Source: `digraph { a -> "<b>" }`}
	tests := []struct {
		name string
		svg  []byte
		err  error
		want string
	}{
		{"placeholder", nil, nil, `<figure class="dot" data-diagram="2"><pre class="dot-source"><code>digraph { a -&gt; &#34;&lt;b&gt;&#34; }</code></pre></figure>`},
		{"drawn", []byte(`<svg>ok</svg>`), nil, `<figure class="dot" data-diagram="2"><svg>ok</svg></figure>`},
		{"error", nil, errors.New("syntax error\n  near <b>"), `<figure class="dot dot-error" data-diagram="2"><pre class="dot-source"><code>digraph { a -&gt; &#34;&lt;b&gt;&#34; }</code></pre><figcaption>syntax error near &lt;b&gt;</figcaption></figure>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := d.Figure(tt.svg, tt.err); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestDetectLang(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"etcd drives the raft library.", "en"},
		{"etcd 驱动 raft 库，处理 Ready 批次。", "zh"},
		{"Spring 的 IoC 容器：\n\n```java\npublic class DefaultListableBeanFactory extends AbstractAutowireCapableBeanFactory {\n  private final Map<String, BeanDefinition> beanDefinitionMap;\n}\n```\n\n上面的 `DefaultListableBeanFactory` 保存了所有 bean 的定义。", "zh"},
		{"The `注册中心` term in Chinese notes.", "en"},
	} {
		if got := detectLang([]byte(tc.text)); got != tc.want {
			t.Errorf("detectLang(%.30q) = %s, want %s", tc.text, got, tc.want)
		}
	}
}
