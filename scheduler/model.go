package scheduler

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
)

// ErrNoLimit is returned by [Solve] when nothing bounds the run: no
// TimeLimit, no Iterations and no context deadline.
var ErrNoLimit = errors.New("scheduler: no time limit, iteration limit or context deadline")

// InputError reports one invalid field of a [Problem].
type InputError struct {
	Field  string // e.g. "Jobs[3].Windows[1]"
	Reason string
}

func (e *InputError) Error() string { return "scheduler: " + e.Field + ": " + e.Reason }

// horizon stands for "no limit" in time arithmetic: large, but far from
// overflow or precision trouble when subtracted from real times.
const horizon = 1e15

// validate reports every invalid field of p, joined.
func validate(p *Problem) error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &InputError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	m := p.Matrix
	if m.Size <= 0 {
		bad("Matrix.Size", "must be positive, is %d", m.Size)
	}
	if len(m.Durations) != m.Size*m.Size {
		bad("Matrix.Durations", "has %d entries, want %d", len(m.Durations), m.Size*m.Size)
	}
	if m.Distances != nil && len(m.Distances) != m.Size*m.Size {
		bad("Matrix.Distances", "has %d entries, want %d", len(m.Distances), m.Size*m.Size)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for i, d := range m.Durations {
		if !(d >= 0) || math.IsInf(d, 0) {
			bad(fmt.Sprintf("Matrix.Durations[%d]", i), "must be finite and non-negative, is %v", d)
			break
		}
	}
	for i, d := range m.Distances {
		if !(d >= 0) || math.IsInf(d, 0) {
			bad(fmt.Sprintf("Matrix.Distances[%d]", i), "must be finite and non-negative, is %v", d)
			break
		}
	}
	loc := func(field string, l int, open bool) {
		if l == NoLocation && open {
			return
		}
		if l < 0 || l >= m.Size {
			bad(field, "location %d outside [0, %d)", l, m.Size)
		}
	}
	finite := func(field string, x float64) bool {
		if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
			bad(field, "must be finite and non-negative, is %v", x)
			return false
		}
		return true
	}
	window := func(field string, w TimeWindow) {
		if math.IsNaN(w.Start) || math.IsNaN(w.End) || math.IsInf(w.Start, 0) || math.IsInf(w.End, 0) {
			bad(field, "must be finite")
			return
		}
		if math.Abs(w.Start) > horizon/10 || math.Abs(w.End) > horizon/10 {
			bad(field, "beyond ±%g", horizon/10)
		}
		if w.End < w.Start {
			bad(field, "ends (%v) before it starts (%v)", w.End, w.Start)
		}
	}
	if len(p.Vehicles) == 0 {
		bad("Vehicles", "is empty")
	}
	for i, v := range p.Vehicles {
		f := fmt.Sprintf("Vehicles[%d]", i)
		loc(f+".Start", v.Start, true)
		loc(f+".End", v.End, true)
		sh := v.Shift
		if sh.End == 0 {
			sh.End = sh.Start
		}
		window(f+".Shift", sh)
		if v.Capacity < 0 {
			bad(f+".Capacity", "is negative")
		}
		finite(f+".MaxWorkingTime", v.MaxWorkingTime)
		finite(f+".MaxDrivingTime", v.MaxDrivingTime)
		finite(f+".FixedCost", v.FixedCost)
		for k, b := range v.Breaks {
			window(fmt.Sprintf("%s.Breaks[%d].Window", f, k), b.Window)
			finite(fmt.Sprintf("%s.Breaks[%d].Duration", f, k), b.Duration)
		}
	}
	for i, j := range p.Jobs {
		f := fmt.Sprintf("Jobs[%d]", i)
		loc(f+".Location", j.Location, false)
		finite(f+".Service", j.Service)
		if j.Demand < 0 {
			bad(f+".Demand", "is negative")
		}
		for k, w := range j.Windows {
			window(fmt.Sprintf("%s.Windows[%d]", f, k), w)
			if k > 0 && w.Start <= j.Windows[k-1].End {
				bad(fmt.Sprintf("%s.Windows[%d]", f, k), "not after the previous window")
			}
		}
		for k, v := range j.Vehicles {
			if v < 0 || v >= len(p.Vehicles) {
				bad(fmt.Sprintf("%s.Vehicles[%d]", f, k), "vehicle %d outside [0, %d)", v, len(p.Vehicles))
			}
		}
	}
	return errors.Join(errs...)
}

// node is a job or a vehicle's start or end, as the search sees it.
type node struct {
	loc     int32
	service float64
	demand  int64
	// ready and due bound the service start: the only window, or the
	// envelope of several.
	ready, due float64
	windows    []TimeWindow // set when there are several
	seg        seg          // the node alone
}

// vehicle is a compiled Vehicle.
type vehicle struct {
	startNode, endNode int32
	shiftStart         float64
	shiftEnd           float64
	capacity           int64
	maxWork, maxDrive  float64
	fixed              float64 // FixedCost
	breaks             []Break // sorted by window start
	typ                int     // vehicles of one type are interchangeable
}

// model is the compiled problem the search works on. Jobs are nodes
// 0..nJobs-1; vehicle v's start is node nJobs+2v and its end nJobs+2v+1.
// Locations are the matrix's plus one, nowhere, at zero distance from all.
type model struct {
	p           *Problem
	nJobs, nVeh int
	nLoc        int
	dur, dist   []float64 // nLoc×nLoc
	arc         []float64 // the objective's arc cost
	durW        float64   // the objective's weight on route duration
	nodes       []node
	veh         []vehicle
	fast        bool      // single windows and no breaks: O(1) segment algebra
	restricted  bool      // some job may not go on some vehicle
	allowed     []bool    // nJobs×nVeh
	weight      []float64 // per job: the penalty for leaving it unserved
	prio        []int
	rank        []int // priority rank, 0 = lowest
	vehW        float64
	neighbors   [][]int32 // granular neighbourhood of each job
	near        [][]int32 // the nearest jobs (up to 100) by distance, for ruin
	types       int
	maxBreaks   int
	avgArc      float64
	measure     Measure
	// clock counts route changes; a route's stamp is the clock at its
	// last change, so the local search retests only what changed.
	clock int
	// symmetric: the arc costs are symmetric.
	symmetric bool
	// narc is the arc cost between nodes (len(nodes)² entries).
	narc []float64
}

func compile(p *Problem, obj Objective) *model {
	m := &model{p: p, nJobs: len(p.Jobs), nVeh: len(p.Vehicles)}
	n := p.Matrix.Size
	m.nLoc = n + 1
	nowhere := int32(n)
	m.dur = make([]float64, m.nLoc*m.nLoc)
	m.dist = make([]float64, m.nLoc*m.nLoc)
	for i := range n {
		for j := range n {
			m.dur[i*m.nLoc+j] = p.Matrix.Duration(i, j)
			m.dist[i*m.nLoc+j] = p.Matrix.Distance(i, j)
		}
	}
	m.measure = obj.Cost
	switch obj.Cost {
	case TravelTime:
		m.arc = m.dur
	case WorkingTime:
		m.arc = make([]float64, len(m.dur))
		m.durW = 1
	default:
		m.arc = m.dist
	}

	m.fast = true
	m.nodes = make([]node, m.nJobs+2*m.nVeh)
	m.prio = make([]int, m.nJobs)
	for i, j := range p.Jobs {
		nd := node{loc: int32(j.Location), service: j.Service, demand: j.Demand, ready: -horizon, due: horizon}
		if len(j.Windows) > 0 {
			nd.ready, nd.due = j.Windows[0].Start, j.Windows[len(j.Windows)-1].End
		}
		if len(j.Windows) > 1 {
			nd.windows = slices.Clone(j.Windows)
			m.fast = false
		}
		m.nodes[i] = nd
		m.prio[i] = j.Priority
	}
	m.veh = make([]vehicle, m.nVeh)
	for i, v := range p.Vehicles {
		vi := vehicle{startNode: int32(m.nJobs + 2*i), endNode: int32(m.nJobs + 2*i + 1)}
		vi.shiftStart, vi.shiftEnd = v.Shift.Start, v.Shift.End
		if v.Shift.End == 0 {
			vi.shiftEnd = horizon
		}
		vi.capacity = v.Capacity
		if vi.capacity == 0 {
			vi.capacity = math.MaxInt64 / 4
		}
		vi.maxWork, vi.maxDrive = v.MaxWorkingTime, v.MaxDrivingTime
		if vi.maxWork == 0 {
			vi.maxWork = horizon
		}
		if vi.maxDrive == 0 {
			vi.maxDrive = horizon
		}
		vi.fixed = v.FixedCost
		vi.breaks = slices.Clone(v.Breaks)
		sort.SliceStable(vi.breaks, func(a, b int) bool { return vi.breaks[a].Window.Start < vi.breaks[b].Window.Start })
		if len(vi.breaks) > 0 {
			m.fast = false
		}
		m.maxBreaks = max(m.maxBreaks, len(vi.breaks))
		sl, el := nowhere, nowhere
		if v.Start != NoLocation {
			sl = int32(v.Start)
		}
		if v.End != NoLocation {
			el = int32(v.End)
		}
		m.nodes[vi.startNode] = node{loc: sl, ready: vi.shiftStart, due: vi.shiftEnd}
		m.nodes[vi.endNode] = node{loc: el, ready: vi.shiftStart, due: vi.shiftEnd}
		m.veh[i] = vi
	}
	for i := range m.nodes {
		nd := &m.nodes[i]
		nd.seg = seg{first: nd.loc, last: nd.loc, dur: nd.service, early: nd.ready, late: nd.due, load: nd.demand}
	}

	// Allowed vehicles: skills and explicit lists.
	m.allowed = make([]bool, m.nJobs*m.nVeh)
	for j, job := range p.Jobs {
		for v, veh := range p.Vehicles {
			ok := job.Vehicles == nil || slices.Contains(job.Vehicles, v)
			for _, s := range job.Skills {
				if !slices.Contains(veh.Skills, s) {
					ok = false
					break
				}
			}
			m.allowed[j*m.nVeh+v] = ok
			if !ok {
				m.restricted = true
			}
		}
	}

	// Vehicle types: identical attributes and identical allowed columns.
	m.types = 0
	for i := range m.veh {
		m.veh[i].typ = -1
		for k := range i {
			if m.sameVehicle(i, k) {
				m.veh[i].typ = m.veh[k].typ
				break
			}
		}
		if m.veh[i].typ < 0 {
			m.veh[i].typ = m.types
			m.types++
		}
	}

	nn := len(m.nodes)
	m.narc = make([]float64, nn*nn)
	for a := range nn {
		for b := range nn {
			m.narc[a*nn+b] = m.arc[int(m.nodes[a].loc)*m.nLoc+int(m.nodes[b].loc)]
		}
	}
	m.symmetric = true
	for i := range m.nLoc {
		for j := range i {
			if m.arc[i*m.nLoc+j] != m.arc[j*m.nLoc+i] {
				m.symmetric = false
			}
		}
	}
	m.weights(obj)
	m.buildNeighbors()
	return m
}

func (m *model) sameVehicle(a, b int) bool {
	va, vb := &m.veh[a], &m.veh[b]
	pa, pb := &m.p.Vehicles[a], &m.p.Vehicles[b]
	if m.nodes[va.startNode].loc != m.nodes[vb.startNode].loc || m.nodes[va.endNode].loc != m.nodes[vb.endNode].loc ||
		va.shiftStart != vb.shiftStart || va.shiftEnd != vb.shiftEnd || va.capacity != vb.capacity ||
		va.maxWork != vb.maxWork || va.maxDrive != vb.maxDrive || pa.FixedCost != pb.FixedCost ||
		!slices.Equal(va.breaks, vb.breaks) {
		return false
	}
	for j := range m.nJobs {
		if m.allowed[j*m.nVeh+a] != m.allowed[j*m.nVeh+b] {
			return false
		}
	}
	return true
}

// weights sets the vehicle weight and the unserved penalties so that the
// scalar objective is lexicographic: priorities served, then vehicles (if
// asked), then cost.
func (m *model) weights(obj Objective) {
	maxArc, maxDur, sumArc := 0.0, 0.0, 0.0
	locs := make([]int32, 0, len(m.nodes))
	for _, nd := range m.nodes {
		locs = append(locs, nd.loc)
	}
	slices.Sort(locs)
	locs = slices.Compact(locs)
	for _, a := range locs {
		for _, b := range locs {
			k := int(a)*m.nLoc + int(b)
			maxArc = max(maxArc, m.arc[k])
			maxDur = max(maxDur, m.dur[k])
			sumArc += m.dist[k]
		}
	}
	if len(locs) > 1 {
		m.avgArc = sumArc / float64(len(locs)*(len(locs)-1))
	}
	if m.avgArc <= 0 {
		m.avgArc = 1
	}
	stops := float64(m.nJobs + 2*m.nVeh)
	bound := stops*maxArc + 1
	if m.durW > 0 {
		service, lo, hi := 0.0, horizon, -horizon
		for j := range m.nJobs {
			nd := &m.nodes[j]
			service += nd.service
			if nd.ready > -horizon {
				lo, hi = min(lo, nd.ready), max(hi, nd.ready)
			}
		}
		span := 0.0
		if hi > lo {
			span = hi - lo
		}
		for _, v := range m.veh {
			for _, b := range v.breaks {
				service += b.Duration
			}
		}
		bound += m.durW * (service + stops*maxDur + float64(m.nVeh)*span)
	}
	for _, v := range m.veh {
		bound += v.fixed
	}
	if obj.MinimizeVehicles {
		m.vehW = bound
		bound *= float64(m.nVeh + 1)
	}
	levels := slices.Clone(m.prio)
	slices.Sort(levels)
	levels = slices.Compact(levels)
	m.rank = make([]int, m.nJobs)
	m.weight = make([]float64, m.nJobs)
	for j := range m.nJobs {
		r, _ := slices.BinarySearch(levels, m.prio[j])
		m.rank[j] = r
		m.weight[j] = bound * math.Pow(float64(m.nJobs+1), float64(r))
	}
}

// buildNeighbors sets the granular neighbourhoods: for each job the jobs
// most likely to be its neighbours in a good route, by distance corrected
// for waiting and time-window clashes (Vidal et al. 2013), and the jobs
// nearest to it, for the ruin.
func (m *model) buildNeighbors() {
	const k = 40      // granular neighbours
	const kNear = 100 // nearest jobs kept for the ruin
	n := m.nJobs
	m.neighbors = make([][]int32, n)
	m.near = make([][]int32, n)
	var top, nearest []cand
	for i := range n {
		a := &m.nodes[i]
		top, nearest = top[:0], nearest[:0]
		for j := range n {
			if j == i {
				continue
			}
			b := &m.nodes[j]
			c := math.Inf(1)
			for _, d := range [2][2]*node{{a, b}, {b, a}} {
				x, y := d[0], d[1]
				t := m.dur[int(x.loc)*m.nLoc+int(y.loc)]
				wait := max(y.ready-x.service-t-x.due, 0)
				warp := max(x.ready+x.service+t-y.due, 0)
				c = min(c, m.dist[int(x.loc)*m.nLoc+int(y.loc)]+0.2*wait+warp)
			}
			top = keepBest(top, cand{int32(j), c}, k)
			nearest = keepBest(nearest, cand{int32(j), m.dist[int(a.loc)*m.nLoc+int(b.loc)]}, kNear)
		}
		m.neighbors[i] = make([]int32, len(top))
		for x, c := range top {
			m.neighbors[i][x] = c.j
		}
		m.near[i] = make([]int32, len(nearest))
		for x, c := range nearest {
			m.near[i][x] = c.j
		}
	}
}

// cand is a job and its distance to another, for buildNeighbors.
type cand struct {
	j int32
	c float64
}

// keepBest inserts x into the ascending list best (by distance, then job)
// if it is among the k smallest, and returns the list.
func keepBest(best []cand, x cand, k int) []cand {
	less := func(a, b cand) bool { return a.c < b.c || a.c == b.c && a.j < b.j }
	if len(best) == k && !less(x, best[k-1]) {
		return best
	}
	p := len(best)
	for p > 0 && less(x, best[p-1]) {
		p--
	}
	if len(best) < k {
		best = append(best, cand{})
	}
	copy(best[p+1:], best[p:len(best)-1])
	best[p] = x
	return best
}

func (m *model) canServe(v int, j int32) bool {
	return !m.restricted || m.allowed[int(j)*m.nVeh+v]
}
