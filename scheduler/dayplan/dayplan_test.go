package dayplan_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/scheduler/dayplan"
)

// Places in Mohave County (Kingman) and Yavapai County (Prescott).
var (
	kingmanCourt = geo.Point{Lat: 35.1894, Lng: -114.0530}
	kingmanHome  = geo.Point{Lat: 35.21, Lng: -114.01}
	bullhead     = geo.Point{Lat: 35.1478, Lng: -114.5683}
	prescott     = geo.Point{Lat: 34.5400, Lng: -112.4685}
)

// day is Tuesday 2026-05-05.
var day = alongside.Date{Year: 2026, Month: time.May, Day: 5}

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := alongside.LoadZone(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func partner(id string, home geo.Point, from, to alongside.TimeOfDay) *alongside.Partner {
	return &alongside.Partner{
		Org: "o", ID: alongside.PartnerID(id), Languages: []string{"es", "en"}, Programs: []string{"parent_support_now"},
		Home: home, TimeZone: "America/Phoenix", Status: alongside.PartnerStatusActive,
		Availability: []alongside.WeeklyWindow{{Day: time.Tuesday, Start: from, End: to}},
	}
}

func kase(id string) *alongside.Case {
	return &alongside.Case{Org: "o", ID: alongside.CaseID(id), Languages: []string{"es-MX"}, Program: "parent_support_now"}
}

func hearing(t testing.TB, id, caseID string, at time.Time, where geo.Point) *alongside.Appointment {
	return &alongside.Appointment{Org: "o", ID: alongside.AppointmentID(id), Case: alongside.CaseID(caseID),
		Kind: alongside.KindCourtHearing, Place: "Court", Location: where, TimeZone: at.Location().String(),
		FixedStart: at, Duration: time.Hour, Status: alongside.AppointmentScheduled}
}

func visit(id, caseID string, from, to time.Time, where geo.Point) *alongside.Appointment {
	return &alongside.Appointment{Org: "o", ID: alongside.AppointmentID(id), Case: alongside.CaseID(caseID),
		Kind: alongside.KindHomeVisit, Location: where, TimeZone: from.Location().String(),
		Windows: []alongside.TimeWindow{{Start: from, End: to}}, Duration: time.Hour, Status: alongside.AppointmentScheduled}
}

func plan(t *testing.T, req *dayplan.Request) *dayplan.Plan {
	t.Helper()
	p, err := dayplan.Make(t.Context(), req, dayplan.Options{Iterations: 300, Seed: 1})
	if err != nil {
		t.Fatalf("Make: %v", err)
	}
	check(t, req, p)
	return p
}

// check is an independent feasibility check of a plan: every stop starts in
// one of its appointment's windows, within its partner's shift, after the
// previous stop ends plus the leg's travel time, and no appointment is both
// served and unserved or served twice.
func check(t *testing.T, req *dayplan.Request, p *dayplan.Plan) {
	t.Helper()
	appts := map[alongside.AppointmentID]*alongside.Appointment{}
	for _, a := range req.Appointments {
		appts[a.ID] = a
	}
	seen := map[alongside.AppointmentID]bool{}
	for _, it := range p.Itineraries {
		prevEnd := it.Start
		for _, s := range it.Stops {
			a := appts[s.Appointment]
			if a == nil || seen[s.Appointment] {
				t.Fatalf("stop %s is unknown or served twice", s.Appointment)
			}
			seen[s.Appointment] = true
			in := false
			for _, w := range a.StartWindows() {
				in = in || w.Contains(s.Start)
			}
			if !in {
				t.Errorf("%s starts %v outside its windows", s.Appointment, s.Start)
			}
			if s.Arrival.Before(prevEnd.Add(s.TravelTime).Add(-time.Second)) || s.Start.Before(s.Arrival) || !s.End.Equal(s.Start.Add(a.Duration)) {
				t.Errorf("%s: arrival %v, start %v, end %v after previous end %v and %v of travel", s.Appointment, s.Arrival, s.Start, s.End, prevEnd, s.TravelTime)
			}
			prevEnd = s.End
			for _, b := range it.Breaks {
				if b.Start.Before(s.End) && s.Start.Before(b.End) {
					t.Errorf("%s overlaps the break %v–%v", s.Appointment, b.Start, b.End)
				}
			}
		}
	}
	for _, u := range p.Unserved {
		if seen[u.Appointment] || u.Reason == "" {
			t.Errorf("unserved %s: served too, or no reason (%q)", u.Appointment, u.Reason)
		}
		seen[u.Appointment] = true
	}
	for id, a := range appts {
		if !seen[id] && a.Status != alongside.AppointmentCancelled {
			t.Errorf("%s is neither served nor reported unserved", id)
		}
	}
}

func stopsOf(p *dayplan.Plan) map[alongside.PartnerID][]alongside.AppointmentID {
	out := map[alongside.PartnerID][]alongside.AppointmentID{}
	for _, it := range p.Itineraries {
		for _, s := range it.Stops {
			out[it.Partner] = append(out[it.Partner], s.Appointment)
		}
	}
	return out
}

func TestHearingCannotMove(t *testing.T) {
	t.Parallel()
	phx := zone(t, "America/Phoenix")
	req := &dayplan.Request{Org: "o", Date: day, TimeZone: "America/Phoenix",
		Partners:     []*alongside.Partner{partner("ana", kingmanHome, 8*60, 17*60)},
		Cases:        []*alongside.Case{kase("c1"), kase("c2")},
		Owners:       map[alongside.CaseID]alongside.PartnerID{"c1": "ana", "c2": "ana"},
		Appointments: []*alongside.Appointment{hearing(t, "h1", "c1", time.Date(2026, 5, 5, 9, 0, 0, 0, phx), kingmanCourt), visit("v1", "c2", time.Date(2026, 5, 5, 8, 0, 0, 0, phx), time.Date(2026, 5, 5, 16, 0, 0, 0, phx), kingmanHome)},
	}
	p := plan(t, req)
	if len(p.Unserved) != 0 || len(p.Itineraries) != 1 {
		t.Fatalf("plan = %d itineraries, unserved %v; want everything served by ana", len(p.Itineraries), p.Unserved)
	}
	for _, s := range p.Itineraries[0].Stops {
		if s.Appointment == "h1" && !s.Start.Equal(time.Date(2026, 5, 5, 9, 0, 0, 0, phx)) {
			t.Errorf("hearing starts %v; want 09:00 exactly", s.Start)
		}
		if s.Start.Location().String() != "America/Phoenix" {
			t.Errorf("stop time in %v; want America/Phoenix", s.Start.Location())
		}
	}
}

// TestClashResolvedByCover gives ana two 09:00 hearings, in Kingman and in
// Bullhead City: alone she serves one and the other is a reported clash;
// with cover allowed, Ben (Spanish, same program) takes the other.
func TestClashResolvedByCover(t *testing.T) {
	t.Parallel()
	phx := zone(t, "America/Phoenix")
	nine := time.Date(2026, 5, 5, 9, 0, 0, 0, phx)
	req := &dayplan.Request{Org: "o", Date: day, TimeZone: "America/Phoenix",
		// Ana starts at 06:00, so she could reach either hearing alone.
		Partners:     []*alongside.Partner{partner("ana", kingmanHome, 6*60, 17*60), partner("ben", bullhead, 8*60, 17*60)},
		Cases:        []*alongside.Case{kase("c1"), kase("c2")},
		Owners:       map[alongside.CaseID]alongside.PartnerID{"c1": "ana", "c2": "ana"},
		Appointments: []*alongside.Appointment{hearing(t, "h1", "c1", nine, kingmanCourt), hearing(t, "h2", "c2", nine, bullhead)},
	}
	alone := plan(t, req)
	if len(alone.Unserved) != 1 || !strings.Contains(alone.Unserved[0].Reason, "clash") {
		t.Fatalf("without cover: unserved %v; want one time clash", alone.Unserved)
	}
	req.AllowCover = true
	covered := plan(t, req)
	if len(covered.Unserved) != 0 {
		t.Fatalf("with cover: unserved %v; want none", covered.Unserved)
	}
	if got := stopsOf(covered); len(got["ana"]) != 1 || len(got["ben"]) != 1 {
		t.Errorf("with cover: stops %v; want one hearing each", got)
	}
}

func TestUnreachableReported(t *testing.T) {
	t.Parallel()
	phx := zone(t, "America/Phoenix")
	req := &dayplan.Request{Org: "o", Date: day, TimeZone: "America/Phoenix",
		Partners: []*alongside.Partner{partner("ana", kingmanHome, 8*60, 17*60)},
		Cases:    []*alongside.Case{kase("c1"), kase("c2")},
		Owners:   map[alongside.CaseID]alongside.PartnerID{"c1": "ana", "c2": "ana"},
		Appointments: []*alongside.Appointment{
			hearing(t, "early", "c1", time.Date(2026, 5, 5, 6, 30, 0, 0, phx), kingmanCourt), // before her shift
			hearing(t, "nobody", "c9", time.Date(2026, 5, 5, 10, 0, 0, 0, phx), prescott),    // no owner, no cover
		},
	}
	p := plan(t, req)
	reasons := map[alongside.AppointmentID]string{}
	for _, u := range p.Unserved {
		reasons[u.Appointment] = u.Reason
	}
	if !strings.Contains(reasons["early"], "time window") {
		t.Errorf("early hearing: reason %q; want unreachable in its time window", reasons["early"])
	}
	if !strings.Contains(reasons["nobody"], "no qualified partner") {
		t.Errorf("unowned hearing: reason %q; want no qualified partner", reasons["nobody"])
	}
}

func TestBreakPlaced(t *testing.T) {
	t.Parallel()
	phx := zone(t, "America/Phoenix")
	var appts []*alongside.Appointment
	for h := 8; h < 16; h++ {
		at := time.Date(2026, 5, 5, h, 0, 0, 0, phx)
		appts = append(appts, visit(fmt.Sprintf("v%d", h), "c1", at, at.Add(2*time.Hour), kingmanCourt))
	}
	req := &dayplan.Request{Org: "o", Date: day, TimeZone: "America/Phoenix",
		Partners: []*alongside.Partner{partner("ana", kingmanCourt, 8*60, 18*60)}, Cases: []*alongside.Case{kase("c1")},
		Owners: map[alongside.CaseID]alongside.PartnerID{"c1": "ana"}, Appointments: appts}
	p := plan(t, req)
	if len(p.Itineraries) != 1 || len(p.Itineraries[0].Breaks) != 1 {
		t.Fatalf("plan = %+v; want one itinerary with one break", p.Itineraries)
	}
	b := p.Itineraries[0].Breaks[0]
	lo, hi := time.Date(2026, 5, 5, 11, 30, 0, 0, phx), time.Date(2026, 5, 5, 14, 0, 0, 0, phx)
	if b.Start.Before(lo) || b.Start.After(hi) || b.End.Sub(b.Start) != 30*time.Minute {
		t.Errorf("break %v–%v; want 30 min starting 11:30–14:00", b.Start, b.End)
	}
}

// TestNavajoNationDaylightTime plans a day in America/Denver on the date
// daylight saving time starts (a 23-hour day): a 09:00 MDT hearing is
// served at 09:00 MDT, 15:00 UTC.
func TestNavajoNationDaylightTime(t *testing.T) {
	t.Parallel()
	den := zone(t, "America/Denver")
	sunday := alongside.Date{Year: 2026, Month: time.March, Day: 8}
	windowRock := geo.Point{Lat: 35.6803, Lng: -109.0525}
	p := partner("dee", windowRock, 8*60, 17*60)
	p.TimeZone = "America/Denver"
	p.Availability[0].Day = time.Sunday
	req := &dayplan.Request{Org: "o", Date: sunday, TimeZone: "America/Denver",
		Partners: []*alongside.Partner{p}, Cases: []*alongside.Case{kase("c1")},
		Owners:       map[alongside.CaseID]alongside.PartnerID{"c1": "dee"},
		Appointments: []*alongside.Appointment{hearing(t, "h1", "c1", time.Date(2026, 3, 8, 9, 0, 0, 0, den), windowRock)}}
	pl := plan(t, req)
	if len(pl.Itineraries) != 1 {
		t.Fatalf("unserved %v; want the hearing served", pl.Unserved)
	}
	s := pl.Itineraries[0].Stops[0]
	if got := s.Start.UTC(); !got.Equal(time.Date(2026, 3, 8, 15, 0, 0, 0, time.UTC)) || s.Start.Format("15:04 MST") != "09:00 MDT" {
		t.Errorf("hearing at %v (%v UTC); want 09:00 MDT = 15:00 UTC", s.Start.Format("15:04 MST"), got)
	}
}

// TestReplanKeepsWhatHappened re-plans at noon after a new hearing lands:
// the done morning stop stays as it was, and nothing else moves partner.
func TestReplanKeepsWhatHappened(t *testing.T) {
	t.Parallel()
	phx := zone(t, "America/Phoenix")
	at := func(h int) time.Time { return time.Date(2026, 5, 5, h, 0, 0, 0, phx) }
	req := &dayplan.Request{Org: "o", Date: day, TimeZone: "America/Phoenix", AllowCover: true,
		Partners:     []*alongside.Partner{partner("ana", kingmanHome, 8*60, 17*60), partner("ben", bullhead, 8*60, 17*60)},
		Cases:        []*alongside.Case{kase("c1"), kase("c2"), kase("c3")},
		Owners:       map[alongside.CaseID]alongside.PartnerID{"c1": "ana", "c2": "ana", "c3": "ben"},
		Appointments: []*alongside.Appointment{visit("morning", "c1", at(8), at(11), kingmanHome), visit("afternoon", "c2", at(13), at(16), kingmanHome), visit("ben1", "c3", at(9), at(15), bullhead)},
	}
	first := plan(t, req)
	req.Previous, req.Now = first.Itineraries, at(12)
	req.Appointments[0].Status = alongside.AppointmentDone
	req.Appointments = append(req.Appointments, hearing(t, "new", "c2", at(14), kingmanCourt))
	second := plan(t, req)
	if len(second.Unserved) != 0 {
		t.Fatalf("re-plan left %v unserved", second.Unserved)
	}
	startOf := func(p *dayplan.Plan, id alongside.AppointmentID) (alongside.PartnerID, time.Time) {
		for _, it := range p.Itineraries {
			for _, s := range it.Stops {
				if s.Appointment == id {
					return it.Partner, s.Start
				}
			}
		}
		return "", time.Time{}
	}
	p1, s1 := startOf(first, "morning")
	p2, s2 := startOf(second, "morning")
	if p1 != p2 || !s1.Equal(s2) {
		t.Errorf("done stop moved: %s at %v → %s at %v", p1, s1, p2, s2)
	}
	if pb, _ := startOf(second, "ben1"); pb != "ben" {
		t.Errorf("ben's stop moved to %s", pb)
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	req := randomDay(t, rand.New(rand.NewPCG(7, 7)), 6, 30)
	a, b := plan(t, req), plan(t, req)
	opt := cmp.Comparer(func(x, y time.Time) bool { return x.Equal(y) })
	if diff := cmp.Diff(a.Itineraries, b.Itineraries, opt); diff != "" {
		t.Errorf("same seed, different plans:\n%s", diff)
	}
}

// TestRandomDaysFeasible plans random days and checks each independently.
func TestRandomDaysFeasible(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) { plan(t, randomDay(t, rng, 1+rng.IntN(5), 2+rng.IntN(20))) })
	}
}

// randomDay makes a day around Kingman with cover allowed.
func randomDay(t testing.TB, rng *rand.Rand, partners, appts int) *dayplan.Request {
	phx := zone(t, "America/Phoenix")
	jitter := func(p geo.Point) geo.Point {
		return geo.Point{Lat: p.Lat + (rng.Float64()-0.5)*0.4, Lng: p.Lng + (rng.Float64()-0.5)*0.4}
	}
	req := &dayplan.Request{Org: "o", Date: day, TimeZone: "America/Phoenix", AllowCover: rng.IntN(2) == 0, Owners: map[alongside.CaseID]alongside.PartnerID{}}
	for i := range partners {
		req.Partners = append(req.Partners, partner(fmt.Sprintf("p%d", i), jitter(kingmanHome), alongside.TimeOfDay(7*60+rng.IntN(120)), alongside.TimeOfDay(15*60+rng.IntN(240))))
	}
	for i := range appts {
		c := kase(fmt.Sprintf("c%d", i))
		req.Cases = append(req.Cases, c)
		req.Owners[c.ID] = req.Partners[rng.IntN(partners)].ID
		start := time.Date(2026, 5, 5, 8+rng.IntN(8), 15*rng.IntN(4), 0, 0, phx)
		if rng.IntN(3) == 0 {
			req.Appointments = append(req.Appointments, hearing(t, fmt.Sprintf("a%d", i), string(c.ID), start, jitter(kingmanCourt)))
		} else {
			req.Appointments = append(req.Appointments, visit(fmt.Sprintf("a%d", i), string(c.ID), start, start.Add(time.Duration(1+rng.IntN(4))*time.Hour), jitter(kingmanHome)))
		}
	}
	return req
}

// BenchmarkPlanDay is the scale figure: 200 partners with 8 stops
// each in one region, planned with a 10 s budget.
func BenchmarkPlanDay(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	req := randomDay(b, rng, 200, 1600)
	req.AllowCover = false
	for i, a := range req.Appointments { // 8 stops per partner
		req.Owners[a.Case] = req.Partners[i/8].ID
	}
	b.ReportAllocs()
	for b.Loop() {
		p, err := dayplan.Make(b.Context(), req, dayplan.Options{TimeLimit: 10 * time.Second, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(p.Unserved)), "unserved")
	}
}
