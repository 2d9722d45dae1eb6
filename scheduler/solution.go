package scheduler

// route is one vehicle's sequence during the search: nodes holds the start
// depot, the jobs, and the end depot. In fast mode fwd, bwd and bwdEnd
// cache the summaries of prefixes and suffixes.
type route struct {
	v      int
	nodes  []int32
	fwd    []seg // fwd[i]: nodes[0..i]
	bwd    []seg // bwd[i]: nodes[i..n-2], jobs only (1 <= i <= n-2)
	bwdEnd []seg // bwdEnd[i]: nodes[i..n-1]
	full   seg
	cost   float64 // penalized; 0 when empty
	clean  bool    // keeps every constraint
	stamp  int     // when the route last changed
}

func (r *route) jobs() int { return len(r.nodes) - 2 }

// solution is a search state: one route per vehicle (index = vehicle), and
// the jobs in none.
type solution struct {
	routes     []route
	routeOf    []int32 // per job, -1 if unassigned
	pos        []int32
	unassigned []int32
	tested     []int // per job: the clock when the local search last tried it
}

func newSolution(m *model) *solution {
	s := &solution{routes: make([]route, m.nVeh), routeOf: make([]int32, m.nJobs), pos: make([]int32, m.nJobs), tested: make([]int, m.nJobs)}
	for v := range s.routes {
		r := &s.routes[v]
		r.v = v
		r.nodes = append(r.nodes[:0], m.veh[v].startNode, m.veh[v].endNode)
		m.update(s, v, &penalties{})
	}
	for j := range s.routeOf {
		s.routeOf[j] = -1
		s.unassigned = append(s.unassigned, int32(j))
	}
	return s
}

func (s *solution) copyFrom(o *solution) {
	if len(s.routes) != len(o.routes) {
		s.routes = make([]route, len(o.routes))
	}
	for i := range o.routes {
		d, r := &s.routes[i], &o.routes[i]
		d.v = r.v
		d.nodes = append(d.nodes[:0], r.nodes...)
		d.fwd = append(d.fwd[:0], r.fwd...)
		d.bwd = append(d.bwd[:0], r.bwd...)
		d.bwdEnd = append(d.bwdEnd[:0], r.bwdEnd...)
		d.full, d.cost, d.stamp, d.clean = r.full, r.cost, r.stamp, r.clean
	}
	s.routeOf = append(s.routeOf[:0], o.routeOf...)
	s.pos = append(s.pos[:0], o.pos...)
	s.unassigned = append(s.unassigned[:0], o.unassigned...)
	s.tested = append(s.tested[:0], o.tested...)
}

// update recomputes r's caches, cost and job positions after a change.
func (m *model) update(s *solution, ri int, pen *penalties) {
	r := &s.routes[ri]
	n := len(r.nodes)
	for i := 1; i < n-1; i++ {
		j := r.nodes[i]
		s.routeOf[j] = int32(ri)
		s.pos[j] = int32(i)
	}
	if m.fast {
		r.fwd = grow(r.fwd, n)
		r.bwd = grow(r.bwd, n)
		r.bwdEnd = grow(r.bwdEnd, n)
		r.fwd[0] = m.nodes[r.nodes[0]].seg
		for i := 1; i < n; i++ {
			r.fwd[i] = m.merge(&r.fwd[i-1], &m.nodes[r.nodes[i]].seg)
		}
		r.bwdEnd[n-1] = m.nodes[r.nodes[n-1]].seg
		for i := n - 2; i >= 0; i-- {
			r.bwdEnd[i] = m.merge(&m.nodes[r.nodes[i]].seg, &r.bwdEnd[i+1])
		}
		if n > 2 {
			r.bwd[n-2] = m.nodes[r.nodes[n-2]].seg
			for i := n - 3; i >= 1; i-- {
				r.bwd[i] = m.merge(&m.nodes[r.nodes[i]].seg, &r.bwd[i+1])
			}
		}
		r.full = r.fwd[n-1]
	} else {
		r.full = m.simulate(r.v, r.nodes[1:n-1], nil)
	}
	m.clock++
	r.stamp = m.clock
	m.price(r, pen)
}

func (m *model) price(r *route, pen *penalties) {
	if r.jobs() == 0 {
		r.cost = 0
		r.clean = true
		return
	}
	r.clean = m.feasible(r.v, &r.full)
	r.cost = m.routeCost(r.v, &r.full, pen)
}

func grow(s []seg, n int) []seg {
	if cap(s) < n {
		return make([]seg, n, n+8)
	}
	return s[:n]
}

// objective is the scalar the search minimises.
func (m *model) objective(s *solution) float64 {
	c := 0.0
	for i := range s.routes {
		c += s.routes[i].cost
	}
	for _, j := range s.unassigned {
		c += m.weight[j]
	}
	return c
}

// feasibleSol reports whether every route keeps every constraint.
func (m *model) feasibleSol(s *solution) bool {
	for i := range s.routes {
		r := &s.routes[i]
		if r.jobs() > 0 && !m.feasible(r.v, &r.full) {
			return false
		}
	}
	return true
}

func (s *solution) used() int {
	n := 0
	for i := range s.routes {
		if s.routes[i].jobs() > 0 {
			n++
		}
	}
	return n
}

// removeJob takes job j out of its route (caches not updated).
func (s *solution) removeJob(j int32) int {
	ri := int(s.routeOf[j])
	r := &s.routes[ri]
	p := int(s.pos[j])
	r.nodes = append(r.nodes[:p], r.nodes[p+1:]...)
	for i := p; i < len(r.nodes)-1; i++ {
		s.pos[r.nodes[i]] = int32(i)
	}
	s.routeOf[j] = -1
	s.unassigned = append(s.unassigned, j)
	return ri
}

// insertJob puts job j after position p of route ri (caches not updated;
// j must already be out of s.unassigned).
func (s *solution) insertJob(j int32, ri, p int) {
	r := &s.routes[ri]
	r.nodes = append(r.nodes, 0)
	copy(r.nodes[p+2:], r.nodes[p+1:])
	r.nodes[p+1] = j
	s.routeOf[j] = int32(ri)
	for i := p + 1; i < len(r.nodes)-1; i++ {
		s.pos[r.nodes[i]] = int32(i)
	}
}

// repriceAll reprices every route under new penalties.
// Routes that break a constraint count as changed, since their price did.
func (m *model) repriceAll(s *solution, pen *penalties) {
	for i := range s.routes {
		r := &s.routes[i]
		m.price(r, pen)
		if r.jobs() > 0 && !m.feasible(r.v, &r.full) {
			m.clock++
			r.stamp = m.clock
		}
	}
}
