//go:build unix && !linux

package redistest

import "syscall"

// sysProcAttr puts the server in its own process group, so Kill reaches an
// AOF-rewrite child too.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
