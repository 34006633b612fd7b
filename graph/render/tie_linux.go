//go:build linux

package render

import (
	"os/exec"
	"syscall"
)

// tieToParent makes the kernel send SIGKILL to the worker when the
// process that started it dies, however it dies: a worker never outlives
// the server as an orphan at full CPU.
func tieToParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
