package scheduler

// seg summarises a sequence of nodes so that sequences concatenate in O(1)
// (Vidal, Crainic, Gendreau & Prins 2013, "A hybrid genetic algorithm with
// adaptive diversity management for a large class of vehicle routing
// problems with time-windows", Computers & Operations Research 40(1)).
//
// dur is the least duration of the sequence (travel, service, waiting), warp
// the least time warp (lateness the schedule "travels back in time" to
// undo), early and late the range of start times of the first service that
// achieve them. cost and travel sum the arcs; load sums demand.
type seg struct {
	first, last int32 // locations
	cost        float64
	travel      float64
	dur, warp   float64
	early, late float64
	load        int64
}

// merge returns the summary of a followed by b.
func (m *model) merge(a, b *seg) seg {
	k := int(a.last)*m.nLoc + int(b.first)
	t := m.dur[k]
	delta := a.dur - a.warp + t
	dWait := max(b.early-delta-a.late, 0)
	dWarp := max(a.early+delta-b.late, 0)
	return seg{
		first:  a.first,
		last:   b.last,
		cost:   a.cost + b.cost + m.arc[k],
		travel: a.travel + b.travel + t,
		dur:    a.dur + b.dur + t + dWait,
		warp:   a.warp + b.warp + dWarp,
		early:  max(b.early-delta, a.early) - dWait,
		late:   min(b.late-delta, a.late) + dWarp,
		load:   a.load + b.load,
	}
}

// penalties weigh the violations the local search may pass through.
type penalties struct {
	time float64 // per unit of time warp, excess working or driving time
	load float64 // per unit of excess load
	// vehicle is the weight of a used vehicle under MinimizeVehicles. The
	// local search prices routes without it (so that it never trades
	// constraint violations for an emptied route) and adds it only when it
	// opens a vehicle.
	vehicle float64
}

// excess is the constraint violation of a complete route summary on
// vehicle v: time (warp plus excess working and driving time) and load.
func (m *model) excess(v int, s *seg) (time float64, load int64) {
	vi := &m.veh[v]
	time = s.warp + max(s.dur-vi.maxWork, 0) + max(s.travel-vi.maxDrive, 0)
	load = max(s.load-vi.capacity, 0)
	return time, load
}

// routeCost is the penalized cost of a complete, non-empty route summary
// on vehicle v.
func (m *model) routeCost(v int, s *seg, pen *penalties) float64 {
	t, l := m.excess(v, s)
	return s.cost + m.durW*s.dur + m.veh[v].fixed + pen.vehicle + pen.time*t + pen.load*float64(l)
}

// feasible reports whether a complete route summary breaks nothing.
func (m *model) feasible(v int, s *seg) bool {
	t, l := m.excess(v, s)
	return t <= eps && l == 0
}

// eps absorbs float rounding in time comparisons.
const eps = 1e-7

// builder assembles a candidate route from pieces of existing routes and
// single nodes and prices it. With m.fast it merges summaries; otherwise
// it collects the nodes and simulates the route (several windows, breaks).
type builder struct {
	m    *model
	acc  seg
	jobs int
	buf  []int32 // general mode: the nodes, depots excluded
}

func (b *builder) reset(r *route) {
	b.jobs = 0
	b.buf = b.buf[:0]
	b.acc = b.m.nodes[r.nodes[0]].seg
}

// prefix adds r.nodes[1..i] to the start depot (r must be the route being
// built). i = 0 adds nothing.
func (b *builder) prefix(r *route, i int) {
	b.jobs += i
	if b.m.fast {
		b.acc = r.fwd[i]
		return
	}
	b.buf = append(b.buf, r.nodes[1:i+1]...)
}

func (b *builder) node(x int32) {
	b.jobs++
	if b.m.fast {
		b.acc = b.m.merge(&b.acc, &b.m.nodes[x].seg)
		return
	}
	b.buf = append(b.buf, x)
}

// span adds r.nodes[i..j] (jobs), in order.
func (b *builder) span(r *route, i, j int) {
	if j < i {
		return
	}
	b.jobs += j - i + 1
	if b.m.fast {
		for k := i; k <= j; k++ {
			b.acc = b.m.merge(&b.acc, &b.m.nodes[r.nodes[k]].seg)
		}
		return
	}
	b.buf = append(b.buf, r.nodes[i:j+1]...)
}

// reversed adds r.nodes[j], r.nodes[j-1], …, r.nodes[i].
func (b *builder) reversed(r *route, i, j int) {
	if j < i {
		return
	}
	b.jobs += j - i + 1
	for k := j; k >= i; k-- {
		if b.m.fast {
			b.acc = b.m.merge(&b.acc, &b.m.nodes[r.nodes[k]].seg)
		} else {
			b.buf = append(b.buf, r.nodes[k])
		}
	}
}

// tail adds the jobs r.nodes[i..] of another route (its end excluded).
func (b *builder) tail(r *route, i int) {
	last := len(r.nodes) - 2
	if i > last {
		return
	}
	b.jobs += last - i + 1
	if b.m.fast {
		b.acc = b.m.merge(&b.acc, &r.bwd[i])
		return
	}
	b.buf = append(b.buf, r.nodes[i:last+1]...)
}

// finish prices the candidate: r's end appended, on r's vehicle. If own is
// set, the jobs after position i of r itself form the rest (r.nodes[i..]
// with the end depot), which saves a merge.
func (b *builder) finish(r *route, pen *penalties) float64 {
	v := r.v
	if b.jobs == 0 {
		return 0
	}
	m := b.m
	if m.fast {
		s := m.merge(&b.acc, &m.nodes[m.veh[v].endNode].seg)
		return m.routeCost(v, &s, pen)
	}
	s := m.simulate(v, b.buf, nil)
	return m.routeCost(v, &s, pen)
}

// finishSuffix is finish with r.nodes[i..end] (same route) appended.
func (b *builder) finishSuffix(r *route, i int, pen *penalties) float64 {
	m := b.m
	b.jobs += len(r.nodes) - 1 - i
	if b.jobs == 0 {
		return 0
	}
	if m.fast {
		s := m.merge(&b.acc, &r.bwdEnd[i])
		return m.routeCost(r.v, &s, pen)
	}
	b.buf = append(b.buf, r.nodes[i:len(r.nodes)-1]...)
	s := m.simulate(r.v, b.buf, nil)
	return m.routeCost(r.v, &s, pen)
}

// finishSeg is like finishSuffix but returns the summary (for feasibility).
func (b *builder) finishSuffixSeg(r *route, i int) seg {
	m := b.m
	b.jobs += len(r.nodes) - 1 - i
	if m.fast {
		return m.merge(&b.acc, &r.bwdEnd[i])
	}
	b.buf = append(b.buf, r.nodes[i:len(r.nodes)-1]...)
	return m.simulate(r.v, b.buf, nil)
}
