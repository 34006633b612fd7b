// Package gencorpus generates a synthetic notes folder for benchmarks:
// n articles of about 5 KB each, spread over projects, with front matter,
// links between articles, Go code blocks with import paths, Chinese and
// English prose that mentions concepts, a SUMMARY.md and concept pages.
package gencorpus

import (
	"fmt"
	"math/rand"
	"strings"
	"testing/fstest"
)

var concepts = []struct{ id, title, zh string }{
	{"raft", "Raft consensus", "Raft 一致性协议"}, {"service-discovery", "Service discovery", "服务发现"},
	{"load-balancing", "Load balancing", "负载均衡"}, {"tracing", "Distributed tracing", "链路追踪"},
	{"message-queue", "Message queue", "消息队列"}, {"wal", "Write-ahead log", "预写日志"},
	{"grpc", "gRPC", "gRPC 远程调用"}, {"middleware", "Middleware", "中间件"},
	{"tsdb", "Time-series database", "时序数据库"}, {"gossip", "Gossip protocol", "Gossip 协议"},
	{"lease", "Lease", "租约"}, {"watch", "Watch", "监听变更"},
}

var modules = []string{"github.com/hashicorp/raft", "go.etcd.io/etcd/client/v3", "google.golang.org/grpc", "github.com/prometheus/client_golang/prometheus", "github.com/nsqio/go-nsq"}

const filler = "The component keeps its state in memory and persists it on every change, so that a restart finds it again. Readers should open the file beside this page and follow the calls in order. "

const fillerZh = "这个组件把状态保存在内存中，每次变更都会持久化，重启后可以恢复。阅读时请打开对应的源文件，按调用顺序跟着看。"

// Generate returns n articles in projects of 100, with their project and
// concept pages and a SUMMARY.md. The same n and seed give the same files.
func Generate(n int, seed int64) fstest.MapFS {
	r := rand.New(rand.NewSource(seed))
	fsys := fstest.MapFS{}
	for _, c := range concepts {
		fsys["concepts/"+c.id+".md"] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\nkind: concept\nid: %s\ntitle: %q\ntitle_zh: %q\nsummary: \"About %s.\"\naliases: [%q]\n---\n%s is a concept.\n",
			c.id, c.title, c.zh, c.id, c.zh, c.title))}
	}
	var toc strings.Builder
	toc.WriteString("# Summary\n\n")
	projects := (n + 99) / 100
	for p := 0; p < projects; p++ {
		pid := fmt.Sprintf("proj%03d", p)
		fsys[pid+"/index.md"] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\nkind: project\nid: %s\ntitle: Project %d\nsummary: A generated project.\nupstream: {repo: example/%s}\naliases: [Project %d]\n---\nProject %d uses raft.\n", pid, p, pid, p, p))}
		fmt.Fprintf(&toc, "- [Project %d](%s/index.md)\n", p, pid)
		for a := 0; a < 100 && p*100+a < n; a++ {
			path := fmt.Sprintf("%s/article%03d.md", pid, a)
			fmt.Fprintf(&toc, "  - [Article %d.%d](%s)\n", p, a, path)
			fsys[path] = &fstest.MapFile{Data: []byte(article(r, p, a, projects))}
		}
	}
	fsys["SUMMARY.md"] = &fstest.MapFile{Data: []byte(toc.String())}
	return fsys
}

func article(r *rand.Rand, p, a, projects int) string {
	c1, c2 := concepts[r.Intn(len(concepts))], concepts[r.Intn(len(concepts))]
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: \"Article %d.%d: %s\"\ntitle_zh: \"文章 %d.%d\"\nsummary: \"How component %d of project %d handles %s.\"\nproject: proj%03d\nconcepts: [%s, %s]\nupstream:\n  repo: example/proj%03d\n  ref: v1.0.0\n  paths: [pkg/a.go, pkg/b.go]\n---\n\n",
		p, a, c1.title, p, a, a, p, c1.id, p, c1.id, c2.id, p)
	fmt.Fprintf(&b, "# Article %d.%d\n\n", p, a)
	for s := 0; s < 6; s++ {
		fmt.Fprintf(&b, "## Part %d\n\n", s)
		fmt.Fprintf(&b, "%sThis part explains %s and how it relates to %s. ", filler, c1.title, strings.ToLower(c2.title))
		op := r.Intn(projects)
		oa := r.Intn(100)
		fmt.Fprintf(&b, "Compare [the other one](../proj%03d/article%03d.md) and [the next](article%03d.md).\n\n", op, oa, (a+1)%100)
		fmt.Fprintf(&b, "%s这里讨论%s与%s。\n\n", fillerZh, c1.zh, c2.zh)
		if s%2 == 0 {
			fmt.Fprintf(&b, "```go\nimport %q\n\nfunc step%d() error {\n\t// simplified sketch\n\treturn nil\n}\n```\n\n", modules[r.Intn(len(modules))], s)
		}
	}
	return b.String()
}
