package scheduler

import (
	"fmt"
	"time"
)

// NoLocation, as a [Vehicle]'s Start or End, makes the route open at that
// side: it begins at its first job (Start) or ends at its last job (End),
// with no travel to or from a fixed place.
const NoLocation = -1

// TimeWindow is the closed interval [Start, End] in the problem's time unit.
type TimeWindow struct {
	Start, End float64
}

// Matrix holds the travel between every pair of locations. Locations are
// the integers 0..Size-1; a [Job] or [Vehicle] names its place by one of
// them.
//
// Both slices are Size×Size and row-major: entry i*Size+j is the travel from
// location i to location j. Values are float64 so that a benchmark can use
// exact Euclidean distances while an application uses whole seconds and
// metres; the engine is unit-agnostic. The matrix need not be symmetric nor
// satisfy the triangle inequality.
type Matrix struct {
	// Size is the number of locations.
	Size int
	// Durations is the travel time, in the problem's time unit.
	Durations []float64
	// Distances is the travel distance; nil means the same as Durations.
	Distances []float64
}

// NewMatrix returns a Size×Size matrix of zero durations and distances.
func NewMatrix(size int) Matrix {
	return Matrix{Size: size, Durations: make([]float64, size*size), Distances: make([]float64, size*size)}
}

// Duration returns the travel time from location i to location j.
func (m Matrix) Duration(i, j int) float64 { return m.Durations[i*m.Size+j] }

// Distance returns the travel distance from location i to location j.
func (m Matrix) Distance(i, j int) float64 {
	if m.Distances == nil {
		return m.Durations[i*m.Size+j]
	}
	return m.Distances[i*m.Size+j]
}

// Set sets both the duration and the distance from i to j.
func (m Matrix) Set(i, j int, duration, distance float64) {
	m.Durations[i*m.Size+j] = duration
	if m.Distances != nil {
		m.Distances[i*m.Size+j] = distance
	}
}

// Break is a pause a used vehicle must take: it starts inside Window and
// lasts Duration. The vehicle takes it where it is (before leaving a stop or
// on arrival at the next one), and must take it before its route ends.
type Break struct {
	Window   TimeWindow
	Duration float64
}

// Vehicle is one resource that can run one route: a parent partner's day.
type Vehicle struct {
	// Start and End are the locations where the route begins and ends;
	// NoLocation leaves that side open.
	Start, End int
	// Shift bounds the route: it leaves Start at or after Shift.Start and
	// reaches End by Shift.End. A zero End means no end limit.
	Shift TimeWindow
	// Capacity bounds the summed Demand of the route's jobs; 0 means no
	// limit.
	Capacity int64
	// Breaks lists the breaks the vehicle takes when it is used.
	Breaks []Break
	// MaxWorkingTime bounds the route's span from departure to arrival at
	// End (travel, service, waiting and breaks); 0 means no limit.
	MaxWorkingTime float64
	// MaxDrivingTime bounds the summed travel time of the route; 0 means no
	// limit.
	MaxDrivingTime float64
	// Skills lists what the vehicle offers; a job requires a subset.
	Skills []string
	// FixedCost is added to the objective when the vehicle is used.
	FixedCost float64
}

// Job is one visit: a place, a service duration and when service may start.
type Job struct {
	// Location is where the service happens.
	Location int
	// Service is how long the service lasts.
	Service float64
	// Demand is the capacity the job uses on its vehicle.
	Demand int64
	// Windows lists the intervals in which service may start, sorted and
	// disjoint; nil means any time. A fixed start (a court hearing) is the
	// window [t, t]. Arriving early means waiting; arriving late is not
	// allowed.
	Windows []TimeWindow
	// Priority ranks jobs when not all can be served: every job of a higher
	// priority outweighs any number of jobs of lower ones. Zero is normal.
	Priority int
	// Skills lists what the vehicle must offer.
	Skills []string
	// Vehicles lists the indices of the vehicles allowed to serve the job;
	// nil means all.
	Vehicles []int
}

// Problem is a vehicle routing problem with time windows. The solver never
// modifies it.
type Problem struct {
	Vehicles []Vehicle
	Jobs     []Job
	Matrix   Matrix
}

// Measure names what the objective sums over the routes.
type Measure int

const (
	// Distance sums the travel distance (the zero value).
	Distance Measure = iota
	// TravelTime sums the travel durations.
	TravelTime
	// WorkingTime sums each route's span from departure to return, waiting
	// and breaks included.
	WorkingTime
)

func (m Measure) String() string {
	switch m {
	case Distance:
		return "distance"
	case TravelTime:
		return "travel time"
	case WorkingTime:
		return "working time"
	}
	return fmt.Sprintf("Measure(%d)", int(m))
}

// Objective says what a better solution is. Serving jobs always comes first
// (by priority); then, if MinimizeVehicles is set, fewer used vehicles; then
// the Cost measure plus the used vehicles' FixedCost.
type Objective struct {
	MinimizeVehicles bool
	Cost             Measure
}

// Options controls a [Solve] run. The zero value is not enough: set a
// TimeLimit, an Iteration limit, or pass a context with a deadline.
type Options struct {
	// TimeLimit bounds the wall-clock time of the run (or the time Clock
	// measures); 0 means none.
	// Results under a time limit depend on the machine's speed and load.
	TimeLimit time.Duration
	// Iterations bounds the number of improvement iterations; 0 means none.
	// A step of the fleet minimisation phase (MinimizeVehicles: an
	// ejection-pool move or a ruin and recreate), which runs no local
	// search, counts as a tenth, as does a pool move that completes an
	// annealing candidate.
	// With an iteration limit and no time limit, a run is deterministic
	// for its Seed.
	Iterations int
	// Seed seeds the one random source of the run.
	Seed uint64
	// Objective selects what is minimised.
	Objective Objective
	// Progress, if not nil, is called synchronously on every new best
	// solution.
	Progress func(Progress)
	// Clock, if not nil, measures the run against TimeLimit instead of the
	// wall clock: the run ends once Clock has advanced by TimeLimit since
	// Solve began. A benchmark passes the process's CPU time so that its
	// limits do not depend on the machine's load. Clock must be monotonic
	// and safe to call often; it does not affect Stats.Elapsed. (The same
	// shape as matcher/gap's Options.Clock and the stores' clocks.)
	Clock func() time.Time
}

// Progress reports a new best solution during a run.
type Progress struct {
	Iteration int
	Elapsed   time.Duration
	// Objective is the scalar the search minimises (penalties for unserved
	// jobs and vehicle weights included).
	Objective float64
	Vehicles  int
	// Cost is the objective's measure plus fixed costs.
	Cost     float64
	Unserved int
}

// Status tells why a run stopped. Every status comes with a solution.
type Status int

const (
	// StatusUnknown is the zero value.
	StatusUnknown Status = iota
	// IterationLimit: Options.Iterations were done.
	IterationLimit
	// TimeLimit: Options.TimeLimit elapsed.
	TimeLimit
	// ContextDone: the caller's context was cancelled or hit its deadline.
	ContextDone
)

func (s Status) String() string {
	switch s {
	case StatusUnknown:
		return "unknown"
	case IterationLimit:
		return "iteration limit"
	case TimeLimit:
		return "time limit"
	case ContextDone:
		return "context done"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Stats describes a run.
type Stats struct {
	Iterations int
	Elapsed    time.Duration
	// History lists every new best solution, in order.
	History []Progress
}

// StopKind tells a job visit from a break.
type StopKind int

const (
	// JobStop is the service of a job.
	JobStop StopKind = iota
	// BreakStop is one of the vehicle's breaks.
	BreakStop
)

// Stop is one step of a route. Travel fields describe the leg that reaches
// the stop from the previous one (or from the route's start).
type Stop struct {
	Kind StopKind
	// Job is the index in Problem.Jobs (JobStop), Break the index in the
	// vehicle's Breaks (BreakStop).
	Job, Break int
	// Location is where the stop happens (a break is taken where the
	// vehicle is).
	Location int
	// Arrival is when the vehicle gets there, Start when service (or the
	// break) begins, End when it ends; Waiting is Start-Arrival.
	Arrival, Start, End, Waiting float64
	// TravelTime and Distance measure the leg to this stop.
	TravelTime, Distance float64
}

// Route is the plan of one used vehicle.
type Route struct {
	Vehicle int
	// Start is the departure from the vehicle's Start, End the arrival at
	// its End.
	Start, End float64
	Stops      []Stop
	// EndTravelTime and EndDistance measure the last leg, to the End.
	EndTravelTime, EndDistance float64
	// Totals over the route.
	Distance, TravelTime, WorkingTime, WaitingTime float64
	Load                                           int64
}

// Reason tells why a job is unserved.
type Reason int

const (
	// ReasonUnknown is the zero value.
	ReasonUnknown Reason = iota
	// NoAllowedVehicle: no vehicle is both allowed and has the skills.
	NoAllowedVehicle
	// OverCapacity: the demand exceeds every allowed vehicle's capacity.
	OverCapacity
	// WindowUnreachable: no allowed vehicle can start the service inside a
	// window even on an otherwise empty route (shift, travel, breaks).
	WindowUnreachable
	// OverWorkingTime: the job alone exceeds every allowed vehicle's
	// MaxWorkingTime.
	OverWorkingTime
	// OverDrivingTime: the job alone exceeds every allowed vehicle's
	// MaxDrivingTime.
	OverDrivingTime
	// DisplacedByPriority: it fits only where jobs of higher priority are
	// served.
	DisplacedByPriority
	// NoRoom: it fits alone, but not beside the served jobs of equal or
	// higher priority (time, capacity or fleet exhausted).
	NoRoom
)

func (r Reason) String() string {
	switch r {
	case ReasonUnknown:
		return "unknown"
	case NoAllowedVehicle:
		return "no allowed vehicle"
	case OverCapacity:
		return "over capacity"
	case WindowUnreachable:
		return "no time window reachable"
	case OverWorkingTime:
		return "over working time"
	case OverDrivingTime:
		return "over driving time"
	case DisplacedByPriority:
		return "displaced by higher priority"
	case NoRoom:
		return "no room"
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// Unserved is a job left out of every route, with the reason.
type Unserved struct {
	Job    int
	Reason Reason
}

// Solution is the best plan a run found.
type Solution struct {
	// Routes lists one route per used vehicle, by vehicle index.
	Routes []Route
	// Unserved lists every job in no route, by job index.
	Unserved []Unserved
	// Vehicles is len(Routes).
	Vehicles int
	// Totals over the routes.
	Distance, TravelTime, WorkingTime float64
	// Cost is the objective's measure plus the used vehicles' FixedCost.
	Cost   float64
	Status Status
	Stats  Stats
}
