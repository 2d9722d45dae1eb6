package gap

import "math"

// model is the solver's internal form of a Problem: always a minimisation,
// job-major flat arrays, forbidden and oversized pairs removed, and the
// option to leave a job unassigned turned into a dummy agent with unlimited
// capacity whose cost for job j is its penalty and whose weights are zero.
type model struct {
	n, m  int // jobs; agents including the dummy
	dummy int // index of the dummy agent, or -1

	c  []float64 // c[j*m+i], minimisation cost (+Inf for unusable pairs)
	w  []float64 // w[j*m+i], weight (+Inf for unusable pairs)
	ok []bool    // ok[j*m+i]: the pair is usable
	b  []float64 // capacity; +Inf for the dummy and unlimited agents

	cand [][]int32 // cand[j]: usable agents of job j, increasing index
	jobs [][]int32 // jobs[i]: jobs agent i can take, increasing index

	sign       float64 // user value = sign * internal value
	integral   bool    // every usable cost is an integer, so bounds round up
	intWeights bool    // every usable weight on a finite agent is an integer
	tol        float64 // absolute tolerance on objective comparisons
}

// newModel builds the internal form of a valid problem.
func newModel(p *Problem) *model {
	mReal, n := p.Agents(), p.Jobs()
	md := &model{n: n, m: mReal, dummy: -1, sign: 1, integral: true, intWeights: true}
	if p.Sense == Maximize {
		md.sign = -1
	}
	if p.Penalty != nil {
		for _, u := range p.Penalty {
			if !math.IsInf(u, 1) {
				md.dummy = mReal
				md.m = mReal + 1
				break
			}
		}
	}
	m := md.m
	md.c = make([]float64, n*m)
	md.w = make([]float64, n*m)
	md.ok = make([]bool, n*m)
	md.b = make([]float64, m)
	copy(md.b, p.Capacity)
	if md.dummy >= 0 {
		md.b[md.dummy] = math.Inf(1)
	}
	md.cand = make([][]int32, n)
	md.jobs = make([][]int32, m)
	scale := 0.0
	for j := range n {
		for i := range m {
			k := j*m + i
			var c, w float64
			switch {
			case i == md.dummy:
				c, w = p.Penalty[j], 0
			default:
				c, w = md.sign*p.Cost[i][j], p.Weight[i][j]
			}
			if math.IsInf(c, 1) || math.IsInf(w, 1) || w > md.b[i]+capTol(md.b[i]) {
				md.c[k], md.w[k] = math.Inf(1), math.Inf(1)
				continue
			}
			md.c[k], md.w[k], md.ok[k] = c, w, true
			md.cand[j] = append(md.cand[j], int32(i))
			md.jobs[i] = append(md.jobs[i], int32(j))
			if c != math.Trunc(c) || math.Abs(c) > 1<<50 {
				md.integral = false
			}
			if !math.IsInf(md.b[i], 1) && w != math.Trunc(w) {
				md.intWeights = false
			}
			scale = max(scale, math.Abs(c))
		}
	}
	md.tol = 1e-9 * max(1, scale*float64(n))
	return md
}

// feasibleCandidates reports whether every job has at least one usable agent.
func (md *model) feasibleCandidates() bool {
	for _, c := range md.cand {
		if len(c) == 0 {
			return false
		}
	}
	return true
}

// roundBound tightens a lower bound: with integer costs the optimum is an
// integer, so the bound rounds up (after a small allowance for floating
// point error in the sums that produced it).
func (md *model) roundBound(lb float64) float64 {
	if md.integral && !math.IsInf(lb, 0) {
		return math.Ceil(lb - 1e-6*max(1, math.Abs(lb)*1e-9))
	}
	return lb
}

// improvable reports whether a solution better than ub may exist given the
// lower bound lb.
func (md *model) improvable(lb, ub float64) bool {
	if math.IsInf(ub, 1) {
		return !math.IsInf(lb, 1)
	}
	if md.integral {
		return md.roundBound(lb) <= ub-1+1e-9
	}
	return lb < ub-md.tol
}

// userAssign converts an internal assignment to the public form.
func (md *model) userAssign(a []int32) []int {
	out := make([]int, len(a))
	for j, i := range a {
		if int(i) == md.dummy {
			out[j] = -1
		} else {
			out[j] = int(i)
		}
	}
	return out
}

// cost returns the internal cost of a complete assignment.
func (md *model) cost(a []int32) float64 {
	var s float64
	for j, i := range a {
		s += md.c[j*md.m+int(i)]
	}
	return s
}

// feasible reports whether a complete assignment respects every capacity.
// load is scratch of length m.
func (md *model) feasible(a []int32, load []float64) bool {
	clear(load)
	for j, i := range a {
		if i < 0 || !md.ok[j*md.m+int(i)] {
			return false
		}
		load[i] += md.w[j*md.m+int(i)]
	}
	for i, l := range load {
		if l > md.b[i]+capTol(md.b[i]) {
			return false
		}
	}
	return true
}
