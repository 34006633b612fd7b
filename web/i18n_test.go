package web

import (
	"io/fs"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"gopkg.in/yaml.v3"

	"github.com/codeatlas/codeatlas/extract"
	"github.com/codeatlas/codeatlas/graph"
)

// TestCatalogs: every message the code and templates ask for is in every
// catalog, and no catalog has messages nobody asks for.
func TestCatalogs(t *testing.T) {
	used := map[string]bool{}
	// Literal ids in templates ({{.T "id"}}, {{$.T "id"}}) and in Go
	// (l.T("id"), T("id")); ids built from parts are listed by prefix.
	callRE := regexp.MustCompile(`\bT "([a-zA-Z0-9.]+)"|\.T\("([a-zA-Z0-9.]+)"`)
	prefixRE := regexp.MustCompile(`\.T\("([a-zA-Z0-9.]+\.)"\s*\+`)
	var prefixes []string
	for _, glob := range []string{"templates/*.html", "*.go"} {
		files, _ := fs.Glob(os.DirFS("."), glob)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := fs.ReadFile(os.DirFS("."), f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range callRE.FindAllStringSubmatch(string(b), -1) {
				if id := m[1] + m[2]; !strings.HasSuffix(id, ".") {
					used[id] = true
				}
			}
			for _, m := range prefixRE.FindAllStringSubmatch(string(b), -1) {
				prefixes = append(prefixes, m[1])
			}
		}
	}
	if len(used) < 50 {
		t.Fatalf("found only %d message ids in use; the pattern is broken", len(used))
	}
	// app.js takes its words from the page (data-t-* and data-*-label
	// attributes the templates fill from the catalogs); a literal it sets
	// as text or label would stay English on /zh/ pages. A literal after
	// || is the fallback for a page without the attribute.
	js, err := fs.ReadFile(os.DirFS("."), "static/app.js")
	if err != nil {
		t.Fatal(err)
	}
	literalRE := regexp.MustCompile(`(?:textContent|title|placeholder)\s*=\s*"[A-Za-z]|setAttribute\("(?:aria-label|title)",\s*"[A-Za-z]`)
	for i, line := range strings.Split(string(js), "\n") {
		if literalRE.MatchString(line) {
			t.Errorf("static/app.js:%d sets interface words not in the catalogs: %s", i+1, strings.TrimSpace(line))
		}
	}
	loaded := map[string]map[string]any{}
	for _, lang := range uiLangs {
		b, err := fs.ReadFile(catalogs, "i18n/"+lang+".yaml")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		if err := yaml.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		loaded[lang] = m
	}
	for lang, m := range loaded {
		var missing, unused []string
		for id := range used {
			if _, ok := m[id]; !ok {
				missing = append(missing, id)
			}
		}
		for id := range m {
			if used[id] {
				continue
			}
			byPrefix := false
			for _, p := range prefixes {
				byPrefix = byPrefix || strings.HasPrefix(id, p)
			}
			if !byPrefix {
				unused = append(unused, id)
			}
		}
		sort.Strings(missing)
		sort.Strings(unused)
		if len(missing) > 0 {
			t.Errorf("%s catalog lacks %v", lang, missing)
		}
		if len(unused) > 0 {
			t.Errorf("%s catalog has messages nothing asks for: %v", lang, unused)
		}
	}
	for id := range loaded["en"] {
		if _, ok := loaded["zh"][id]; !ok {
			t.Errorf("zh lacks %q, which en has", id)
		}
	}
}

// TestLanguages: the notes' main language at /, the other under /zh/, each
// page saying its language and linking the same page in the other; a
// language the notes do not have has no pages.
func TestLanguages(t *testing.T) {
	src := "---\ntitle: Raft in etcd\nproject: etcd\n---\nThe raft library.\n"
	notes := fstest.MapFS{
		"etcd/index.md":    {Data: []byte("---\nkind: project\ntitle: etcd\ntitle_zh: etcd 键值存储\n---\nA store.\n")},
		"etcd/raft.md":     {Data: []byte(src)},
		"etcd/raft.zh.md":  {Data: []byte("---\ntitle: etcd 中的 Raft\nsource_hash: " + extract.BodyHash([]byte(src)) + "\n---\n驱动 raft 库的代码。\n")},
		"etcd/watch.md":    {Data: []byte("---\ntitle: Watch\nproject: etcd\n---\nWatchers.\n")},
		"concepts/raft.md": {Data: []byte("---\nkind: concept\ntitle: Raft\ntitle_zh: Raft 一致性算法\n---\nConsensus.\n")},
	}
	_, h := newTestServer(t, notes, &fakeRenderer{})
	for _, tc := range []struct {
		url, lang string
		code      int
		want      []string
	}{
		{"/a/etcd/raft", "en", 200, []string{`<html lang="en">`, "The raft library.", `hreflang="zh" href="/zh/a/etcd/raft"`, ">中文<"}},
		{"/zh/a/etcd/raft", "zh", 200, []string{`<html lang="zh">`, "etcd 中的 Raft", "驱动 raft 库的代码。", `href="/a/etcd/raft"`, "本页周边"}},
		{"/zh/a/etcd/watch", "zh", 200, []string{`<html lang="zh">`, "这一页还没有中文版", "Watchers."}},
		{"/zh/", "zh", 200, []string{`<html lang="zh">`, "收录的系统", `href="/zh/p/etcd"`}},
		{"/zh/c/raft", "zh", 200, []string{"Raft 一致性算法"}},
		{"/zh/search?q=raft", "zh", 200, []string{`href="/zh/a/etcd/raft"`, `value="raft"`}},
		{"/zh/concepts", "zh", 200, []string{"概念"}},
		{"/en/a/etcd/raft", "", 404, nil},
		{"/zh/a/nothing", "zh", 404, nil},
	} {
		w := get(t, h, tc.url)
		if w.Code != tc.code {
			t.Errorf("%s: status %d, want %d", tc.url, w.Code, tc.code)
			continue
		}
		for _, s := range tc.want {
			if !strings.Contains(w.Body.String(), s) {
				t.Errorf("%s: body lacks %q", tc.url, s)
			}
		}
	}
	// A folder in one language has no /zh/ and no switch.
	_, one := newTestServer(t, fstest.MapFS{"a.md": {Data: []byte("# A\n\nText.\n")}}, &fakeRenderer{})
	if w := get(t, one, "/zh/"); w.Code != http.StatusNotFound {
		t.Errorf("/zh/ of English-only notes: %d", w.Code)
	}
	if w := get(t, one, "/a/a"); strings.Contains(w.Body.String(), "hreflang") {
		t.Error("English-only notes offer another language")
	}
}

// TestStubWording: a map's "+N more" stubs are worded for every count in
// both languages, one included (go-i18n refuses a count of 1 for a message
// with one wording for all counts; the map then showed "stub.more").
func TestStubWording(t *testing.T) {
	bundle, err := newBundle()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang, id string
		count    int
		want     string
	}{
		{"en", "stub/article/a/x", 1, "+1 more article"},
		{"en", "stub/article/a/x", 5, "+5 more articles"},
		{"en", "stub/concept/one/p/x", 1, "+1 of one project"},
		{"en", "stub/concept/techniques/c/x", 1, "+1 techniques"},
		{"zh", "stub/article/a/x", 1, "另有 1"},
		{"zh", "stub/concept/x", 3, "另有 3"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.id+"/"+strconv.Itoa(tt.count), func(t *testing.T) {
			l := &loc{lang: tt.lang, msgs: i18n.NewLocalizer(bundle, tt.lang, "en"), bundle: bundle}
			got := l.nodeText(&graph.ViewNode{Node: &graph.Node{ID: tt.id, Kind: graph.Stub}, Count: tt.count})
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("nodeText = %q, want %q...", got, tt.want)
			}
		})
	}
}
