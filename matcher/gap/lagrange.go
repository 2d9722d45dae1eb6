package gap

import "math"

// capRelax is the Lagrangian relaxation of the capacity constraints (Ross &
// Soland 1975): with multipliers mu >= 0,
//
//	L1(mu) = sum_j min_i (c_ij + mu_i w_ij) - sum_i mu_i b_i,
//
// which decomposes by job and has the integrality property, so its maximum
// is the LP bound. It is cheap (O(nm) per evaluation); its multipliers price
// capacity for the constructive heuristic and the local search, and its
// reduced costs rank each job's candidate agents.
type capRelax struct {
	md     *model
	mu     []float64 // current multipliers
	bestMu []float64 // multipliers of the best bound
	best   float64   // best bound found (internal, unrounded)
	pick   []int32   // pick[j]: argmin agent of job j at the last evaluation
	load   []float64
	g      []float64
	iters  int
}

func newCapRelax(md *model) *capRelax {
	return &capRelax{
		md:     md,
		mu:     make([]float64, md.m),
		bestMu: make([]float64, md.m),
		best:   math.Inf(-1),
		pick:   make([]int32, md.n),
		load:   make([]float64, md.m),
		g:      make([]float64, md.m),
	}
}

// eval computes L1(mu) and the relaxed solution in pick and load.
func (r *capRelax) eval(mu []float64) float64 {
	md := r.md
	m := md.m
	clear(r.load)
	var L float64
	for j := range md.n {
		row := j * m
		best, bi := math.Inf(1), int32(-1)
		for _, i := range md.cand[j] {
			if v := md.c[row+int(i)] + mu[i]*md.w[row+int(i)]; v < best {
				best, bi = v, i
			}
		}
		r.pick[j] = bi
		r.load[bi] += md.w[row+int(bi)]
		L += best
	}
	for i, b := range md.b {
		if !math.IsInf(b, 1) {
			L -= mu[i] * b
		}
	}
	return L
}

// ascend runs projected subgradient optimisation with Polyak steps towards
// target ub (the best known value, or +Inf) for at most maxIter
// iterations, keeping the best multipliers. It returns early when the
// bound proves ub optimal or when st says stop.
func (r *capRelax) ascend(maxIter int, ub float64, st *stopper) {
	md := r.md
	theta, stall := 2.0, 0
	for it := range maxIter {
		// A few iterations always run: without multipliers nothing later
		// works well, and a phase deadline may already have passed on a
		// loaded machine.
		if it >= 20 && st.stop() {
			return
		}
		L := r.eval(r.mu)
		r.iters++
		if L > r.best+1e-12*max(1, math.Abs(L)) {
			r.best = L
			copy(r.bestMu, r.mu)
			stall = 0
		} else if stall++; stall >= 15 {
			theta /= 2
			stall = 0
			if theta < 1e-5 {
				return
			}
		}
		if !md.improvable(r.best, ub) {
			return
		}
		var norm float64
		for i, b := range md.b {
			r.g[i] = 0
			if math.IsInf(b, 1) {
				continue
			}
			g := r.load[i] - b
			if g < 0 && r.mu[i] <= 0 {
				continue
			}
			r.g[i] = g
			norm += g * g
		}
		if norm == 0 {
			// The relaxed solution is feasible and complementary: L is optimal.
			return
		}
		target := ub
		if math.IsInf(ub, 1) || ub <= r.best {
			target = r.best + 0.05*math.Abs(r.best) + 1
		}
		t := theta * (target - L) / norm
		for i := range r.mu {
			r.mu[i] = max(0, r.mu[i]+t*r.g[i])
		}
	}
}

// reducedCosts writes rc[j*m+i] = c_ij + mu_i w_ij - min_k (c_kj + mu_k w_kj)
// for usable pairs (+Inf otherwise) using the best multipliers.
func (r *capRelax) reducedCosts(rc []float64) {
	md := r.md
	m := md.m
	for j := range md.n {
		row := j * m
		best := math.Inf(1)
		for i := range m {
			rc[row+i] = math.Inf(1)
		}
		for _, i := range md.cand[j] {
			v := md.c[row+int(i)] + r.bestMu[i]*md.w[row+int(i)]
			rc[row+int(i)] = v
			best = min(best, v)
		}
		for _, i := range md.cand[j] {
			rc[row+int(i)] -= best
		}
	}
}

// assignRelax is the Lagrangian relaxation of the assignment constraints
// (Ross & Soland 1975; Fisher, Jaikumar & Van Wassenhove 1986): with free
// multipliers lambda,
//
//	L2(lambda) = sum_j lambda_j + sum_i min { sum_j (c_ij - lambda_j) x_ij :
//	             sum_j w_ij x_ij <= b_i, x binary },
//
// one 0-1 knapsack per agent. It lacks the integrality property, so its
// maximum is at least the LP bound, usually strictly. It evaluates a
// branch-and-bound node: jobs fixed to agents are removed and their weights
// taken from the agents' residual capacities.
type assignRelax struct {
	md     *model
	ks     knapsack
	lambda []float64
	count  []int32 // count[j]: agents whose knapsack took job j (free jobs)
	taken  []bool  // taken[j*m+i]: agent i's knapsack took job j
	g      []float64
	iters  int64

	ip, iw []float64 // knapsack item buffers
	ij     []int32
	ix     []bool
}

func newAssignRelax(md *model) *assignRelax {
	return &assignRelax{
		md:     md,
		lambda: make([]float64, md.n),
		count:  make([]int32, md.n),
		taken:  make([]bool, md.n*md.m),
		g:      make([]float64, md.n),
	}
}

// nodeState is the part of a branch-and-bound node the relaxation reads.
type nodeState struct {
	fixed     []int32   // fixed[j]: agent of job j, or -1 if free
	resid     []float64 // capacity left after the fixed jobs
	fixedCost float64
	free      int    // number of free jobs
	ban       []bool // ban[j*m+i]: pair excluded by reduced-cost fixing; nil for none
}

// eval computes L2(lambda) at node s. It returns +Inf when some agent's
// residual capacity is negative (the node is infeasible).
func (r *assignRelax) eval(s *nodeState) float64 {
	md := r.md
	m := md.m
	L := s.fixedCost
	for j, f := range s.fixed {
		r.count[j] = 0
		if f < 0 {
			L += r.lambda[j]
		}
	}
	clear(r.taken)
	for i := range m {
		C := s.resid[i]
		if C < -capTol(md.b[i]) {
			return math.Inf(1)
		}
		r.ip, r.iw, r.ij = r.ip[:0], r.iw[:0], r.ij[:0]
		var sumW float64
		for _, j := range md.jobs[i] {
			if s.fixed[j] >= 0 {
				continue
			}
			k := int(j)*m + i
			rc := md.c[k] - r.lambda[j]
			if rc >= 0 || md.w[k] > C+capTol(md.b[i]) || (s.ban != nil && s.ban[k]) {
				continue
			}
			r.ip = append(r.ip, -rc)
			r.iw = append(r.iw, md.w[k])
			r.ij = append(r.ij, j)
			sumW += md.w[k]
		}
		if len(r.ij) == 0 {
			continue
		}
		r.ix = growB(r.ix, len(r.ij))
		var ub float64
		if sumW <= C+capTol(md.b[i]) {
			for t := range r.ix {
				r.ix[t] = true
				ub += r.ip[t]
			}
		} else {
			ub, _, _ = r.ks.solve(r.ip, r.iw, max(C, 0), md.intWeights, r.ix)
		}
		L -= ub
		for t, j := range r.ij {
			if r.ix[t] {
				r.count[j]++
				r.taken[int(j)*m+i] = true
			}
		}
	}
	return L
}

// ascend runs subgradient optimisation of L2 at node s from the current
// lambda for at most maxIter iterations with initial step factor theta,
// leaving the best multipliers in lambda and their relaxed solution in
// count and taken. It returns the best bound, and stops early once the
// bound reaches ub (the node can be pruned), when the relaxed solution is
// feasible for the node (the bound is then its exact value), or when st
// says stop. best is scratch of length n.
func (r *assignRelax) ascend(s *nodeState, maxIter int, theta, ub float64, best []float64, st *stopper) (L float64, solved bool) {
	md := r.md
	bestL := math.Inf(-1)
	stall := 0
	lastBest := true
	for it := 0; it < maxIter; it++ {
		if it > 0 && st.stop() {
			break
		}
		Lk := r.eval(s)
		r.iters++
		if math.IsInf(Lk, 1) {
			return Lk, false
		}
		lastBest = false
		if Lk > bestL+1e-12*max(1, math.Abs(Lk)) {
			bestL = Lk
			copy(best, r.lambda)
			lastBest = true
			stall = 0
		} else if stall++; stall >= 5 {
			theta /= 2
			stall = 0
			if theta < 1e-4 {
				break
			}
		}
		if !md.improvable(bestL, ub) {
			break
		}
		var norm float64
		for j, f := range s.fixed {
			r.g[j] = 0
			if f < 0 {
				g := 1 - float64(r.count[j])
				r.g[j] = g
				norm += g * g
			}
		}
		if norm == 0 {
			// Every free job is taken exactly once: the relaxed solution is
			// feasible and its cost equals Lk.
			if lastBest {
				return bestL, true
			}
			break
		}
		target := ub
		if math.IsInf(ub, 1) || ub <= bestL {
			target = bestL + 0.02*math.Abs(bestL) + 1
		}
		t := theta * (target - Lk) / norm
		for j, g := range r.g {
			r.lambda[j] += t * g
		}
	}
	if !lastBest && !math.IsInf(bestL, -1) {
		copy(r.lambda, best)
		r.eval(s)
		r.iters++
	}
	solved = true
	for j, f := range s.fixed {
		if f < 0 && r.count[j] != 1 {
			solved = false
			break
		}
	}
	return bestL, solved
}
