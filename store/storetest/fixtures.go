package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata" // fixtures name America/Phoenix on any host

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/store"
)

// Organizations used by the fixtures.
const (
	orgA alongside.OrgID = "org-a"
	orgB alongside.OrgID = "org-b"
)

// phoenix is America/Phoenix (no daylight saving time).
var phoenix = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("America/Phoenix")
	if err != nil {
		panic(err) // time/tzdata is linked in
	}
	return loc
})

// opened is when the fixture cases opened: 2026-05-04T09:00-07:00, the
// instant row C1 starts from. The fake clocks start there.
func opened() time.Time { return time.Date(2026, 5, 4, 9, 0, 0, 0, phoenix()) }

// deadline is the fixture cases' 48-hour deadline.
func deadline() time.Time { return opened().Add(alongside.MatchWindow) }

func coordinator() audit.Actor {
	return audit.Actor{Principal: "user:coordinator", Role: "coordinator", RequestID: "req-7"}
}

func matcher() audit.Actor { return audit.Actor{Principal: "svc:matcher", Role: "matcher"} }

// cmpOpts compares records by instant (stores may keep another zone or
// drop the monotonic reading) and treats nil and empty as equal.
func cmpOpts() cmp.Options {
	return cmp.Options{
		cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
		cmpopts.EquateEmpty(),
	}
}

func diff(want, got any, opts ...cmp.Option) string {
	return cmp.Diff(want, got, append(cmpOpts(), opts...)...)
}

// ignoreReplayed compares reservation results without their Replayed flag.
func ignoreReplayed() cmp.Option { return cmpopts.IgnoreFields(store.ReserveResult{}, "Replayed") }

// NewPartner returns a valid, normalized active partner serving Mohave
// County with the given capacity.
func NewPartner(org alongside.OrgID, id string, capacity alongside.LoadUnits) *alongside.Partner {
	p := &alongside.Partner{
		Org:             org,
		ID:              alongside.PartnerID(id),
		DisplayName:     "Partner " + id,
		Languages:       []string{"es", "en"},
		Identity:        alongside.Identity{Ethnicities: []string{"Latina"}},
		Gender:          alongside.GenderWoman,
		LivedExperience: []alongside.Tag{alongside.TagSubstanceUse, alongside.TagReunified},
		OwnCaseClosed:   alongside.Date{Year: 2019, Month: time.March, Day: 14},
		RecoverySince:   alongside.Date{Year: 2017, Month: time.June, Day: 1},
		Trainings: []alongside.Credential{
			{Kind: alongside.TrainingBoundaries, Completed: alongside.Date{Year: 2020, Month: time.January, Day: 10}},
			{Kind: alongside.TrainingMandatoryReporting, Completed: alongside.Date{Year: 2020, Month: time.January, Day: 11}},
		},
		Programs:       []string{"parent_support_now"},
		Home:           geo.Point{Lat: 35.1894, Lng: -114.053},
		TimeZone:       "America/Phoenix",
		CountiesServed: []string{"04015"},
		MaxTravel:      90 * time.Minute,
		HasCar:         true,
		Capacity:       capacity,
		Availability:   []alongside.WeeklyWindow{{Day: time.Monday, Start: 9 * 60, End: 17 * 60}},
		Status:         alongside.PartnerStatusActive,
	}
	p.Normalize()
	return p
}

// NewCase returns a valid, normalized open case in Mohave County opened
// at opened().
func NewCase(org alongside.OrgID, id string) *alongside.Case {
	c := &alongside.Case{
		Org:         org,
		ID:          alongside.CaseID(id),
		ExternalRef: "DCS-" + id,
		OpenedAt:    opened(),
		County:      "04015",
		Court:       "Mohave County Juvenile Court, Kingman",
		TimeZone:    "America/Phoenix",
		HomeArea:    geo.Point{Lat: 35.19, Lng: -114.05},
		ParentRole:  alongside.ParentRoleMother,
		Languages:   []string{"es"},
		Needs:       []alongside.Tag{alongside.TagSubstanceUse},
		Program:     "parent_support_now",
		Referral:    alongside.ReferralCourt,
		Status:      alongside.CaseStatusOpen,
	}
	c.Normalize()
	return c
}

// newAppointment returns a valid, normalized court hearing for the case
// the day after opened().
func newAppointment(org alongside.OrgID, id string, c alongside.CaseID) *alongside.Appointment {
	a := &alongside.Appointment{
		Org:        org,
		ID:         alongside.AppointmentID(id),
		Case:       c,
		Kind:       alongside.KindCourtHearing,
		Place:      "Mohave County Juvenile Court",
		Location:   geo.Point{Lat: 35.1894, Lng: -114.053},
		County:     "04015",
		TimeZone:   "America/Phoenix",
		FixedStart: opened().Add(24 * time.Hour),
		Duration:   time.Hour,
		Status:     alongside.AppointmentScheduled,
	}
	a.Normalize()
	return a
}

// reservation asks for a hold of c on p until the case's deadline.
func reservation(org alongside.OrgID, key string, c alongside.CaseID, p alongside.PartnerID) store.Reservation {
	return store.Reservation{
		Org:       org,
		Case:      c,
		Partner:   p,
		ExpiresAt: deadline(),
		Score:     72.5,
		Factors:   []alongside.Factor{{Name: "language", Value: 1, Weight: 0.3, Reason: "both speak Spanish"}},
		By:        matcher(),
		Key:       key,
	}
}

// env is one store under test with its fake clock.
type env struct {
	tb    testing.TB
	ctx   context.Context
	h     Harness
	s     store.Store
	clock *FakeClock
}

// newEnv opens an empty store whose clock reads opened().
func newEnv(tb testing.TB, h Harness) *env {
	tb.Helper()
	clock := NewFakeClock(opened())
	return &env{tb: tb, ctx: tb.Context(), h: h, s: h.Open(tb, clock.Now), clock: clock}
}

// reopen restarts the store on its durable data.
func (e *env) reopen() {
	e.tb.Helper()
	e.s = e.h.Reopen(e.tb, e.s, e.clock.Now)
}

func (e *env) partner(org alongside.OrgID, id string, capacity alongside.LoadUnits) *alongside.Partner {
	e.tb.Helper()
	p := NewPartner(org, id, capacity)
	if err := e.s.CreatePartner(e.ctx, coordinator(), p); err != nil {
		e.tb.Fatalf("CreatePartner(%s/%s) = %v", org, id, err)
	}
	return p
}

func (e *env) kase(org alongside.OrgID, id string) *alongside.Case {
	e.tb.Helper()
	c := NewCase(org, id)
	if err := e.s.CreateCase(e.ctx, coordinator(), c); err != nil {
		e.tb.Fatalf("CreateCase(%s/%s) = %v", org, id, err)
	}
	return c
}

func (e *env) appointment(org alongside.OrgID, id string, c alongside.CaseID) *alongside.Appointment {
	e.tb.Helper()
	a := newAppointment(org, id, c)
	if err := e.s.CreateAppointment(e.ctx, coordinator(), a); err != nil {
		e.tb.Fatalf("CreateAppointment(%s/%s) = %v", org, id, err)
	}
	return a
}

// reserve places a reservation and fails the test on an error.
func (e *env) reserve(r store.Reservation) *store.ReserveResult {
	e.tb.Helper()
	res, err := e.s.Reserve(e.ctx, r)
	if err != nil {
		e.tb.Fatalf("Reserve(key %s, case %s, partner %s) = %v", r.Key, r.Case, r.Partner, err)
	}
	return res
}

// hold places a reservation that must be held and returns the hold.
func (e *env) hold(r store.Reservation) *alongside.Assignment {
	e.tb.Helper()
	res := e.reserve(r)
	if res.Outcome != store.OutcomeHeld || res.Hold == nil {
		e.tb.Fatalf("Reserve(key %s) = %s (%s), hold %v; want held", r.Key, res.Outcome, res.Reason, res.Hold)
	}
	return res.Hold
}

func (e *env) assignment(org alongside.OrgID, id alongside.AssignmentID) *alongside.Assignment {
	e.tb.Helper()
	a, err := e.s.GetAssignment(e.ctx, org, id)
	if err != nil {
		e.tb.Fatalf("GetAssignment(%s) = %v", id, err)
	}
	return a
}

func (e *env) load(org alongside.OrgID, p alongside.PartnerID) store.Load {
	e.tb.Helper()
	l, err := e.s.Load(e.ctx, org, p)
	if err != nil {
		e.tb.Fatalf("Load(%s) = %v", p, err)
	}
	return l
}

// wantLoad checks a partner's committed and held units.
func (e *env) wantLoad(org alongside.OrgID, p alongside.PartnerID, committed, held alongside.LoadUnits) {
	e.tb.Helper()
	l := e.load(org, p)
	if l.Partner != p || l.Committed != committed || l.Held != held {
		e.tb.Errorf("Load(%s) = %+v; want committed %d, held %d", p, l, committed, held)
	}
}

// expire runs ExpireHolds until it returns nothing and returns every
// assignment it marked.
func (e *env) expire(org alongside.OrgID) []*alongside.Assignment {
	e.tb.Helper()
	var all []*alongside.Assignment
	for range 1000 {
		got, err := e.s.ExpireHolds(e.ctx, org, 100)
		if err != nil {
			e.tb.Fatalf("ExpireHolds = %v", err)
		}
		if len(got) == 0 {
			return all
		}
		all = append(all, got...)
	}
	e.tb.Fatalf("ExpireHolds never ran dry")
	return nil
}

// pages reads a listing to its end, failing on a bad page.
func pages[T any](tb testing.TB, size int, list func(store.Cursor) (store.Page[T], error)) []T {
	tb.Helper()
	var all []T
	cur := store.Cursor{PageSize: size}
	for range 10000 {
		p, err := list(cur)
		if err != nil {
			tb.Fatalf("list after %q = %v", cur.After, err)
		}
		if len(p.Items) > cur.Size() {
			tb.Fatalf("list after %q returned %d items; page size %d", cur.After, len(p.Items), cur.Size())
		}
		all = append(all, p.Items...)
		if p.Next == "" {
			return all
		}
		if p.Next <= cur.After {
			tb.Fatalf("list after %q returned Next %q: not moving forward", cur.After, p.Next)
		}
		cur.After = p.Next
	}
	tb.Fatalf("list did not end after 10000 pages")
	return nil
}

func (e *env) partners(org alongside.OrgID, q store.PartnerQuery) []*alongside.Partner {
	e.tb.Helper()
	return pages(e.tb, q.PageSize, func(c store.Cursor) (store.Page[*alongside.Partner], error) {
		q.Cursor = c
		return e.s.ListPartners(e.ctx, org, q)
	})
}

func (e *env) cases(org alongside.OrgID, q store.CaseQuery) []*alongside.Case {
	e.tb.Helper()
	return pages(e.tb, q.PageSize, func(c store.Cursor) (store.Page[*alongside.Case], error) {
		q.Cursor = c
		return e.s.ListCases(e.ctx, org, q)
	})
}

func (e *env) appointments(org alongside.OrgID, q store.AppointmentQuery) []*alongside.Appointment {
	e.tb.Helper()
	return pages(e.tb, q.PageSize, func(c store.Cursor) (store.Page[*alongside.Appointment], error) {
		q.Cursor = c
		return e.s.ListAppointments(e.ctx, org, q)
	})
}

func (e *env) assignments(org alongside.OrgID, q store.AssignmentQuery) []*alongside.Assignment {
	e.tb.Helper()
	return pages(e.tb, q.PageSize, func(c store.Cursor) (store.Page[*alongside.Assignment], error) {
		q.Cursor = c
		return e.s.ListAssignments(e.ctx, org, q)
	})
}

// audit returns every audit event of org and checks Seq runs 1..n.
func (e *env) audit(org alongside.OrgID) []audit.Event {
	e.tb.Helper()
	var all []audit.Event
	for range 10000 {
		after := uint64(len(all))
		evs, err := e.s.ListAudit(e.ctx, org, after, 100)
		if err != nil {
			e.tb.Fatalf("ListAudit(%s, %d) = %v", org, after, err)
		}
		if len(evs) == 0 {
			head, err := e.s.AuditHead(e.ctx, org)
			if err != nil || head != uint64(len(all)) {
				e.tb.Fatalf("AuditHead(%s) = %d, %v; want %d, the last Seq", org, head, err, len(all))
			}
			return all
		}
		for i, ev := range evs {
			if want := after + uint64(i) + 1; ev.Seq != want {
				e.tb.Fatalf("ListAudit(%s, %d)[%d].Seq = %d; want %d", org, after, i, ev.Seq, want)
			}
			if ev.Org != string(org) {
				e.tb.Fatalf("ListAudit(%s) event %d has Org %q", org, ev.Seq, ev.Org)
			}
		}
		all = append(all, evs...)
	}
	e.tb.Fatalf("ListAudit did not end")
	return nil
}

// actions counts audit events of org by action, for events about object
// id ("" for all).
func (e *env) actions(org alongside.OrgID, id string) map[string]int {
	e.tb.Helper()
	n := map[string]int{}
	for _, ev := range e.audit(org) {
		if id == "" || ev.ObjectID == id {
			n[ev.Action]++
		}
	}
	return n
}

// orgState is everything a store shows of one organization.
type orgState struct {
	Partners     []*alongside.Partner
	Cases        []*alongside.Case
	Appointments []*alongside.Appointment
	Assignments  []*alongside.Assignment
	Loads        []store.Load
	Audit        []audit.Event
}

// state is everything a store shows, by organization.
type state struct {
	Orgs  []alongside.OrgID
	ByOrg map[alongside.OrgID]orgState
}

func (e *env) state() state {
	e.tb.Helper()
	orgs, err := e.s.Orgs(e.ctx)
	if err != nil {
		e.tb.Fatalf("Orgs = %v", err)
	}
	st := state{Orgs: orgs, ByOrg: map[alongside.OrgID]orgState{}}
	for _, org := range orgs {
		var o orgState
		o.Partners = e.partners(org, store.PartnerQuery{})
		o.Cases = e.cases(org, store.CaseQuery{})
		o.Appointments = e.appointments(org, store.AppointmentQuery{})
		o.Assignments = e.assignments(org, store.AssignmentQuery{})
		for _, p := range o.Partners {
			o.Loads = append(o.Loads, e.load(org, p.ID))
		}
		o.Audit = e.audit(org)
		st.ByOrg[org] = o
	}
	return st
}

// parallel runs f(0..n-1) on workers goroutines and returns the errors
// joined.
func parallel(n, workers int, f func(i int) error) error {
	var (
		next atomic.Int64
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("item %d: %w", i, err))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ids returns the IDs of records in order.
func ids[T any](list []T, id func(T) string) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = id(x)
	}
	return out
}

func partnerID(p *alongside.Partner) string         { return string(p.ID) }
func caseID(c *alongside.Case) string               { return string(c.ID) }
func appointmentID(a *alongside.Appointment) string { return string(a.ID) }
func assignmentID(a *alongside.Assignment) string   { return string(a.ID) }

// sortedIDs returns the IDs of list sorted.
func sortedIDs[T any](list []T, id func(T) string) []string {
	out := ids(list, id)
	slices.Sort(out)
	return out
}

// fieldErr checks that err holds a *alongside.FieldError for field.
func fieldErr(tb testing.TB, what string, err error, field string) {
	tb.Helper()
	if err == nil {
		tb.Errorf("%s = nil; want a *alongside.FieldError for %q", what, field)
		return
	}
	var fe *alongside.FieldError
	if !errors.As(err, &fe) {
		tb.Errorf("%s = %v; want a *alongside.FieldError for %q", what, err, field)
		return
	}
	for _, fe := range alongside.FieldErrors(err) {
		if fe.Field == field {
			return
		}
	}
	tb.Errorf("%s = %v; want a *alongside.FieldError for %q", what, err, field)
}

// isErr checks errors.Is(err, want).
func isErr(tb testing.TB, what string, err, want error) {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Errorf("%s = %v; want %v", what, err, want)
	}
}
