package extract

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// The notes folder is a jail: a symbolic link inside it is followed only
// when it leads to a file inside it. A link to /etc/passwd named linked.md
// would otherwise become an article, and one to a secret named link.txt an
// asset that the server hands out and a static copy publishes.

// errEscapes says a symbolic link leads out of the notes folder.
var errEscapes = errors.New("leads outside the notes folder")

// maxLinkHops bounds how many symbolic links one path may pass through.
const maxLinkHops = 40

// resolveSymlinks returns the path inside fsys that name leads to, each
// symbolic link on the way replaced by its target, as the operating system
// would follow them. It fails with errEscapes when a link is absolute or
// climbs above the root, whether or not its target exists.
func resolveSymlinks(fsys fs.FS, name string) (string, error) {
	var done []string // the resolved prefix: folders and files, no links
	rest := strings.Split(name, "/")
	hops := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) == 0 {
				return "", errEscapes
			}
			done = done[:len(done)-1]
			continue
		}
		cur := path.Join(append(done, c)...)
		fi, err := fs.Lstat(fsys, cur)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = append(done, c)
			continue
		}
		if hops++; hops > maxLinkHops {
			return "", errors.New("too many levels of symbolic links")
		}
		target, err := fs.ReadLink(fsys, cur)
		if err != nil {
			return "", err
		}
		target = filepath.ToSlash(target)
		if strings.HasPrefix(target, "/") || filepath.IsAbs(target) || filepath.VolumeName(target) != "" {
			return "", errEscapes
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	if len(done) == 0 {
		return ".", nil
	}
	return path.Join(done...), nil
}

// checkSymlink decides whether the walk follows the symbolic link at p: a
// link out of the folder, a loop or a broken link is a diagnostic and is
// not followed; so is a link to a folder, which may lead back into itself.
func (l *loader) checkSymlink(fsys fs.FS, p string) bool {
	to, err := resolveSymlinks(fsys, p)
	if errors.Is(err, errEscapes) {
		target, _ := fs.ReadLink(fsys, p)
		l.diags.warnf(p, 0, "symlink to %s leads outside the notes folder: not read", target)
		return false
	}
	if err != nil {
		l.diags.errorf(p, 0, "unreadable symlink (a loop or a missing target): %v", unwrapPath(err))
		return false
	}
	fi, err := fs.Stat(fsys, to)
	if err != nil {
		l.diags.errorf(p, 0, "unreadable symlink (a loop or a missing target): %v", unwrapPath(err))
		return false
	}
	if fi.IsDir() {
		l.diags.warnf(p, 0, "symlinked folder not followed")
		return false
	}
	return true
}
