package scheduler

import (
	"math"
	"math/rand/v2"
	"slices"
)

// ruinRecreate holds the parameters and scratch of SISR: ruin by removing
// strings of consecutive jobs from routes near a random seed job, recreate
// by greedy insertion with blinks (Christiaens & Vanden Berghe 2020,
// "Slack induction by string removals for vehicle routing problems",
// Transportation Science 54(2), doi:10.1287/trsc.2019.0914).
type ruinRecreate struct {
	m        *model
	rng      *rand.Rand
	avgRem   float64 // c̄: average number of removed jobs
	maxLen   float64 // L^max: longest string
	splitP   float64 // probability of a split string
	beta     float64 // split string: chance to stop growing the kept part
	blink    float64 // chance to skip an insertion position
	ruined   []int   // per route: the ruin number it was last ruined in
	ruinID   int
	removed  []int32
	pending  []int32
	keys     []float64
	b        builder
	zeroPen  penalties
	possible []bool // per job: some vehicle can serve it alone
}

func newRuinRecreate(m *model, rng *rand.Rand, possible []bool) *ruinRecreate {
	return &ruinRecreate{m: m, rng: rng, avgRem: 15, maxLen: 10, splitP: 0.5, beta: 0.01, blink: 0.01,
		ruined: make([]int, m.nVeh), b: builder{m: m}, possible: possible, keys: make([]float64, m.nJobs)}
}

// ruin removes strings of jobs; the removed jobs join s.unassigned. It
// returns the number removed.
func (rr *ruinRecreate) ruin(s *solution, pen *penalties) int {
	m := rr.m
	used := s.used()
	if used == 0 {
		return 0
	}
	served := m.nJobs - len(s.unassigned)
	lsMax := min(rr.maxLen, float64(served)/float64(used))
	ksMax := 4*rr.avgRem/(1+lsMax) - 1
	ks := int(rr.rng.Float64()*ksMax) + 1
	// A random served job seeds the ruin.
	seed := int32(-1)
	for range 4 * m.nJobs {
		c := int32(rr.rng.IntN(m.nJobs))
		if s.routeOf[c] >= 0 {
			seed = c
			break
		}
	}
	if seed < 0 {
		return 0
	}
	rr.ruinID++
	rr.removed = rr.removed[:0]
	near := m.near[seed]
	for k := -1; k < len(near) && ks > 0; k++ {
		c := seed
		if k >= 0 {
			c = near[k]
		}
		ri := s.routeOf[c]
		if ri < 0 || rr.ruined[ri] == rr.ruinID {
			continue
		}
		r := &s.routes[ri]
		card := r.jobs()
		lmax := min(float64(card), lsMax)
		l := int(rr.rng.Float64()*lmax) + 1
		l = min(l, card)
		p := int(s.pos[c]) // 1-based among the jobs
		start := len(rr.removed)
		if l == card || rr.rng.Float64() >= rr.splitP || l == 1 {
			lo := max(1, p-l+1)
			hi := min(p, card-l+1)
			b := lo + rr.rng.IntN(hi-lo+1)
			rr.removed = append(rr.removed, r.nodes[b:b+l]...)
		} else {
			keep := 1
			for keep < card-l && rr.rng.Float64() > rr.beta {
				keep++
			}
			whole := l + keep
			lo := max(1, p-whole+1)
			hi := min(p, card-whole+1)
			b := lo + rr.rng.IntN(hi-lo+1)
			ks0 := rr.rng.IntN(l + 1) // kept part starts after ks0 removed ones
			for q := range whole {
				if q >= ks0 && q < ks0+keep {
					continue
				}
				rr.removed = append(rr.removed, r.nodes[b+q])
			}
		}
		// Remove from the route.
		gone := rr.removed[start:]
		r.nodes = slices.DeleteFunc(r.nodes, func(x int32) bool { return slices.Contains(gone, x) })
		for _, x := range gone {
			s.routeOf[x] = -1
			s.unassigned = append(s.unassigned, x)
		}
		m.update(s, int(ri), pen)
		rr.ruined[ri] = rr.ruinID
		ks--
	}
	return len(rr.removed)
}

// recreate inserts the unassigned jobs, highest priority first, each at
// its cheapest feasible position (blinks aside), using at most maxRoutes
// vehicles. Jobs that fit nowhere stay unassigned.
func (rr *ruinRecreate) recreate(s *solution, maxRoutes int, pen *penalties) {
	m := rr.m
	rr.pending = rr.pending[:0]
	keep := s.unassigned[:0]
	for _, j := range s.unassigned {
		if rr.possible[j] {
			rr.pending = append(rr.pending, j)
		} else {
			keep = append(keep, j)
		}
	}
	s.unassigned = keep
	rr.order(rr.pending)
	used := s.used()
	for k := 0; k < len(rr.pending); k++ {
		j := rr.pending[k]
		ri, p := rr.best(s, j, used < maxRoutes, pen)
		if ri < 0 {
			s.unassigned = append(s.unassigned, j)
			continue
		}
		if s.routes[ri].jobs() == 0 {
			used++
		}
		s.insertJob(j, ri, p)
		m.update(s, ri, pen)
	}
}

// order sorts jobs by priority (highest first), then by a random one of
// SISR's criteria.
func (rr *ruinRecreate) order(js []int32) {
	m := rr.m
	depot := m.nodes[m.veh[0].startNode].loc
	crit := rr.rng.IntN(13)
	for _, j := range js {
		nd := &m.nodes[j]
		var k float64
		switch {
		case crit < 4:
			k = rr.rng.Float64()
		case crit < 8:
			k = -float64(nd.demand)
		case crit < 10:
			k = -m.dist[int(depot)*m.nLoc+int(nd.loc)]
		case crit < 11:
			k = m.dist[int(depot)*m.nLoc+int(nd.loc)]
		default:
			k = nd.due - nd.ready
		}
		rr.keys[j] = k
	}
	slices.SortStableFunc(js, func(a, b int32) int {
		if ra, rb := m.rank[a], m.rank[b]; ra != rb {
			return rb - ra
		}
		ka, kb := rr.keys[a], rr.keys[b]
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
}

// best finds the cheapest feasible insertion of j: a route index and the
// position after which to insert, or -1.
func (rr *ruinRecreate) best(s *solution, j int32, mayOpen bool, pen *penalties) (int, int) {
	m := rr.m
	nd := &m.nodes[j]
	bestCost := math.Inf(1)
	bestR, bestP := -1, -1
	var seenTypes uint64
	for ri := range s.routes {
		r := &s.routes[ri]
		if !m.canServe(r.v, j) {
			continue
		}
		empty := r.jobs() == 0
		if empty {
			if !mayOpen {
				continue
			}
			t := m.veh[r.v].typ
			if t < 64 {
				if seenTypes&(1<<t) != 0 {
					continue
				}
				seenTypes |= 1 << t
			}
		}
		vi := &m.veh[r.v]
		if r.full.load+nd.demand > vi.capacity && !empty {
			continue
		}
		n := len(r.nodes)
		for p := 0; p < n-1; p++ {
			if rr.blink > 0 && rr.rng.Float64() < rr.blink {
				continue
			}
			a, c := r.nodes[p], r.nodes[p+1]
			if m.fast {
				f := &r.fwd[p]
				la := m.nodes[a].loc
				arr := f.early + f.dur - f.warp + m.dur[int(la)*m.nLoc+int(nd.loc)]
				if arr > nd.due+eps {
					break
				}
			}
			if m.durW == 0 {
				lc := m.nodes[c].loc
				la := m.nodes[a].loc
				lb := m.arc[int(la)*m.nLoc+int(nd.loc)] + m.arc[int(nd.loc)*m.nLoc+int(lc)]
				if !empty {
					lb -= m.arc[int(la)*m.nLoc+int(lc)]
				} else {
					lb += vi.fixed + pen.vehicle
				}
				if lb >= bestCost {
					continue
				}
			}
			b := &rr.b
			b.reset(r)
			b.prefix(r, p)
			b.node(j)
			sg := b.finishSuffixSeg(r, p+1)
			if !m.feasible(r.v, &sg) {
				continue
			}
			c2 := m.routeCost(r.v, &sg, pen) - r.cost
			if c2 < bestCost {
				bestCost, bestR, bestP = c2, ri, p
			}
		}
	}
	return bestR, bestP
}
