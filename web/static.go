package web

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gin-gonic/gin"
)

// statics serves web/static with ETags and cache headers (embedded files
// have no modification time, so Gin would send no validators, and a plain
// http.FS would list directories), and gives pages the versioned URL of
// each file. The files are the embedded copy, read once; or, with
// Config.Static (serve --static DIR), a folder read again whenever one of
// its files changes, so that work on the front end needs no rebuild. The
// ?v= version is always the hash of the bytes served.
type statics struct {
	fsys      fs.FS
	generated map[string][]byte // files made at start (highlight.css)
	live      bool
	log       *slog.Logger

	cur   atomic.Pointer[staticFiles]
	mu    sync.Mutex // serialises rereads of a live folder
	stamp string     // the names, sizes and times cur was read at
}

// staticFiles is one reading of the folder: never changed once made.
type staticFiles struct {
	files   map[string]staticFile
	version string // over every file, for the validators of pages that link them
}

type staticFile struct {
	body []byte
	gz   []byte // compressed once; nil when not worth it
	etag string
	typ  string
}

// newStatics reads fsys, adding the generated files. A live folder must
// hold every file the embedded copy has, since pages link them.
func newStatics(fsys fs.FS, generated map[string][]byte, live bool, log *slog.Logger) (*statics, error) {
	a := &statics{fsys: fsys, generated: generated, live: live, log: log}
	if live {
		embedded, err := fs.Sub(assets, "static")
		if err != nil {
			return nil, err
		}
		err = fs.WalkDir(embedded, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if _, err := fs.Stat(fsys, p); err != nil {
				return fmt.Errorf("static folder: %w (it should be a copy of web/static)", err)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		a.stamp, _ = stamp(fsys)
	}
	files, err := readStatic(fsys, generated)
	if err != nil {
		return nil, err
	}
	a.cur.Store(files)
	return a, nil
}

// current is the set to serve: for a live folder, read again if a file
// changed since. A folder that cannot be read (a file half saved) keeps
// the last good set.
func (a *statics) current() *staticFiles {
	if !a.live {
		return a.cur.Load()
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	st, err := stamp(a.fsys)
	if err != nil || st == a.stamp {
		return a.cur.Load()
	}
	files, err := readStatic(a.fsys, a.generated)
	if err != nil {
		a.log.Warn("static folder: keeping the last good files", "err", err)
		return a.cur.Load()
	}
	a.log.Info("static files changed", "version", files.version)
	a.cur.Store(files)
	a.stamp = st
	return files
}

// stamp names every file of fsys with its size and modification time.
func stamp(fsys fs.FS) (string, error) {
	var b strings.Builder
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s\x00%d\x00%d\n", p, fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	return b.String(), err
}

func readStatic(fsys fs.FS, generated map[string][]byte) (*staticFiles, error) {
	st := &staticFiles{files: map[string]staticFile{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		st.files[p] = newStaticFile(p, b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for name, b := range generated {
		st.files[name] = newStaticFile(name, b)
	}
	names := make([]string, 0, len(st.files))
	for n := range st.files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s %s\n", n, st.files[n].etag)
	}
	st.version = hex.EncodeToString(h.Sum(nil)[:8])
	return st, nil
}

func newStaticFile(name string, body []byte) staticFile {
	h := sha256.Sum256(body)
	typ := mime.TypeByExtension(path.Ext(name))
	if typ == "" {
		typ = "application/octet-stream"
	}
	f := staticFile{body: body, etag: `"` + hex.EncodeToString(h[:8]) + `"`, typ: typ}
	if compressible(typ, len(body)) {
		f.gz = gzipBytes(body, gzip.BestCompression)
	}
	return f
}

// url returns the versioned URL of an asset, cacheable forever.
func (st *staticFiles) url(name string) string {
	f, ok := st.files[name]
	if !ok {
		return "/static/" + name
	}
	return "/static/" + name + "?v=" + strings.Trim(f.etag, `"`)
}

func (s *Server) serveStatic(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("file"), "/")
	f, ok := s.static.current().files[name]
	if !ok {
		s.fail(c, errNoFile)
		return
	}
	c.Header("ETag", f.etag)
	switch {
	case s.static.live:
		// The file may change under the same ?v= between a page and
		// its fetch; never keep it.
		c.Header("Cache-Control", "no-cache")
	case c.Query("v") != "":
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	default:
		c.Header("Cache-Control", "public, max-age=300")
	}
	if matchesETag(c.GetHeader("If-None-Match"), f.etag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Header("Vary", "Accept-Encoding")
	if f.gz != nil && acceptsGzip(c.Request) {
		c.Header("Content-Encoding", "gzip")
		sendBytes(c, http.StatusOK, f.typ, f.gz)
		return
	}
	sendBytes(c, http.StatusOK, f.typ, f.body)
}
