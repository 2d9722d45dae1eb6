package gap

import (
	"math"
	"sort"
)

// knapsack solves the 0-1 knapsack problems of the Lagrangian relaxation of
// the assignment constraints: maximise sum p[k] x[k] subject to
// sum w[k] x[k] <= C. With integer weights and a small enough table it runs
// the O(items * C) dynamic program; otherwise a depth-first branch and bound
// with the Dantzig (LP) bound (Martello & Toth 1990, ch. 2), cut off after
// a node limit, in which case the LP bound stands in for the optimum. Its
// buffers are reused, so solving allocates only when a problem is larger
// than every earlier one.
type knapsack struct {
	sp, sw []float64 // items of the current problem, by decreasing ratio
	idx    []int32   // idx[s]: the caller's index of sorted item s
	cur    []bool
	bestX  []bool
	dp     []float64
	keep   []uint64
	ratio  []float64

	best  float64
	nodes int
	limit int
}

// Tuning constants of the knapsack solver.
const (
	knapDPCells    = 1 << 21 // largest DP table (items * capacity)
	knapNodeLimit  = 1 << 14 // branch-and-bound nodes before falling back to the LP bound
	knapProfitSlop = 1e-12
)

// Len, Less and Swap sort the items by decreasing profit/weight ratio.
func (ks *knapsack) Len() int           { return len(ks.idx) }
func (ks *knapsack) Less(a, b int) bool { return ks.ratio[a] > ks.ratio[b] }
func (ks *knapsack) Swap(a, b int) {
	ks.idx[a], ks.idx[b] = ks.idx[b], ks.idx[a]
	ks.ratio[a], ks.ratio[b] = ks.ratio[b], ks.ratio[a]
}

// solve maximises sum p[k] x[k] subject to sum w[k] x[k] <= C for profits
// p[k] > 0 and weights 0 <= w[k] <= C, writing a feasible selection to x.
// It returns an upper bound on the optimum that equals the optimum when
// exact is true; the value of the selection in x is val.
func (ks *knapsack) solve(p, w []float64, C float64, intW bool, x []bool) (ub, val float64, exact bool) {
	k := len(p)
	ks.idx = ks.idx[:0]
	ks.ratio = ks.ratio[:0]
	var base, sumW float64
	for t := range k {
		if w[t] <= 0 {
			x[t] = true
			base += p[t]
			continue
		}
		x[t] = false
		ks.idx = append(ks.idx, int32(t))
		ks.ratio = append(ks.ratio, p[t]/w[t])
		sumW += w[t]
	}
	if sumW <= C {
		var v float64
		for _, t := range ks.idx {
			x[t] = true
			v += p[t]
		}
		return base + v, base + v, true
	}
	sort.Sort(ks)
	kk := len(ks.idx)
	ks.sp = grow(ks.sp, kk)
	ks.sw = grow(ks.sw, kk)
	for s, t := range ks.idx {
		ks.sp[s], ks.sw[s] = p[t], w[t]
	}
	if intW {
		capInt := int(math.Floor(C + 1e-9))
		capInt = min(capInt, int(sumW))
		if kk*(capInt+1) <= knapDPCells {
			v := ks.dp01(kk, capInt, x)
			return base + v, base + v, true
		}
	}
	v, ubSorted, ok := ks.branch(kk, C, x)
	return base + ubSorted, base + v, ok
}

// dp01 runs the dynamic program on the sorted items and marks the chosen
// ones in x (caller's indices).
func (ks *knapsack) dp01(k, C int, x []bool) float64 {
	ks.dp = grow(ks.dp, C+1)
	clear(ks.dp)
	words := (C + 64) / 64
	ks.keep = growU(ks.keep, k*words)
	clear(ks.keep)
	for s := range k {
		wt := int(ks.sw[s])
		ps := ks.sp[s]
		row := ks.keep[s*words : (s+1)*words]
		for c := C; c >= wt; c-- {
			if v := ks.dp[c-wt] + ps; v > ks.dp[c]+knapProfitSlop {
				ks.dp[c] = v
				row[c>>6] |= 1 << (c & 63)
			}
		}
	}
	c := C
	for s := k - 1; s >= 0; s-- {
		if ks.keep[s*words+c>>6]&(1<<(c&63)) != 0 {
			x[ks.idx[s]] = true
			c -= int(ks.sw[s])
		}
	}
	return ks.dp[C]
}

// branch runs the depth-first branch and bound on the sorted items. It
// returns the best selection's value, an upper bound, and whether the
// search completed (then the two are equal).
func (ks *knapsack) branch(k int, C float64, x []bool) (val, ub float64, exact bool) {
	ks.cur = growB(ks.cur, k)
	ks.bestX = growB(ks.bestX, k)
	clear(ks.cur)
	clear(ks.bestX)
	ks.best = 0
	ks.nodes = 0
	ks.limit = knapNodeLimit
	root := ks.dantzig(0, C)
	ks.dfs(0, C, 0)
	for s := range k {
		if ks.bestX[s] {
			x[ks.idx[s]] = true
		}
	}
	if ks.nodes <= ks.limit {
		return ks.best, ks.best, true
	}
	return ks.best, max(root, ks.best), false
}

// dantzig is the LP bound of the sorted items from s on with capacity c.
func (ks *knapsack) dantzig(s int, c float64) float64 {
	var ub float64
	for ; s < len(ks.idx); s++ {
		if ks.sw[s] <= c {
			c -= ks.sw[s]
			ub += ks.sp[s]
			continue
		}
		return ub + ks.sp[s]*c/ks.sw[s]
	}
	return ub
}

func (ks *knapsack) dfs(s int, c, v float64) {
	ks.nodes++
	if v > ks.best+knapProfitSlop {
		ks.best = v
		copy(ks.bestX, ks.cur)
	}
	if s == len(ks.idx) || ks.nodes > ks.limit {
		return
	}
	if v+ks.dantzig(s, c) <= ks.best+knapProfitSlop {
		return
	}
	if ks.sw[s] <= c {
		ks.cur[s] = true
		ks.dfs(s+1, c-ks.sw[s], v+ks.sp[s])
		ks.cur[s] = false
	}
	ks.dfs(s+1, c, v)
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n, n+n/4)
	}
	return s[:n]
}

func growU(s []uint64, n int) []uint64 {
	if cap(s) < n {
		return make([]uint64, n, n+n/4)
	}
	return s[:n]
}

func growB(s []bool, n int) []bool {
	if cap(s) < n {
		return make([]bool, n, n+n/4)
	}
	return s[:n]
}

func growI(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n, n+n/4)
	}
	return s[:n]
}
