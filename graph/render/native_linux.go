package render

import (
	"os/exec"
	"syscall"
)

// setDeathSignal kills the child when this process dies, so a crashed
// server leaves no dot running.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
