package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/scheduler/dayplan"
)

// Flag names of alongside plan besides those shared with alongside match;
// each also reads ALONGSIDE_<NAME> from the environment.
const (
	flagAppointments = "appointments"
	flagAssignments  = "assignments"
	flagDate         = "date"
	flagZone         = "zone"
	flagIterations   = "iterations"
	flagAllowCover   = "allow-cover"
)

type planConfig struct {
	partners     string
	cases        string
	appointments string
	assignments  string
	date         string
	zone         string
	timeLimit    time.Duration
	iterations   int
	seed         uint64
	allowCover   bool
	format       string
}

func (c *planConfig) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.partners, flagPartners, "", "`file` of partners: a JSON array of partner records (required)")
	fs.StringVar(&c.cases, flagCases, "", "`file` of cases: a JSON array of case records (required)")
	fs.StringVar(&c.appointments, flagAppointments, "", "`file` of appointments: a JSON array of appointment records (required)")
	fs.StringVar(&c.assignments, flagAssignments, "", "`file` of assignments (JSON array); the confirmed ones make a case's stops its partner's; empty: none")
	fs.StringVar(&c.date, flagDate, "", "the `date` to plan, YYYY-MM-DD; empty: the date of the earliest appointment in -zone")
	fs.StringVar(&c.zone, flagZone, "America/Phoenix", "IANA time `zone` of the plan (America/Denver for the Navajo Nation)")
	fs.DurationVar(&c.timeLimit, flagTime, 2*time.Second, "solver time `limit` per run (ignored with -iterations)")
	fs.IntVar(&c.iterations, flagIterations, 0, "bound each solver run by this many `iterations` instead of time, so a plan is reproducible for its seed; 0: use -time")
	fs.Uint64Var(&c.seed, flagSeed, 1, "solver `seed`")
	fs.BoolVar(&c.allowCover, flagAllowCover, false, "let any qualified partner (shared language, same program) cover any stop")
	fs.StringVar(&c.format, flagFormat, formatText, "output `format`: text or json")
}

func (c *planConfig) validate() error {
	var errs []error
	for _, f := range []struct{ name, v string }{{flagPartners, c.partners}, {flagCases, c.cases}, {flagAppointments, c.appointments}} {
		if f.v == "" {
			errs = append(errs, fmt.Errorf("-%s: must be set", f.name))
		}
	}
	if c.date != "" {
		if _, err := alongside.ParseDate(c.date); err != nil {
			errs = append(errs, fmt.Errorf("-%s: must be a date YYYY-MM-DD", flagDate))
		}
	}
	if reason := alongside.CheckTimeZone(c.zone); reason != "" {
		errs = append(errs, fmt.Errorf("-%s: %s", flagZone, reason))
	}
	if c.timeLimit < 0 {
		errs = append(errs, fmt.Errorf("-%s: must not be negative", flagTime))
	}
	if c.iterations < 0 {
		errs = append(errs, fmt.Errorf("-%s: must not be negative", flagIterations))
	}
	errs = append(errs, checkFormat(c.format))
	return errors.Join(errs...)
}

func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg planConfig
	if err := parseConfig(&cfg, "plan", "-partners FILE -cases FILE -appointments FILE [flags]",
		"Plans the partners' day from files, without a server, and prints each itinerary and every unserved stop.", args, stderr); err != nil {
		return err
	}
	partners, err := readPartners(cfg.partners)
	if err != nil {
		return err
	}
	cases, err := readCases(cfg.cases)
	if err != nil {
		return err
	}
	appts, err := readAppointments(cfg.appointments)
	if err != nil {
		return err
	}
	owners := map[alongside.CaseID]alongside.PartnerID{}
	if cfg.assignments != "" {
		if owners, err = readOwners(cfg.assignments); err != nil {
			return err
		}
	}
	loc, _ := alongside.LoadZone(cfg.zone)
	date, ok := earliestDate(appts, loc)
	if cfg.date != "" {
		date, _ = alongside.ParseDate(cfg.date)
	} else if !ok {
		return fmt.Errorf("-%s: must be set when there are no appointments", flagDate)
	}

	req := &dayplan.Request{
		Date: date, TimeZone: cfg.zone, Partners: partners, Appointments: appts, Cases: cases,
		Owners: owners, AllowCover: cfg.allowCover,
	}
	if len(partners) > 0 {
		req.Org = partners[0].Org
	}
	opts := dayplan.Options{TimeLimit: cfg.timeLimit, Iterations: cfg.iterations, Seed: cfg.seed}
	if cfg.iterations > 0 {
		opts.TimeLimit = 0 // iterations instead of time: reproducible
	}
	plan, err := dayplan.Make(ctx, req, opts)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	res := newPlanResult(plan, date, cfg.zone, appts)
	if cfg.format == formatJSON {
		return writeJSON(stdout, res)
	}
	return res.writeText(stdout)
}

// earliestDate returns the date, in loc, of the earliest start any
// appointment allows.
func earliestDate(appts []*alongside.Appointment, loc *time.Location) (alongside.Date, bool) {
	var first time.Time
	for _, a := range appts {
		for _, w := range a.StartWindows() {
			if first.IsZero() || w.Start.Before(first) {
				first = w.Start
			}
		}
	}
	if first.IsZero() {
		return alongside.Date{}, false
	}
	return alongside.DateOf(first.In(loc)), true
}

// planResult is the output of alongside plan; its JSON form is the
// -format json output. Times are in the plan's zone; durations are whole
// minutes and distances miles to one decimal, so output does not depend on
// the CPU's floating-point details.
type planResult struct {
	Date        alongside.Date  `json:"date"`
	TimeZone    string          `json:"time_zone"`
	Itineraries []planItinerary `json:"itineraries"`
	Unserved    []planUnserved  `json:"unserved"`
	Summary     struct {
		Appointments int     `json:"appointments"` // not cancelled
		Served       int     `json:"served"`
		Unserved     int     `json:"unserved"`
		Partners     int     `json:"partners"` // with at least one stop
		DriveMinutes int     `json:"drive_minutes"`
		DriveMiles   float64 `json:"drive_miles"`
		Replanned    bool    `json:"replanned,omitempty"`
		Status       string  `json:"status"`
	} `json:"summary"`
}

type planItinerary struct {
	Partner      alongside.PartnerID    `json:"partner"`
	Start        time.Time              `json:"start"`
	End          time.Time              `json:"end"`
	DriveMinutes int                    `json:"drive_minutes"`
	DriveMiles   float64                `json:"drive_miles"`
	Stops        []planStop             `json:"stops"`
	Breaks       []alongside.TimeWindow `json:"breaks,omitempty"`
}

type planStop struct {
	Appointment   alongside.AppointmentID   `json:"appointment"`
	Case          alongside.CaseID          `json:"case"`
	Kind          alongside.AppointmentKind `json:"kind"`
	Place         string                    `json:"place,omitempty"`
	Arrival       time.Time                 `json:"arrival"`
	Start         time.Time                 `json:"start"`
	End           time.Time                 `json:"end"`
	TravelMinutes int                       `json:"travel_minutes"`
	TravelMiles   float64                   `json:"travel_miles"`
}

type planUnserved struct {
	Appointment alongside.AppointmentID   `json:"appointment"`
	Case        alongside.CaseID          `json:"case"`
	Kind        alongside.AppointmentKind `json:"kind"`
	Code        dayplan.Code              `json:"code"`
	Reason      string                    `json:"reason"`
}

func minutes(d time.Duration) int { return int(d.Round(time.Minute) / time.Minute) }

func round1(x float64) float64 { return math.Round(x*10) / 10 }

func newPlanResult(plan *dayplan.Plan, date alongside.Date, zone string, appts []*alongside.Appointment) *planResult {
	res := &planResult{Date: date, TimeZone: zone, Itineraries: []planItinerary{}, Unserved: []planUnserved{}}
	s := &res.Summary
	for _, a := range appts {
		if a.Status != alongside.AppointmentCancelled {
			s.Appointments++
		}
	}
	var driveMinutes int
	var driveMiles float64
	for _, it := range plan.Itineraries {
		it.Localize()
		pi := planItinerary{Partner: it.Partner, Start: it.Start, End: it.End, DriveMinutes: minutes(it.DriveTime),
			DriveMiles: round1(it.DriveMiles), Breaks: it.Breaks}
		for _, st := range it.Stops {
			pi.Stops = append(pi.Stops, planStop{
				Appointment: st.Appointment, Case: st.Case, Kind: st.Kind, Place: st.Place,
				Arrival: st.Arrival, Start: st.Start, End: st.End,
				TravelMinutes: minutes(st.TravelTime), TravelMiles: round1(st.TravelMiles),
			})
		}
		s.Served += len(it.Stops)
		if len(it.Stops) > 0 {
			s.Partners++
		}
		driveMinutes += pi.DriveMinutes
		driveMiles += pi.DriveMiles
		res.Itineraries = append(res.Itineraries, pi)
	}
	for _, u := range plan.Unserved {
		res.Unserved = append(res.Unserved, planUnserved{Appointment: u.Appointment, Case: u.Case, Kind: u.Kind, Code: u.Code, Reason: u.Reason})
	}
	s.Unserved = len(plan.Unserved)
	s.DriveMinutes, s.DriveMiles = driveMinutes, round1(driveMiles)
	s.Replanned = plan.Replanned
	s.Status = plan.Status.String()
	return res
}

func clock(t time.Time) string { return t.Format("15:04") }

func (res *planResult) writeText(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "day plan for %s (%s)\n", res.Date, res.TimeZone)
	for _, it := range res.Itineraries {
		fmt.Fprintf(&b, "\npartner %s: %s–%s, %d stops, driving %d min, %.1f mi\n",
			it.Partner, clock(it.Start), clock(it.End), len(it.Stops), it.DriveMinutes, it.DriveMiles)
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  stop\tcase\tkind\tarrive\tstart\tend\ttravel\tmiles\tplace")
		breaks := it.Breaks
		for _, st := range it.Stops {
			for len(breaks) > 0 && !breaks[0].Start.After(st.Start) {
				fmt.Fprintf(tw, "  break\t\t\t%[1]s\t%[1]s\t%[2]s\t\t\t-\n", clock(breaks[0].Start), clock(breaks[0].End))
				breaks = breaks[1:]
			}
			place := st.Place
			if place == "" {
				place = "-" // a home visit: no address is shown
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%d min\t%.1f\t%s\n", st.Appointment, st.Case, st.Kind,
				clock(st.Arrival), clock(st.Start), clock(st.End), st.TravelMinutes, st.TravelMiles, place)
		}
		for _, br := range breaks {
			fmt.Fprintf(tw, "  break\t\t\t%[1]s\t%[1]s\t%[2]s\t\t\t-\n", clock(br.Start), clock(br.End))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(res.Unserved) > 0 {
		fmt.Fprintf(&b, "\nunserved\n")
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		for _, u := range res.Unserved {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", u.Appointment, u.Case, u.Kind, u.Code, u.Reason)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	s := res.Summary
	fmt.Fprintf(&b, "\nserved %d/%d stops with %d partners, %d unserved; driving %d min, %.1f mi; status %s",
		s.Served, s.Appointments, s.Partners, s.Unserved, s.DriveMinutes, s.DriveMiles, s.Status)
	if s.Replanned {
		fmt.Fprint(&b, " (replanned)")
	}
	fmt.Fprintln(&b)
	_, err := w.Write(b.Bytes())
	return err
}

// readAppointments reads a JSON array of appointments like readPartners.
func readAppointments(file string) ([]*alongside.Appointment, error) {
	return readValid(file, flagAppointments, "appointment", func(a *alongside.Appointment) string { return string(a.ID) })
}

// readOwners reads a JSON array of assignments and returns each case's
// confirmed partner; other states are ignored.
func readOwners(file string) (map[alongside.CaseID]alongside.PartnerID, error) {
	as, err := readRecords[alongside.Assignment](file, flagAssignments)
	if err != nil {
		return nil, err
	}
	var errs []error
	owners := map[alongside.CaseID]alongside.PartnerID{}
	for i, a := range as {
		f := alongside.IndexField(flagAssignments, i)
		if reason := alongside.CheckID(string(a.Case)); reason != "" {
			errs = append(errs, &alongside.FieldError{Field: f + ".case", Reason: reason})
		}
		if reason := alongside.CheckID(string(a.Partner)); reason != "" {
			errs = append(errs, &alongside.FieldError{Field: f + ".partner", Reason: reason})
		}
		if a.State != alongside.StateConfirmed {
			continue
		}
		if p, dup := owners[a.Case]; dup && p != a.Partner {
			errs = append(errs, &alongside.FieldError{Field: f + ".case", Reason: fmt.Sprintf("case %s is confirmed with %s already", a.Case, p)})
			continue
		}
		owners[a.Case] = a.Partner
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("-%s %s: %w", flagAssignments, file, err)
	}
	return owners, nil
}
