//go:build !linux

package render

import "os/exec"

// tieToParent does nothing where there is no parent-death signal: a worker
// there ends when its stdin closes, which happens when the server exits.
func tieToParent(cmd *exec.Cmd) {}
