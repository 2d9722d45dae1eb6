//go:build unix

package main

import "syscall"

// userCPU returns the CPU seconds (user and system) the process has used:
// on a loaded machine it shows how much of the wall-clock limit the solver
// actually got.
func userCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}
