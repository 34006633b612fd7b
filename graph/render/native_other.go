//go:build !linux

package render

import "os/exec"

// setDeathSignal has no portable equivalent off Linux; the deadline still
// kills the child.
func setDeathSignal(*exec.Cmd) {}
