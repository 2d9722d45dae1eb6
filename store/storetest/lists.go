package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// testFilters lists varied records with every filter, in pages of 4, and
// compares with the query's Match over the full listing.
func testFilters(t *testing.T, h Harness) {
	e := newEnv(t, h)
	statuses := []alongside.PartnerStatus{alongside.PartnerStatusActive, alongside.PartnerStatusOnLeave,
		alongside.PartnerStatusOnboarding, alongside.PartnerStatusInactive}
	counties := [][]string{{"04015"}, {"04013"}, {"04013", "04015"}}
	programs := [][]string{{"parent_support_now"}, {"post_closure_support"}, {"parent_support_now", "post_closure_support"}}
	caseStatuses := []alongside.CaseStatus{alongside.CaseStatusOpen, alongside.CaseStatusPostClosure, alongside.CaseStatusClosed}
	apptStatuses := []alongside.AppointmentStatus{alongside.AppointmentScheduled, alongside.AppointmentDone, alongside.AppointmentCancelled}
	const n = 24
	err := parallel(3*n, 24, func(j int) error {
		switch i := j % n; j / n {
		case 0:
			p := NewPartner(orgA, fmt.Sprintf("p%02d", i), 5)
			p.Status = statuses[i%len(statuses)]
			p.CountiesServed = slices.Clone(counties[i%len(counties)])
			p.Programs = slices.Clone(programs[i/3%len(programs)])
			p.Normalize()
			return e.s.CreatePartner(e.ctx, coordinator(), p)
		case 1:
			c := NewCase(orgA, fmt.Sprintf("c%02d", i))
			c.Status = caseStatuses[i%len(caseStatuses)]
			c.County = []string{"04015", "04013"}[i/3%2]
			c.Program = []string{"parent_support_now", "post_closure_support"}[i/4%2]
			c.OpenedAt = opened().Add(time.Duration(i) * 5 * time.Hour)
			c.Normalize()
			return e.s.CreateCase(e.ctx, coordinator(), c)
		default:
			a := newAppointment(orgA, fmt.Sprintf("a%02d", i), alongside.CaseID(fmt.Sprintf("c%02d", i%5)))
			a.Status = apptStatuses[i%len(apptStatuses)]
			start := opened().Add(time.Duration(i) * 3 * time.Hour)
			if i%2 == 0 {
				a.FixedStart = start
			} else {
				a.FixedStart = time.Time{}
				a.Kind = alongside.KindSupervisedVisit
				a.Windows = []alongside.TimeWindow{{Start: start, End: start.Add(4 * time.Hour)}}
			}
			a.Normalize()
			return e.s.CreateAppointment(e.ctx, coordinator(), a)
		}
	})
	if err != nil {
		t.Fatalf("create records: %v", err)
	}
	// Holds in every state on the active partners p00, p04 and p08, on
	// cases that are not closed.
	var notClosed []alongside.CaseID
	for i := range 24 {
		if i%3 != 2 {
			notClosed = append(notClosed, alongside.CaseID(fmt.Sprintf("c%02d", i)))
		}
	}
	for i := range 12 {
		p := alongside.PartnerID(fmt.Sprintf("p%02d", i%3*4))
		r := reservation(orgA, fmt.Sprintf("k%02d", i), notClosed[i], p)
		if i%4 == 3 {
			r.ExpiresAt = opened().Add(time.Hour)
		}
		hold := e.hold(r)
		tr := store.Transition{Org: orgA, ID: hold.ID, By: coordinator()}
		var err error
		switch i % 4 {
		case 1:
			_, err = e.s.Confirm(e.ctx, tr)
		case 2:
			_, err = e.s.Decline(e.ctx, tr)
		}
		if err != nil {
			t.Fatalf("transition of %s = %v", hold.ID, err)
		}
	}
	e.clock.Set(opened().Add(2 * time.Hour)) // the i%4 == 3 holds have expired, unswept

	allP := e.partners(orgA, store.PartnerQuery{})
	allC := e.cases(orgA, store.CaseQuery{})
	allA := e.appointments(orgA, store.AppointmentQuery{})
	allH := e.assignments(orgA, store.AssignmentQuery{})
	now := e.clock.Now()

	partnerQueries := []struct {
		name string
		q    store.PartnerQuery
	}{
		{"status", store.PartnerQuery{Status: alongside.PartnerStatusActive}},
		{"county", store.PartnerQuery{County: "04013"}},
		{"program", store.PartnerQuery{Program: "post_closure_support"}},
		{"all three", store.PartnerQuery{Status: alongside.PartnerStatusOnLeave, County: "04015", Program: "parent_support_now"}},
	}
	for _, tc := range partnerQueries {
		t.Run("Partners/"+tc.name, func(t *testing.T) {
			q := tc.q
			q.PageSize = 4
			checkFilter(t, allP, partnerID, q.Match, e.partners(orgA, q))
		})
	}
	caseQueries := []struct {
		name string
		q    store.CaseQuery
	}{
		{"status", store.CaseQuery{Status: alongside.CaseStatusClosed}},
		{"county", store.CaseQuery{County: "04013"}},
		{"program", store.CaseQuery{Program: "post_closure_support"}},
		{"opened after", store.CaseQuery{OpenedAfter: opened().Add(50 * time.Hour)}},
		{"opened before", store.CaseQuery{OpenedBefore: opened().Add(50 * time.Hour)}},
		{"opened between", store.CaseQuery{OpenedAfter: opened().Add(20 * time.Hour), OpenedBefore: opened().Add(60 * time.Hour)}},
		{"all", store.CaseQuery{Status: alongside.CaseStatusOpen, County: "04015", Program: "parent_support_now",
			OpenedBefore: opened().Add(100 * time.Hour)}},
	}
	for _, tc := range caseQueries {
		t.Run("Cases/"+tc.name, func(t *testing.T) {
			q := tc.q
			q.PageSize = 4
			checkFilter(t, allC, caseID, q.Match, e.cases(orgA, q))
		})
	}
	apptQueries := []struct {
		name string
		q    store.AppointmentQuery
	}{
		{"case", store.AppointmentQuery{Case: "c02"}},
		{"status", store.AppointmentQuery{Status: alongside.AppointmentDone}},
		{"from", store.AppointmentQuery{From: opened().Add(40 * time.Hour)}},
		{"to", store.AppointmentQuery{To: opened().Add(20 * time.Hour)}},
		{"window", store.AppointmentQuery{From: opened().Add(10 * time.Hour), To: opened().Add(31 * time.Hour)}},
		{"case and window", store.AppointmentQuery{Case: "c01", From: opened(), To: opened().Add(48 * time.Hour)}},
	}
	for _, tc := range apptQueries {
		t.Run("Appointments/"+tc.name, func(t *testing.T) {
			q := tc.q
			q.PageSize = 4
			checkFilter(t, allA, appointmentID, q.Match, e.appointments(orgA, q))
		})
	}
	holdQueries := []struct {
		name string
		q    store.AssignmentQuery
	}{
		{"held (live only)", store.AssignmentQuery{State: alongside.StateHeld}},
		{"confirmed", store.AssignmentQuery{State: alongside.StateConfirmed}},
		{"declined", store.AssignmentQuery{State: alongside.StateDeclined}},
		{"partner", store.AssignmentQuery{Partner: "p04"}},
		{"case", store.AssignmentQuery{Case: "c01"}},
		{"partner and state", store.AssignmentQuery{Partner: "p00", State: alongside.StateConfirmed}},
	}
	for _, tc := range holdQueries {
		t.Run("Assignments/"+tc.name, func(t *testing.T) {
			q := tc.q
			q.PageSize = 4
			match := func(a *alongside.Assignment) bool { return q.MatchAt(a, now) }
			checkFilter(t, allH, assignmentID, match, e.assignments(orgA, q))
		})
	}
}

// checkFilter compares a filtered listing with match applied to all.
func checkFilter[T any](tb testing.TB, all []T, id func(T) string, match func(T) bool, got []T) {
	tb.Helper()
	var want []T
	for _, x := range all {
		if match(x) {
			want = append(want, x)
		}
	}
	if len(want) == 0 || len(want) == len(all) {
		tb.Fatalf("fixture: filter matches %d of %d records; want some", len(want), len(all))
	}
	if d := diff(ids(want, id), ids(got, id)); d != "" {
		tb.Errorf("filtered IDs (-want +got):\n%s", d)
	}
	if d := diff(want, got); d != "" && len(want) == len(got) {
		tb.Errorf("filtered records (-want +got):\n%s", d)
	}
}

// testPageSize checks the default and maximum page sizes.
func testPageSize(t *testing.T, h Harness) {
	e := newEnv(t, h)
	n := store.MaxPageSize + 20
	err := parallel(n, 32, func(i int) error {
		return e.s.CreatePartner(e.ctx, coordinator(), NewPartner(orgA, fmt.Sprintf("p%04d", i), 1))
	})
	if err != nil {
		t.Fatalf("create partners: %v", err)
	}
	for _, tc := range []struct {
		name string
		size int
		max  int
	}{
		{"zero means 50", 0, 50},
		{"negative means 50", -3, 50},
		{"clamped", 100000, store.MaxPageSize},
		{"at max", store.MaxPageSize, store.MaxPageSize},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := e.s.ListPartners(e.ctx, orgA, store.PartnerQuery{Cursor: store.Cursor{PageSize: tc.size}})
			if err != nil {
				t.Fatalf("ListPartners(PageSize %d) = %v", tc.size, err)
			}
			if len(p.Items) == 0 || len(p.Items) > tc.max || p.Next == "" {
				t.Errorf("ListPartners(PageSize %d) = %d items, Next %q; want 1..%d items and a Next", tc.size, len(p.Items), p.Next, tc.max)
			}
		})
	}
	if got := e.partners(orgA, store.PartnerQuery{Cursor: store.Cursor{PageSize: 100000}}); len(got) != n {
		t.Errorf("listing with clamped pages found %d partners; want %d", len(got), n)
	}
}

// testExternalRef checks that a case's external reference is unique in
// its organization.
func testExternalRef(t *testing.T, h Harness) {
	e := newEnv(t, h)
	c1 := e.kase(orgA, "c1")
	c2 := e.kase(orgA, "c2")

	dup := NewCase(orgA, "c3")
	dup.ExternalRef = c1.ExternalRef
	isErr(t, "CreateCase with a taken ExternalRef", e.s.CreateCase(e.ctx, coordinator(), dup), store.ErrAlreadyExists)
	_, err := e.s.GetCase(e.ctx, orgA, "c3")
	isErr(t, "GetCase after refused create", err, store.ErrNotFound)

	other := NewCase(orgB, "c9")
	other.ExternalRef = c1.ExternalRef
	if err := e.s.CreateCase(e.ctx, coordinator(), other); err != nil {
		t.Errorf("CreateCase in another org with the same ExternalRef = %v", err)
	}

	// Taking another case's reference fails; changing to a free one frees
	// the old one.
	old2 := c2.ExternalRef
	c2.ExternalRef = c1.ExternalRef
	isErr(t, "UpdateCase to a taken ExternalRef", e.s.UpdateCase(e.ctx, coordinator(), c2), store.ErrAlreadyExists)
	c2.ExternalRef = "DCS-renamed"
	if err := e.s.UpdateCase(e.ctx, coordinator(), c2); err != nil {
		t.Fatalf("UpdateCase to a free ExternalRef = %v", err)
	}
	reuse := NewCase(orgA, "c4")
	reuse.ExternalRef = old2
	if err := e.s.CreateCase(e.ctx, coordinator(), reuse); err != nil {
		t.Errorf("CreateCase with a freed ExternalRef = %v", err)
	}
	// Keeping one's own reference is fine.
	c1.Status = alongside.CaseStatusPostClosure
	if err := e.s.UpdateCase(e.ctx, coordinator(), c1); err != nil {
		t.Errorf("UpdateCase keeping its ExternalRef = %v", err)
	}
}

// testOrgIsolation uses the same IDs in two organizations.
func testOrgIsolation(t *testing.T, h Harness) {
	e := newEnv(t, h)
	pa := e.partner(orgA, "p1", 1)
	pb := NewPartner(orgB, "p1", 2)
	pb.DisplayName = "Other agency's partner"
	if err := e.s.CreatePartner(e.ctx, coordinator(), pb); err != nil {
		t.Fatalf("CreatePartner in org B with org A's ID = %v", err)
	}
	e.kase(orgA, "c1")
	e.kase(orgB, "c1")
	e.appointment(orgA, "a1", "c1")
	e.kase(orgA, "c2")

	ha := e.hold(reservation(orgA, "k1", "c1", "p1"))
	// The same key, case and partner IDs in org B: its own execution.
	resB := e.reserve(reservation(orgB, "k1", "c1", "p1"))
	if resB.Replayed || resB.Outcome != store.OutcomeHeld || resB.Hold == nil || resB.Hold.ID == ha.ID || resB.Hold.Org != orgB {
		t.Fatalf("Reserve in org B with org A's key = %+v; want its own hold", resB)
	}
	// Org A's partner is full (capacity 1); org B's is not.
	if res := e.reserve(reservation(orgA, "k2", "c2", "p1")); res.Outcome != store.OutcomeFull {
		t.Errorf("second hold on org A's p1 = %s; want full", res.Outcome)
	}
	e.wantLoad(orgA, "p1", 0, 1)
	e.wantLoad(orgB, "p1", 0, 1)

	gotA, err := e.s.GetPartner(e.ctx, orgA, "p1")
	if err != nil || gotA.DisplayName != pa.DisplayName {
		t.Errorf("GetPartner(org A, p1) = %v, %v; want org A's", gotA, err)
	}
	pb.Capacity = 7
	if err := e.s.UpdatePartner(e.ctx, coordinator(), pb); err != nil {
		t.Fatalf("UpdatePartner(org B) = %v", err)
	}
	if gotA, _ := e.s.GetPartner(e.ctx, orgA, "p1"); gotA == nil || gotA.Capacity != 1 || gotA.Version != 1 {
		t.Errorf("org A's p1 after updating org B's = %+v", gotA)
	}

	_, err = e.s.GetAppointment(e.ctx, orgB, "a1")
	isErr(t, "GetAppointment(org B, a1)", err, store.ErrNotFound)
	_, err = e.s.GetCase(e.ctx, orgB, "c2")
	isErr(t, "GetCase(org B, c2)", err, store.ErrNotFound)
	_, err = e.s.GetAssignment(e.ctx, orgB, ha.ID)
	isErr(t, "GetAssignment(org B, org A's hold)", err, store.ErrNotFound)
	for name, op := range transitions() {
		_, err := op(e, store.Transition{Org: orgB, ID: ha.ID, By: coordinator()})
		isErr(t, name+" of org A's hold in org B", err, store.ErrNotFound)
	}
	_, err = e.s.Replay(e.ctx, orgB, matcher().Principal, "k2")
	isErr(t, "Replay in org B of org A's key", err, store.ErrNotFound)
	if got := e.assignments(orgA, store.AssignmentQuery{}); len(got) != 1 || got[0].State != alongside.StateHeld {
		t.Errorf("org A's hold after org B's transitions = %+v", got)
	}

	if got := ids(e.assignments(orgB, store.AssignmentQuery{}), assignmentID); len(got) != 1 || got[0] != string(resB.Hold.ID) {
		t.Errorf("org B's assignments = %v; want [%s]", got, resB.Hold.ID)
	}
	if got := e.appointments(orgB, store.AppointmentQuery{}); len(got) != 0 {
		t.Errorf("org B's appointments = %d; want 0", len(got))
	}
	if got := ids(e.cases(orgB, store.CaseQuery{}), caseID); len(got) != 1 {
		t.Errorf("org B's cases = %v; want [c1]", got)
	}
	for _, ev := range e.audit(orgB) {
		if ev.ObjectID == string(ha.ID) || ev.ObjectID == "a1" || ev.ObjectID == "c2" {
			t.Errorf("org B's audit shows org A's event %+v", ev)
		}
	}
	if n := e.actions(orgB, ""); len(e.audit(orgB)) != 4 || n[audit.HoldPlaced] != 1 || n[audit.HoldRefused] != 0 {
		t.Errorf("org B's audit actions = %v; want partner.created, case.created, hold.placed, partner.updated", n)
	}
	orgs, err := e.s.Orgs(e.ctx)
	if err != nil {
		t.Fatalf("Orgs = %v", err)
	}
	if d := diff([]alongside.OrgID{orgA, orgB}, orgs); d != "" {
		t.Errorf("Orgs (-want +got):\n%s", d)
	}
}
