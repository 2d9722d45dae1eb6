// Package cpuclock reads the process's CPU time as a clock, for benchmark
// harnesses that give a solver a time limit in CPU time (the solvers'
// Options.Clock): on a shared, loaded machine the limit then counts the
// work the solver did, not the time other processes took.
package cpuclock

import "time"

// Now returns the CPU time (user and system, all threads) the process has
// used, as an instant after the Unix epoch. Where the CPU time is unknown
// (Supported is false) it returns the wall clock.
func Now() time.Time { return now() }

// Used returns the CPU time the process has used; 0 where it is unknown.
func Used() time.Duration {
	if !Supported {
		return 0
	}
	return time.Duration(now().UnixNano())
}
