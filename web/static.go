package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// staticFiles serves web/static with ETags and cache headers: embedded
// files have no modification time, so Gin would send no validators, and a
// plain http.FS would list directories.
type staticFiles struct {
	files map[string]staticFile
}

type staticFile struct {
	body []byte
	gz   []byte // compressed at start-up; nil when not worth it
	etag string
	typ  string
}

func newStaticFiles(fsys fs.FS) (*staticFiles, error) {
	st := &staticFiles{files: map[string]staticFile{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		typ := mime.TypeByExtension(path.Ext(p))
		if typ == "" {
			typ = "application/octet-stream"
		}
		st.files[p] = newStaticFile(b, `"`+hex.EncodeToString(h[:8])+`"`, typ)
		return nil
	})
	return st, err
}

// add serves generated content (the highlighting stylesheet) as a file.
func (st *staticFiles) add(name string, body []byte) {
	h := sha256.Sum256(body)
	st.files[name] = newStaticFile(body, `"`+hex.EncodeToString(h[:8])+`"`, mime.TypeByExtension(path.Ext(name)))
}

func newStaticFile(body []byte, etag, typ string) staticFile {
	f := staticFile{body: body, etag: etag, typ: typ}
	if compressible(typ, len(body)) {
		f.gz = gzipBytes(body)
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

func (st *staticFiles) serve(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("file"), "/")
	f, ok := st.files[name]
	if !ok {
		c.AbortWithStatusJSON(http.StatusNotFound, gin.H{"error": "no such file", "status": 404})
		return
	}
	c.Header("ETag", f.etag)
	if c.Query("v") != "" {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "public, max-age=300")
	}
	if c.GetHeader("If-None-Match") == f.etag {
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

func subFS(dir string) (fs.FS, error) { return fs.Sub(assets, dir) }
