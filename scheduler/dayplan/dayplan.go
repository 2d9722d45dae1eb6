package dayplan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/geo/county"
	"github.com/alongside/alongside/scheduler"
)

// Request is one day to plan. The planner does not modify it.
type Request struct {
	Org      alongside.OrgID
	Date     alongside.Date
	TimeZone string // IANA zone of the plan, e.g. America/Phoenix
	// Partners who may work the day; inactive ones and those not available
	// on the weekday are ignored.
	Partners []*alongside.Partner
	// Appointments of the day.
	Appointments []*alongside.Appointment
	// Cases of the appointments, for cover qualification (languages,
	// program).
	Cases []*alongside.Case
	// Owners maps a case to its confirmed partner.
	Owners map[alongside.CaseID]alongside.PartnerID
	// AllowCover lets any qualified partner serve any stop.
	AllowCover bool
	// Previous is the day's current plan when re-planning, with Now the
	// moment of the re-plan; nil plans from scratch.
	Previous []*alongside.Itinerary
	Now      time.Time
}

// Options tunes the planner. The zero value is ready: each field says its
// default.
type Options struct {
	// Travel estimates legs; nil means geo.GreatCircle with Arizona urban
	// areas (county.Urban).
	Travel geo.TravelModel
	// TimeLimit bounds each engine run; 0 means 2 s.
	TimeLimit time.Duration
	// Iterations bounds each engine run instead of time when set; with it a
	// plan is deterministic for its Seed.
	Iterations int
	// Seed of the engine's random source.
	Seed uint64
	// Break is the lunch break of shifts longer than six hours; 0 means
	// 30 minutes, negative means none. It starts between 11:30 and 14:00.
	Break time.Duration
	// MaxDriving bounds a partner's driving in the day; 0 means 5 hours.
	MaxDriving time.Duration
}

// Code classifies why a stop is unserved.
type Code string

// Codes of unserved stops.
const (
	CodeTimeClash          Code = "time_clash"           // the qualified partners' days are full at that time
	CodeNoQualifiedPartner Code = "no_qualified_partner" // nobody allowed to serve it works that day
	CodeOutsideShift       Code = "outside_shift"        // no allowed partner can start it inside its window and shift
	CodeDriveLimit         Code = "drive_limit"          // too far for the daily driving limit
)

// Unserved is an appointment no itinerary holds.
type Unserved struct {
	Appointment alongside.AppointmentID
	Case        alongside.CaseID
	Kind        alongside.AppointmentKind
	Code        Code
	Reason      string // the reason in words, for a coordinator
}

// Plan is the result of a day plan.
type Plan struct {
	Itineraries []*alongside.Itinerary // one per partner with stops, by partner ID
	Unserved    []Unserved
	// Replanned reports that keeping previous assignments left a stop
	// unserved, so stops were moved between partners.
	Replanned bool
	Status    scheduler.Status
	Stats     scheduler.Stats
}

// ErrInvalid is wrapped by errors about a request that cannot be planned.
var ErrInvalid = errors.New("invalid day plan request")

// Make plans the day.
func Make(ctx context.Context, req *Request, opts Options) (*Plan, error) {
	b, err := newBuilder(ctx, req, opts)
	if err != nil {
		return nil, err
	}
	if len(b.vehicles) == 0 {
		sol := &scheduler.Solution{}
		for i := range b.jobs {
			sol.Unserved = append(sol.Unserved, scheduler.Unserved{Job: i, Reason: scheduler.NoAllowedVehicle})
		}
		return b.plan(sol), nil
	}
	sol, err := b.solve(ctx, true)
	if err != nil {
		return nil, err
	}
	replanned := false
	if len(req.Previous) > 0 && len(sol.Unserved) > 0 {
		if free, err := b.solve(ctx, false); err != nil {
			return nil, err
		} else if len(free.Unserved) < len(sol.Unserved) {
			sol, replanned = free, true
		}
	}
	plan := b.plan(sol)
	plan.Replanned = replanned
	return plan, nil
}

// builder holds a request prepared for the engine.
type builder struct {
	req      *Request
	opts     Options
	loc      *time.Location
	midnight time.Time
	vehicles []scheduler.Vehicle
	partners []*alongside.Partner // by vehicle index
	appts    []*alongside.Appointment
	jobs     []job
	matrix   scheduler.Matrix
}

// job is an appointment's engine job before the keep-previous choice.
type job struct {
	base     scheduler.Job
	allowed  []int // vehicles allowed to serve it
	previous int   // vehicle of the previous plan, or -1
	pinned   bool  // done, in progress or started: previous vehicle and start
}

func newBuilder(ctx context.Context, req *Request, opts Options) (*builder, error) {
	loc, err := alongside.LoadZone(req.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("dayplan: time_zone %q: %w", req.TimeZone, ErrInvalid)
	}
	if req.Date.IsZero() {
		return nil, fmt.Errorf("dayplan: date: %w", ErrInvalid)
	}
	if opts.TimeLimit == 0 && opts.Iterations == 0 {
		opts.TimeLimit = 2 * time.Second
	}
	if opts.Break == 0 {
		opts.Break = 30 * time.Minute
	}
	if opts.MaxDriving == 0 {
		opts.MaxDriving = 5 * time.Hour
	}
	if opts.Travel == nil {
		opts.Travel = geo.GreatCircle{Urban: county.Urban}
	}
	b := &builder{req: req, opts: opts, loc: loc, midnight: req.Date.In(loc)}
	b.addVehicles()
	b.addJobs()
	if err := b.addMatrix(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *builder) seconds(t time.Time) float64 { return t.Sub(b.midnight).Seconds() }

func (b *builder) time(sec float64) time.Time {
	return b.midnight.Add(time.Duration(math.Round(sec)) * time.Second).In(b.loc)
}

// addVehicles makes a vehicle of every active partner available on the
// date's weekday, in partner ID order.
func (b *builder) addVehicles() {
	partners := slices.Clone(b.req.Partners)
	slices.SortFunc(partners, func(x, y *alongside.Partner) int { return cmp.Compare(x.ID, y.ID) })
	day := b.midnight.Weekday()
	dayLength := b.seconds(b.midnight.AddDate(0, 0, 1))
	for _, p := range partners {
		if p.Status != alongside.PartnerStatusActive {
			continue
		}
		first, last := alongside.TimeOfDay(-1), alongside.TimeOfDay(-1)
		for _, w := range p.Availability {
			if w.Day != day {
				continue
			}
			if first < 0 || w.Start < first {
				first = w.Start
			}
			last = max(last, w.End)
		}
		if first < 0 {
			continue
		}
		shift := scheduler.TimeWindow{Start: b.clock(first), End: min(b.clock(last), dayLength)}
		v := scheduler.Vehicle{Start: len(b.partners), End: len(b.partners), Shift: shift,
			MaxDrivingTime: b.opts.MaxDriving.Seconds()}
		if b.opts.Break > 0 && shift.End-shift.Start > 6*3600 {
			w := scheduler.TimeWindow{Start: max(b.clock(11*60+30), shift.Start), End: min(b.clock(14*60), shift.End-b.opts.Break.Seconds())}
			if w.End >= w.Start {
				v.Breaks = []scheduler.Break{{Window: w, Duration: b.opts.Break.Seconds()}}
			}
		}
		b.vehicles = append(b.vehicles, v)
		b.partners = append(b.partners, p)
	}
}

// clock returns the seconds after midnight of a wall-clock time on the
// plan's date (a DST day has 23 or 25 hours).
func (b *builder) clock(t alongside.TimeOfDay) float64 {
	d := b.req.Date
	return b.seconds(time.Date(d.Year, d.Month, d.Day, int(t)/60, int(t)%60, 0, 0, b.loc))
}

func (b *builder) vehicleOf(id alongside.PartnerID) int {
	return slices.IndexFunc(b.partners, func(p *alongside.Partner) bool { return p.ID == id })
}

// addJobs makes a job of every appointment that is not cancelled.
func (b *builder) addJobs() {
	cases := make(map[alongside.CaseID]*alongside.Case, len(b.req.Cases))
	for _, c := range b.req.Cases {
		cases[c.ID] = c
	}
	prev := map[alongside.AppointmentID]struct {
		vehicle int
		start   time.Time
	}{}
	for _, it := range b.req.Previous {
		for _, s := range it.Stops {
			prev[s.Appointment] = struct {
				vehicle int
				start   time.Time
			}{b.vehicleOf(it.Partner), s.Start}
		}
	}
	appts := slices.Clone(b.req.Appointments)
	slices.SortFunc(appts, func(x, y *alongside.Appointment) int { return cmp.Compare(x.ID, y.ID) })
	for _, a := range appts {
		if a.Status == alongside.AppointmentCancelled {
			continue
		}
		j := job{previous: -1, base: scheduler.Job{
			Location: len(b.partners) + len(b.appts),
			Service:  a.Duration.Seconds(),
			Priority: a.EffectivePriority(),
		}}
		for _, w := range a.StartWindows() {
			j.base.Windows = append(j.base.Windows, scheduler.TimeWindow{Start: b.seconds(w.Start), End: b.seconds(w.End)})
		}
		j.allowed = b.allowed(a, cases[a.Case])
		if p, ok := prev[a.ID]; ok && p.vehicle >= 0 {
			j.previous = p.vehicle
			started := !b.req.Now.IsZero() && !p.start.After(b.req.Now)
			if started || a.Status == alongside.AppointmentDone || a.Status == alongside.AppointmentInProgress {
				j.pinned = true
				j.base.Windows = []scheduler.TimeWindow{{Start: b.seconds(p.start), End: b.seconds(p.start)}}
			}
		}
		b.appts = append(b.appts, a)
		b.jobs = append(b.jobs, j)
	}
}

// allowed returns the vehicles that may serve a: the case's confirmed
// partner, the listed cover partners and, with AllowCover, every partner
// who shares a language with the parent and works the case's program.
func (b *builder) allowed(a *alongside.Appointment, c *alongside.Case) []int {
	var out []int
	for v, p := range b.partners {
		ok := b.req.Owners[a.Case] == p.ID || slices.Contains(a.CoverPartners, p.ID)
		if !ok && b.req.AllowCover && c != nil {
			ok = slices.Contains(p.Programs, c.Program) && sharesLanguage(p.Languages, c.Languages)
		}
		if ok {
			out = append(out, v)
		}
	}
	return out
}

// sharesLanguage reports whether the two lists share a base language
// ("es-MX" and "es" do).
func sharesLanguage(a, b []string) bool {
	base := func(tag string) string {
		for i := range len(tag) {
			if tag[i] == '-' {
				return tag[:i]
			}
		}
		return tag
	}
	for _, x := range a {
		for _, y := range b {
			if base(x) == base(y) {
				return true
			}
		}
	}
	return false
}

// addMatrix fills the engine's matrix from the travel model: homes first,
// then appointment places.
func (b *builder) addMatrix(ctx context.Context) error {
	points := make([]geo.Point, 0, len(b.partners)+len(b.appts))
	for _, p := range b.partners {
		points = append(points, p.Home)
	}
	for _, a := range b.appts {
		points = append(points, a.Location)
	}
	m, err := b.opts.Travel.Matrix(ctx, points, points)
	if err != nil {
		return fmt.Errorf("dayplan: travel: %w", err)
	}
	b.matrix = scheduler.NewMatrix(len(points))
	for i := range points {
		for j := range points {
			leg := m.At(i, j)
			dur, dist := leg.Duration.Seconds(), float64(leg.Distance)
			if !leg.Reachable() {
				dur, dist = 1e9, 1e12 // no route: never feasible inside a day
			}
			b.matrix.Set(i, j, dur, dist)
		}
	}
	return nil
}

// solve runs the engine; keep restricts stops with a previous partner to
// that partner.
func (b *builder) solve(ctx context.Context, keep bool) (*scheduler.Solution, error) {
	p := &scheduler.Problem{Vehicles: b.vehicles, Matrix: b.matrix, Jobs: make([]scheduler.Job, len(b.jobs))}
	for i, j := range b.jobs {
		job := j.base
		switch {
		case j.pinned, keep && j.previous >= 0 && slices.Contains(j.allowed, j.previous):
			job.Vehicles = []int{j.previous}
		default:
			job.Vehicles = append([]int{}, j.allowed...) // never nil: nil would allow every vehicle
		}
		p.Jobs[i] = job
	}
	sol, err := scheduler.Solve(ctx, p, scheduler.Options{
		TimeLimit: b.opts.TimeLimit, Iterations: b.opts.Iterations, Seed: b.opts.Seed,
		Objective: scheduler.Objective{Cost: scheduler.TravelTime},
	})
	if err != nil {
		return nil, fmt.Errorf("dayplan: solve: %w", err)
	}
	return sol, nil
}

// plan turns a solution into itineraries and unserved appointments.
func (b *builder) plan(sol *scheduler.Solution) *Plan {
	out := &Plan{Status: sol.Status, Stats: sol.Stats}
	for _, r := range sol.Routes {
		p := b.partners[r.Vehicle]
		it := &alongside.Itinerary{
			Org: b.req.Org, Partner: p.ID, Date: b.req.Date, TimeZone: b.req.TimeZone,
			Start: b.time(r.Start), End: b.time(r.End),
			DriveTime:  time.Duration(math.Round(r.TravelTime)) * time.Second,
			DriveMiles: geo.Distance(r.Distance).Miles(),
		}
		jobStops := make([]scheduler.Stop, 0, len(r.Stops))
		for _, s := range r.Stops {
			if s.Kind == scheduler.JobStop {
				jobStops = append(jobStops, s)
			} else {
				it.Breaks = append(it.Breaks, alongside.TimeWindow{Start: b.time(s.Start), End: b.time(s.End)})
			}
		}
		slack := b.slack(r, jobStops)
		for k, s := range jobStops {
			a := b.appts[s.Job]
			it.Stops = append(it.Stops, alongside.Stop{
				Appointment: a.ID, Case: a.Case, Kind: a.Kind, Place: a.Place, Location: a.Location,
				Arrival: b.time(s.Arrival), Start: b.time(s.Start), End: b.time(s.End),
				TravelTime:  time.Duration(math.Round(s.TravelTime)) * time.Second,
				TravelMiles: geo.Distance(s.Distance).Miles(),
				Slack:       slack[k],
			})
		}
		out.Itineraries = append(out.Itineraries, it)
	}
	slices.SortFunc(out.Itineraries, func(x, y *alongside.Itinerary) int { return cmp.Compare(x.Partner, y.Partner) })
	for _, u := range sol.Unserved {
		a := b.appts[u.Job]
		code, why := reason(u.Reason, len(b.jobs[u.Job].allowed))
		out.Unserved = append(out.Unserved, Unserved{Appointment: a.ID, Case: a.Case, Kind: a.Kind, Code: code, Reason: why})
	}
	return out
}

// slack returns, for each job stop of r, how much later it could start
// with every later stop still in its window and the shift end kept
// (breaks are assumed to move with the stops).
func (b *builder) slack(r scheduler.Route, stops []scheduler.Stop) []time.Duration {
	out := make([]time.Duration, len(stops))
	v := b.vehicles[r.Vehicle]
	latestNext := math.Inf(1)
	if v.Shift.End > 0 {
		latestNext = v.Shift.End - r.EndTravelTime
	}
	for k := len(stops) - 1; k >= 0; k-- {
		s := stops[k]
		latest := latestNext - (s.End - s.Start)
		for _, w := range b.jobs[s.Job].base.Windows {
			if s.Start >= w.Start && s.Start <= w.End {
				latest = min(latest, w.End)
			}
		}
		if b.jobs[s.Job].pinned {
			latest = s.Start
		}
		out[k] = time.Duration(math.Max(0, math.Round(latest-s.Start))) * time.Second
		latestNext = latest - s.TravelTime
	}
	return out
}

// reason classifies and words why a stop is unserved.
func reason(r scheduler.Reason, allowed int) (Code, string) {
	switch {
	case allowed == 0:
		return CodeNoQualifiedPartner, "no qualified partner is working that day (the case's partner is off and no cover is allowed)"
	case r == scheduler.NoAllowedVehicle:
		return CodeNoQualifiedPartner, "no qualified partner is free"
	case r == scheduler.WindowUnreachable:
		return CodeOutsideShift, "no partner can reach it within its time window"
	case r == scheduler.OverDrivingTime:
		return CodeDriveLimit, "too far: over the daily driving limit"
	case r == scheduler.OverWorkingTime:
		return CodeOutsideShift, "too long for any partner's shift"
	case r == scheduler.DisplacedByPriority:
		return CodeTimeClash, "time clash with a higher-priority stop (courts come first)"
	}
	return CodeTimeClash, "time clash: the qualified partners' days are full"
}
