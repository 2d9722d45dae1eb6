package gap

import (
	"cmp"
	"math"
	"slices"
)

// lagHeur is a Lagrangian heuristic on the relaxation of the assignment
// constraints (Fisher, Jaikumar & Van Wassenhove 1986; Haddadi & Ouzia
// 2004): each subgradient step solves one knapsack per agent, whose
// solution packs the agent's capacity with the jobs most profitable at the
// current multipliers. Conflicts (a job packed by several agents, or by
// none) are few near the dual optimum, so the packings, made complete, are
// excellent starting points for the local search, and successive steps
// give diverse ones. To keep each step cheap, agent i's knapsack only
// offers the jobs that have i among their local search candidates (small
// LP reduced cost), so the value is a heuristic guide, not a bound.
type lagHeur struct {
	md       *model
	ks       knapsack
	jobs     [][]int32 // restricted item lists per agent
	lambda   []float64
	count    []int32
	pick     []int32 // an agent that packed job j (cheapest), or -1
	fallback []int32 // agent of job j when no knapsack packs it
	g        []float64
	theta    float64
	best     float64
	stall    int
	iters    int64

	resid []float64
	order []int32

	ip, iw []float64
	ij     []int32
	ix     []bool
}

// lagHeurCells bounds the DP cells of one step (sum over agents of items
// times capacity); candidate lists are shortened until it holds.
const lagHeurCells = 4 << 20

// A job is offered to between lagHeurMinDepth and lagHeurMaxDepth agents:
// as for the local search, few and good beat many.
const (
	lagHeurMinDepth = 2
	lagHeurMaxDepth = 3
)

func newLagHeur(md *model, rc, mu []float64) *lagHeur {
	n, m := md.n, md.m
	h := &lagHeur{
		md:       md,
		jobs:     make([][]int32, m),
		lambda:   make([]float64, n),
		count:    make([]int32, n),
		pick:     make([]int32, n),
		fallback: make([]int32, n),
		g:        make([]float64, n),
		theta:    1,
		best:     math.Inf(-1),
		resid:    make([]float64, m),
	}
	// Each job is offered to its agents by increasing LP reduced cost, as
	// many as the DP budget allows.
	order := make([]int32, 0, m)
	sorted := make([][]int32, n)
	for j := range n {
		order = append(order[:0], md.cand[j]...)
		slices.SortStableFunc(order, func(a, b int32) int {
			return cmp.Compare(rc[j*m+int(a)], rc[j*m+int(b)])
		})
		sorted[j] = append([]int32(nil), order...)
	}
	depth := min(m, lagHeurMaxDepth)
	for ; depth > 1; depth-- {
		cells := 0.0
		for j := range n {
			for _, i := range sorted[j][:min(depth, len(sorted[j]))] {
				if b := md.b[i]; !math.IsInf(b, 1) {
					cells += b
				}
			}
		}
		if cells <= lagHeurCells || !md.intWeights {
			break
		}
	}
	depth = max(depth, lagHeurMinDepth)
	for j := range n {
		nbs := sorted[j]
		for _, i := range nbs[:min(depth, len(nbs))] {
			h.jobs[i] = append(h.jobs[i], int32(j))
		}
		h.fallback[j] = nbs[0]
		// Start from the LP duals v_j = min_i (c_ij + mu_i w_ij).
		v := math.Inf(1)
		for _, i := range md.cand[j] {
			k := j*m + int(i)
			v = min(v, md.c[k]+mu[i]*md.w[k])
		}
		h.lambda[j] = v
	}
	return h
}

// step runs one subgradient iteration towards target ub and writes the
// completed packing to a.
func (h *lagHeur) step(ub float64, a []int32) {
	md := h.md
	m := md.m
	h.iters++
	L := 0.0
	for j := range h.count {
		h.count[j] = 0
		h.pick[j] = -1
		L += h.lambda[j]
	}
	for i := range m {
		h.ip, h.iw, h.ij = h.ip[:0], h.iw[:0], h.ij[:0]
		for _, j := range h.jobs[i] {
			k := int(j)*m + i
			if rc := md.c[k] - h.lambda[j]; rc < 0 {
				h.ip = append(h.ip, -rc)
				h.iw = append(h.iw, md.w[k])
				h.ij = append(h.ij, j)
			}
		}
		if len(h.ij) == 0 {
			continue
		}
		h.ix = growB(h.ix, len(h.ij))
		var val float64
		if math.IsInf(md.b[i], 1) {
			for t := range h.ix {
				h.ix[t] = true
				val += h.ip[t]
			}
		} else {
			_, val, _ = h.ks.solve(h.ip, h.iw, md.b[i], md.intWeights, h.ix)
		}
		L -= val
		for t, j := range h.ij {
			if !h.ix[t] {
				continue
			}
			h.count[j]++
			if p := h.pick[j]; p < 0 || md.c[int(j)*m+i] < md.c[int(j)*m+int(p)] {
				h.pick[j] = int32(i)
			}
		}
	}
	if L > h.best+1e-9*max(1, math.Abs(L)) {
		h.best = L
		h.stall = 0
	} else if h.stall++; h.stall >= 10 {
		h.theta = max(h.theta/2, 0.02)
		h.stall = 0
	}
	var norm float64
	for j, c := range h.count {
		g := 1 - float64(c)
		h.g[j] = g
		norm += g * g
	}
	h.complete(a)
	if norm == 0 {
		return
	}
	target := ub
	if math.IsInf(ub, 1) || ub <= L {
		target = L + 0.01*math.Abs(L) + 1
	}
	t := h.theta * (target - L) / norm
	for j, g := range h.g {
		h.lambda[j] += t * g
	}
}

// complete turns the packings into a complete assignment: a job packed
// once stays, a job packed several times stays with its cheapest agent
// (pick), and the unpacked jobs, heaviest first, go to the cheapest
// usable agent with room left, or else to the one they overload least.
func (h *lagHeur) complete(a []int32) {
	md := h.md
	m := md.m
	copy(h.resid, md.b)
	h.order = h.order[:0]
	for j, p := range h.pick {
		a[j] = p
		if p >= 0 {
			h.resid[p] -= md.w[j*m+int(p)]
		} else {
			h.order = append(h.order, int32(j))
		}
	}
	// Heaviest (by lightest usable weight) first: they are hardest to fit.
	key := func(j int32) float64 {
		w := math.Inf(1)
		for _, i := range md.cand[j] {
			w = min(w, md.w[int(j)*m+int(i)])
		}
		return w
	}
	for t := 1; t < len(h.order); t++ {
		for u := t; u > 0 && key(h.order[u]) > key(h.order[u-1]); u-- {
			h.order[u], h.order[u-1] = h.order[u-1], h.order[u]
		}
	}
	for _, j := range h.order {
		best, bi := math.Inf(1), int32(-1)
		leastOver, li := math.Inf(1), h.fallback[j]
		for _, i := range md.cand[j] {
			k := int(j)*m + int(i)
			if md.w[k] <= h.resid[i]+capTol(md.b[i]) {
				if md.c[k] < best {
					best, bi = md.c[k], i
				}
			} else if o := md.w[k] - h.resid[i]; o < leastOver {
				leastOver, li = o, i
			}
		}
		if bi < 0 {
			bi = li
		}
		a[j] = bi
		h.resid[bi] -= md.w[int(j)*m+int(bi)]
	}
}
