package web

import (
	"bytes"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// assetType is the type a file is served under: pictures and PDFs have
// their own; anything else an article links to is a download ("").
// HTML and other active types are never served as such from the notes.
func assetType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".avif":
		return "image/avif"
	case ".bmp":
		return "image/bmp"
	case ".ico":
		return "image/x-icon"
	case ".svg":
		return "image/svg+xml"
	case ".pdf":
		return "application/pdf"
	}
	return ""
}

// activeType reports whether a file of the notes that the server sends as
// a download would be a document that runs script if a static host served
// it by its extension: HTML, XHTML, XML (which can style itself with XSLT
// or embed XHTML), JavaScript. A static copy publishes these under a name
// that hosts send as a download. SVG is not among them: it is rewritten
// to draw only.
func activeType(name string) bool {
	if assetType(name) != "" {
		return false
	}
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".html", ".htm", ".xhtml", ".xht", ".shtml", ".xml", ".xsl", ".xslt", ".svgz", ".mht", ".mhtml", ".js", ".mjs", ".swf":
		return true
	}
	t := mime.TypeByExtension(ext)
	return strings.Contains(t, "html") || strings.Contains(t, "xml") || strings.Contains(t, "javascript")
}

// assetCSP keeps a file of the notes inert even when opened on its own: an
// SVG can carry script, and sandbox gives it an origin of its own.
const assetCSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"

// asset serves a file of the notes that an article shows or links to. Only
// the files the extraction listed are served, by their exact path: a URL
// never names any other file of the folder.
func (s *Server) asset(c *gin.Context) {
	st := s.site.Load()
	p := strings.TrimPrefix(c.Param("path"), "/")
	if !st.corpus.Assets[p] || st.corpus.AssetFS == nil {
		s.fail(c, errNotFound)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", assetCSP)
	h.Set("Cache-Control", "no-cache")
	if t := assetType(p); t != "" {
		h.Set("Content-Type", t)
	} else {
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": path.Base(p)}))
	}
	if strings.EqualFold(path.Ext(p), ".svg") {
		s.serveSVG(c, st.corpus.AssetFS, p)
		return
	}
	http.ServeFileFS(c.Writer, c.Request, st.corpus.AssetFS, p)
}

// serveSVG answers an SVG of the notes rewritten to draw only (see
// sanitizeSVG), or a placeholder when it cannot be.
func (s *Server) serveSVG(c *gin.Context, fsys fs.FS, p string) {
	fi, err := fs.Stat(fsys, p)
	if err != nil {
		s.fail(c, errNotFound)
		return
	}
	body := []byte(brokenSVG)
	if fi.Size() <= maxSVGBytes {
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			s.fail(c, errNotFound)
			return
		}
		if clean, err := sanitizeSVG(src); err == nil {
			body = clean
		} else {
			s.log.Warn("SVG of the notes not shown", "path", p, "err", err)
		}
	}
	http.ServeContent(c.Writer, c.Request, path.Base(p), fi.ModTime(), bytes.NewReader(body))
}
