package storetest

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/store"
)

// testPlans runs the day-plan subtests (store.PlanStore).
func testPlans(t *testing.T, h Harness) {
	for _, tc := range []struct {
		name string
		test func(*testing.T, Harness)
	}{
		{"RoundTrip", testPlanRoundTrip},
		{"Replace", testPlanReplace},
		{"OrgIsolation", testPlanOrgIsolation},
		{"List", testPlanList},
		{"Validation", testPlanValidation},
		{"Audit", testPlanAudit},
		{"Restart", testPlanRestart},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, h) })
	}
}

// planDate is the day the plan fixtures are for: the day after opened().
var planDate = alongside.Date{Year: 2026, Month: time.May, Day: 5}

// newItinerary returns a valid itinerary of partner for date in org with
// the given number of stops (and a lunch break), every time in
// America/Phoenix.
func newItinerary(org alongside.OrgID, partner string, date alongside.Date, stops int) *alongside.Itinerary {
	day := date.In(phoenix())
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	it := &alongside.Itinerary{
		Org:        org,
		Partner:    alongside.PartnerID(partner),
		Date:       date,
		TimeZone:   "America/Phoenix",
		Breaks:     []alongside.TimeWindow{{Start: at(12, 0), End: at(12, 30)}},
		Start:      at(8, 15),
		End:        at(9+2*stops, 45),
		DriveTime:  time.Duration(stops+1) * 20 * time.Minute,
		DriveMiles: float64(stops+1) * 11.5,
		PlannedAt:  opened().Add(90 * time.Minute),
	}
	for i := range stops {
		start := at(9+2*i, 0)
		it.Stops = append(it.Stops, alongside.Stop{
			Appointment: alongside.AppointmentID(fmt.Sprintf("a%d-%s", i, partner)),
			Case:        alongside.CaseID(fmt.Sprintf("c%d", i)),
			Kind:        alongside.KindCourtHearing,
			Place:       "Mohave County Juvenile Court",
			Location:    geo.Point{Lat: 35.1894, Lng: -114.053},
			Arrival:     start.Add(-10 * time.Minute),
			Start:       start,
			End:         start.Add(time.Hour),
			TravelTime:  20 * time.Minute,
			TravelMiles: 11.5,
			Slack:       15 * time.Minute,
		})
	}
	return it
}

// planOpts compares itineraries: times by instant and zone name (a store
// shows them in the itinerary's TimeZone), nil and empty alike.
func planOpts() cmp.Options {
	return cmp.Options{
		cmp.Comparer(func(a, b time.Time) bool {
			return a.Equal(b) && a.Location().String() == b.Location().String()
		}),
		cmpopts.EquateEmpty(),
	}
}

// partnerIDs converts IDs.
func partnerIDs(ids ...string) []alongside.PartnerID {
	out := make([]alongside.PartnerID, len(ids))
	for i, id := range ids {
		out[i] = alongside.PartnerID(id)
	}
	return out
}

func (e *env) savePlan(org alongside.OrgID, date alongside.Date, its []*alongside.Itinerary, partners ...string) {
	e.tb.Helper()
	if err := e.s.SavePlan(e.ctx, coordinator(), org, date, its, partnerIDs(partners...)); err != nil {
		e.tb.Fatalf("SavePlan(%s, %s, %v) = %v", org, date, partners, err)
	}
}

// wantItinerary checks the stored itinerary of partner; a nil want means
// none is stored.
func (e *env) wantItinerary(org alongside.OrgID, partner string, date alongside.Date, want *alongside.Itinerary) {
	e.tb.Helper()
	got, err := e.s.GetItinerary(e.ctx, org, alongside.PartnerID(partner), date)
	if want == nil {
		isErr(e.tb, fmt.Sprintf("GetItinerary(%s, %s, %s)", org, partner, date), err, store.ErrNotFound)
		return
	}
	if err != nil {
		e.tb.Fatalf("GetItinerary(%s, %s, %s) = %v", org, partner, date, err)
	}
	if d := cmp.Diff(want, got, planOpts()); d != "" {
		e.tb.Errorf("GetItinerary(%s, %s, %s) (-want +got):\n%s", org, partner, date, d)
	}
}

func (e *env) itineraries(org alongside.OrgID, date alongside.Date, size int) []*alongside.Itinerary {
	e.tb.Helper()
	return pages(e.tb, size, func(c store.Cursor) (store.Page[*alongside.Itinerary], error) {
		return e.s.ListItineraries(e.ctx, org, date, c)
	})
}

// cloneItinerary returns a deep copy of it.
func cloneItinerary(it *alongside.Itinerary) *alongside.Itinerary {
	c := *it
	c.Stops = slices.Clone(it.Stops)
	c.Breaks = slices.Clone(it.Breaks)
	return &c
}

func itineraryPartner(it *alongside.Itinerary) string { return string(it.Partner) }

// testPlanRoundTrip saves itineraries and reads them back equal, with
// their times in the itinerary's zone whatever zone they were saved in.
func testPlanRoundTrip(t *testing.T, h Harness) {
	e := newEnv(t, h)
	p1 := newItinerary(orgA, "p1", planDate, 3)
	p2 := newItinerary(orgA, "p2", planDate, 0)
	// Saved in UTC, read back in America/Phoenix.
	utc := newItinerary(orgA, "p3", planDate, 2)
	inUTC := *cloneItinerary(utc)
	inUTC.Start, inUTC.End, inUTC.PlannedAt = utc.Start.UTC(), utc.End.UTC(), utc.PlannedAt.UTC()
	for i := range inUTC.Stops {
		s := &inUTC.Stops[i]
		s.Arrival, s.Start, s.End = s.Arrival.UTC(), s.Start.UTC(), s.End.UTC()
	}
	for i := range inUTC.Breaks {
		inUTC.Breaks[i].Start, inUTC.Breaks[i].End = inUTC.Breaks[i].Start.UTC(), inUTC.Breaks[i].End.UTC()
	}
	its := []*alongside.Itinerary{p2, &inUTC, p1}
	saved := make([]*alongside.Itinerary, len(its))
	for i, it := range its {
		saved[i] = cloneItinerary(it)
	}
	e.savePlan(orgA, planDate, its, "p1", "p2", "p3")
	if d := cmp.Diff(saved, its, planOpts()); d != "" {
		t.Errorf("SavePlan changed its argument (-before +after):\n%s", d)
	}

	e.wantItinerary(orgA, "p1", planDate, p1)
	e.wantItinerary(orgA, "p2", planDate, p2)
	e.wantItinerary(orgA, "p3", planDate, utc)
	got, err := e.s.GetItinerary(e.ctx, orgA, "p1", planDate)
	if err == nil && got.Stops[0].Start.Location().String() != "America/Phoenix" {
		t.Errorf("a stop's start is in %q; want America/Phoenix", got.Stops[0].Start.Location())
	}
	if d := cmp.Diff([]*alongside.Itinerary{p1, p2, utc}, e.itineraries(orgA, planDate, 0), planOpts()); d != "" {
		t.Errorf("ListItineraries (-want +got):\n%s", d)
	}

	e.wantItinerary(orgA, "p4", planDate, nil)                                            // not planned
	e.wantItinerary(orgA, "p1", alongside.Date{Year: 2026, Month: time.May, Day: 6}, nil) // another day
	e.wantItinerary("org-none", "p1", planDate, nil)                                      // no such organization
	e.wantItinerary(orgA, "", planDate, nil)
	e.wantItinerary(orgA, "p1", alongside.Date{}, nil)
}

// testPlanReplace re-saves a subset of partners: their itineraries are
// replaced, or deleted when the plan has none for them; other partners'
// and other days' itineraries stay.
func testPlanReplace(t *testing.T, h Harness) {
	e := newEnv(t, h)
	next := alongside.Date{Year: 2026, Month: time.May, Day: 6}
	p1, p2, p3 := newItinerary(orgA, "p1", planDate, 2), newItinerary(orgA, "p2", planDate, 1), newItinerary(orgA, "p3", planDate, 3)
	e.savePlan(orgA, planDate, []*alongside.Itinerary{p1, p2, p3}, "p1", "p2", "p3")
	p1next := newItinerary(orgA, "p1", next, 1)
	e.savePlan(orgA, next, []*alongside.Itinerary{p1next}, "p1")

	p1new := newItinerary(orgA, "p1", planDate, 4)
	p1new.PlannedAt = p1new.PlannedAt.Add(time.Hour)
	e.savePlan(orgA, planDate, []*alongside.Itinerary{p1new}, "p1", "p2")

	e.wantItinerary(orgA, "p1", planDate, p1new)
	e.wantItinerary(orgA, "p2", planDate, nil) // listed without itinerary: deleted
	e.wantItinerary(orgA, "p3", planDate, p3)  // not listed: untouched
	e.wantItinerary(orgA, "p1", next, p1next)  // another day: untouched
	if got, want := ids(e.itineraries(orgA, planDate, 0), itineraryPartner), []string{"p1", "p3"}; !slices.Equal(got, want) {
		t.Errorf("ListItineraries = %v; want %v", got, want)
	}

	// Deleting what is not stored is no error; an empty plan stores nothing.
	e.savePlan(orgA, planDate, nil, "p2", "p9")
	e.savePlan(orgA, planDate, nil)
	if got, want := ids(e.itineraries(orgA, planDate, 0), itineraryPartner), []string{"p1", "p3"}; !slices.Equal(got, want) {
		t.Errorf("ListItineraries after deleting unplanned partners = %v; want %v", got, want)
	}
	e.savePlan(orgA, planDate, nil, "p3", "p1")
	if got := e.itineraries(orgA, planDate, 0); len(got) != 0 {
		t.Errorf("ListItineraries after deleting every partner = %v; want none", ids(got, itineraryPartner))
	}
	e.wantItinerary(orgA, "p1", next, p1next)
}

// testPlanOrgIsolation checks that one organization's plans are invisible
// to, and untouched by, another's.
func testPlanOrgIsolation(t *testing.T, h Harness) {
	e := newEnv(t, h)
	a1, a2 := newItinerary(orgA, "p1", planDate, 2), newItinerary(orgA, "p2", planDate, 1)
	e.savePlan(orgA, planDate, []*alongside.Itinerary{a1, a2}, "p1", "p2")

	e.wantItinerary(orgB, "p1", planDate, nil)
	if got := e.itineraries(orgB, planDate, 0); len(got) != 0 {
		t.Errorf("ListItineraries(%s) = %v; want none", orgB, ids(got, itineraryPartner))
	}

	b1 := newItinerary(orgB, "p1", planDate, 3)
	e.savePlan(orgB, planDate, []*alongside.Itinerary{b1}, "p1", "p2")
	e.wantItinerary(orgA, "p1", planDate, a1)
	e.wantItinerary(orgA, "p2", planDate, a2)
	e.wantItinerary(orgB, "p1", planDate, b1)
	e.wantItinerary(orgB, "p2", planDate, nil)
	if got, want := ids(e.itineraries(orgA, planDate, 1), itineraryPartner), []string{"p1", "p2"}; !slices.Equal(got, want) {
		t.Errorf("ListItineraries(%s) = %v; want %v", orgA, got, want)
	}
	if got, want := ids(e.itineraries(orgB, planDate, 1), itineraryPartner), []string{"p1"}; !slices.Equal(got, want) {
		t.Errorf("ListItineraries(%s) = %v; want %v", orgB, got, want)
	}
	for _, org := range []alongside.OrgID{orgA, orgB} {
		if n := e.actions(org, "")[audit.PlanSaved]; n != 1 || len(e.audit(org)) != 1 {
			t.Errorf("audit of %s has %d events, %d plan.saved; want 1", org, len(e.audit(org)), n)
		}
	}
	// An itinerary of another organization is refused.
	err := e.s.SavePlan(e.ctx, coordinator(), orgB, planDate, []*alongside.Itinerary{a1}, partnerIDs("p1"))
	fieldErr(t, "SavePlan of another organization's itinerary", err, "itineraries[0].org")
	e.wantItinerary(orgB, "p1", planDate, b1)
}

// testPlanList pages through a day's itineraries in partner ID order.
func testPlanList(t *testing.T, h Harness) {
	e := newEnv(t, h)
	saved := []string{"p05", "p01", "p10", "p03", "p07", "p02", "p09"}
	var its []*alongside.Itinerary
	for i, p := range saved {
		its = append(its, newItinerary(orgA, p, planDate, i%3))
	}
	e.savePlan(orgA, planDate, its, saved...)
	// Neighbouring days must not show.
	for _, d := range []alongside.Date{{Year: 2026, Month: time.May, Day: 4}, {Year: 2026, Month: time.May, Day: 6}} {
		e.savePlan(orgA, d, []*alongside.Itinerary{newItinerary(orgA, "p04", d, 1), newItinerary(orgA, "p00", d, 1)}, "p04", "p00")
	}
	want := slices.Sorted(slices.Values(saved))
	for _, size := range []int{0, 1, 2, 3, 7, 8, store.MaxPageSize + 1} {
		got := e.itineraries(orgA, planDate, size)
		if g := ids(got, itineraryPartner); !slices.Equal(g, want) {
			t.Errorf("ListItineraries by %d = %v; want %v", size, g, want)
		}
		for _, it := range got {
			if it.Date != planDate || it.Org != orgA {
				t.Errorf("ListItineraries listed %s/%s on %s", it.Org, it.Partner, it.Date)
			}
		}
	}
	page, err := e.s.ListItineraries(e.ctx, orgA, planDate, store.Cursor{PageSize: 3})
	if err != nil {
		t.Fatalf("ListItineraries = %v", err)
	}
	if got := ids(page.Items, itineraryPartner); !slices.Equal(got, want[:3]) || page.Next != want[2] {
		t.Errorf("first page = %v, Next %q; want %v, Next %q", got, page.Next, want[:3], want[2])
	}
	// A cursor resumes after a partner that has no itinerary.
	page, err = e.s.ListItineraries(e.ctx, orgA, planDate, store.Cursor{After: "p04", PageSize: 10})
	if err != nil {
		t.Fatalf("ListItineraries after p04 = %v", err)
	}
	if got, w := ids(page.Items, itineraryPartner), []string{"p05", "p07", "p09", "p10"}; !slices.Equal(got, w) || page.Next != "" {
		t.Errorf("ListItineraries after p04 = %v, Next %q; want %v, Next \"\"", got, page.Next, w)
	}
	page, err = e.s.ListItineraries(e.ctx, orgA, planDate, store.Cursor{After: "p10"})
	if err != nil || len(page.Items) != 0 || page.Next != "" {
		t.Errorf("ListItineraries after the last = %v, %v; want an empty last page", page, err)
	}
	for _, tc := range []struct {
		org  alongside.OrgID
		date alongside.Date
	}{{orgA, alongside.Date{Year: 2026, Month: time.May, Day: 7}}, {orgA, alongside.Date{}}, {"org-none", planDate}} {
		page, err := e.s.ListItineraries(e.ctx, tc.org, tc.date, store.Cursor{})
		if err != nil || len(page.Items) != 0 || page.Next != "" {
			t.Errorf("ListItineraries(%s, %s) = %v, %v; want an empty last page", tc.org, tc.date, ids(page.Items, itineraryPartner), err)
		}
	}
}

// testPlanValidation checks that an invalid plan is a *FieldError and
// stores nothing: no itinerary changes, no audit event.
func testPlanValidation(t *testing.T, h Harness) {
	e := newEnv(t, h)
	p1 := newItinerary(orgA, "p1", planDate, 2)
	e.savePlan(orgA, planDate, []*alongside.Itinerary{p1}, "p1")
	events := len(e.audit(orgA))

	other := func(f func(it *alongside.Itinerary)) *alongside.Itinerary {
		it := newItinerary(orgA, "p1", planDate, 1)
		f(it)
		return it
	}
	good := newItinerary(orgA, "p1", planDate, 1)
	tooMany := make([]*alongside.Itinerary, store.MaxPlanItineraries+1)
	for i := range tooMany {
		tooMany[i] = good
	}
	manyPartners := make([]alongside.PartnerID, store.MaxPlanItineraries+1)
	for i := range manyPartners {
		manyPartners[i] = alongside.PartnerID("p" + strconv.Itoa(i))
	}
	for _, tc := range []struct {
		name     string
		org      alongside.OrgID
		date     alongside.Date
		its      []*alongside.Itinerary
		partners []alongside.PartnerID
		field    string
	}{
		{"bad org", "Org A!", planDate, nil, partnerIDs("p1"), "org"},
		{"no date", orgA, alongside.Date{}, nil, partnerIDs("p1"), "date"},
		{"impossible date", orgA, alongside.Date{Year: 2026, Month: time.February, Day: 30}, nil, partnerIDs("p1"), "date"},
		{"bad partner", orgA, planDate, nil, partnerIDs("p1", "bad id"), "partners[1]"},
		{"partner twice", orgA, planDate, nil, partnerIDs("p1", "p1"), "partners[1]"},
		{"nil itinerary", orgA, planDate, []*alongside.Itinerary{nil}, partnerIDs("p1"), "itineraries[0]"},
		{"other org", orgA, planDate, []*alongside.Itinerary{other(func(it *alongside.Itinerary) { it.Org = orgB })}, partnerIDs("p1"), "itineraries[0].org"},
		{"other date", orgA, planDate, []*alongside.Itinerary{other(func(it *alongside.Itinerary) { it.Date = alongside.Date{Year: 2026, Month: time.May, Day: 6} })}, partnerIDs("p1"), "itineraries[0].date"},
		{"unlisted partner", orgA, planDate, []*alongside.Itinerary{good, other(func(it *alongside.Itinerary) { it.Partner = "p2" })}, partnerIDs("p1"), "itineraries[1].partner"},
		{"two itineraries of a partner", orgA, planDate, []*alongside.Itinerary{good, good}, partnerIDs("p1"), "itineraries[1].partner"},
		{"bad zone", orgA, planDate, []*alongside.Itinerary{other(func(it *alongside.Itinerary) { it.TimeZone = "Mars/Olympus" })}, partnerIDs("p1"), "itineraries[0].time_zone"},
		{"too many itineraries", orgA, planDate, tooMany, partnerIDs("p1"), "itineraries"},
		{"too many partners", orgA, planDate, nil, manyPartners, "partners"},
	} {
		err := e.s.SavePlan(e.ctx, coordinator(), tc.org, tc.date, tc.its, tc.partners)
		fieldErr(t, "SavePlan with "+tc.name, err, tc.field)
	}
	e.wantItinerary(orgA, "p1", planDate, p1)
	if n := len(e.audit(orgA)); n != events {
		t.Errorf("audit has %d events after refused plans; want %d", n, events)
	}
	orgs, err := e.s.Orgs(e.ctx)
	if err != nil || !slices.Equal(orgs, []alongside.OrgID{orgA}) {
		t.Errorf("Orgs = %v, %v; want [%s]", orgs, err, orgA)
	}
}

// testPlanAudit checks the one plan.saved event of every save.
func testPlanAudit(t *testing.T, h Harness) {
	e := newEnv(t, h)
	e.partner(orgA, "p1", 2)
	e.clock.Advance(time.Minute)
	e.savePlan(orgA, planDate, []*alongside.Itinerary{newItinerary(orgA, "p1", planDate, 1)}, "p1", "p2", "p3")
	e.clock.Advance(time.Minute)
	by := audit.Actor{Principal: "svc:scheduler", Role: "scheduler", RequestID: "req-9"}
	if err := e.s.SavePlan(e.ctx, by, orgA, planDate, nil, partnerIDs("p1")); err != nil {
		t.Fatalf("SavePlan = %v", err)
	}
	evs := e.audit(orgA)
	if len(evs) != 3 {
		t.Fatalf("audit has %d events; want 3 (partner.created and two plan.saved)", len(evs))
	}
	want := []audit.Event{
		{Seq: 2, Org: string(orgA), Time: opened().Add(time.Minute), Actor: coordinator(), Action: audit.PlanSaved,
			ObjectKind: "plan", ObjectID: "2026-05-05", Related: map[string]string{"partners": "3"}},
		{Seq: 3, Org: string(orgA), Time: opened().Add(2 * time.Minute), Actor: by, Action: audit.PlanSaved,
			ObjectKind: "plan", ObjectID: "2026-05-05", Related: map[string]string{"partners": "1"}},
	}
	if d := diff(want, evs[1:]); d != "" {
		t.Errorf("plan.saved events (-want +got):\n%s", d)
	}
}

// testPlanRestart finds saved plans after the store reopens and goes on
// saving.
func testPlanRestart(t *testing.T, h Harness) {
	e := newEnv(t, h)
	a1, a2 := newItinerary(orgA, "p1", planDate, 2), newItinerary(orgA, "p2", planDate, 0)
	b1 := newItinerary(orgB, "p1", planDate, 1)
	e.savePlan(orgA, planDate, []*alongside.Itinerary{a1, a2}, "p1", "p2", "p3")
	e.savePlan(orgB, planDate, []*alongside.Itinerary{b1}, "p1")
	beforeA, beforeB := e.itineraries(orgA, planDate, 0), e.itineraries(orgB, planDate, 0)

	e.reopen()
	if d := cmp.Diff(beforeA, e.itineraries(orgA, planDate, 0), planOpts()); d != "" {
		t.Errorf("%s itineraries after reopening (-before +after):\n%s", orgA, d)
	}
	if d := cmp.Diff(beforeB, e.itineraries(orgB, planDate, 0), planOpts()); d != "" {
		t.Errorf("%s itineraries after reopening (-before +after):\n%s", orgB, d)
	}
	e.wantItinerary(orgA, "p1", planDate, a1)
	e.wantItinerary(orgA, "p2", planDate, a2)
	e.wantItinerary(orgB, "p1", planDate, b1)

	e.savePlan(orgA, planDate, nil, "p2")
	e.wantItinerary(orgA, "p2", planDate, nil)
	e.wantItinerary(orgA, "p1", planDate, a1)
	if n := e.actions(orgA, "")[audit.PlanSaved]; n != 2 {
		t.Errorf("%s has %d plan.saved events; want 2", orgA, n)
	}
}
