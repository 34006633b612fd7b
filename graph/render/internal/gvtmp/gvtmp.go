// Package gvtmp points go-graphviz's compiled-module cache at a folder of
// this user's own. go-graphviz compiles its WebAssembly in a package init
// and caches the result under os.TempDir()/go-graphviz; on a shared
// machine the first user's run creates that folder and every other user's
// run then panics at start with "permission denied". This package sets
// TMPDIR for the length of that init (Go initializes packages in import
// path order once their imports are ready, and this one needs only os,
// which go-graphviz needs too, so it runs first), and render's init puts
// the user's TMPDIR back with Restore.
//
// Import it (for effect) before anything imports go-graphviz.
package gvtmp

import "os"

const (
	tmpEnv  = "TMPDIR"
	keepEnv = "CODEATLAS_TMPDIR_SAVED" // holds the user's TMPDIR until Restore
	unset   = "\x00unset"
)

func init() {
	dir := Dir()
	if dir == "" || os.MkdirAll(dir, 0o700) != nil {
		return
	}
	old, ok := os.LookupEnv(tmpEnv)
	if !ok {
		old = unset
	}
	if _, saved := os.LookupEnv(keepEnv); !saved {
		os.Setenv(keepEnv, old)
	}
	os.Setenv(tmpEnv, dir)
}

// Dir is the folder go-graphviz's cache goes under: the user's cache
// folder (os.UserCacheDir()/codeatlas), or, without one, a folder in the
// temporary folder with the user's id in its name.
func Dir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return d + string(os.PathSeparator) + "codeatlas"
	}
	t, ok := os.LookupEnv(keepEnv)
	if !ok || t == unset {
		t = os.TempDir()
	}
	return t + string(os.PathSeparator) + "codeatlas-" + uid()
}

// Restore puts back the TMPDIR the process started with.
func Restore() {
	old, ok := os.LookupEnv(keepEnv)
	if !ok {
		return
	}
	os.Unsetenv(keepEnv)
	if old == unset {
		os.Unsetenv(tmpEnv)
		return
	}
	os.Setenv(tmpEnv, old)
}

func uid() string {
	n := os.Getuid()
	if n < 0 {
		return "user"
	}
	b := []byte{}
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}
