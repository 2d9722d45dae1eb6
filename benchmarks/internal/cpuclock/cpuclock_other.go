//go:build !unix

package cpuclock

import "time"

// Supported reports whether Now reads the CPU time on this platform.
const Supported = false

func now() time.Time { return time.Now() }
