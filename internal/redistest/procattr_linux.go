package redistest

import "syscall"

// sysProcAttr puts the server in its own process group (so Kill reaches an
// AOF-rewrite child too) and kills it if the test binary dies first.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
