package scheduler

// walkOut is what simulating one route yields.
type walkOut struct {
	cost, dist, travel float64
	warp, wait         float64
	load               int64
	start, end         float64 // departure from the start, arrival at the end
	// shift is how much later the route could leave without ending later
	// or adding time warp (Savelsbergh's forward time slack).
	shift float64
}

// startAt returns when service at nd starts if the vehicle is there at
// arr, the time warp that costs, and the end of the window used.
func startAt(nd *node, arr float64) (start, warp, due float64) {
	if nd.windows == nil {
		if arr > nd.due {
			return nd.due, arr - nd.due, nd.due
		}
		return max(arr, nd.ready), 0, nd.due
	}
	for _, w := range nd.windows {
		if arr <= w.End {
			return max(arr, w.Start), 0, w.End
		}
	}
	last := nd.windows[len(nd.windows)-1].End
	return last, arr - last, last
}

// walk simulates vehicle v leaving at t0 and serving jobs in order, the
// earliest-start schedule with time warp for lateness. Breaks are placed
// greedily: a pending break is taken in a gap when it fits in the waiting
// time there, or when postponing it past the next stop would miss its
// window; it is taken on arrival at the next stop when its window allows,
// else before leaving. If stops is not nil, the schedule is appended to it.
func (m *model) walk(v int, jobs []int32, t0 float64, stops *[]Stop) walkOut {
	vi := &m.veh[v]
	o := walkOut{start: t0}
	t := t0
	prev := m.nodes[vi.startNode].loc
	pending := 0
	slack := horizon
	for k := 0; k <= len(jobs); k++ {
		isEnd := k == len(jobs)
		var nd *node
		if isEnd {
			nd = &m.nodes[vi.endNode]
		} else {
			nd = &m.nodes[jobs[k]]
			o.load += nd.demand
		}
		idx := int(prev)*m.nLoc + int(nd.loc)
		travel := m.dur[idx]
		o.cost += m.arc[idx]
		o.dist += m.dist[idx]
		o.travel += travel
		legT, legD := travel, m.dist[idx]
		depart := t
		arr := depart + travel
		travelled := false
		for pending < len(vi.breaks) {
			b := &vi.breaks[pending]
			st, _, _ := startAt(nd, arr)
			after := max(arr, b.Window.Start)
			free := !isEnd && after <= b.Window.End && after+b.Duration <= st
			must := isEnd || st+nd.service > b.Window.End
			if !free && !must {
				break
			}
			pending++
			before := max(depart, b.Window.Start)
			if travelled || after <= b.Window.End || before > b.Window.End {
				// On arrival at nd.
				bs := after
				if bs > b.Window.End {
					o.warp += bs - b.Window.End
					bs = b.Window.End
				}
				w := bs - arr
				if w < 0 {
					w = 0
				}
				o.wait += w
				slack = min(slack, o.wait+b.Window.End-bs)
				if stops != nil {
					*stops = append(*stops, Stop{Kind: BreakStop, Break: pending - 1, Job: -1, Location: m.locIndex(nd.loc),
						Arrival: arr, Start: bs, End: bs + b.Duration, Waiting: w, TravelTime: legT, Distance: legD})
				}
				legT, legD = 0, 0
				arr = bs + b.Duration
				travelled = true
				continue
			}
			// Before leaving prev.
			bs := before
			w := bs - depart
			o.wait += w
			slack = min(slack, o.wait+b.Window.End-bs)
			if stops != nil {
				*stops = append(*stops, Stop{Kind: BreakStop, Break: pending - 1, Job: -1, Location: m.locIndex(prev),
					Arrival: depart, Start: bs, End: bs + b.Duration, Waiting: w})
			}
			depart = bs + b.Duration
			arr = depart + travel
		}
		st, warp, due := startAt(nd, arr)
		if isEnd {
			st = min(arr, nd.due)
		}
		o.warp += warp
		w := 0.0
		if warp == 0 {
			w = st - arr
		}
		o.wait += w
		slack = min(slack, o.wait+due-st)
		if isEnd {
			o.end = st
			break
		}
		if stops != nil {
			*stops = append(*stops, Stop{Kind: JobStop, Job: int(jobs[k]), Break: -1, Location: int(nd.loc),
				Arrival: arr, Start: st, End: st + nd.service, Waiting: w, TravelTime: legT, Distance: legD})
		}
		t = st + nd.service
		prev = nd.loc
	}
	o.shift = max(0, min(slack, o.wait))
	return o
}

// locIndex maps an internal location to the problem's (nowhere → NoLocation).
func (m *model) locIndex(l int32) int {
	if int(l) == m.nLoc-1 {
		return NoLocation
	}
	return int(l)
}

// simulate prices jobs on vehicle v as a summary (general mode), with the
// working time of the schedule that [model.schedule] reports.
func (m *model) simulate(v int, jobs []int32, _ *[]Stop) seg {
	o := m.latest(v, jobs, nil)
	return seg{cost: o.cost, travel: o.travel, dur: o.end - o.start, warp: o.warp, load: o.load}
}

// latest simulates jobs on v leaving as late as keeps the arrival and the
// time warp of the earliest departure. Without breaks and with single
// windows the forward time slack is exact; otherwise later departures can
// change where breaks and windows fall, so shorter delays are tried too.
func (m *model) latest(v int, jobs []int32, stops *[]Stop) walkOut {
	t0 := m.veh[v].shiftStart
	first := m.walk(v, jobs, t0, nil)
	if first.shift > eps {
		for _, f := range [...]float64{1, 0.5, 0.25} {
			n := 0
			if stops != nil {
				n = len(*stops)
			}
			o := m.walk(v, jobs, t0+first.shift*f, stops)
			if o.warp <= first.warp+eps && o.end <= first.end+eps {
				return o
			}
			if stops != nil {
				*stops = (*stops)[:n]
			}
		}
	}
	if stops != nil {
		return m.walk(v, jobs, t0, stops)
	}
	return first
}

// schedule returns the reported plan of jobs on vehicle v.
func (m *model) schedule(v int, jobs []int32) Route {
	vi := &m.veh[v]
	var stops []Stop
	o := m.latest(v, jobs, &stops)
	r := Route{Vehicle: v, Start: o.start, End: o.end, Stops: stops, Load: o.load,
		Distance: o.dist, TravelTime: o.travel, WorkingTime: o.end - o.start, WaitingTime: o.wait}
	last := m.nodes[vi.startNode].loc
	if len(stops) > 0 {
		last = int32(stops[len(stops)-1].Location)
		if last < 0 {
			last = int32(m.nLoc - 1)
		}
	}
	endLoc := m.nodes[vi.endNode].loc
	r.EndTravelTime = m.dur[int(last)*m.nLoc+int(endLoc)]
	r.EndDistance = m.dist[int(last)*m.nLoc+int(endLoc)]
	return r
}
