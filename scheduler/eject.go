package scheduler

import (
	"math"
)

// ejector removes routes by the ejection-pool heuristic of Nagata &
// Bräysy ("A powerful route minimization heuristic for the vehicle routing
// problem with time windows", Operations Research Letters 37(5), 2009):
// the jobs of a removed route go into a pool; each in turn is inserted
// where it fits or, failing that, where the jobs to eject for it to fit
// (at most kmax, all from its route) have the least summed failure
// counters, and those join the pool. It needs the O(1) segment algebra
// (single windows, no breaks).
type ejector struct {
	se   *search
	m    *model
	pool []int32
	fail []int // per job: how often it found no feasible place (p[v] in the paper)
	kmax int
	// perturbMoves is how many random moves perturb tries after an
	// ejection.
	perturbMoves int
	failed       bool // the last removal failed: pick the next victim at random
	// The ejection search: the candidate route r with job j after
	// position q; stack holds the ejections of the branch explored.
	r       *route
	j       int32
	q       int
	stack   []int32
	budget  int
	best    ejection
	scratch []int32
}

// ejection is the best insertion with ejections found so far.
type ejection struct {
	psum  int
	cost  float64
	route int
	q     int
	set   []int32
}

func newEjector(se *search) *ejector {
	e := &ejector{se: se, m: se.m, fail: make([]int, se.m.nJobs), kmax: 5, perturbMoves: 300}
	for i := range e.fail {
		e.fail[i] = 1
	}
	return e
}

// removeRoute empties a route of s (the one with the fewest jobs, or a
// random one if the last removal failed) and puts its jobs in the others,
// until the pool is empty (true: s keeps every constraint with one route
// less) or stop reports true (false: s is left partial, for the caller to
// restore).
func (e *ejector) removeRoute(s *solution, stop func() bool) bool {
	m, se := e.m, e.se
	// The shortest route first; after a failure, a random one.
	victim, fewest := -1, math.MaxInt
	for ri := range s.routes {
		n := s.routes[ri].jobs()
		if n == 0 {
			continue
		}
		if e.failed {
			n = se.rng.IntN(m.nJobs)
		}
		if n < fewest {
			victim, fewest = ri, n
		}
	}
	if victim < 0 {
		return false
	}
	e.failed = true
	r := &s.routes[victim]
	e.pool = e.pool[:0]
	for _, j := range r.nodes[1 : len(r.nodes)-1] {
		s.routeOf[j] = -1
		e.pool = append(e.pool, j)
	}
	r.nodes = append(r.nodes[:0], m.veh[r.v].startNode, m.veh[r.v].endNode)
	m.update(s, victim, &se.pen)
	if !e.empty(s, stop, -1) {
		return false
	}
	e.failed = false
	return true
}

// fill puts the unassigned jobs of s that some vehicle could serve alone
// into its used routes by insertions and ejections, in at most steps pool
// moves. It reports whether all found a place; if not, s is left partial.
func (e *ejector) fill(s *solution, stop func() bool, steps int) bool {
	e.pool = e.pool[:0]
	keep := s.unassigned[:0]
	for _, j := range s.unassigned {
		if e.se.possible[j] {
			e.pool = append(e.pool, j)
		} else {
			keep = append(keep, j)
		}
	}
	s.unassigned = keep
	return e.empty(s, stop, steps)
}

// empty places the pool's jobs, in at most steps pool moves if steps >= 0.
func (e *ejector) empty(s *solution, stop func() bool, steps int) bool {
	m, se := e.m, e.se
	for ; len(e.pool) > 0; steps-- {
		if stop() || steps == 0 {
			return false
		}
		se.work += fleetWork
		j := e.pool[len(e.pool)-1]
		e.pool = e.pool[:len(e.pool)-1]
		if ri, p := se.rr.best(s, j, false, &se.pen); ri >= 0 {
			s.insertJob(j, ri, p)
			m.update(s, ri, &se.pen)
			continue
		}
		e.fail[j]++
		if !e.eject(s, j) {
			// Not even with ejections, for now: back to the bottom
			// of the pool.
			e.pool = append(e.pool, 0)
			copy(e.pool[1:], e.pool)
			e.pool[0] = j
		}
		e.perturb(s, e.perturbMoves)
	}
	return true
}

// perturb tries moving random jobs next to one of their granular
// neighbours in another route, relocating or swapping them, and applies
// those that keep both routes feasible whatever their cost (the paper's
// diversification).
func (e *ejector) perturb(s *solution, tries int) {
	m, rng := e.m, e.se.rng
	for range tries {
		u := int32(rng.IntN(m.nJobs))
		if s.routeOf[u] < 0 {
			continue
		}
		nb := m.neighbors[u]
		if len(nb) == 0 {
			continue
		}
		v := nb[rng.IntN(len(nb))]
		if s.routeOf[v] < 0 || s.routeOf[v] == s.routeOf[u] {
			continue
		}
		ru, rv := &s.routes[s.routeOf[u]], &s.routes[s.routeOf[v]]
		i, j := int(s.pos[u]), int(s.pos[v])
		if !m.canServe(rv.v, u) {
			continue
		}
		swap := rng.IntN(2) == 0 && m.canServe(ru.v, v)
		var a, b seg
		if swap {
			a = m.merge(&ru.fwd[i-1], &m.nodes[v].seg)
			a = m.merge(&a, &ru.bwdEnd[i+1])
			b = m.merge(&rv.fwd[j-1], &m.nodes[u].seg)
			b = m.merge(&b, &rv.bwdEnd[j+1])
		} else {
			if ru.jobs() == 1 {
				continue // would empty a route: not a perturbation
			}
			a = m.merge(&ru.fwd[i-1], &ru.bwdEnd[i+1])
			b = m.merge(&rv.fwd[j], &m.nodes[u].seg)
			b = m.merge(&b, &rv.bwdEnd[j+1])
		}
		if !m.feasible(ru.v, &a) || !m.feasible(rv.v, &b) {
			continue
		}
		if swap {
			ru.nodes[i], rv.nodes[j] = v, u
		} else {
			s.removeJob(u)
			s.unassigned = s.unassigned[:len(s.unassigned)-1]
			s.insertJob(u, int(s.routeOf[v]), int(s.pos[v]))
		}
		m.update(s, ru.v, &e.se.pen)
		m.update(s, rv.v, &e.se.pen)
	}
}

// eject inserts j where the jobs to eject for it to fit have the least
// summed failure counters, then the least added cost, and pushes them to
// the pool. It reports false if j fits nowhere even so.
func (e *ejector) eject(s *solution, j int32) bool {
	m := e.m
	e.best = ejection{psum: math.MaxInt, cost: math.Inf(1), route: -1, set: e.best.set[:0]}
	e.j = j
	const per = 300 // search nodes per route and position
	nr := len(s.routes)
	off := e.se.rng.IntN(nr)
	for k := range nr {
		ri := (k + off) % nr
		r := &s.routes[ri]
		if r.jobs() == 0 || !m.canServe(r.v, j) {
			continue
		}
		e.r = r
		for q := 0; q < len(r.nodes)-1; q++ {
			e.q = q
			e.budget = per
			e.stack = e.stack[:0]
			e.search(ri, 1, m.nodes[r.nodes[0]].seg, false, 0)
		}
	}
	if e.best.route < 0 {
		return false
	}
	r := &s.routes[e.best.route]
	nodes := append(e.scratch[:0], r.nodes[0])
	for k := 1; k < len(r.nodes); k++ {
		x := r.nodes[k]
		if k-1 == e.best.q {
			nodes = append(nodes, j)
		}
		if k < len(r.nodes)-1 && containsJob(e.best.set, x) {
			s.routeOf[x] = -1
			e.pool = append(e.pool, x)
			continue
		}
		nodes = append(nodes, x)
	}
	e.scratch = nodes
	r.nodes = append(r.nodes[:0], nodes...)
	m.update(s, e.best.route, &e.se.pen)
	return true
}

func containsJob(xs []int32, x int32) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// search explores, from original position k of e.r onwards, keeping or
// ejecting each job, with acc the summary so far, jIn whether e.j is in,
// and psum the ejected jobs' summed counters. Time warp never falls as a
// sequence grows, so a branch with warp ends.
func (e *ejector) search(ri, k int, acc seg, jIn bool, psum int) {
	m, r := e.m, e.r
	e.budget--
	if e.budget < 0 {
		return
	}
	if !jIn && k == e.q+1 {
		acc = m.merge(&acc, &m.nodes[e.j].seg)
		if acc.warp > eps {
			return
		}
		jIn = true
	}
	if jIn {
		// The rest of the route as it is: if that fits, ejecting more
		// would only cost more; if not, and nothing more may be ejected,
		// the branch ends.
		fin := m.merge(&acc, &r.bwdEnd[k])
		if m.feasible(r.v, &fin) {
			c := fin.cost - r.full.cost
			if psum < e.best.psum || psum == e.best.psum && c < e.best.cost {
				e.best.psum, e.best.cost, e.best.route, e.best.q = psum, c, ri, e.q
				e.best.set = append(e.best.set[:0], e.stack...)
			}
			return
		}
		if k == len(r.nodes)-1 || len(e.stack) == e.kmax || psum+1 > e.best.psum {
			return
		}
	}
	x := r.nodes[k]
	if kept := m.merge(&acc, &m.nodes[x].seg); kept.warp <= eps {
		e.search(ri, k+1, kept, jIn, psum)
	}
	if len(e.stack) < e.kmax && psum+e.fail[x] <= e.best.psum {
		e.stack = append(e.stack, x)
		e.search(ri, k+1, acc, jIn, psum+e.fail[x])
		e.stack = e.stack[:len(e.stack)-1]
	}
}
