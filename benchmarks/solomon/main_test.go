package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/alongside/alongside/benchmarks/internal/solomon"
	"github.com/alongside/alongside/scheduler"
)

// BenchmarkSolve runs a fixed number of iterations per instance; profile
// the engine with
//
//	go test ./benchmarks/solomon -run - -bench Solve -cpuprofile cpu.out
func BenchmarkSolve(b *testing.B) {
	for _, name := range []string{"C102", "R101", "R201", "RC202"} {
		b.Run(name, func(b *testing.B) {
			fh, err := os.Open("testdata/solomon/" + name + ".txt")
			if err != nil {
				b.Fatal(err)
			}
			inst, err := solomon.Parse(fh)
			fh.Close()
			if err != nil {
				b.Fatal(err)
			}
			p := inst.Problem()
			b.ReportAllocs()
			dist := 0.0
			for b.Loop() {
				sol, err := scheduler.Solve(context.Background(), p, scheduler.Options{Iterations: 300, Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				dist = sol.Distance
			}
			b.ReportMetric(dist, "distance")
		})
	}
}

func TestHarnessRuns(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	if err := run(context.Background(), []string{"-family", "C1", "-instance", "C101", "-time", "0", "-iterations", "20"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "C101") || !strings.Contains(out.String(), "ALL:") {
		t.Errorf("output lacks the row or the summary:\n%s", out.String())
	}
}

func TestHarnessFlags(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	if err := run(context.Background(), []string{"-clock", "sundial"}, &out); err == nil {
		t.Error("-clock sundial: no error")
	}
	if err := run(context.Background(), []string{"-objective", "fun"}, &out); err == nil {
		t.Error("-objective fun: no error")
	}
	out.Reset()
	if err := run(context.Background(), []string{"-instance", "R101", "-family", "R1", "-clock", "wall", "-time", "0", "-iterations", "10", "-objective", "vehicles", "-trace"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "wall clock") || !strings.Contains(out.String(), "  R101 ") {
		t.Errorf("output lacks the clock or the trace:\n%s", out.String())
	}
}
