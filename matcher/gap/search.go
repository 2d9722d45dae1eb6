package gap

import (
	"math"
	"slices"
)

// search is the local search for larger problems, in the spirit of the
// tabu search with ejection chains of Yagiura, Ibaraki & Glover (2004): it
// moves through complete assignments that may overload agents, minimising
//
//	pcost = cost + sum_i alpha_i * max(0, load_i - b_i),
//
// with first-improvement descents over three neighbourhoods (shift one
// job; swap two jobs; a double shift, the length-2 ejection chain in which
// a job moves to an agent and one of that agent's jobs moves on), each
// restricted to the agents of a job with the smallest LP reduced costs,
// and longer ejection chains tried at local optima. After each descent the
// penalty weights adapt: an overloaded agent's weight grows in proportion
// to its overload, and when the solution is feasible all weights shrink,
// so the search oscillates around the boundary of the feasible region;
// the least-bad move then leaves the local optimum. When the best solution stalls
// the search restarts from a Lagrangian packing or a relinked pair of
// elite solutions. See the package documentation for references.
type search struct {
	s  *solver
	md *model
	n  int
	m  int

	a     []int32   // agent of each job
	load  []float64 // load of each agent
	bt    []float64 // capacity plus tolerance
	ov    []float64 // overload max(0, load - bt) of each agent
	nOver int       // agents with ov > 0
	alpha []float64 // penalty weight per unit of overload
	cost  float64

	on  [][]int32 // jobs of each agent
	pos []int32   // pos[j]: index of j in on[a[j]]

	k    int     // neighbours per job
	nb   []int32 // nb[j*k : j*k+nbn[j]]: candidate agents of job j
	nbn  []int32
	inNb []bool // inNb[j*m+i]: i is a candidate agent of j

	rev   [][]int32 // rev[i]: jobs that have agent i among their candidates
	level []int8    // activation level of a queued job, 0 if not queued
	queue []int32   // work queue, a window of qbuf
	qbuf  []int32

	// Insertion cache of tryChain. clock counts changes; changed[i] is the
	// clock of the last change of agent i's load or weight, floor that of
	// the last change of all of them. An entry computed at insStamp[k] with
	// job k on agent insOwn[k] is valid while neither k nor any candidate
	// agent of k changed since.
	clock        int64
	floor        int64
	changed      []int64
	insOwn       []int32
	insEpoch     []int64
	ins1, ins2   []float64
	insA1, insA2 []int32

	// Move cache: the best non-improving move of each job at its last
	// evaluation, for the escape step at a local optimum.
	cv    []float64
	ckind []int8
	cto   []int32
	ck    []int32
	ckto  []int32

	// Ejection chains.
	chain, bestChain []chainMove
	mark             []int64 // mark[j] == stamp: j moved in the current chain
	stamp            int64

	minC  []float64 // minC[j]: cheapest candidate cost of job j, bounds chain ends
	perm  []int32
	bestA []int32
	bestC float64
	found bool // bestA improved since the last offer

	mu       []float64 // LP prices
	rc       []float64 // LP reduced costs
	tmp      []int32
	lh       *lagHeur
	restarts int64
	elite    []elite

	alphaMin float64
	eps      float64
	scratch  []float64
}

// Tuning constants of the local search, set by experiment on the C, D and
// E benchmark instances (benchmarks/gap).
const (
	searchNeighbours = 10  // longest candidate list per job
	candMin          = 2   // candidate agents every job keeps
	candTarget       = 3   // average candidate agents per job
	alphaInc         = 0.2 // relative weight increase at the largest overload
	alphaDec         = 0.1 // relative weight decrease when feasible
	stallRounds      = 40  // rounds without a new best before a restart
	perturbDiv       = 50  // a perturbation shifts n/perturbDiv jobs
	restartMix       = 2   // every restartMix-th restart relinks elites
	eliteSize        = 10  // elite solutions kept for relinking
	chainMax         = 10  // longest ejection chain, in shifts
	chainSample      = 64  // an ejection pass tries n/chainSample jobs
)

// alphaCap bounds the penalty weights, relative to the typical cost per
// unit of weight: far beyond any cost difference, yet small enough that
// move evaluations keep their precision when no assignment of the
// candidates fits.
const alphaCap = 1e6

func newSearch(s *solver, rc []float64, mu []float64) *search {
	md := s.md
	n, m := md.n, md.m
	ls := &search{
		s: s, md: md, n: n, m: m,
		a:        make([]int32, n),
		load:     make([]float64, m),
		bt:       make([]float64, m),
		ov:       make([]float64, m),
		alpha:    make([]float64, m),
		on:       make([][]int32, m),
		pos:      make([]int32, n),
		perm:     make([]int32, n),
		bestA:    make([]int32, n),
		bestC:    math.Inf(1),
		scratch:  make([]float64, m),
		inNb:     make([]bool, n*m),
		minC:     make([]float64, n),
		rev:      make([][]int32, m),
		level:    make([]int8, n),
		qbuf:     make([]int32, 0, n),
		insEpoch: make([]int64, n),
		insOwn:   make([]int32, n),
		changed:  make([]int64, m),
		cv:       make([]float64, n),
		ckind:    make([]int8, n),
		cto:      make([]int32, n),
		ck:       make([]int32, n),
		ckto:     make([]int32, n),
		mark:     make([]int64, n),
		ins1:     make([]float64, n),
		ins2:     make([]float64, n),
		insA1:    make([]int32, n),
		insA2:    make([]int32, n),
	}
	for j := range ls.insEpoch {
		ls.insEpoch[j] = -1
	}
	ls.queue = ls.qbuf[:0]
	for i, b := range md.b {
		ls.bt[i] = b + capTol(b)
		ls.on[i] = make([]int32, 0, n)
	}
	for j := range n {
		ls.perm[j] = int32(j)
	}
	// Candidate lists: the k usable agents with the smallest reduced cost,
	// plus the dummy agent when a job may stay unassigned. Few candidates
	// per job make a better search than many, even on small problems where
	// every agent would be affordable.
	kt := candTarget
	ls.k = min(m, searchNeighbours)
	ls.nb = make([]int32, n*ls.k)
	ls.nbn = make([]int32, n)
	for j := range n {
		row := ls.nb[j*ls.k : j*ls.k : (j+1)*ls.k]
		for _, i := range md.cand[j] {
			v := rc[j*m+int(i)]
			if len(row) < ls.k {
				row = append(row, i)
			} else if v < rc[j*m+int(row[len(row)-1])] {
				row[len(row)-1] = i
			} else {
				continue
			}
			for t := len(row) - 1; t > 0 && rc[j*m+int(row[t])] < rc[j*m+int(row[t-1])]; t-- {
				row[t], row[t-1] = row[t-1], row[t]
			}
		}
		if md.dummy >= 0 && md.ok[j*m+md.dummy] && !contains(row, int32(md.dummy)) {
			row[len(row)-1] = int32(md.dummy)
		}
		ls.nbn[j] = int32(len(row))
	}
	// Keep the first kMin candidates of every job and, beyond them, those
	// whose reduced cost is below a threshold chosen so that jobs have
	// kTarget candidates on average: jobs with near-ties keep more.
	if kMin := min(ls.k, candMin); ls.k > kMin {
		var tail []float64
		for j := range n {
			for t := kMin; t < int(ls.nbn[j]); t++ {
				tail = append(tail, rc[j*m+int(ls.nb[j*ls.k+t])])
			}
		}
		if want := n * max(0, kt-kMin); want < len(tail) {
			slices.Sort(tail)
			tau := tail[want]
			for j := range n {
				t := min(kMin, int(ls.nbn[j]))
				for t < int(ls.nbn[j]) && rc[j*m+int(ls.nb[j*ls.k+t])] < tau {
					t++
				}
				row := ls.nb[j*ls.k : j*ls.k+t]
				if md.dummy >= 0 && md.ok[j*m+md.dummy] && !contains(row, int32(md.dummy)) {
					row[len(row)-1] = int32(md.dummy)
				}
				ls.nbn[j] = int32(t)
			}
		}
	}
	for j := range n {
		row := ls.nb[j*ls.k : j*ls.k+int(ls.nbn[j])]
		ls.minC[j] = math.Inf(1)
		for _, i := range row {
			ls.rev[i] = append(ls.rev[i], int32(j))
			ls.inNb[j*m+int(i)] = true
			ls.minC[j] = min(ls.minC[j], md.c[j*m+int(i)])
		}
	}
	// Penalty weights start at the LP prices, floored at the typical cost
	// per unit of weight.
	var sc, sw float64
	for k, ok := range md.ok {
		if ok {
			sc += math.Abs(md.c[k])
			sw += md.w[k]
		}
	}
	ls.alphaMin = 1e-3
	if sw > 0 {
		ls.alphaMin = max(1e-9, sc/sw)
	}
	ls.mu = mu
	ls.rc = rc
	for i := range m {
		ls.alpha[i] = max(mu[i], ls.alphaMin)
	}
	ls.eps = 1e-9 * max(1, sc/float64(max(1, n*m)))
	return ls
}

func contains(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// load a complete assignment into the search state.
func (ls *search) set(a []int32) {
	md := ls.md
	ls.clock++
	ls.floor = ls.clock
	copy(ls.a, a)
	clear(ls.load)
	for i := range ls.on {
		ls.on[i] = ls.on[i][:0]
	}
	ls.cost = 0
	for j, i := range a {
		k := j*ls.m + int(i)
		ls.load[i] += md.w[k]
		ls.cost += md.c[k]
		ls.pos[j] = int32(len(ls.on[i]))
		ls.on[i] = append(ls.on[i], int32(j))
	}
	ls.nOver = 0
	for i := range ls.ov {
		ls.ov[i] = max(0, ls.load[i]-ls.bt[i])
		if ls.ov[i] > 0 {
			ls.nOver++
		}
	}
}

// pen is the penalty of agent i at load l.
func (ls *search) pen(i int32, l float64) float64 {
	if o := l - ls.bt[i]; o > 0 {
		return ls.alpha[i] * o
	}
	return 0
}

// move shifts job j to agent to, with the search's bookkeeping: statistics
// and the work queue.
func (ls *search) move(j int, to int32) {
	from := ls.a[j]
	ls.shiftRaw(j, to)
	ls.s.stats.Moves++
	ls.activateAgent(from)
	ls.activateAgent(to)
}

// shiftRaw shifts job j to agent to, updating cost, loads and job lists
// only, so that ejection chains can try moves and take them back.
func (ls *search) shiftRaw(j int, to int32) {
	md := ls.md
	from := ls.a[j]
	kf, kt := j*ls.m+int(from), j*ls.m+int(to)
	ls.cost += md.c[kt] - md.c[kf]
	ls.setLoad(from, ls.load[from]-md.w[kf])
	ls.setLoad(to, ls.load[to]+md.w[kt])
	// Remove j from on[from] by swapping in the last job.
	p := ls.pos[j]
	list := ls.on[from]
	last := list[len(list)-1]
	list[p] = last
	ls.pos[last] = p
	ls.on[from] = list[:len(list)-1]
	ls.pos[j] = int32(len(ls.on[to]))
	ls.on[to] = append(ls.on[to], int32(j))
	ls.a[j] = to
}

func (ls *search) setLoad(i int32, l float64) {
	ls.clock++
	ls.changed[i] = ls.clock
	ls.load[i] = l
	o := max(0, l-ls.bt[i])
	if (o > 0) != (ls.ov[i] > 0) {
		if o > 0 {
			ls.nOver++
		} else {
			ls.nOver--
		}
	}
	ls.ov[i] = o
}

// note records the current solution if it is feasible and the best so far.
func (ls *search) note() {
	if ls.nOver == 0 && ls.cost < ls.bestC-ls.md.tol {
		ls.bestC = ls.cost
		copy(ls.bestA, ls.a)
		ls.found = true
	}
}

// shiftDelta is the change of pcost if job j moves to agent to.
func (ls *search) shiftDelta(j int, to int32) float64 {
	md := ls.md
	from := ls.a[j]
	kf, kt := j*ls.m+int(from), j*ls.m+int(to)
	lf, lt := ls.load[from], ls.load[to]
	return md.c[kt] - md.c[kf] +
		ls.pen(from, lf-md.w[kf]) - ls.pen(from, lf) +
		ls.pen(to, lt+md.w[kt]) - ls.pen(to, lt)
}

// tryShift applies the best improving shift of job j, or records the best
// non-improving one in the move cache.
func (ls *search) tryShift(j int) bool {
	from := ls.a[j]
	best, bi := math.Inf(1), int32(-1)
	for _, i := range ls.nb[j*ls.k : j*ls.k+int(ls.nbn[j])] {
		if i == from {
			continue
		}
		if d := ls.shiftDelta(j, i); d < best {
			best, bi = d, i
		}
	}
	if bi < 0 {
		return false
	}
	if best >= -ls.eps {
		ls.cache(j, best, moveShift, bi, -1, -1)
		return false
	}
	ls.move(j, bi)
	ls.note()
	return true
}

// Kinds of cached moves.
const (
	moveNone = iota
	moveShift
	moveSwap
	moveChain
)

// cache records a non-improving move of job j if it beats the one cached.
func (ls *search) cache(j int, d float64, kind int8, to int32, k int32, kto int32) {
	if d < ls.cv[j] {
		ls.cv[j], ls.ckind[j], ls.cto[j], ls.ck[j], ls.ckto[j] = d, kind, to, k, kto
	}
}

// trySwap applies the best improving swap of job j with a job of one of
// j's candidate agents that has j's agent among its own candidates.
func (ls *search) trySwap(j int) bool {
	md := ls.md
	m := ls.m
	i1 := ls.a[j]
	k1 := j*m + int(i1)
	l1 := ls.load[i1]
	p1 := ls.pen(i1, l1)
	best, bk := math.Inf(1), -1
	for _, i2 := range ls.nb[j*ls.k : j*ls.k+int(ls.nbn[j])] {
		if i2 == i1 {
			continue
		}
		k2 := j*m + int(i2)
		l2 := ls.load[i2]
		base := md.c[k2] - md.c[k1] - p1 - ls.pen(i2, l2)
		l1j := l1 - md.w[k1]
		l2j := l2 + md.w[k2]
		for _, kk := range ls.on[i2] {
			kr := int(kk) * m
			if !ls.inNb[kr+int(i1)] {
				continue
			}
			d := base + md.c[kr+int(i1)] - md.c[kr+int(i2)] +
				ls.pen(i1, l1j+md.w[kr+int(i1)]) + ls.pen(i2, l2j-md.w[kr+int(i2)])
			if d < best {
				best, bk = d, int(kk)
			}
		}
	}
	if bk < 0 {
		return false
	}
	i2 := ls.a[bk]
	if best >= -ls.eps {
		ls.cache(j, best, moveSwap, i2, int32(bk), i1)
		return false
	}
	ls.move(j, i2)
	ls.move(bk, i1)
	ls.note()
	return true
}

// tryChain applies the best improving double shift starting with job j:
// j moves to a candidate agent i2 that it overloads, and a job k of i2
// moves on to one of its candidate agents i3 (possibly j's old agent i1).
// The cost of re-inserting k elsewhere comes from a cache, so each pair
// (i2, k) costs O(1).
func (ls *search) tryChain(j int) bool {
	md := ls.md
	m := ls.m
	i1 := ls.a[j]
	k1 := j*m + int(i1)
	l1 := ls.load[i1]
	l1j := l1 - md.w[k1]
	dp1 := ls.pen(i1, l1j) - ls.pen(i1, l1)
	best, bk, bi3, bi2 := math.Inf(1), -1, int32(-1), int32(-1)
	for _, i2 := range ls.nb[j*ls.k : j*ls.k+int(ls.nbn[j])] {
		if i2 == i1 {
			continue
		}
		k2 := j*m + int(i2)
		l2 := ls.load[i2]
		l2j := l2 + md.w[k2]
		if l2j <= ls.bt[i2] {
			continue // the plain shift already covers this
		}
		p2j := ls.pen(i2, l2j)
		d1 := md.c[k2] - md.c[k1] + dp1 + p2j - ls.pen(i2, l2)
		for _, kk := range ls.on[i2] {
			kr := int(kk) * m
			d2 := d1 - md.c[kr+int(i2)] + ls.pen(i2, l2j-md.w[kr+int(i2)]) - p2j
			if d2+ls.minC[kk] >= best {
				continue
			}
			ins, to := ls.insertion(int(kk), i1)
			if ls.inNb[kr+int(i1)] {
				// Agent i1 has just lost job j: price it at its new load.
				if v := md.c[kr+int(i1)] + ls.pen(i1, l1j+md.w[kr+int(i1)]) - ls.pen(i1, l1j); v < ins {
					ins, to = v, i1
				}
			}
			if d := d2 + ins; d < best && to >= 0 {
				best, bk, bi2, bi3 = d, int(kk), i2, to
			}
		}
	}
	if bk < 0 {
		return false
	}
	if best >= -ls.eps {
		ls.cache(j, best, moveChain, bi2, int32(bk), bi3)
		return false
	}
	ls.move(j, bi2)
	ls.move(bk, bi3)
	ls.note()
	return true
}

// chainMove is one shift of an ejection chain.
type chainMove struct {
	job      int32
	from, to int32
}

// tryEjection looks for an improving ejection chain (Yagiura, Ibaraki &
// Glover 2004) starting with job j: j moves to a candidate agent it
// overloads, then repeatedly the job of the last receiving agent whose
// shift to one of its candidate agents is cheapest moves on, while the
// receiving agent is overloaded, up to chainMax shifts. Jobs move at most
// once per chain. The best prefix of the chains tried is applied if it
// improves pcost.
func (ls *search) tryEjection(j int) bool {
	m := ls.m
	i1 := ls.a[j]
	best := -ls.eps
	ls.bestChain = ls.bestChain[:0]
	for _, i2 := range ls.nb[j*ls.k : j*ls.k+int(ls.nbn[j])] {
		if i2 == i1 || ls.load[i2]+ls.md.w[j*m+int(i2)] <= ls.bt[i2] {
			continue
		}
		ls.stamp++
		ls.mark[j] = ls.stamp
		total := ls.shiftDelta(j, i2)
		ls.chain = append(ls.chain[:0], chainMove{int32(j), i1, i2})
		ls.shiftRaw(j, i2)
		cur := i2
		for len(ls.chain) < chainMax && ls.ov[cur] > 0 {
			bd, bk, bto := math.Inf(1), int32(-1), int32(-1)
			for _, k := range ls.on[cur] {
				if ls.mark[k] == ls.stamp {
					continue
				}
				for _, to := range ls.nb[int(k)*ls.k : int(k)*ls.k+int(ls.nbn[k])] {
					if to == cur {
						continue
					}
					if d := ls.shiftDelta(int(k), to); d < bd {
						bd, bk, bto = d, k, to
					}
				}
			}
			if bk < 0 {
				break
			}
			ls.mark[bk] = ls.stamp
			ls.chain = append(ls.chain, chainMove{bk, cur, bto})
			ls.shiftRaw(int(bk), bto)
			total += bd
			cur = bto
			if total < best {
				best = total
				ls.bestChain = append(ls.bestChain[:0], ls.chain...)
			}
		}
		for t := len(ls.chain) - 1; t >= 0; t-- {
			ls.shiftRaw(int(ls.chain[t].job), ls.chain[t].from)
		}
	}
	if len(ls.bestChain) == 0 {
		return false
	}
	for _, mv := range ls.bestChain {
		ls.move(int(mv.job), mv.to)
	}
	ls.note()
	return true
}

// ejectionPass tries ejection chains from the jobs in random order (a
// sample of them on large problems) and stops at the first improvement.
func (ls *search) ejectionPass(st *stopper) bool {
	ls.shuffle()
	limit := len(ls.perm)
	limit = max(1, limit/chainSample)
	for t, j := range ls.perm[:limit] {
		if t&255 == 255 && st.stop() {
			return false
		}
		if ls.tryEjection(int(j)) {
			return true
		}
	}
	return false
}

// insertion returns the cheapest cost (cost plus penalty increase, at the
// current loads) of adding job k to one of its candidate agents other than
// its own and other than except, with that agent. Values are cached until
// the next change of a load or weight.
func (ls *search) insertion(k int, except int32) (float64, int32) {
	if !ls.insValid(k) {
		md := ls.md
		b1, b2 := math.Inf(1), math.Inf(1)
		a1, a2 := int32(-1), int32(-1)
		own := ls.a[k]
		for _, i := range ls.nb[k*ls.k : k*ls.k+int(ls.nbn[k])] {
			if i == own {
				continue
			}
			kr := k*ls.m + int(i)
			l := ls.load[i]
			v := md.c[kr] + ls.pen(i, l+md.w[kr]) - ls.pen(i, l)
			switch {
			case v < b1:
				b2, a2 = b1, a1
				b1, a1 = v, i
			case v < b2:
				b2, a2 = v, i
			}
		}
		ls.clock++
		ls.insEpoch[k] = ls.clock
		ls.insOwn[k] = own
		ls.ins1[k], ls.ins2[k] = b1, b2
		ls.insA1[k], ls.insA2[k] = a1, a2
	}
	if ls.insA1[k] == except {
		return ls.ins2[k], ls.insA2[k]
	}
	return ls.ins1[k], ls.insA1[k]
}

// insValid reports whether the insertion cache entry of job k is current.
func (ls *search) insValid(k int) bool {
	t := ls.insEpoch[k]
	if t <= ls.floor || ls.insOwn[k] != ls.a[k] {
		return false
	}
	for _, i := range ls.nb[k*ls.k : k*ls.k+int(ls.nbn[k])] {
		if ls.changed[i] >= t {
			return false
		}
	}
	return true
}

// descend runs first-improvement moves until no job in the work queue has
// an improving move, returning false if it was stopped. A job leaves the
// queue when none of its moves improves pcost and re-enters it when a move
// or a weight change touches its agent (full re-evaluation: shift, swap
// and double shift) or one of its candidate agents (shift only; its swaps
// are re-evaluated from the other side). This is the don't-look-bit device
// of local search for the TSP.
func (ls *search) descend(st *stopper) bool {
	// Every move lowers pcost, so the descent ends; the step limit only
	// guards against rounding error letting moves cycle.
	limit := 1000 + 100*ls.n
	for steps := 0; len(ls.queue) > 0 && steps < limit; steps++ {
		if steps&1023 == 1023 && st.stop() {
			return false
		}
		j := int(ls.queue[0])
		ls.queue = ls.queue[1:]
		lvl := ls.level[j]
		ls.level[j] = 0
		if ls.tryShift(j) {
			continue
		}
		if lvl == levelFull && (ls.trySwap(j) || ls.tryChain(j)) {
			continue
		}
	}
	for _, j := range ls.queue {
		ls.level[j] = 0
	}
	ls.queue = ls.qbuf[:0]
	return true
}

// Activation levels of a queued job.
const (
	levelShift = 1
	levelFull  = 2
)

// activate puts job j in the work queue at level lvl (or raises its level).
func (ls *search) activate(j int32, lvl int8) {
	if ls.level[j] >= lvl {
		return
	}
	if lvl == levelFull {
		ls.cv[j] = math.Inf(1)
	}
	if ls.level[j] == 0 {
		if len(ls.queue) == cap(ls.queue) {
			// Compact: the queue's head has moved forward in its buffer.
			n := copy(ls.qbuf[:cap(ls.qbuf)], ls.queue)
			ls.queue = ls.qbuf[:n]
		}
		ls.queue = append(ls.queue, j)
	}
	ls.level[j] = lvl
}

// activateAgent queues the jobs on agent i fully and those that have i
// among their candidates for shifts.
func (ls *search) activateAgent(i int32) {
	for _, j := range ls.on[i] {
		ls.activate(j, levelFull)
	}
	for _, j := range ls.rev[i] {
		ls.activate(j, levelShift)
	}
}

// activateAll queues every job in random order.
func (ls *search) activateAll() {
	ls.shuffle()
	for _, j := range ls.perm {
		ls.activate(j, levelFull)
	}
}

func (ls *search) shuffle() {
	r := ls.s.rng
	for t := len(ls.perm) - 1; t > 0; t-- {
		u := r.IntN(t + 1)
		ls.perm[t], ls.perm[u] = ls.perm[u], ls.perm[t]
	}
}

// adapt updates the penalty weights after a descent.
func (ls *search) adapt() {
	ls.clock++
	if ls.nOver == 0 {
		ls.floor = ls.clock
		for i := range ls.alpha {
			ls.alpha[i] = max(ls.alphaMin*1e-3, ls.alpha[i]*(1-alphaDec))
		}
		ls.activateAll()
		return
	}
	var maxO float64
	for _, o := range ls.ov {
		maxO = max(maxO, o)
	}
	for i, o := range ls.ov {
		if o > 0 {
			ls.alpha[i] = min(ls.alphaMin*alphaCap, ls.alpha[i]*(1+alphaInc*o/maxO))
			ls.changed[i] = ls.clock
			ls.activateAgent(int32(i))
		}
	}
}

// escape applies the cached non-improving move of least pcost increase,
// to leave a local optimum. (A tabu list, as in Yagiura, Ibaraki & Glover
// 2004, made the search worse on the benchmark instances: the changing
// penalty weights already keep it from cycling.)
func (ls *search) escape() {
	bj, best := -1, math.Inf(1)
	for j, v := range ls.cv {
		if v < best {
			bj, best = j, v
		}
	}
	if bj < 0 {
		return
	}
	// A cached move may be stale: its jobs must still be where it assumed.
	ls.cv[bj] = math.Inf(1)
	switch ls.ckind[bj] {
	case moveSwap:
		if ls.a[ls.ck[bj]] != ls.cto[bj] || ls.a[bj] != ls.ckto[bj] {
			return
		}
	case moveChain:
		if ls.a[ls.ck[bj]] != ls.cto[bj] || ls.cto[bj] == ls.a[bj] {
			return
		}
	case moveShift:
		if ls.cto[bj] == ls.a[bj] {
			return
		}
	}
	switch ls.ckind[bj] {
	case moveShift:
		ls.move(bj, ls.cto[bj])
	case moveSwap, moveChain:
		ls.move(bj, ls.cto[bj])
		ls.move(int(ls.ck[bj]), ls.ckto[bj])
	}
	ls.note()
}

// perturb restarts from the best solution with a few random shifts.
func (ls *search) perturb() {
	if ls.s.best != nil {
		ls.set(ls.s.best)
	}
	r := ls.s.rng
	q := max(2, ls.n/perturbDiv)
	for range q {
		j := r.IntN(ls.n)
		nbs := ls.nb[j*ls.k : j*ls.k+int(ls.nbn[j])]
		to := nbs[r.IntN(len(nbs))]
		if to != ls.a[j] {
			ls.move(j, to)
		}
	}
	ls.activateAll()
}

// start loads the search's first solution: the incumbent (the best of the
// greedy runs, one of them on LP-priced costs), or without one the
// assignment of each job to its cheapest candidate at the LP prices,
// nearly as cheap as the LP bound and nearly feasible. Starting from the
// incumbent is clearly better on the larger benchmark instances.
func (ls *search) start() {
	a := make([]int32, ls.n)
	if ls.s.best != nil {
		copy(a, ls.s.best)
	} else {
		ls.priceStart(a)
	}
	ls.set(a)
	ls.bestC = ls.s.ub
	ls.activateAll()
	ls.lh = newLagHeur(ls.md, ls.rc, ls.mu)
	ls.tmp = make([]int32, ls.n)
}

// run performs rounds of descent, weight adaptation and an escape step,
// restarting after stallRounds rounds without a new best solution, until
// maxRounds rounds, giveUp rounds without a new best (0: never), a proof
// of optimality, or st says stop. It reports whether it ran out of rounds.
func (ls *search) run(maxRounds, giveUp int, st *stopper) bool {
	s := ls.s
	stall, idle := 0, 0
	defer ls.flush()
	for round := 0; round < maxRounds; round++ {
		if !ls.descend(st) {
			return false
		}
		if ls.ejectionPass(st) {
			continue
		}
		if ls.flush() {
			stall, idle = 0, 0
		}
		if s.optimal() || st.stop() {
			return false
		}
		if idle++; giveUp > 0 && idle >= giveUp {
			return false
		}
		ls.keepElite()
		ls.adapt()
		ls.escape()
		if stall++; stall >= stallRounds {
			stall = 0
			ls.restart()
		}
	}
	return true
}

// flush offers the best solution of the search to the solver, reporting
// whether it was a new incumbent.
func (ls *search) flush() bool {
	if !ls.found {
		return false
	}
	ls.found = false
	return ls.s.offer(ls.bestA, ls.bestC, ls.scratch, "search")
}

// restart leaves a stalled trajectory, alternately from a completed
// packing of the Lagrangian heuristic and from a combination of two elite
// solutions (falling back to a perturbation of the best solution).
func (ls *search) restart() {
	ls.restarts++
	ls.s.stats.Restarts++
	if ls.lh != nil && (len(ls.elite) < 2 || ls.restarts%int64(restartMix) != 0) {
		ls.lh.step(ls.s.ub, ls.tmp)
		ls.set(ls.tmp)
		ls.activateAll()
		return
	}
	if len(ls.elite) >= 2 {
		ls.relink()
		return
	}
	ls.perturb()
}

// elite is a good feasible local optimum kept for path relinking.
type elite struct {
	a    []int32
	cost float64
	hash uint64
}

// keepElite adds the current solution to the elite pool if it is feasible,
// new, and better than the worst member of a full pool.
func (ls *search) keepElite() {
	if ls.nOver != 0 {
		return
	}
	h := uint64(14695981039346656037)
	for _, i := range ls.a {
		h = (h ^ uint64(i)) * 1099511628211
	}
	worst := -1
	for t := range ls.elite {
		if ls.elite[t].hash == h && ls.elite[t].cost == ls.cost {
			return
		}
		if worst < 0 || ls.elite[t].cost > ls.elite[worst].cost {
			worst = t
		}
	}
	if len(ls.elite) < eliteSize {
		ls.elite = append(ls.elite, elite{a: append([]int32(nil), ls.a...), cost: ls.cost, hash: h})
		return
	}
	if e := &ls.elite[worst]; ls.cost < e.cost {
		copy(e.a, ls.a)
		e.cost, e.hash = ls.cost, h
	}
}

// relink restarts from a point between two elite solutions: the first
// one, with a random half of the jobs on which they differ moved to the
// second one's agents (path relinking, Yagiura, Ibaraki & Glover 2006).
func (ls *search) relink() {
	r := ls.s.rng
	x := r.IntN(len(ls.elite))
	y := r.IntN(len(ls.elite) - 1)
	if y >= x {
		y++
	}
	ax, ay := ls.elite[x].a, ls.elite[y].a
	copy(ls.tmp, ax)
	for j := range ax {
		if ax[j] != ay[j] && r.IntN(2) == 0 {
			ls.tmp[j] = ay[j]
		}
	}
	ls.set(ls.tmp)
	ls.activateAll()
}

// priceStart assigns each job to its cheapest candidate agent by cost plus
// penalty weight times weight.
func (ls *search) priceStart(a []int32) {
	md := ls.md
	for j := range ls.n {
		best, bi := math.Inf(1), int32(-1)
		for _, i := range ls.nb[j*ls.k : j*ls.k+int(ls.nbn[j])] {
			k := j*ls.m + int(i)
			if v := md.c[k] + ls.alpha[i]*md.w[k]; v < best {
				best, bi = v, i
			}
		}
		a[j] = bi
	}
}
