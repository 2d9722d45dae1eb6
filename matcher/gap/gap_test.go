package gap_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/alongside/alongside/matcher/gap"
)

var inf = math.Inf(1)

func TestSolveHandChecked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		p          gap.Problem
		wantValue  float64
		wantAssign []int
	}{
		{
			// Agent 0 is cheaper for every job but holds only two of them:
			// job 2 gains least from agent 0 (3 vs 4), so it goes to agent 1.
			name: "capacity binds",
			p: gap.Problem{
				Cost:     [][]float64{{1, 1, 3}, {5, 5, 4}},
				Weight:   [][]float64{{1, 1, 1}, {1, 1, 1}},
				Capacity: []float64{2, 3},
			},
			wantValue:  6,
			wantAssign: []int{0, 0, 1},
		},
		{
			name: "maximize",
			p: gap.Problem{
				Sense:    gap.Maximize,
				Cost:     [][]float64{{10, 7, 1}, {9, 8, 1}},
				Weight:   [][]float64{{2, 2, 2}, {3, 3, 3}},
				Capacity: []float64{4, 3},
			},
			// Agent 1 takes one job, agent 0 two: giving agent 1 job 0, 1 or
			// 2 earns 9+7+1, 10+8+1 or 10+7+1.
			wantValue:  19,
			wantAssign: []int{0, 1, 0},
		},
		{
			// Job 0 may not go to agent 0 (a hard rule) although it is cheaper.
			name: "forbidden pair",
			p: gap.Problem{
				Cost:     [][]float64{{1, 2}, {3, 4}},
				Weight:   [][]float64{{inf, 1}, {1, 1}},
				Capacity: []float64{1, 1},
			},
			wantValue:  5,
			wantAssign: []int{1, 0},
		},
		{
			// Job 1 is too heavy for every agent: with a penalty it stays
			// unassigned, the others are placed normally.
			name: "unassignable job",
			p: gap.Problem{
				Cost:     [][]float64{{1, 1, 2}, {2, 1, 1}},
				Weight:   [][]float64{{1, 9, 1}, {1, 9, 1}},
				Capacity: []float64{1, 1},
				Penalty:  []float64{100, 50, 100},
			},
			wantValue:  52,
			wantAssign: []int{0, -1, 1},
		},
		{
			// Leaving a job out is cheaper than its only agent.
			name: "penalty cheaper than assignment",
			p: gap.Problem{
				Cost:     [][]float64{{10, 1}},
				Weight:   [][]float64{{1, 1}},
				Capacity: []float64{2},
				Penalty:  []float64{3, inf},
			},
			wantValue:  4,
			wantAssign: []int{-1, 0},
		},
		{
			name: "maximize with penalty",
			p: gap.Problem{
				Sense:    gap.Maximize,
				Cost:     [][]float64{{5, 6}},
				Weight:   [][]float64{{1, 1}},
				Capacity: []float64{1},
				Penalty:  []float64{1, 2},
			},
			// Take job 1 (6), drop job 0 (-1).
			wantValue:  5,
			wantAssign: []int{-1, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sol, err := gap.Solve(t.Context(), &tt.p, gap.Options{})
			if err != nil {
				t.Fatalf("Solve: %v", err)
			}
			if sol.Status != gap.Optimal {
				t.Errorf("Solve(%s).Status = %v; want optimal", tt.name, sol.Status)
			}
			if sol.Value != tt.wantValue || !reflect.DeepEqual(sol.Assign, tt.wantAssign) {
				t.Errorf("Solve(%s) = %v %v; want %v %v", tt.name, sol.Value, sol.Assign, tt.wantValue, tt.wantAssign)
			}
			if sol.Bound != sol.Value || sol.Gap != 0 {
				t.Errorf("Solve(%s) bound %v gap %v; want bound = value, gap 0", tt.name, sol.Bound, sol.Gap)
			}
			v, err := tt.p.Evaluate(sol.Assign)
			if err != nil || v != sol.Value {
				t.Errorf("Evaluate(Solve(%s).Assign) = %v, %v; want %v, nil", tt.name, v, err, sol.Value)
			}
		})
	}
}

func TestSolveInfeasible(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    gap.Problem
	}{
		{
			name: "job fits nowhere",
			p: gap.Problem{
				Cost:     [][]float64{{1, 1}, {1, 1}},
				Weight:   [][]float64{{1, 5}, {1, 5}},
				Capacity: []float64{4, 4},
			},
		},
		{
			name: "job has only forbidden pairs",
			p: gap.Problem{
				Cost:     [][]float64{{1, 1}, {1, 1}},
				Weight:   [][]float64{{1, inf}, {1, inf}},
				Capacity: []float64{4, 4},
			},
		},
		{
			// Each job fits alone anywhere, but three weights of 4 do not
			// fit in two capacities of 5: only the exact search can tell.
			name: "total capacity",
			p: gap.Problem{
				Cost:     [][]float64{{1, 2, 3}, {3, 2, 1}},
				Weight:   [][]float64{{4, 4, 4}, {4, 4, 4}},
				Capacity: []float64{5, 5},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sol, err := gap.Solve(t.Context(), &tt.p, gap.Options{})
			if err != nil {
				t.Fatalf("Solve: %v", err)
			}
			if sol.Status != gap.Infeasible || sol.Assign != nil || !math.IsInf(sol.Bound, 1) || !math.IsNaN(sol.Value) {
				t.Errorf("Solve(%s) = status %v, assign %v, value %v, bound %v; want infeasible, nil, NaN, +Inf",
					tt.name, sol.Status, sol.Assign, sol.Value, sol.Bound)
			}
		})
	}
}

// TestSolveBruteForce compares Solve with exhaustive enumeration on random
// tiny problems, including forbidden pairs, optional jobs, both senses and
// fractional data.
func TestSolveBruteForce(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	for k := range 300 {
		p := randomTiny(rng)
		want, wantOK := bruteForce(p)
		sol, err := gap.Solve(t.Context(), p, gap.Options{Seed: uint64(k)})
		if err != nil {
			t.Fatalf("case %d: Solve: %v", k, err)
		}
		if !wantOK {
			if sol.Status != gap.Infeasible {
				t.Fatalf("case %d: Solve(%+v).Status = %v; want infeasible", k, p, sol.Status)
			}
			continue
		}
		if sol.Status != gap.Optimal || math.Abs(sol.Value-want) > 1e-9*max(1, math.Abs(want)) {
			t.Fatalf("case %d: Solve(%+v) = %v (%v); want %v (optimal)", k, p, sol.Value, sol.Status, want)
		}
		if v, err := p.Evaluate(sol.Assign); err != nil || math.Abs(v-sol.Value) > 1e-9*max(1, math.Abs(v)) {
			t.Fatalf("case %d: Evaluate(Assign) = %v, %v; want %v", k, v, err, sol.Value)
		}
	}
}

func randomTiny(rng *rand.Rand) *gap.Problem {
	m, n := 1+rng.IntN(3), 1+rng.IntN(7)
	fractional := rng.IntN(3) == 0
	val := func(lo, hi int) float64 {
		v := float64(lo + rng.IntN(hi-lo+1))
		if fractional {
			v += float64(rng.IntN(4)) / 4
		}
		return v
	}
	p := &gap.Problem{Capacity: make([]float64, m)}
	if rng.IntN(2) == 0 {
		p.Sense = gap.Maximize
	}
	for i := range m {
		c, w := make([]float64, n), make([]float64, n)
		var sum float64
		for j := range n {
			c[j] = val(-5, 20)
			w[j] = val(0, 9)
			sum += w[j]
			if rng.IntN(8) == 0 {
				w[j] = inf
			}
		}
		p.Cost = append(p.Cost, c)
		p.Weight = append(p.Weight, w)
		p.Capacity[i] = math.Floor(sum * (0.2 + 0.6*rng.Float64()))
	}
	if rng.IntN(3) == 0 {
		p.Penalty = make([]float64, n)
		for j := range n {
			p.Penalty[j] = val(0, 30)
			if rng.IntN(3) == 0 {
				p.Penalty[j] = inf
			}
		}
	}
	return p
}

// bruteForce returns the optimal value of p by enumerating every
// assignment, and whether p is feasible.
func bruteForce(p *gap.Problem) (float64, bool) {
	m, n := p.Agents(), p.Jobs()
	assign := make([]int, n)
	best, found := 0.0, false
	var rec func(j int)
	rec = func(j int) {
		if j == n {
			v, err := p.Evaluate(assign)
			if err != nil {
				return
			}
			if !found || (p.Sense == gap.Minimize && v < best) || (p.Sense == gap.Maximize && v > best) {
				best, found = v, true
			}
			return
		}
		for i := -1; i < m; i++ {
			assign[j] = i
			rec(j + 1)
		}
	}
	rec(0)
	return best, found
}

func TestSolveDeterministic(t *testing.T) {
	t.Parallel()
	for _, size := range []struct{ m, n int }{{8, 40}, {13, 200}} {
		p := randomProblem(rand.New(rand.NewPCG(1, 2)), size.m, size.n)
		a, err := gap.Solve(t.Context(), p, gap.Options{Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		b, err := gap.Solve(t.Context(), p, gap.Options{Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		a.Stats.Elapsed, b.Stats.Elapsed = 0, 0
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%dx%d: two runs with seed 42 differ:\n%+v\n%+v", size.m, size.n, a, b)
		}
		if a.Assign == nil {
			t.Errorf("%dx%d: no solution (status %v)", size.m, size.n, a.Status)
		}
	}
}

// randomProblem is a type-C-like instance: weights in [5,25], costs in
// [10,50], capacities at 80% of the average load.
func randomProblem(rng *rand.Rand, m, n int) *gap.Problem {
	p := &gap.Problem{Capacity: make([]float64, m)}
	for i := range m {
		c, w := make([]float64, n), make([]float64, n)
		var sum float64
		for j := range n {
			c[j] = float64(10 + rng.IntN(41))
			w[j] = float64(5 + rng.IntN(21))
			sum += w[j]
		}
		p.Cost = append(p.Cost, c)
		p.Weight = append(p.Weight, w)
		p.Capacity[i] = math.Floor(0.8 * sum / float64(m))
	}
	return p
}

func TestSolveTimeLimit(t *testing.T) {
	t.Parallel()
	p := randomProblem(rand.New(rand.NewPCG(3, 4)), 20, 400)
	start := time.Now()
	sol, err := gap.Solve(t.Context(), p, gap.Options{TimeLimit: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Solve with a 200ms limit took %v", elapsed)
	}
	if sol.Status != gap.TimeLimit && sol.Status != gap.Optimal {
		t.Errorf("Status = %v; want time limit (or optimal)", sol.Status)
	}
	if sol.Assign == nil {
		t.Fatal("no solution within the time limit")
	}
	if v, err := p.Evaluate(sol.Assign); err != nil || v != sol.Value {
		t.Errorf("Evaluate(Assign) = %v, %v; want %v", v, err, sol.Value)
	}
	// Quality is the benchmark harness's business; under -race this run
	// gets little done.
	if sol.Bound > sol.Value || sol.Gap < 0 || sol.Gap != (sol.Value-sol.Bound)/sol.Value {
		t.Errorf("bound %v, value %v, gap %v: want bound <= value, gap = (value-bound)/value", sol.Bound, sol.Value, sol.Gap)
	}
}

// TestSolveClock checks that TimeLimit is measured by Options.Clock: a
// clock that races ahead stops the search long before the wall clock
// would, and the elapsed time reported is the clock's.
func TestSolveClock(t *testing.T) {
	t.Parallel()
	p := randomProblem(rand.New(rand.NewPCG(7, 8)), 20, 400)
	var now time.Time
	clock := func() time.Time {
		now = now.Add(20 * time.Millisecond)
		return now
	}
	start := time.Now()
	sol, err := gap.Solve(t.Context(), p, gap.Options{TimeLimit: time.Second, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Solve took %v of wall-clock time", elapsed)
	}
	if sol.Status != gap.TimeLimit {
		t.Errorf("Status = %v; want time limit", sol.Status)
	}
	if sol.Stats.Elapsed < time.Second || sol.Stats.Elapsed > 2*time.Second {
		t.Errorf("Stats.Elapsed = %v; want about 1s by the clock", sol.Stats.Elapsed)
	}
}

// TestSolveHardRulesLarge runs the local search path (too large for the
// exact search) with forbidden pairs and optional jobs.
func TestSolveHardRulesLarge(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(12, 13))
	p := randomProblem(rng, 12, 300)
	p.Penalty = make([]float64, 300)
	for j := range p.Penalty {
		p.Penalty[j] = 60
		if j%3 == 0 {
			p.Penalty[j] = inf
		}
		for i := range p.Weight {
			if rng.IntN(3) == 0 && i != j%12 {
				p.Weight[i][j] = inf
			}
		}
	}
	sol, err := gap.Solve(t.Context(), p, gap.Options{TimeLimit: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if sol.Assign == nil {
		t.Fatalf("no solution (status %v)", sol.Status)
	}
	v, err := p.Evaluate(sol.Assign)
	if err != nil || math.Abs(v-sol.Value) > 1e-9*math.Abs(v) {
		t.Errorf("Evaluate(Assign) = %v, %v; want %v, nil", v, err, sol.Value)
	}
	if sol.Bound > sol.Value {
		t.Errorf("bound %v above value %v", sol.Bound, sol.Value)
	}
}

func TestSolveCancelled(t *testing.T) {
	t.Parallel()
	p := randomProblem(rand.New(rand.NewPCG(5, 6)), 20, 400)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	sol, err := gap.Solve(ctx, p, gap.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Solve(cancelled ctx) error = %v; want context.Canceled", err)
	}
	if sol == nil {
		t.Fatal("Solve(cancelled ctx) returned no solution value")
	}
}

func TestSolveDoesNotModifyProblem(t *testing.T) {
	t.Parallel()
	p := randomProblem(rand.New(rand.NewPCG(8, 9)), 5, 30)
	p.Penalty = make([]float64, 30)
	for j := range p.Penalty {
		p.Penalty[j] = 100
	}
	p.Weight[0][0] = inf
	before := clone(p)
	if _, err := gap.Solve(t.Context(), p, gap.Options{}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, before) {
		t.Error("Solve modified its problem")
	}
}

func clone(p *gap.Problem) *gap.Problem {
	q := *p
	q.Capacity = append([]float64(nil), p.Capacity...)
	q.Penalty = append([]float64(nil), p.Penalty...)
	q.Cost, q.Weight = nil, nil
	for i := range p.Cost {
		q.Cost = append(q.Cost, append([]float64(nil), p.Cost[i]...))
		q.Weight = append(q.Weight, append([]float64(nil), p.Weight[i]...))
	}
	return &q
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    gap.Problem
	}{
		{name: "no agents", p: gap.Problem{}},
		{name: "ragged cost", p: gap.Problem{Cost: [][]float64{{1, 2}, {1}}, Weight: [][]float64{{1, 1}, {1, 1}}, Capacity: []float64{1, 1}}},
		{name: "negative weight", p: gap.Problem{Cost: [][]float64{{1}}, Weight: [][]float64{{-1}}, Capacity: []float64{1}}},
		{name: "NaN cost", p: gap.Problem{Cost: [][]float64{{math.NaN()}}, Weight: [][]float64{{1}}, Capacity: []float64{1}}},
		{name: "negative capacity", p: gap.Problem{Cost: [][]float64{{1}}, Weight: [][]float64{{1}}, Capacity: []float64{-1}}},
		{name: "short penalty", p: gap.Problem{Cost: [][]float64{{1}}, Weight: [][]float64{{1}}, Capacity: []float64{1}, Penalty: []float64{}}},
		{name: "bad sense", p: gap.Problem{Sense: 7, Cost: [][]float64{{1}}, Weight: [][]float64{{1}}, Capacity: []float64{1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.p.Validate(); !errors.Is(err, gap.ErrInvalid) {
				t.Errorf("Validate(%s) = %v; want ErrInvalid", tt.name, err)
			}
			if _, err := gap.Solve(t.Context(), &tt.p, gap.Options{}); !errors.Is(err, gap.ErrInvalid) {
				t.Errorf("Solve(%s) error = %v; want ErrInvalid", tt.name, err)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	p := gap.Problem{
		Cost:     [][]float64{{1, 2}, {3, 4}},
		Weight:   [][]float64{{2, inf}, {1, 1}},
		Capacity: []float64{2, 1},
	}
	tests := []struct {
		name   string
		assign []int
		want   float64
		ok     bool
	}{
		{name: "feasible", assign: []int{0, 1}, want: 5, ok: true},
		{name: "forbidden pair", assign: []int{1, 0}},
		{name: "overload", assign: []int{1, 1}},
		{name: "unassigned mandatory job", assign: []int{0, -1}},
		{name: "wrong length", assign: []int{0}},
		{name: "agent out of range", assign: []int{0, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := p.Evaluate(tt.assign)
			if tt.ok {
				if err != nil || v != tt.want {
					t.Errorf("Evaluate(%v) = %v, %v; want %v, nil", tt.assign, v, err, tt.want)
				}
				return
			}
			if !errors.Is(err, gap.ErrInfeasibleAssignment) {
				t.Errorf("Evaluate(%v) error = %v; want ErrInfeasibleAssignment", tt.assign, err)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	t.Parallel()
	p := randomProblem(rand.New(rand.NewPCG(10, 11)), 5, 40)
	var calls int
	last := math.Inf(1)
	sol, err := gap.Solve(t.Context(), p, gap.Options{Progress: func(pr gap.Progress) {
		calls++
		if !math.IsNaN(pr.Value) && pr.Value > last {
			t.Errorf("progress value went up: %v after %v", pr.Value, last)
		}
		if !math.IsNaN(pr.Value) {
			last = pr.Value
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != sol.Value {
		t.Errorf("progress: %d calls, last value %v; want calls ending at %v", calls, last, sol.Value)
	}
}

func BenchmarkSolve(b *testing.B) {
	p := randomProblem(rand.New(rand.NewPCG(1, 1)), 10, 60)
	var sol *gap.Solution
	b.ReportAllocs()
	for b.Loop() {
		var err error
		sol, err = gap.Solve(b.Context(), p, gap.Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100*sol.Gap, "gap%")
}
