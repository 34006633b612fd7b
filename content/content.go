// Package content embeds the bundled codeatlas notes: the table of contents,
// project pages, concept pages and articles. It imports nothing of ours.
package content

import (
	"embed"
	"io/fs"
)

// Markdown only, three levels deep: content/<project>/<section>/<article>.md.
//
//go:embed *.md */*.md */*/*.md upstream.lock upstream.drift
var files embed.FS

// FS returns the bundled notes as a read-only file system rooted at the
// content folder.
func FS() fs.FS { return files }
