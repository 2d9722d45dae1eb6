package gap

import "math"

// greedy is the regret heuristic of Martello & Toth (1981, "MTHG"): with a
// desirability f_ij (smaller is better), repeatedly take the unassigned job
// whose best feasible agent beats its second best by the largest margin
// (a job with a single feasible agent has infinite regret) and give it to
// its best agent. The dummy agent (leave unassigned) is used only for jobs
// no real agent can still take. Jobs that fit nowhere go to the agent they
// overload least, so the result is complete but possibly infeasible; the
// local search repairs it.
type greedy struct {
	md    *model
	resid []float64
	done  []bool
	b1    []int32 // best feasible agent per job (-1: none)
	b2    []int32 // second best (-1: none)
	f     []float64
}

func newGreedy(md *model) *greedy {
	return &greedy{
		md:    md,
		resid: make([]float64, md.m),
		done:  make([]bool, md.n),
		b1:    make([]int32, md.n),
		b2:    make([]int32, md.n),
	}
}

// run builds an assignment into a for desirability f (f[j*m+i]). If st
// says stop, the remaining jobs go straight to their best agents.
func (g *greedy) run(f []float64, a []int32, st *stopper) {
	md := g.md
	m := md.m
	g.f = f
	copy(g.resid, md.b)
	for i, b := range md.b {
		g.resid[i] = b + capTol(b)
	}
	clear(g.done)
	for j := range md.n {
		g.rank(j)
	}
	for step := range md.n {
		if step&63 == 63 && st.stop() {
			g.finish(a)
			return
		}
		bj, bestRegret := -1, math.Inf(-1)
		for j := range md.n {
			if g.done[j] {
				continue
			}
			var regret float64
			switch {
			case g.b1[j] < 0:
				regret = math.Inf(1) // fits nowhere: settle it now
			case g.b2[j] < 0:
				regret = math.MaxFloat64
			default:
				regret = f[j*m+int(g.b2[j])] - f[j*m+int(g.b1[j])]
			}
			if regret > bestRegret {
				bj, bestRegret = j, regret
			}
		}
		j := bj
		i := g.b1[j]
		if i < 0 {
			i = g.fallback(j)
		}
		a[j] = i
		g.done[j] = true
		g.resid[i] -= md.w[j*m+int(i)]
		// Jobs whose best or second best agent was i may no longer fit it.
		for k := range md.n {
			if !g.done[k] && (g.b1[k] == i || g.b2[k] == i) && md.w[k*m+int(i)] > g.resid[i] {
				g.rank(k)
			}
		}
	}
}

// finish assigns every job not yet done to its best agent (or the one it
// overloads least), in index order.
func (g *greedy) finish(a []int32) {
	md := g.md
	for j := range md.n {
		if g.done[j] {
			continue
		}
		g.rank(j)
		i := g.b1[j]
		if i < 0 {
			i = g.fallback(j)
		}
		a[j] = i
		g.done[j] = true
		g.resid[i] -= md.w[j*md.m+int(i)]
	}
}

// rank finds the best and second best real agents that can still take j,
// falling back to the dummy agent when no real agent can.
func (g *greedy) rank(j int) {
	md := g.md
	m := md.m
	b1, b2 := int32(-1), int32(-1)
	f1, f2 := math.Inf(1), math.Inf(1)
	for _, i := range md.cand[j] {
		if int(i) == md.dummy || md.w[j*m+int(i)] > g.resid[i] {
			continue
		}
		v := g.f[j*m+int(i)]
		switch {
		case v < f1:
			b2, f2 = b1, f1
			b1, f1 = i, v
		case v < f2:
			b2, f2 = i, v
		}
	}
	if b1 < 0 && md.dummy >= 0 && md.ok[j*m+md.dummy] {
		b1 = int32(md.dummy)
	}
	g.b1[j], g.b2[j] = b1, b2
}

// fallback picks the usable agent job j overloads least.
func (g *greedy) fallback(j int) int32 {
	md := g.md
	best, bi := math.Inf(1), md.cand[j][0]
	for _, i := range md.cand[j] {
		if v := md.w[j*md.m+int(i)] - g.resid[i]; v < best {
			best, bi = v, i
		}
	}
	return bi
}
