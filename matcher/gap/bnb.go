package gap

import "math"

// branch is a depth-first branch and bound in the manner of Ross & Soland
// (1975) and Fisher, Jaikumar & Van Wassenhove (1986), with the bound of
// the Lagrangian relaxation of the assignment constraints (one knapsack per
// agent, [assignRelax]) maximised by subgradient steps warm-started from
// the parent's multipliers. A node fixes some jobs to agents. Branching
// takes a job the relaxation leaves unassigned or assigns more than once
// and creates one child per agent that can still take it, best first.
// Every node also rounds its relaxed solution into a feasible one when it
// can. Pairs whose LP reduced cost proves them useless against the
// incumbent are excluded throughout.
type branch struct {
	s  *solver
	md *model
	r  *assignRelax
	ns nodeState
	st *stopper

	rc    []float64 // LP reduced costs at the LP bound lp, for fixing
	lp    float64
	banUB float64 // incumbent value the bans were computed for

	lam   [][]float64 // lam[d]: multipliers after the node at depth d
	kids  [][]int32   // kids[d]: children order at depth d
	keys  [][]float64
	buf   []float64
	heur  []int32 // heuristic assignment scratch
	hres  []float64
	load  []float64
	abort bool
}

// Branch-and-bound tuning.
const (
	// exactNodeBudget caps the tree when Options.TimeLimit is zero, so
	// that the zero Options cannot run for hours on a hard small problem.
	exactNodeBudget = 200_000

	rootIterations  = 400
	childIterations = 40
)

func newBranch(s *solver, cr *capRelax, rc []float64) *branch {
	md := s.md
	n := md.n
	bb := &branch{
		s: s, md: md,
		r:     newAssignRelax(md),
		lam:   make([][]float64, n+1),
		kids:  make([][]int32, n+1),
		keys:  make([][]float64, n+1),
		buf:   make([]float64, n),
		heur:  make([]int32, n),
		hres:  make([]float64, md.m),
		load:  make([]float64, md.m),
		rc:    rc,
		lp:    cr.best,
		banUB: math.Inf(1),
	}
	bb.ns = nodeState{
		fixed: make([]int32, n),
		resid: make([]float64, md.m),
		free:  n,
		ban:   make([]bool, n*md.m),
	}
	for j := range bb.ns.fixed {
		bb.ns.fixed[j] = -1
	}
	copy(bb.ns.resid, md.b)
	// Start from the LP duals v_j = min_i (c_ij + mu_i w_ij): then L2 >= LP.
	for j := range n {
		v := math.Inf(1)
		for _, i := range md.cand[j] {
			k := j*md.m + int(i)
			v = min(v, md.c[k]+cr.bestMu[i]*md.w[k])
		}
		bb.r.lambda[j] = v
	}
	return bb
}

// run explores the tree. When it completes, the incumbent is optimal (or
// the problem infeasible).
func (bb *branch) run(st *stopper) {
	s := bb.s
	bb.st = st
	bb.node(0)
	s.stats.LagrangianIterations += bb.r.iters
	if !bb.abort {
		s.proved = true
		if s.best == nil {
			s.infeasible = true
		}
	}
}

// node evaluates the current node at depth d and recurses into its
// children.
func (bb *branch) node(d int) {
	s, md, ns := bb.s, bb.md, &bb.ns
	m := md.m
	s.stats.Nodes++
	if bb.st.stop() || (s.opts.TimeLimit == 0 && s.stats.Nodes > exactNodeBudget) {
		bb.abort = true
		return
	}
	if bb.lam[d] == nil {
		bb.lam[d] = make([]float64, md.n)
		bb.kids[d] = make([]int32, 0, m)
		bb.keys[d] = make([]float64, m)
	}
	if d > 0 {
		copy(bb.r.lambda, bb.lam[d-1])
	}
	if s.ub < bb.banUB {
		bb.fix()
	}
	iters, theta := childIterations, 0.5
	if d == 0 {
		iters, theta = rootIterations, 2
	}
	L, solved := bb.r.ascend(ns, iters, theta, s.ub, bb.buf, bb.st)
	copy(bb.lam[d], bb.r.lambda)
	if d == 0 && !math.IsInf(L, 0) {
		s.raise(L, "branch")
	}
	if math.IsInf(L, 1) || !md.improvable(L, s.ub) {
		return
	}
	// Round the relaxed solution into a feasible one; when the relaxation's
	// own solution is feasible (solved) and the knapsacks were exact, its
	// cost equals L and this prunes the node.
	bb.round()
	if !md.improvable(L, s.ub) {
		return
	}
	_ = solved
	if bb.st.stop() {
		bb.abort = true
		return
	}
	j := bb.pick()
	if j < 0 {
		return
	}
	// Children: agents that can still take j, by increasing reduced cost
	// c_ij - lambda_j, agents whose knapsack took j first.
	kids := bb.kids[d][:0]
	keys := bb.keys[d]
	for _, i := range md.cand[j] {
		k := j*m + int(i)
		if md.w[k] > ns.resid[i]+capTol(md.b[i]) || ns.ban[k] {
			continue
		}
		key := md.c[k] - bb.r.lambda[j]
		if !bb.r.taken[k] {
			key += 1e12
		}
		keys[i] = key
		kids = append(kids, i)
		for t := len(kids) - 1; t > 0 && keys[kids[t]] < keys[kids[t-1]]; t-- {
			kids[t], kids[t-1] = kids[t-1], kids[t]
		}
	}
	bb.kids[d] = kids
	for _, i := range kids {
		k := j*m + int(i)
		ns.fixed[j] = i
		ns.resid[i] -= md.w[k]
		ns.fixedCost += md.c[k]
		ns.free--
		bb.node(d + 1)
		ns.fixed[j] = -1
		ns.resid[i] += md.w[k]
		ns.fixedCost -= md.c[k]
		ns.free++
		if bb.abort {
			return
		}
		// A better incumbent found below may prune the remaining siblings:
		// recheck with the parent's bound.
		if !md.improvable(L, s.ub) {
			return
		}
	}
}

// fix bans the pairs that no assignment better than the incumbent can
// use: forcing job j onto agent i raises the LP bound by at least the
// reduced cost, so L1 + rc_ij >= ub rules the pair out (reduced-cost
// variable fixing, as in Posta, Ferland & Michelon 2012, here with the LP
// bound).
func (bb *branch) fix() {
	md, s := bb.md, bb.s
	bb.banUB = s.ub
	for j := range md.n {
		for _, i := range md.cand[j] {
			k := j*md.m + int(i)
			if !md.improvable(bb.lp+bb.rc[k], s.ub) {
				bb.ns.ban[k] = true
			}
		}
	}
}

// pick chooses the branching job: among free jobs the relaxation does not
// assign exactly once, the one whose cheapest agent beats its second
// cheapest (by Lagrangian reduced cost, among agents that can still take
// it) by the most; -1 if every free job is assigned exactly once.
func (bb *branch) pick() int {
	md, ns := bb.md, &bb.ns
	m := md.m
	bj, best := -1, math.Inf(-1)
	for j, f := range ns.fixed {
		if f >= 0 || bb.r.count[j] == 1 {
			continue
		}
		r1, r2 := math.Inf(1), math.Inf(1)
		for _, i := range md.cand[j] {
			k := j*m + int(i)
			if md.w[k] > ns.resid[i]+capTol(md.b[i]) || ns.ban[k] {
				continue
			}
			v := md.c[k]
			switch {
			case v < r1:
				r1, r2 = v, r1
			case v < r2:
				r2 = v
			}
		}
		score := r2 - r1
		if math.IsInf(r1, 1) {
			score = math.Inf(1) // no agent left: the child loop proves it
		}
		if score > best {
			bj, best = j, score
		}
	}
	if bj < 0 {
		// Every free job is taken exactly once but the knapsacks were not
		// solved exactly: branch on any free job.
		for j, f := range ns.fixed {
			if f < 0 {
				return j
			}
		}
	}
	return bj
}

// round turns the relaxed solution at the current node into a complete
// assignment if it can: fixed jobs keep their agents, jobs taken once keep
// that agent, jobs taken several times keep the cheapest, and the rest go,
// in index order, to the cheapest agent with room. It offers the result to
// the solver and reports whether it was feasible.
func (bb *branch) round() bool {
	md, ns, r := bb.md, &bb.ns, bb.r
	m := md.m
	copy(bb.hres, md.b)
	for j, f := range ns.fixed {
		bb.heur[j] = f
		if f >= 0 {
			bb.hres[f] -= md.w[j*m+int(f)]
		}
	}
	for j, f := range ns.fixed {
		if f >= 0 || r.count[j] == 0 {
			continue
		}
		best, bi := math.Inf(1), int32(-1)
		for _, i := range md.cand[j] {
			k := j*m + int(i)
			if r.taken[k] && md.c[k] < best && md.w[k] <= bb.hres[i]+capTol(md.b[i]) {
				best, bi = md.c[k], i
			}
		}
		if bi >= 0 {
			bb.heur[j] = bi
			bb.hres[bi] -= md.w[j*m+int(bi)]
		}
	}
	cost := 0.0
	for j := range bb.heur {
		if bb.heur[j] >= 0 {
			cost += md.c[j*m+int(bb.heur[j])]
			continue
		}
		best, bi := math.Inf(1), int32(-1)
		for _, i := range md.cand[j] {
			k := j*m + int(i)
			if md.w[k] <= bb.hres[i]+capTol(md.b[i]) && md.c[k] < best {
				best, bi = md.c[k], i
			}
		}
		if bi < 0 {
			return false
		}
		bb.heur[j] = bi
		bb.hres[bi] -= md.w[j*m+int(bi)]
		cost += best
	}
	bb.s.offer(bb.heur, cost, bb.load, "branch")
	return true
}
