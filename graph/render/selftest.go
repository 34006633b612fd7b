package render

import (
	"fmt"
	"os"
	"os/exec"
)

// workerEnv marks a process started by SelfCommand as a render worker.
const workerEnv = "CODEATLAS_RENDER_WORKER"

// ServeIfWorker turns this process into a render worker, and exits, when it
// was started by SelfCommand. Test binaries call it first in TestMain, so
// the pools their tests create can use the test binary as the worker.
func ServeIfWorker() {
	if os.Getenv(workerEnv) != "1" {
		return
	}
	if err := Serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// SelfCommand starts this same binary as a worker through ServeIfWorker:
// the Config.Command of pools in tests.
func SelfCommand() *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerEnv+"=1")
	return cmd
}
