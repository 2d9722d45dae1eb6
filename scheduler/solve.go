package scheduler

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Solve searches for the best solution of p under opts.Objective until a
// limit: opts.TimeLimit, opts.Iterations, or ctx. Reaching a limit is not
// an error: the best solution comes back with its [Status]. The error is
// non-nil only for an invalid problem (an [*InputError] per bad field,
// joined) or when nothing bounds the run ([ErrNoLimit]). Solve never
// modifies p and keeps no reference to it after returning.
func Solve(ctx context.Context, p *Problem, opts Options) (*Solution, error) {
	if err := validate(p); err != nil {
		return nil, err
	}
	if opts.TimeLimit <= 0 && opts.Iterations <= 0 {
		if _, ok := ctx.Deadline(); !ok {
			return nil, ErrNoLimit
		}
	}
	begin := time.Now()
	var cancel context.CancelFunc
	runCtx := ctx
	if opts.TimeLimit > 0 && opts.Clock == nil {
		runCtx, cancel = context.WithTimeout(ctx, opts.TimeLimit)
	} else {
		runCtx, cancel = context.WithCancel(ctx)
	}
	defer cancel()

	se := newSearch(opts, begin)
	m := compile(p, opts.Objective)
	se.init(m)
	best := se.run(runCtx)

	sol := m.output(best, se.reasons)
	sol.Stats = Stats{Iterations: se.iter, Elapsed: time.Since(begin), History: se.history}
	switch {
	case opts.Iterations > 0 && se.work >= float64(opts.Iterations):
		sol.Status = IterationLimit
	case ctx.Err() != nil:
		sol.Status = ContextDone
	default:
		sol.Status = TimeLimit
	}
	return sol, nil
}

// search is one run: construction, optional fleet minimisation, then
// iterated ruin-and-recreate with local search under simulated annealing.
type search struct {
	m        *model
	opts     Options
	begin    time.Time
	clock0   time.Time // Options.Clock at the start
	rng      *rand.Rand
	rr       *ruinRecreate
	ls       *localSearch
	pen      penalties
	possible []bool
	reasons  []Reason // per job, for jobs no vehicle can serve alone
	iter     int
	// work counts iterations against Options.Iterations: a fleet
	// minimisation step or an ejection-pool move, without local search,
	// counts as fleetWork.
	work    float64
	history []Progress
	bestObj float64
	best    *solution
	// penalty adaptation
	lsRuns, lsFeasible int
}

// newSearch starts the run's clock; init then sets up the search on m.
func newSearch(opts Options, begin time.Time) *search {
	se := &search{opts: opts, begin: begin}
	if opts.Clock != nil {
		se.clock0 = opts.Clock()
	}
	return se
}

func (se *search) init(m *model) {
	opts := se.opts
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	se.m, se.rng = m, rng
	se.possible, se.reasons = m.alone()
	se.rr = newRuinRecreate(m, rng, se.possible)
	se.ls = newLocalSearch(m, rng)
	se.pen = penalties{time: initialPenalty * m.avgArc / max(m.avgDur(), 1e-9), load: initialPenalty * m.avgArc, vehicle: m.vehW}
	se.bestObj = math.Inf(1)
}

func (m *model) avgDur() float64 {
	if len(m.dur) == 0 {
		return 1
	}
	s := 0.0
	for _, d := range m.dur {
		s += d
	}
	return s / float64(len(m.dur))
}

// progress is the fraction of the budget spent, in [0, 1].
func (se *search) progress() float64 {
	f := 0.0
	if se.opts.Iterations > 0 {
		f = se.work / float64(se.opts.Iterations)
	}
	if se.opts.TimeLimit > 0 {
		f = max(f, float64(se.elapsed())/float64(se.opts.TimeLimit))
	}
	return min(f, 1)
}

// elapsed is the time spent against the TimeLimit: by Options.Clock if
// set, else by the wall clock.
func (se *search) elapsed() time.Duration {
	if se.opts.Clock != nil {
		return se.opts.Clock().Sub(se.clock0)
	}
	return time.Since(se.begin)
}

func (se *search) done(ctx context.Context) bool {
	if se.opts.Iterations > 0 && se.work >= float64(se.opts.Iterations) {
		return true
	}
	if se.opts.Clock != nil && se.opts.TimeLimit > 0 && se.elapsed() >= se.opts.TimeLimit {
		return true
	}
	return ctx.Err() != nil
}

// consider records s as the best if it is feasible and better.
func (se *search) consider(s *solution) {
	m := se.m
	if !m.feasibleSol(s) {
		return
	}
	obj := m.objective(s)
	if obj >= se.bestObj-1e-9*max(1, math.Abs(obj)) {
		return
	}
	se.bestObj = obj
	if se.best == nil {
		se.best = newSolution(m)
	}
	se.best.copyFrom(s)
	pr := Progress{Iteration: se.iter, Elapsed: time.Since(se.begin), Objective: obj,
		Vehicles: s.used(), Cost: m.plainCost(s), Unserved: len(s.unassigned)}
	se.history = append(se.history, pr)
	if se.opts.Progress != nil {
		se.opts.Progress(pr)
	}
}

// plainCost is the objective's measure plus fixed costs, without vehicle
// weights and penalties.
func (m *model) plainCost(s *solution) float64 {
	c := 0.0
	for i := range s.routes {
		r := &s.routes[i]
		if r.jobs() > 0 {
			c += r.full.cost + m.durW*r.full.dur + m.veh[r.v].fixed
		}
	}
	return c
}

// improve runs the local search on s, and again under stiffer penalties
// if the result breaks a constraint. It adapts the penalties towards a
// share of feasible local optima.
func (se *search) improve(ctx context.Context, s *solution) {
	m := se.m
	se.ls.pen = se.pen
	se.ls.pen.vehicle = 0
	m.repriceAll(s, &se.ls.pen)
	se.ls.run(s, func() bool { return se.done(ctx) })
	feasible := m.feasibleSol(s)
	se.lsRuns++
	if feasible {
		se.lsFeasible++
	}
	for k := 0; !feasible && k < 3; k++ {
		se.ls.pen.time *= 10
		se.ls.pen.load *= 10
		m.repriceAll(s, &se.ls.pen)
		se.ls.run(s, func() bool { return se.done(ctx) })
		feasible = m.feasibleSol(s)
	}
	if se.lsRuns == 50 {
		share := float64(se.lsFeasible) / float64(se.lsRuns)
		switch {
		case share < 0.5:
			se.pen.time *= 1.3
			se.pen.load *= 1.3
		case share > 0.7:
			se.pen.time *= 0.85
			se.pen.load *= 0.85
		}
		se.lsRuns, se.lsFeasible = 0, 0
	}
	m.repriceAll(s, &se.pen)
}

// polish runs the local search on the feasible s under penalties
// tightPenalty times stiffer, so that it shortens routes without trading
// constraints away (the caller still checks).
func (se *search) polish(ctx context.Context, s *solution) {
	m := se.m
	se.ls.pen = se.pen
	se.ls.pen.vehicle = 0
	se.ls.pen.time *= tightPenalty
	se.ls.pen.load *= tightPenalty
	m.repriceAll(s, &se.ls.pen)
	se.ls.run(s, func() bool { return se.done(ctx) })
	m.repriceAll(s, &se.pen)
}

func (se *search) run(ctx context.Context) *solution {
	m := se.m
	cur := newSolution(m)
	// Construction: greedy insertion of every job, farthest and tightest
	// first by the recreate orderings.
	blink := se.rr.blink
	se.rr.blink = 0
	se.rr.recreate(cur, m.nVeh, &se.pen)
	se.rr.blink = blink
	se.consider(cur)
	if m.nJobs == 0 {
		return se.best
	}
	se.improve(ctx, cur)
	se.consider(cur)

	if se.opts.Objective.MinimizeVehicles {
		se.minimizeFleet(ctx, cur)
		cur.copyFrom(se.best)
	}
	se.anneal(ctx, cur)
	return se.best
}

// anneal is the main loop: ruin, recreate, local search, and a simulated
// annealing acceptance with a temperature falling with the budget.
func (se *search) anneal(ctx context.Context, cur *solution) {
	m := se.m
	cand := newSolution(m)
	curObj := m.objective(cur)
	scale := m.plainCost(cur) / float64(max(1, m.nJobs-len(cur.unassigned)))
	if scale <= 0 {
		scale = m.avgArc
	}
	t0, tf := 0.5*scale, 0.005*scale
	start := se.progress()
	maxRoutes := m.nVeh
	var ej *ejector
	if m.vehW > 0 {
		// The fleet is as small as the fleet phase could make it: a
		// penalised local search under the usual weights wanders among
		// violations it cannot repair.
		se.pen.time *= tightPenalty
		se.pen.load *= tightPenalty
		if m.fast {
			ej = newEjector(se)
			ej.perturbMoves = 0
		}
	}
	for !se.done(ctx) {
		se.iter++
		se.work++
		f := 0.0
		if start < 1 {
			f = (se.progress() - start) / (1 - start)
		}
		temp := t0 * math.Pow(tf/t0, f)
		cand.copyFrom(cur)
		se.rr.ruin(cand, &se.pen)
		if m.vehW > 0 {
			maxRoutes = cur.used()
		}
		se.rr.recreate(cand, maxRoutes, &se.pen)
		if se.missing(cand) > se.missing(cur) {
			// Jobs were left out: with a full fleet and the segment
			// algebra, make room by ejections (Nagata & Bräysy);
			// otherwise give the candidate up (putting them where they
			// break least for the penalised local search to repair
			// cost ten times the time on partners' days for no gain).
			if ej == nil || !ej.fill(cand, func() bool { return se.done(ctx) }, ejSteps) {
				continue
			}
		}
		se.improve(ctx, cand)
		if !m.feasibleSol(cand) {
			continue
		}
		obj := m.objective(cand)
		if obj < curObj-temp*math.Log(se.rng.Float64()) {
			cur, cand = cand, cur
			curObj = obj
			se.consider(cur)
		}
	}
}

// missing counts the unassigned jobs that some vehicle could serve alone.
func (se *search) missing(s *solution) int {
	n := 0
	for _, j := range s.unassigned {
		if se.possible[j] {
			n++
		}
	}
	return n
}

// minimizeFleet removes routes one at a time: it empties the route whose
// jobs were least often left out, then ruins and recreates with the fleet
// capped, accepting fewer or rarer missing jobs, until all fit (SISR's
// fleet minimisation with absence counters).
func (se *search) minimizeFleet(ctx context.Context, cur *solution) {
	m := se.m
	absent := make([]int, m.nJobs)
	sumAbs := func(js []int32) int {
		t := 0
		for _, j := range js {
			if se.possible[j] {
				t += absent[j]
			}
		}
		return t
	}
	missing := se.missing
	baseMissing := missing(se.best)
	lb := m.fleetBound()
	cand := newSolution(m)
	removeRoute := func(s *solution) {
		bestR, bestS := -1, math.MaxInt
		for ri := range s.routes {
			r := &s.routes[ri]
			if r.jobs() == 0 {
				continue
			}
			// Least absent first; among equals, the shortest route.
			if a := sumAbs(r.nodes[1:len(r.nodes)-1])*(m.nJobs+1) + r.jobs(); a < bestS {
				bestR, bestS = ri, a
			}
		}
		r := &s.routes[bestR]
		for _, j := range r.nodes[1 : len(r.nodes)-1] {
			s.routeOf[j] = -1
			s.unassigned = append(s.unassigned, j)
		}
		r.nodes = r.nodes[:0]
		r.nodes = append(r.nodes, m.veh[r.v].startNode, m.veh[r.v].endNode)
		m.update(s, bestR, &se.pen)
	}
	if cur.used() <= lb {
		return
	}
	// The phase gets at most fleetShare of the budget, and ends when
	// fleetStall of it passes without a vehicle saved.
	const share, stall = fleetShare, fleetStall
	lastWin := se.progress()
	if m.fast {
		ej := newEjector(se)
		stop := func() bool {
			p := se.progress()
			return se.done(ctx) || p >= share || p-lastWin >= stall
		}
		cur.copyFrom(se.best)
		for !stop() {
			cand.copyFrom(cur)
			if !ej.removeRoute(cand, stop) {
				continue
			}
			se.consider(cand)
			cur.copyFrom(cand)
			se.polish(ctx, cand)
			if !m.feasibleSol(cand) {
				// The local search left a violation: keep the solution
				// the ejections found.
				cand.copyFrom(cur)
			}
			se.consider(cand)
			if cand.used() <= lb {
				return
			}
			lastWin = se.progress()
			cur.copyFrom(cand)
		}
		return
	}
	cur.copyFrom(se.best)
	removeRoute(cur)
	limit := cur.used()
	curMiss, curAbs := missing(cur), sumAbs(cur.unassigned)
	for !se.done(ctx) && se.progress() < share && se.progress()-lastWin < stall {
		se.iter++
		se.work += fleetWork
		cand.copyFrom(cur)
		se.rr.ruin(cand, &se.pen)
		se.rr.recreate(cand, limit, &se.pen)
		miss := missing(cand)
		if miss <= baseMissing {
			se.improve(ctx, cand)
			se.consider(cand)
			if cand.used() <= lb {
				return
			}
			lastWin = se.progress()
			cur.copyFrom(cand)
			removeRoute(cur)
			limit = cur.used()
			curMiss, curAbs = missing(cur), sumAbs(cur.unassigned)
			continue
		}
		accept := miss < curMiss || sumAbs(cand.unassigned) < curAbs
		for _, j := range cand.unassigned {
			absent[j]++
		}
		if accept {
			cur, cand = cand, cur
			curMiss = miss
		}
		curAbs = sumAbs(cur.unassigned)
	}
}

// fleetShare is the most of the budget the fleet minimisation phase may
// use, and fleetStall how much of it may pass without saving a vehicle.
// Vehicles come first, so the phase gets most of the budget; the annealing
// that follows has what is left to shorten the routes.
const fleetShare, fleetStall = 0.8, 0.35

// initialPenalty scales the first penalty weights: a unit of time warp
// or excess load costs ten average arcs' worth of distance per time unit
// (or of load). Under lighter weights the local search on tight instances
// (200 customers, narrow windows) ends in violations it cannot repair for
// longer than the adaptation every 50 runs takes to catch up.
const initialPenalty = 10

// tightPenalty multiplies the penalty weights once the fleet phase is over.
const tightPenalty = 100

// ejSteps bounds the pool moves that complete a candidate of the
// annealing when its fleet is full.
const ejSteps = 50

// fleetWork is what a fleet minimisation iteration counts against
// Options.Iterations: it costs about a tenth of one with local search.
const fleetWork = 0.1

// fleetBound is a lower bound on the used vehicles: total demand over the
// largest capacity.
func (m *model) fleetBound() int {
	var dem, cap int64
	for j := range m.nJobs {
		dem += m.nodes[j].demand
	}
	for _, v := range m.veh {
		cap = max(cap, v.capacity)
	}
	if cap <= 0 {
		return 1
	}
	return max(1, int((dem+cap-1)/cap))
}

// alone tells, per job, whether some vehicle can serve it on an otherwise
// empty route, and if none can, why.
func (m *model) alone() ([]bool, []Reason) {
	ok := make([]bool, m.nJobs)
	why := make([]Reason, m.nJobs)
	for j := range m.nJobs {
		stage := Reason(0)
		for v := range m.nVeh {
			if !m.canServe(v, int32(j)) {
				continue
			}
			vi := &m.veh[v]
			if m.nodes[j].demand > vi.capacity {
				stage = max(stage, 1)
				continue
			}
			o := m.walk(v, []int32{int32(j)}, vi.shiftStart, nil)
			switch {
			case o.warp > eps:
				stage = max(stage, 2)
			case o.travel > vi.maxDrive+eps:
				stage = max(stage, 3)
			case o.end-o.start-o.shift > vi.maxWork+eps:
				stage = max(stage, 4)
			default:
				stage = 5
			}
			if stage == 5 {
				break
			}
		}
		switch stage {
		case 0:
			why[j] = NoAllowedVehicle
		case 1:
			why[j] = OverCapacity
		case 2:
			why[j] = WindowUnreachable
		case 3:
			why[j] = OverDrivingTime
		case 4:
			why[j] = OverWorkingTime
		case 5:
			ok[j] = true
		}
	}
	return ok, why
}

// output turns the best search state into a Solution.
func (m *model) output(s *solution, why []Reason) *Solution {
	sol := &Solution{}
	if s == nil {
		s = newSolution(m)
	}
	for ri := range s.routes {
		r := &s.routes[ri]
		if r.jobs() == 0 {
			continue
		}
		rt := m.schedule(r.v, r.nodes[1:len(r.nodes)-1])
		sol.Routes = append(sol.Routes, rt)
		sol.Distance += rt.Distance
		sol.TravelTime += rt.TravelTime
		sol.WorkingTime += rt.WorkingTime
		sol.Cost += m.p.Vehicles[r.v].FixedCost
		switch {
		case m.durW > 0:
			sol.Cost += rt.WorkingTime
		case m.measure == TravelTime:
			sol.Cost += rt.TravelTime
		default:
			sol.Cost += rt.Distance
		}
	}
	slices.SortFunc(sol.Routes, func(a, b Route) int { return a.Vehicle - b.Vehicle })
	sol.Vehicles = len(sol.Routes)
	un := slices.Clone(s.unassigned)
	slices.Sort(un)
	for _, j := range un {
		r := why[j]
		if r == ReasonUnknown {
			r = m.blame(s, j)
		}
		sol.Unserved = append(sol.Unserved, Unserved{Job: int(j), Reason: r})
	}
	return sol
}

// blame explains why a job that fits alone is unserved: if it would fit in
// some allowed route once that route's jobs of equal or lower priority are
// set aside, equal-ranked work took its room (NoRoom); otherwise only
// higher priorities stand in its way (DisplacedByPriority).
func (m *model) blame(s *solution, j int32) Reason {
	var keep []int32
	for ri := range s.routes {
		r := &s.routes[ri]
		if !m.canServe(r.v, j) {
			continue
		}
		keep = keep[:0]
		for _, x := range r.nodes[1 : len(r.nodes)-1] {
			if m.rank[x] > m.rank[j] {
				keep = append(keep, x)
			}
		}
		if len(keep) == 0 {
			return NoRoom
		}
		for p := 0; p <= len(keep); p++ {
			try := slices.Insert(slices.Clone(keep), p, j)
			sg := m.simulate(r.v, try, nil)
			if m.feasible(r.v, &sg) {
				return NoRoom
			}
		}
	}
	return DisplacedByPriority
}
