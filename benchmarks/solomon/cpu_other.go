//go:build !unix

package main

// userCPU is unknown on this platform.
func userCPU() float64 { return 0 }
