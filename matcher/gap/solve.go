package gap

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Options configures [Solve]. The zero value is ready to use.
type Options struct {
	// TimeLimit bounds the time of Solve, as measured by Clock (the wall
	// clock by default). Zero means no time limit: each phase then stops after a fixed, size-dependent amount of
	// work (so results do not depend on the machine's speed) — the local
	// search after a number of rounds, the exact search on small problems
	// at completion or after 200 000 nodes, whichever comes first.
	TimeLimit time.Duration

	// Seed seeds the solver's only source of randomness. Equal seeds give
	// equal results when the run is not cut short by TimeLimit or ctx.
	// Zero is a valid seed.
	Seed uint64

	// Progress, if non-nil, is called synchronously from Solve's goroutine
	// each time the best solution or the bound improves. It must not retain
	// or modify anything it is given and should return quickly.
	Progress func(Progress)

	// Clock, if non-nil, replaces the wall clock as the measure of
	// TimeLimit and of the elapsed times reported. Benchmarks on a shared
	// machine pass one that reads the process's CPU time, so that other
	// load does not shorten the search. Only differences between its
	// readings matter. The context's deadline is always wall-clock.
	Clock func() time.Time
}

// Progress reports an improvement during [Solve].
type Progress struct {
	Elapsed    time.Duration // since Solve started, by Options.Clock
	Value      float64       // best solution value, in the problem's sense; NaN if none yet
	Bound      float64       // best proven bound on the optimum (see [Solution.Bound])
	Iterations int64         // local search moves, B&B nodes and Lagrangian iterations so far
	Phase      string        // "greedy", "lagrangian", "search" or "branch"
}

// Status says how [Solve] ended. The zero value is [Unknown].
type Status int8

const (
	// Unknown: no feasible solution was found and none was proven not to
	// exist.
	Unknown Status = iota
	// Optimal: the solution's value meets the bound (within 1e-9 relative,
	// or exactly for integer costs).
	Optimal
	// Feasible: a feasible solution was found; the search stopped on its
	// own effort budget without proving optimality.
	Feasible
	// Infeasible: no assignment satisfies the constraints; Assign is nil.
	Infeasible
	// TimeLimit: Options.TimeLimit or the context's deadline stopped the
	// search; Assign holds the best solution found, or is nil.
	TimeLimit
)

// String returns the status in lower case, for example "optimal".
func (s Status) String() string {
	switch s {
	case Unknown:
		return "unknown"
	case Optimal:
		return "optimal"
	case Feasible:
		return "feasible"
	case Infeasible:
		return "infeasible"
	case TimeLimit:
		return "time limit"
	}
	return fmt.Sprintf("Status(%d)", int8(s))
}

// Solution is the result of [Solve].
type Solution struct {
	// Assign[j] is the agent of job j, or -1 if job j is left unassigned
	// (only possible with [Problem.Penalty]). Nil when no feasible
	// assignment was found.
	Assign []int

	// Value is the objective value of Assign in the problem's sense,
	// penalties included; NaN when Assign is nil.
	Value float64

	// Bound is the best proven bound on the optimum: no assignment costs
	// less (Minimize) or earns more (Maximize). It is the largest of the LP
	// bound, the Lagrangian bounds and the branch-and-bound bound; for an
	// infeasible problem it is +Inf (Minimize) or -Inf (Maximize), and with
	// no bound at all the opposite infinity.
	Bound float64

	// Gap is |Value - Bound| / max(1, |Value|); 0 when Optimal, +Inf when
	// Assign is nil.
	Gap float64

	// Status says how the search ended.
	Status Status

	// Stats describes the work done.
	Stats Stats
}

// Stats describes the work [Solve] did.
type Stats struct {
	Elapsed              time.Duration
	Moves                int64 // local search moves applied
	Nodes                int64 // branch-and-bound nodes
	LagrangianIterations int64 // subgradient iterations, both relaxations
	Restarts             int64 // local search restarts
}

// stopper checks the context, and optionally a deadline on the solver's
// clock, at iteration boundaries.
type stopper struct {
	ctx    context.Context
	now    func() time.Time
	until  time.Time // zero: no deadline
	done   bool
	timeUp bool // the deadline, not the context, stopped it
}

func (s *stopper) stop() bool {
	if s.done {
		return true
	}
	if s.ctx.Err() != nil {
		s.done = true
	} else if !s.until.IsZero() && s.now().After(s.until) {
		s.done, s.timeUp = true, true
	}
	return s.done
}

// phase returns a stopper for a phase that ends at the given fraction of
// the time limit (or with s when there is no time limit).
func (s *solver) phase(frac float64) *stopper {
	st := &stopper{ctx: s.st.ctx, now: s.now}
	if s.opts.TimeLimit > 0 {
		st.until = s.start.Add(time.Duration(frac * float64(s.opts.TimeLimit)))
	}
	return st
}

// Solve solves p. It returns an error only when p is invalid (wrapping
// [ErrInvalid]) or ctx is cancelled (the error is ctx.Err(), returned with
// the best solution found so far); running out of time, including ctx's
// deadline, is reported as [TimeLimit] in the Solution, with a nil error.
// Solve does not modify p and keeps no reference to it.
//
// Problems small enough for the exact search (roughly up to a few thousand
// agent-job pairs) are solved to proven optimality given time; on larger
// ones the Lagrangian-guided local search runs until TimeLimit or its
// effort budget, and Bound and Gap say how far from optimal the answer can
// be.
func Solve(ctx context.Context, p *Problem, opts Options) (*Solution, error) {
	now := opts.Clock
	if now == nil {
		now = time.Now
	}
	start := now()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	st := &stopper{ctx: ctx, now: now}
	if opts.TimeLimit > 0 {
		st.until = start.Add(opts.TimeLimit)
	}
	s := &solver{
		md:    newModel(p),
		opts:  opts,
		now:   now,
		start: start,
		st:    st,
		rng:   rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15)),
		ub:    math.Inf(1),
		lb:    math.Inf(-1),
	}
	s.run()
	sol := s.solution()
	if s.st.done && errors.Is(ctx.Err(), context.Canceled) {
		return sol, ctx.Err()
	}
	return sol, nil
}

// solver carries one run of Solve.
type solver struct {
	md    *model
	opts  Options
	now   func() time.Time // Options.Clock or time.Now
	start time.Time
	st    *stopper
	rng   *rand.Rand

	best       []int32 // best feasible assignment (internal), nil if none
	ub         float64 // its internal cost, +Inf if none
	lb         float64 // best internal lower bound
	proved     bool    // the search proved best optimal or the problem infeasible
	infeasible bool
	exhausted  bool // the heuristic search ended on its effort budget
	stats      Stats
	iterBase   int64
}

// offer records a and its cost if it is feasible and better than the
// incumbent. load is scratch of length m.
func (s *solver) offer(a []int32, cost float64, load []float64, phase string) bool {
	if !(cost < s.ub-s.md.tol) || !s.md.feasible(a, load) {
		return false
	}
	if s.best == nil {
		s.best = make([]int32, len(a))
	}
	copy(s.best, a)
	s.ub = cost
	s.progress(phase)
	return true
}

// raise records a new lower bound.
func (s *solver) raise(lb float64, phase string) {
	lb = s.md.roundBound(lb)
	if lb > s.lb {
		s.lb = lb
		s.progress(phase)
	}
}

func (s *solver) progress(phase string) {
	if s.opts.Progress == nil {
		return
	}
	md := s.md
	v := math.NaN()
	if s.best != nil {
		v = md.sign * s.ub
	}
	s.opts.Progress(Progress{
		Elapsed:    s.now().Sub(s.start),
		Value:      v,
		Bound:      md.sign * s.lb,
		Iterations: s.stats.Moves + s.stats.Nodes + s.stats.LagrangianIterations,
		Phase:      phase,
	})
}

// optimal reports whether the incumbent is proven optimal by the bound.
func (s *solver) optimal() bool {
	return s.best != nil && !s.md.improvable(s.lb, s.ub)
}

func (s *solver) solution() *Solution {
	md := s.md
	s.stats.Elapsed = s.now().Sub(s.start)
	sol := &Solution{Value: math.NaN(), Gap: math.Inf(1), Stats: s.stats}
	lb := s.lb
	if s.best != nil {
		if s.proved {
			lb = s.ub
		}
		lb = min(lb, s.ub)
		sol.Assign = md.userAssign(s.best)
		sol.Value = md.sign * s.ub
		sol.Gap = math.Abs(s.ub-lb) / max(1, math.Abs(s.ub))
	}
	if s.infeasible {
		lb = math.Inf(1)
	}
	sol.Bound = md.sign * lb
	switch {
	case s.infeasible:
		sol.Status = Infeasible
	case s.best != nil && (s.proved || s.optimal()):
		sol.Status = Optimal
		sol.Gap = 0
	case s.st.done && (s.st.timeUp || errors.Is(s.st.ctx.Err(), context.DeadlineExceeded)):
		sol.Status = TimeLimit
	case s.best != nil:
		sol.Status = Feasible
	}
	return sol
}

// run is the solver's strategy: constructive heuristics, the LP bound, then
// either branch and bound (small problems) or the local search.
func (s *solver) run() {
	md := s.md
	if !md.feasibleCandidates() {
		s.infeasible, s.proved = true, true
		return
	}
	load := make([]float64, md.m)
	a := make([]int32, md.n)

	// Constructive heuristics. The first greedy run, and the one on
	// LP-priced costs below (usually much the best), always run to
	// completion: they are cheap, and even a tiny time limit then leaves a
	// good solution.
	never := &stopper{ctx: context.Background(), now: s.now}
	g := newGreedy(md)
	for k, f := range s.desirabilities() {
		st := s.st
		if k == 0 {
			st = never
		} else if st.stop() {
			break
		}
		g.run(f, a, st)
		s.offer(a, md.cost(a), load, "greedy")
	}

	// LP bound and capacity prices.
	cr := newCapRelax(md)
	// It gets until 15% of the time limit, and at least 10% of it
	// whatever the greedy runs took: the rest depends on its prices.
	lpStop := s.phase(0.15)
	if t := s.now().Add(s.opts.TimeLimit / 10); s.opts.TimeLimit > 0 && t.After(lpStop.until) {
		lpStop.until = t
	}
	cr.ascend(lr1Iterations(md), s.ub, lpStop)
	s.stats.LagrangianIterations += int64(cr.iters)
	s.raise(cr.best, "lagrangian")
	if s.optimal() {
		s.proved = true
		return
	}
	price := make([]float64, md.n*md.m)
	for j := range md.n {
		for _, i := range md.cand[j] {
			k := j*md.m + int(i)
			price[k] = md.c[k] + cr.bestMu[i]*md.w[k]
		}
	}
	g.run(price, a, never)
	s.offer(a, md.cost(a), load, "greedy")
	if s.optimal() || s.st.stop() {
		s.proved = s.optimal()
		return
	}

	rc := make([]float64, md.n*md.m)
	cr.reducedCosts(rc)
	ls := newSearch(s, rc, cr.bestMu)
	ls.start()
	rounds := s.searchRounds()
	if !s.exactEligible() {
		if ls.run(rounds, 0, s.st) {
			s.exhausted = true
		}
	} else {
		// Small problem: a quick search for a good incumbent, the exact
		// search (given most of the time left, if limited), and the search
		// again if the exact one ran out of time.
		ls.run(rounds, exactGiveUp, s.phase(0.3))
		if !s.optimal() && !s.st.stop() {
			bst := s.phase(bbEnd)
			newBranch(s, cr, rc).run(bst)
		}
		if !s.proved && !s.optimal() && !s.st.stop() {
			if ls.run(rounds, 0, s.st) {
				s.exhausted = true
			}
		}
	}
	if s.optimal() {
		s.proved = true
	}
}

// exactGiveUp is the number of rounds without improvement after which the
// search hands a small problem to the exact search.
const exactGiveUp = 100

// bbEnd is the fraction of the time limit at which an unfinished exact
// search hands back to the local search.
const bbEnd = 0.4

// desirabilities returns the greedy criteria tried first (smaller is
// better): cost, weight relative to capacity, and cost per unit of weight.
func (s *solver) desirabilities() [][]float64 {
	md := s.md
	m := md.m
	fc := make([]float64, md.n*m)
	fw := make([]float64, md.n*m)
	fr := make([]float64, md.n*m)
	for j := range md.n {
		for _, i := range md.cand[j] {
			k := j*m + int(i)
			c, w := md.c[k], md.w[k]
			fc[k] = c
			if b := md.b[i]; !math.IsInf(b, 1) && b > 0 {
				fw[k] = w / b
			}
			fr[k] = c / max(w, 1e-9)
			if c > 0 {
				fr[k] = c * max(w, 1e-9)
			}
		}
	}
	return [][]float64{fc, fw, fr}
}

// lr1Iterations is the subgradient budget of the LP bound.
func lr1Iterations(md *model) int {
	return min(3000, 300+20000000/max(1, md.n*md.m))
}

// exactEligible says whether the exact search is worth starting.
func (s *solver) exactEligible() bool {
	return s.md.n <= 100 || s.md.n*s.md.m <= 2500
}

// searchRounds is the local search effort without a time limit.
func (s *solver) searchRounds() int {
	if s.opts.TimeLimit > 0 {
		return math.MaxInt
	}
	return 200 + 2*s.md.n
}
