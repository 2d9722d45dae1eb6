package scheduler

import (
	"math/rand/v2"
)

// pieceKind names a part of a candidate route.
type pieceKind uint8

const (
	pPrefix pieceKind = iota // r.nodes[1..i] after the start depot
	pNode                    // the single node x
	pSpan                    // r.nodes[i..j]
	pRev                     // r.nodes[j..i], reversed
	pTail                    // r.nodes[i..n-2], another route's jobs
	pSuffix                  // r.nodes[i..n-1], the route's own rest with its end
)

type piece struct {
	k    pieceKind
	r    *route
	i, j int
	x    int32
}

// plan describes a candidate sequence for route target.
type plan struct {
	target *route
	ps     [6]piece
	n      int
}

func (p *plan) start(r *route) *plan { p.target, p.n = r, 0; return p }
func (p *plan) add(k pieceKind, r *route, i, j int, x int32) *plan {
	p.ps[p.n] = piece{k, r, i, j, x}
	p.n++
	return p
}
func (p *plan) prefix(r *route, i int) *plan  { return p.add(pPrefix, r, i, 0, 0) }
func (p *plan) node(x int32) *plan            { return p.add(pNode, nil, 0, 0, x) }
func (p *plan) span(r *route, i, j int) *plan { return p.add(pSpan, r, i, j, 0) }
func (p *plan) rev(r *route, i, j int) *plan  { return p.add(pRev, r, i, j, 0) }
func (p *plan) tail(r *route, i int) *plan    { return p.add(pTail, r, i, 0, 0) }
func (p *plan) suffix(r *route, i int) *plan  { return p.add(pSuffix, r, i, 0, 0) }

// cost prices the plan with b.
func (b *builder) cost(p *plan, pen *penalties) float64 {
	b.reset(p.target)
	for k := range p.n {
		pc := &p.ps[k]
		switch pc.k {
		case pPrefix:
			b.prefix(pc.r, pc.i)
		case pNode:
			b.node(pc.x)
		case pSpan:
			b.span(pc.r, pc.i, pc.j)
		case pRev:
			b.reversed(pc.r, pc.i, pc.j)
		case pTail:
			b.tail(pc.r, pc.i)
		case pSuffix:
			return b.finishSuffix(pc.r, pc.i, pen)
		}
	}
	return b.finish(p.target, pen)
}

// materialize appends the plan's full node sequence to dst.
func (p *plan) materialize(dst []int32) []int32 {
	t := p.target
	dst = append(dst[:0], t.nodes[0])
	ends := false
	for k := range p.n {
		pc := &p.ps[k]
		r := pc.r
		switch pc.k {
		case pPrefix:
			dst = append(dst, r.nodes[1:pc.i+1]...)
		case pNode:
			dst = append(dst, pc.x)
		case pSpan:
			if pc.j >= pc.i {
				dst = append(dst, r.nodes[pc.i:pc.j+1]...)
			}
		case pRev:
			for q := pc.j; q >= pc.i; q-- {
				dst = append(dst, r.nodes[q])
			}
		case pTail:
			if pc.i <= len(r.nodes)-2 {
				dst = append(dst, r.nodes[pc.i:len(r.nodes)-1]...)
			}
		case pSuffix:
			dst = append(dst, r.nodes[pc.i:]...)
			ends = true
		}
	}
	if !ends {
		dst = append(dst, t.nodes[len(t.nodes)-1])
	}
	return dst
}

// localSearch improves a solution by first-improvement moves over
// granular neighbourhoods: relocate of one or two nodes (or-opt, possibly
// reversed), swaps 1-1, 2-1 and 2-2, 2-opt inside a route and 2-opt*
// between routes, and moves into empty vehicles.
type localSearch struct {
	m      *model
	narc   []float64 // m.narc
	nn     int       // len(m.nodes)
	pen    penalties
	rng    *rand.Rand
	b      builder
	pa, pb plan
	order  []int32
	bufA   []int32
	bufB   []int32
	s      *solution
}

func newLocalSearch(m *model, rng *rand.Rand) *localSearch {
	return &localSearch{m: m, narc: m.narc, nn: len(m.nodes), rng: rng, b: builder{m: m}}
}

// run applies improving moves until none is left or stop reports true
// (checked once per sweep).
func (ls *localSearch) run(s *solution, stop func() bool) {
	m := ls.m
	ls.s = s
	ls.order = ls.order[:0]
	for j := range m.nJobs {
		if s.routeOf[j] >= 0 {
			ls.order = append(ls.order, int32(j))
		}
	}
	ls.rng.Shuffle(len(ls.order), func(a, b int) { ls.order[a], ls.order[b] = ls.order[b], ls.order[a] })
	for loop := 0; loop < 1000 && !stop(); loop++ {
		improved := false
		for _, u := range ls.order {
			last := s.tested[u]
			s.tested[u] = m.clock
			for _, v := range m.neighbors[u] {
				if s.routeOf[v] < 0 || s.routeOf[u] < 0 {
					continue
				}
				ru, rv := &s.routes[s.routeOf[u]], &s.routes[s.routeOf[v]]
				if max(ru.stamp, rv.stamp) <= last {
					continue
				}
				if ls.tryPair(u, v) {
					improved = true
				}
			}
			if s.routeOf[u] >= 0 && s.routes[s.routeOf[u]].stamp > last {
				if ls.toEmpty(u) {
					improved = true
				}
			}
		}
		if !improved {
			break
		}
	}
}

func (ls *localSearch) commit(ra, rb *route) {
	m, s := ls.m, ls.s
	ra.nodes = append(ra.nodes[:0], ls.bufA...)
	m.update(s, ra.v, &ls.pen)
	if rb != nil {
		rb.nodes = append(rb.nodes[:0], ls.bufB...)
		m.update(s, rb.v, &ls.pen)
	}
}

// try2 prices two plans against their routes' current cost and applies
// them if that improves.
func (ls *localSearch) try2(bound float64, useBound bool) bool {
	ra, rb := ls.pa.target, ls.pb.target
	old := ra.cost + rb.cost
	ca := ls.b.cost(&ls.pa, &ls.pen)
	if useBound && ca-ra.cost+bound >= -eps {
		return false
	}
	cb := ls.b.cost(&ls.pb, &ls.pen)
	if rb.jobs() == 0 {
		cb += ls.m.vehW
	}
	if ca+cb-old >= -eps {
		return false
	}
	ls.bufA = ls.pa.materialize(ls.bufA)
	ls.bufB = ls.pb.materialize(ls.bufB)
	ls.commit(ra, rb)
	return true
}

func (ls *localSearch) try1() bool {
	ra := ls.pa.target
	c := ls.b.cost(&ls.pa, &ls.pen)
	if c-ra.cost >= -eps {
		return false
	}
	ls.bufA = ls.pa.materialize(ls.bufA)
	ls.commit(ra, nil)
	return true
}

// insertBound is a lower bound on the cost increase of putting x between
// a and c of route r (exact on arcs; penalties never fall when a node is
// added under the triangle inequality).
func (ls *localSearch) insertBound(r *route, a, x, c int32) float64 {
	m := ls.m
	if m.durW > 0 {
		return 0
	}
	la, lx, lc := m.nodes[a].loc, m.nodes[x].loc, m.nodes[c].loc
	lb := m.arc[int(la)*m.nLoc+int(lx)] + m.arc[int(lx)*m.nLoc+int(lc)] - m.arc[int(la)*m.nLoc+int(lc)]
	if r.jobs() == 0 {
		lb += m.veh[r.v].fixed + m.vehW
	}
	return lb
}

func (ls *localSearch) tryPair(u, v int32) bool {
	s := ls.s
	ru := &s.routes[s.routeOf[u]]
	rv := &s.routes[s.routeOf[v]]
	i, j := int(s.pos[u]), int(s.pos[v])
	if ru != rv {
		if ls.inter(ru, i, rv, j) {
			return true
		}
		if j == 1 && ls.inter(ru, i, rv, 0) {
			return true
		}
		return false
	}
	if ls.intra(ru, i, j) {
		return true
	}
	if j == 1 && ls.intra(ru, i, 0) {
		return true
	}
	return false
}

// a is the arc cost between the locations of nodes x and y.
func (ls *localSearch) a(x, y int32) float64 {
	return ls.narc[int(x)*ls.nn+int(y)]
}

// skip tells whether a move whose arc change is delta cannot improve:
// both routes keep every constraint (so penalties cannot fall), the cost
// is arc-additive, and no route is emptied or opened (the caller's job).
func (ls *localSearch) skip(ra, rb *route, delta float64) bool {
	return ls.m.durW == 0 && ra.clean && rb.clean && delta >= -eps
}

// inter tries moves between U = ru.nodes[i] and the anchor V = rv.nodes[j]
// (j = 0: the start depot).
func (ls *localSearch) inter(ru *route, i int, rv *route, j int) bool {
	m := ls.m
	u := ru.nodes[i]
	nu := len(ru.nodes)
	nv := len(rv.nodes)
	pu, su := ru.nodes[i-1], ru.nodes[i+1]
	v, sv := rv.nodes[j], rv.nodes[j+1]
	hasX := i+1 <= nu-2
	var x, sx int32
	if hasX {
		x, sx = su, ru.nodes[i+2]
	}
	okU := m.canServe(rv.v, u)
	okX := hasX && m.canServe(rv.v, x)
	uAlone := ru.jobs() == 1
	// Relocate U after V.
	if okU && (uAlone || !ls.skip(ru, rv, ls.a(pu, su)-ls.a(pu, u)-ls.a(u, su)+ls.a(v, u)+ls.a(u, sv)-ls.a(v, sv))) {
		ls.pa.start(ru).prefix(ru, i-1).suffix(ru, i+1)
		ls.pb.start(rv).prefix(rv, j).node(u).suffix(rv, j+1)
		if ls.try2(ls.insertBound(rv, v, u, sv), true) {
			return true
		}
	}
	// Relocate (U, X) and (X, U) after V.
	if okU && okX {
		pairAlone := ru.jobs() == 2
		base := ls.a(pu, sx) - ls.a(pu, u) - ls.a(x, sx) - ls.a(v, sv)
		if pairAlone || !ls.skip(ru, rv, base+ls.a(v, u)+ls.a(x, sv)) {
			ls.pa.start(ru).prefix(ru, i-1).suffix(ru, i+2)
			ls.pb.start(rv).prefix(rv, j).node(u).node(x).suffix(rv, j+1)
			if ls.try2(0, false) {
				return true
			}
		}
		if pairAlone || !ls.skip(ru, rv, base+ls.a(v, x)+ls.a(x, u)-ls.a(u, x)+ls.a(u, sv)) {
			ls.pa.start(ru).prefix(ru, i-1).suffix(ru, i+2)
			ls.pb.start(rv).prefix(rv, j).node(x).node(u).suffix(rv, j+1)
			if ls.try2(0, false) {
				return true
			}
		}
	}
	if j >= 1 {
		pv := rv.nodes[j-1]
		okV := m.canServe(ru.v, v)
		// Swap U and V.
		if okU && okV && !ls.skip(ru, rv, ls.a(pu, v)+ls.a(v, su)-ls.a(pu, u)-ls.a(u, su)+ls.a(pv, u)+ls.a(u, sv)-ls.a(pv, v)-ls.a(v, sv)) {
			ls.pa.start(ru).prefix(ru, i-1).node(v).suffix(ru, i+1)
			ls.pb.start(rv).prefix(rv, j-1).node(u).suffix(rv, j+1)
			if ls.try2(0, false) {
				return true
			}
		}
		// Swap (U, X) and V.
		if okU && okX && okV && !ls.skip(ru, rv, ls.a(pu, v)+ls.a(v, sx)-ls.a(pu, u)-ls.a(x, sx)+ls.a(pv, u)+ls.a(x, sv)-ls.a(pv, v)-ls.a(v, sv)) {
			ls.pa.start(ru).prefix(ru, i-1).node(v).suffix(ru, i+2)
			ls.pb.start(rv).prefix(rv, j-1).node(u).node(x).suffix(rv, j+1)
			if ls.try2(0, false) {
				return true
			}
		}
		// Swap (U, X) and (V, Y).
		if okU && okX && okV && j+1 <= nv-2 {
			y, sy := sv, rv.nodes[j+2]
			if m.canServe(ru.v, y) && !ls.skip(ru, rv, ls.a(pu, v)+ls.a(y, sx)-ls.a(pu, u)-ls.a(x, sx)+ls.a(pv, u)+ls.a(x, sy)-ls.a(pv, v)-ls.a(y, sy)) {
				ls.pa.start(ru).prefix(ru, i-1).node(v).node(y).suffix(ru, i+2)
				ls.pb.start(rv).prefix(rv, j-1).node(u).node(x).suffix(rv, j+2)
				if ls.try2(0, false) {
					return true
				}
			}
		}
	}
	// 2-opt*: exchange the tails after U and after V.
	sameEnd := m.nodes[ru.nodes[nu-1]].loc == m.nodes[rv.nodes[nv-1]].loc
	empties := (j == 0 && i == nu-2) // rv would take all of ru... and ru keeps none of rv
	if ls.tailOK(rv, j+1, ru.v) && ls.tailOK(ru, i+1, rv.v) &&
		(!sameEnd || empties || j == 0 || !ls.skip(ru, rv, ls.a(u, sv)+ls.a(v, su)-ls.a(u, su)-ls.a(v, sv))) {
		ls.pa.start(ru).prefix(ru, i).tail(rv, j+1)
		ls.pb.start(rv).prefix(rv, j).tail(ru, i+1)
		if ls.try2(0, false) {
			return true
		}
	}
	return false
}

func (ls *localSearch) tailOK(r *route, from, v int) bool {
	m := ls.m
	if !m.restricted {
		return true
	}
	for k := from; k <= len(r.nodes)-2; k++ {
		if !m.canServe(v, r.nodes[k]) {
			return false
		}
	}
	return true
}

// intra tries moves of U = r.nodes[i] around the anchor r.nodes[j] within
// one route.
func (ls *localSearch) intra(r *route, i, j int) bool {
	n := len(r.nodes)
	u := r.nodes[i]
	pu, su := r.nodes[i-1], r.nodes[i+1]
	v, sv := r.nodes[j], r.nodes[j+1]
	// Relocate U after the anchor.
	if j != i && j != i-1 && !ls.skip(r, r, ls.a(pu, su)-ls.a(pu, u)-ls.a(u, su)+ls.a(v, u)+ls.a(u, sv)-ls.a(v, sv)) {
		p := ls.pa.start(r)
		if j < i {
			p.prefix(r, j).node(u).span(r, j+1, i-1).suffix(r, i+1)
		} else {
			p.prefix(r, i-1).span(r, i+1, j).node(u).suffix(r, j+1)
		}
		if ls.try1() {
			return true
		}
	}
	// Relocate (U, X), both orders.
	if i+1 <= n-2 && (j < i-1 || j > i+1) {
		x, sx := su, r.nodes[i+2]
		base := ls.a(pu, sx) - ls.a(pu, u) - ls.a(x, sx) - ls.a(v, sv)
		for rev := range 2 {
			a, b := u, x
			if rev == 1 {
				a, b = x, u
			}
			if ls.skip(r, r, base+ls.a(v, a)+ls.a(a, b)-ls.a(u, x)+ls.a(b, sv)) {
				continue
			}
			p := ls.pa.start(r)
			if j < i {
				p.prefix(r, j).node(a).node(b).span(r, j+1, i-1).suffix(r, i+2)
			} else {
				p.prefix(r, i-1).span(r, i+2, j).node(a).node(b).suffix(r, j+1)
			}
			if ls.try1() {
				return true
			}
		}
	}
	// Swap U and V.
	if j >= 1 && j != i {
		a, b := min(i, j), max(i, j)
		na, nb := r.nodes[a], r.nodes[b]
		pa, sa, pb, sb := r.nodes[a-1], r.nodes[a+1], r.nodes[b-1], r.nodes[b+1]
		var delta float64
		if b == a+1 {
			delta = ls.a(pa, nb) + ls.a(nb, na) + ls.a(na, sb) - ls.a(pa, na) - ls.a(na, nb) - ls.a(nb, sb)
		} else {
			delta = ls.a(pa, nb) + ls.a(nb, sa) + ls.a(pb, na) + ls.a(na, sb) - ls.a(pa, na) - ls.a(na, sa) - ls.a(pb, nb) - ls.a(nb, sb)
		}
		if !ls.skip(r, r, delta) {
			p := ls.pa.start(r).prefix(r, a-1).node(nb)
			if b > a+1 {
				p.span(r, a+1, b-1)
			}
			p.node(na).suffix(r, b+1)
			if ls.try1() {
				return true
			}
		}
	}
	// 2-opt: reverse the nodes between (the arc filter assumes symmetry).
	sym := ls.m.symmetric
	if j >= i+2 {
		if !sym || !ls.skip(r, r, ls.a(u, v)+ls.a(su, sv)-ls.a(u, su)-ls.a(v, sv)) {
			ls.pa.start(r).prefix(r, i).rev(r, i+1, j).suffix(r, j+1)
			if ls.try1() {
				return true
			}
		}
	} else if j+2 <= i {
		if !sym || !ls.skip(r, r, ls.a(v, u)+ls.a(sv, su)-ls.a(v, sv)-ls.a(u, su)) {
			ls.pa.start(r).prefix(r, j).rev(r, j+1, i).suffix(r, i+1)
			if ls.try1() {
				return true
			}
		}
	}
	return false
}

// toEmpty tries moving U into an unused vehicle of each type.
func (ls *localSearch) toEmpty(u int32) bool {
	m, s := ls.m, ls.s
	ru := &s.routes[s.routeOf[u]]
	i := int(s.pos[u])
	seen := uint64(0)
	for k := range s.routes {
		re := &s.routes[k]
		if re.jobs() > 0 || re == ru {
			continue
		}
		t := m.veh[re.v].typ
		if t < 64 {
			if seen&(1<<t) != 0 {
				continue
			}
			seen |= 1 << t
		}
		if ru.jobs() == 1 && m.veh[ru.v].typ == t {
			continue
		}
		if !m.canServe(re.v, u) {
			continue
		}
		ls.pa.start(ru).prefix(ru, i-1).suffix(ru, i+1)
		ls.pb.start(re).node(u)
		if ls.try2(0, false) {
			return true
		}
	}
	return false
}
