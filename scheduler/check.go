package scheduler

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Check verifies a solution against its problem independently of the
// solver's own evaluation: it replays every reported time and leg and
// returns every violation found, joined, or nil. It checks that each job
// is served at most once or listed unserved exactly once, allowed vehicles
// and skills, legs equal to the matrix, arrivals no earlier than the
// previous end plus the leg, starts inside a window, service and break
// durations, every break of a used vehicle taken inside its window, the
// shift, capacity, working and driving time, and the route totals.
//
// Times compare with a tolerance of 1e-6 relative to their magnitude.
func Check(p *Problem, s *Solution) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	tol := func(x float64) float64 { return 1e-6 * max(1, math.Abs(x)) }
	seen := make([]int, len(p.Jobs)) // 0 = nowhere, 1 = served, 2 = unserved
	usedVeh := make(map[int]bool)
	dist := func(a, b int) (float64, float64) {
		if a == NoLocation || b == NoLocation {
			return 0, 0
		}
		return p.Matrix.Duration(a, b), p.Matrix.Distance(a, b)
	}
	totalDist := 0.0
	for ri, r := range s.Routes {
		if r.Vehicle < 0 || r.Vehicle >= len(p.Vehicles) {
			bad("route %d: vehicle %d does not exist", ri, r.Vehicle)
			continue
		}
		if usedVeh[r.Vehicle] {
			bad("route %d: vehicle %d has two routes", ri, r.Vehicle)
		}
		usedVeh[r.Vehicle] = true
		veh := p.Vehicles[r.Vehicle]
		where := fmt.Sprintf("route %d (vehicle %d)", ri, r.Vehicle)
		if r.Start < veh.Shift.Start-tol(veh.Shift.Start) {
			bad("%s: leaves at %v, before its shift %v", where, r.Start, veh.Shift.Start)
		}
		if veh.Shift.End != 0 && r.End > veh.Shift.End+tol(veh.Shift.End) {
			bad("%s: ends at %v, after its shift %v", where, r.End, veh.Shift.End)
		}
		loc, t := veh.Start, r.Start
		var load int64
		drive, length := 0.0, 0.0
		took := make([]int, len(veh.Breaks))
		jobs := 0
		for k, st := range r.Stops {
			sw := fmt.Sprintf("%s stop %d", where, k)
			legT, legD := dist(loc, st.Location)
			if math.Abs(st.TravelTime-legT) > tol(legT) || math.Abs(st.Distance-legD) > tol(legD) {
				bad("%s: leg %v/%v, matrix says %v/%v", sw, st.TravelTime, st.Distance, legT, legD)
			}
			drive += legT
			length += legD
			if st.Arrival < t+legT-tol(t+legT) {
				bad("%s: arrives at %v, before %v (previous end plus travel)", sw, st.Arrival, t+legT)
			}
			if st.Start < st.Arrival-tol(st.Arrival) {
				bad("%s: starts at %v before arriving at %v", sw, st.Start, st.Arrival)
			}
			switch st.Kind {
			case JobStop:
				if st.Job < 0 || st.Job >= len(p.Jobs) {
					bad("%s: job %d does not exist", sw, st.Job)
					continue
				}
				job := p.Jobs[st.Job]
				if seen[st.Job] != 0 {
					bad("%s: job %d served twice", sw, st.Job)
				}
				seen[st.Job] = 1
				jobs++
				if st.Location != job.Location {
					bad("%s: job %d at location %d, want %d", sw, st.Job, st.Location, job.Location)
				}
				if job.Vehicles != nil && !slices.Contains(job.Vehicles, r.Vehicle) {
					bad("%s: job %d not allowed on vehicle %d", sw, st.Job, r.Vehicle)
				}
				for _, sk := range job.Skills {
					if !slices.Contains(veh.Skills, sk) {
						bad("%s: job %d needs skill %q", sw, st.Job, sk)
					}
				}
				inside := len(job.Windows) == 0
				for _, w := range job.Windows {
					if st.Start >= w.Start-tol(w.Start) && st.Start <= w.End+tol(w.End) {
						inside = true
					}
				}
				if !inside {
					bad("%s: job %d starts at %v, outside its windows %v", sw, st.Job, st.Start, job.Windows)
				}
				if math.Abs(st.End-st.Start-job.Service) > tol(st.End) {
					bad("%s: job %d lasts %v, want %v", sw, st.Job, st.End-st.Start, job.Service)
				}
				load += job.Demand
			case BreakStop:
				if st.Break < 0 || st.Break >= len(veh.Breaks) {
					bad("%s: break %d does not exist", sw, st.Break)
					continue
				}
				b := veh.Breaks[st.Break]
				took[st.Break]++
				if st.Start < b.Window.Start-tol(b.Window.Start) || st.Start > b.Window.End+tol(b.Window.End) {
					bad("%s: break %d starts at %v, outside %v", sw, st.Break, st.Start, b.Window)
				}
				if math.Abs(st.End-st.Start-b.Duration) > tol(st.End) {
					bad("%s: break %d lasts %v, want %v", sw, st.Break, st.End-st.Start, b.Duration)
				}
			default:
				bad("%s: unknown kind %d", sw, st.Kind)
			}
			loc, t = st.Location, st.End
		}
		if jobs == 0 {
			bad("%s: used without jobs", where)
		}
		for b, n := range took {
			if n != 1 {
				bad("%s: break %d taken %d times", where, b, n)
			}
		}
		legT, legD := dist(loc, veh.End)
		if math.Abs(r.EndTravelTime-legT) > tol(legT) || math.Abs(r.EndDistance-legD) > tol(legD) {
			bad("%s: last leg %v/%v, matrix says %v/%v", where, r.EndTravelTime, r.EndDistance, legT, legD)
		}
		drive += legT
		length += legD
		if r.End < t+legT-tol(t+legT) {
			bad("%s: ends at %v, before %v", where, r.End, t+legT)
		}
		if veh.Capacity > 0 && load > veh.Capacity {
			bad("%s: load %d over capacity %d", where, load, veh.Capacity)
		}
		if veh.MaxDrivingTime > 0 && drive > veh.MaxDrivingTime+tol(drive) {
			bad("%s: drives %v, over %v", where, drive, veh.MaxDrivingTime)
		}
		if veh.MaxWorkingTime > 0 && r.End-r.Start > veh.MaxWorkingTime+tol(r.End) {
			bad("%s: works %v, over %v", where, r.End-r.Start, veh.MaxWorkingTime)
		}
		if math.Abs(r.Distance-length) > tol(length) {
			bad("%s: distance %v, legs sum to %v", where, r.Distance, length)
		}
		if r.Load != load {
			bad("%s: load %d, jobs sum to %d", where, r.Load, load)
		}
		totalDist += length
	}
	for k, u := range s.Unserved {
		if u.Job < 0 || u.Job >= len(p.Jobs) {
			bad("unserved %d: job %d does not exist", k, u.Job)
			continue
		}
		if seen[u.Job] != 0 {
			bad("unserved %d: job %d also served or listed twice", k, u.Job)
		}
		seen[u.Job] = 2
	}
	for j, st := range seen {
		if st == 0 {
			bad("job %d neither served nor unserved", j)
		}
	}
	if math.Abs(s.Distance-totalDist) > tol(totalDist) {
		bad("solution distance %v, routes sum to %v", s.Distance, totalDist)
	}
	if s.Vehicles != len(s.Routes) {
		bad("solution says %d vehicles, has %d routes", s.Vehicles, len(s.Routes))
	}
	return errors.Join(errs...)
}
