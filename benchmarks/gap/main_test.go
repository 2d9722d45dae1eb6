package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/alongside/alongside/benchmarks/internal/gapfile"
	"github.com/alongside/alongside/matcher/gap"
)

// TestRunSmall runs the harness on two OR-Library instances (the full
// quality run is the harness's own business: go run ./benchmarks/gap) and
// checks the solver's verdicts and the independent evaluator's.
func TestRunSmall(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	args := []string{"-set", "gap1-1,gap12-5", "-time", "10s", "-clock", "wall"}
	if err := run(t.Context(), args, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	const want = "gap1-12 (max): optimal 2/2, mean gap 0.00%, max gap 0.00%"
	if !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out.String())
	}
	if strings.Contains(out.String(), "NO VALID SOLUTION") {
		t.Errorf("some solution failed the independent check:\n%s", out.String())
	}
}

func TestRunRejectsBadClock(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"-clock", "sundial"}, &out, &errOut); err == nil {
		t.Error("run(-clock sundial) succeeded; want an error")
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	in := gapfile.Instance{
		Agents: 2, Jobs: 2,
		Cost:     [][]int64{{1, 2}, {3, 4}},
		Weight:   [][]int64{{2, 2}, {1, 1}},
		Capacity: []int64{3, 1},
	}
	tests := []struct {
		assign  []int
		value   int64
		verdict string
	}{
		{assign: []int{0, 1}, value: 5, verdict: "ok"},
		{assign: []int{0, 0}, verdict: "agent 0 over"},
		{assign: []int{1, -1}, verdict: "job 1 unassigned"},
		{assign: []int{0}, verdict: "length"},
	}
	for _, tt := range tests {
		v, verdict := check(in, tt.assign)
		if verdict != tt.verdict || (verdict == "ok" && v != tt.value) {
			t.Errorf("check(%v) = %d, %q; want %d, %q", tt.assign, v, verdict, tt.value, tt.verdict)
		}
	}
}

func TestRunRejectsUnknownSet(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"-set", "nosuchset"}, &out, &errOut); err == nil {
		t.Error("run(-set nosuchset) succeeded; want an error")
	}
}

// BenchmarkSolve times the solver without a time limit (so a fixed amount
// of work) on a few instances and reports the gap to the best known value;
// profile with
//
//	go test ./benchmarks/gap -run - -bench Solve -cpuprofile cpu.out
func BenchmarkSolve(b *testing.B) {
	entries, err := loadEntries(defaultDataDir())
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"gap12-1", "c10400", "d10400", "e10400"} {
		b.Run(name, func(b *testing.B) {
			i := slices.IndexFunc(entries, func(e *entry) bool { return e.name == name })
			if i < 0 {
				b.Fatalf("%s not in optima.csv", name)
			}
			e := entries[i]
			in, err := loadInstance(defaultDataDir(), name, map[string][]gapfile.Instance{})
			if err != nil {
				b.Fatal(err)
			}
			p := toProblem(in, e.sense)
			var sol *gap.Solution
			for b.Loop() {
				sol, err = gap.Solve(b.Context(), p, gap.Options{Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(gapPct(e.sense, sol.Value, e.best), "gap%")
		})
	}
}
