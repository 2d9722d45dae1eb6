package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// transition is one of Confirm, Decline and Release.
type transition func(e *env, t store.Transition) (*alongside.Assignment, error)

func transitions() map[string]transition {
	return map[string]transition{
		"Confirm": func(e *env, t store.Transition) (*alongside.Assignment, error) { return e.s.Confirm(e.ctx, t) },
		"Decline": func(e *env, t store.Transition) (*alongside.Assignment, error) { return e.s.Decline(e.ctx, t) },
		"Release": func(e *env, t store.Transition) (*alongside.Assignment, error) { return e.s.Release(e.ctx, t) },
	}
}

// testReserve places a hold and checks everything the store shows of it.
func testReserve(t *testing.T, h Harness) {
	e := newEnv(t, h)
	e.partner(orgA, "p1", 3)
	c1 := e.kase(orgA, "c1")
	heavy := NewCase(orgA, "c2")
	heavy.Load = 2
	if err := e.s.CreateCase(e.ctx, coordinator(), heavy); err != nil {
		t.Fatalf("CreateCase = %v", err)
	}
	e.kase(orgA, "c3")
	e.clock.Advance(10 * time.Minute)
	before := len(e.audit(orgA))

	r := reservation(orgA, "k1", "c1", "p1")
	res := e.reserve(r)
	now := e.clock.Now()
	want := &store.ReserveResult{
		Outcome: store.OutcomeHeld,
		Hold: &alongside.Assignment{
			Org: orgA, ID: "(any)", Case: "c1", Partner: "p1", Units: 1, State: alongside.StateHeld,
			Score: r.Score, Factors: r.Factors, HeldAt: now, ExpiresAt: c1.Deadline(), HeldBy: matcher().Principal,
		},
		Load: store.Load{Partner: "p1", Capacity: 3, Held: 1},
	}
	if res.Hold != nil {
		if alongside.CheckID(string(res.Hold.ID)) != "" {
			t.Errorf("hold ID %q is not a valid ID", res.Hold.ID)
		}
		want.Hold.ID = res.Hold.ID
	}
	if d := diff(want, res); d != "" {
		t.Fatalf("Reserve (-want +got):\n%s", d)
	}
	if d := diff(res.Hold, e.assignment(orgA, res.Hold.ID)); d != "" {
		t.Errorf("GetAssignment after Reserve (-want +got):\n%s", d)
	}
	if d := diff(res.Load, e.load(orgA, "p1")); d != "" {
		t.Errorf("Load after Reserve (-want +got):\n%s", d)
	}
	evs := e.audit(orgA)[before:]
	if len(evs) != 1 {
		t.Fatalf("audit after Reserve = %+v; want one hold.placed", evs)
	}
	checkHoldEvent(t, evs[0], audit.HoldPlaced, res.Hold, matcher(), now)

	// Units: the case's Load, unless the reservation names units.
	res = e.reserve(reservation(orgA, "k2", "c2", "p1"))
	if res.Hold == nil || res.Hold.Units != 2 || res.Load.Held != 3 {
		t.Errorf("Reserve of a case with Load 2 = %+v; want 2 units held, 3 in all", res)
	}
	if _, err := e.s.Decline(e.ctx, store.Transition{Org: orgA, ID: res.Hold.ID, By: coordinator()}); err != nil {
		t.Fatalf("Decline = %v", err)
	}
	r = reservation(orgA, "k3", "c2", "p1")
	r.Units = 1
	res = e.reserve(r)
	if res.Hold == nil || res.Hold.Units != 1 || res.Load.Held != 2 {
		t.Errorf("Reserve with Units 1 of a case with Load 2 = %+v; want 1 unit held, 2 in all", res)
	}
	// Exactly full is allowed.
	r = reservation(orgA, "k4", "c3", "p1")
	if res = e.reserve(r); res.Outcome != store.OutcomeHeld || res.Load.Held != 3 || res.Load.Free() != 0 {
		t.Errorf("Reserve up to capacity = %+v; want held with 0 free", res)
	}
	e.wantLoad(orgA, "p1", 0, 3)
}

// checkHoldEvent checks an audit event about a hold.
func checkHoldEvent(tb testing.TB, ev audit.Event, action string, a *alongside.Assignment, by audit.Actor, at time.Time) {
	tb.Helper()
	if ev.Action != action || ev.ObjectKind != "assignment" || ev.ObjectID != string(a.ID) ||
		ev.Actor.Principal != by.Principal || !ev.Time.Equal(at) ||
		ev.Related["case"] != string(a.Case) || ev.Related["partner"] != string(a.Partner) {
		tb.Errorf("audit event = %+v; want %s of assignment %s (case %s, partner %s) by %s at %v",
			ev, action, a.ID, a.Case, a.Partner, by.Principal, at)
	}
}

// testRefusals checks every refusal outcome and its reason.
func testRefusals(t *testing.T, h Harness) {
	for _, tc := range []struct {
		name  string
		setup func(e *env) // then case c1 on partner p1 is asked for
		want  store.Outcome
	}{
		{"full", func(e *env) {
			e.kase(orgA, "c2")
			e.kase(orgA, "c3")
			e.hold(reservation(orgA, "x2", "c2", "p1"))
			e.hold(reservation(orgA, "x3", "c3", "p1"))
		}, store.OutcomeFull},
		{"full by committed", func(e *env) {
			big := NewCase(orgA, "c3")
			big.Load = 2
			if err := e.s.CreateCase(e.ctx, coordinator(), big); err != nil {
				e.tb.Fatalf("CreateCase = %v", err)
			}
			a := e.hold(reservation(orgA, "x3", "c3", "p1"))
			if _, err := e.s.Confirm(e.ctx, store.Transition{Org: orgA, ID: a.ID, By: coordinator()}); err != nil {
				e.tb.Fatalf("Confirm = %v", err)
			}
		}, store.OutcomeFull},
		{"full by an expired then declined hold", func(e *env) {
			e.kase(orgA, "c2")
			e.kase(orgA, "c3")
			e.kase(orgA, "c4")
			e.hold(reservation(orgA, "x2", "c2", "p1"))
			r := reservation(orgA, "x3", "c3", "p1")
			r.ExpiresAt = opened().Add(time.Minute)
			a := e.hold(r)
			e.clock.Set(r.ExpiresAt)
			if _, err := e.s.Decline(e.ctx, store.Transition{Org: orgA, ID: a.ID, By: coordinator()}); err != nil {
				e.tb.Fatalf("Decline = %v", err)
			}
			e.hold(reservation(orgA, "x4", "c4", "p1"))
		}, store.OutcomeFull},
		{"case held elsewhere", func(e *env) {
			e.partner(orgA, "p2", 2)
			e.hold(reservation(orgA, "x1", "c1", "p2"))
		}, store.OutcomeCaseTaken},
		{"case held here", func(e *env) {
			e.hold(reservation(orgA, "x1", "c1", "p1"))
		}, store.OutcomeCaseTaken},
		{"case confirmed elsewhere", func(e *env) {
			e.partner(orgA, "p2", 2)
			a := e.hold(reservation(orgA, "x1", "c1", "p2"))
			if _, err := e.s.Confirm(e.ctx, store.Transition{Org: orgA, ID: a.ID, By: coordinator()}); err != nil {
				e.tb.Fatalf("Confirm = %v", err)
			}
		}, store.OutcomeCaseTaken},
		{"partner on leave", func(e *env) {
			p, _ := e.s.GetPartner(e.ctx, orgA, "p1")
			p.Status = alongside.PartnerStatusOnLeave
			if err := e.s.UpdatePartner(e.ctx, coordinator(), p); err != nil {
				e.tb.Fatalf("UpdatePartner = %v", err)
			}
		}, store.OutcomePartnerUnavailable},
		{"partner onboarding", func(e *env) {
			p, _ := e.s.GetPartner(e.ctx, orgA, "p1")
			p.Status = alongside.PartnerStatusOnboarding
			if err := e.s.UpdatePartner(e.ctx, coordinator(), p); err != nil {
				e.tb.Fatalf("UpdatePartner = %v", err)
			}
		}, store.OutcomePartnerUnavailable},
		{"case closed", func(e *env) {
			c, _ := e.s.GetCase(e.ctx, orgA, "c1")
			c.Status = alongside.CaseStatusClosed
			if err := e.s.UpdateCase(e.ctx, coordinator(), c); err != nil {
				e.tb.Fatalf("UpdateCase = %v", err)
			}
		}, store.OutcomeCaseClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, h)
			e.partner(orgA, "p1", 2)
			e.kase(orgA, "c1")
			tc.setup(e)
			before := e.state()
			loadBefore := e.load(orgA, "p1")

			res := e.reserve(reservation(orgA, "k1", "c1", "p1"))
			want := &store.ReserveResult{
				Outcome: tc.want,
				Reason:  store.RefusalReason(tc.want, loadBefore, 1),
				Load:    loadBefore,
			}
			if d := diff(want, res); d != "" {
				t.Errorf("Reserve (-want +got):\n%s", d)
			}
			after := e.state()
			if d := diff(before.ByOrg[orgA].Assignments, after.ByOrg[orgA].Assignments); d != "" {
				t.Errorf("assignments changed by a refusal (-before +after):\n%s", d)
			}
			evs := after.ByOrg[orgA].Audit[len(before.ByOrg[orgA].Audit):]
			if len(evs) != 1 || evs[0].Action != audit.HoldRefused || evs[0].Outcome != string(tc.want) ||
				evs[0].Actor.Principal != matcher().Principal {
				t.Errorf("audit after refusal = %+v; want one hold.refused with outcome %s", evs, tc.want)
			}
		})
	}
}

// testReserveErrors checks reservations that are errors, not results:
// nothing is stored and nothing audited.
func testReserveErrors(t *testing.T, h Harness) {
	e := newEnv(t, h)
	e.partner(orgA, "p1", 3)
	e.kase(orgA, "c1")
	e.clock.Advance(time.Hour)
	before := e.state()
	for _, tc := range []struct {
		name  string
		edit  func(r *store.Reservation)
		is    error  // sentinel, or
		field string // a *FieldError for this field
	}{
		{"missing partner", func(r *store.Reservation) { r.Partner = "p9" }, store.ErrNotFound, ""},
		{"missing case", func(r *store.Reservation) { r.Case = "c9" }, store.ErrNotFound, ""},
		{"missing org", func(r *store.Reservation) { r.Org = "org-z" }, store.ErrNotFound, ""},
		{"empty key", func(r *store.Reservation) { r.Key = "" }, nil, "idempotency_key"},
		{"key with space", func(r *store.Reservation) { r.Key = "a b" }, nil, "idempotency_key"},
		{"no principal", func(r *store.Reservation) { r.By = audit.Actor{} }, nil, "by.principal"},
		{"score", func(r *store.Reservation) { r.Score = 101 }, nil, "score"},
		{"units", func(r *store.Reservation) { r.Units = -1 }, nil, "units"},
		{"bad case ID", func(r *store.Reservation) { r.Case = "no such/id" }, nil, "case"},
		{"no expiry", func(r *store.Reservation) { r.ExpiresAt = time.Time{} }, nil, "expires_at"},
		{"expires now", func(r *store.Reservation) { r.ExpiresAt = e.clock.Now() }, nil, "expires_at"},
		{"expired", func(r *store.Reservation) { r.ExpiresAt = e.clock.Now().Add(-time.Millisecond) }, nil, "expires_at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := reservation(orgA, "k-"+tc.name[:2], "c1", "p1")
			tc.edit(&r)
			res, err := e.s.Reserve(e.ctx, r)
			if res != nil {
				t.Errorf("Reserve = %+v, %v; want no result", res, err)
			}
			if tc.is != nil {
				isErr(t, "Reserve", err, tc.is)
			} else {
				fieldErr(t, "Reserve", err, tc.field)
			}
		})
	}
	if d := diff(before, e.state()); d != "" {
		t.Errorf("state changed by failed reservations (-before +after):\n%s", d)
	}
	// A key whose request failed is still free.
	if res := e.reserve(reservation(orgA, "k-mi", "c1", "p1")); res.Outcome != store.OutcomeHeld || res.Replayed {
		t.Errorf("Reserve after failures = %+v; want a fresh hold", res)
	}
}

// testTransitions runs the transition table: from each state, each of
// Confirm, Decline and Release.
func testTransitions(t *testing.T, h Harness) {
	type start int
	const (
		live start = iota
		confirmed
		declined
		released
		expiredSwept
		expiredUnswept
		missing
	)
	starts := []string{"held", "confirmed", "declined", "released", "expired", "held past expiry", "missing"}
	for _, tc := range []struct {
		from      start
		op        string
		want      alongside.AssignmentState // after a nil error
		err       error
		unchanged bool // a repeat: the assignment is returned as it was
	}{
		{from: live, op: "Confirm", want: alongside.StateConfirmed},
		{from: live, op: "Decline", want: alongside.StateDeclined},
		{from: live, op: "Release", want: alongside.StateReleased},
		{from: confirmed, op: "Confirm", want: alongside.StateConfirmed, unchanged: true},
		{from: confirmed, op: "Decline", err: store.ErrBadTransition},
		{from: confirmed, op: "Release", want: alongside.StateReleased},
		{from: declined, op: "Confirm", err: store.ErrBadTransition},
		{from: declined, op: "Decline", want: alongside.StateDeclined, unchanged: true},
		{from: declined, op: "Release", err: store.ErrBadTransition},
		{from: released, op: "Confirm", err: store.ErrBadTransition},
		{from: released, op: "Decline", err: store.ErrBadTransition},
		{from: released, op: "Release", want: alongside.StateReleased, unchanged: true},
		{from: expiredSwept, op: "Confirm", err: store.ErrHoldExpired},
		{from: expiredSwept, op: "Decline", err: store.ErrBadTransition},
		{from: expiredSwept, op: "Release", err: store.ErrBadTransition},
		{from: expiredUnswept, op: "Confirm", err: store.ErrHoldExpired},
		{from: expiredUnswept, op: "Decline", want: alongside.StateDeclined},
		{from: missing, op: "Confirm", err: store.ErrNotFound},
		{from: missing, op: "Decline", err: store.ErrNotFound},
		{from: missing, op: "Release", err: store.ErrNotFound},
	} {
		t.Run(starts[tc.from]+"/"+tc.op, func(t *testing.T) {
			e := newEnv(t, h)
			e.partner(orgA, "p1", 3)
			c := NewCase(orgA, "c1")
			c.Load = 2
			if err := e.s.CreateCase(e.ctx, coordinator(), c); err != nil {
				t.Fatalf("CreateCase = %v", err)
			}
			a := e.hold(reservation(orgA, "k1", "c1", "p1"))
			tr := store.Transition{Org: orgA, ID: a.ID, By: coordinator(), Reason: "family moved out of county"}
			e.clock.Advance(time.Hour)
			step := func(name string) {
				t.Helper()
				if _, err := transitions()[name](e, tr); err != nil {
					t.Fatalf("setup %s = %v", name, err)
				}
				e.clock.Advance(time.Hour)
			}
			switch tc.from {
			case confirmed:
				step("Confirm")
			case declined:
				step("Decline")
			case released:
				step("Confirm")
				step("Release")
			case expiredSwept:
				e.clock.Set(a.ExpiresAt)
				if got := e.expire(orgA); len(got) != 1 || got[0].ID != a.ID {
					t.Fatalf("ExpireHolds = %v; want %s", got, a.ID)
				}
				e.clock.Advance(time.Minute)
			case expiredUnswept:
				e.clock.Set(a.ExpiresAt)
			case missing:
				tr.ID = "h-missing"
			}
			var before *alongside.Assignment
			if tc.from != missing {
				before = e.assignment(orgA, a.ID)
			}
			auditBefore := len(e.audit(orgA))

			got, err := transitions()[tc.op](e, tr)
			isErr(t, tc.op, err, tc.err)
			if tc.from == missing {
				return
			}
			after := e.assignment(orgA, a.ID)
			switch {
			case err != nil:
				if got != nil {
					t.Errorf("%s = %+v, %v; want no assignment with an error", tc.op, got, err)
				}
				if tc.from == expiredUnswept && after.State == alongside.StateExpired {
					break // the store recorded the expiry it found
				}
				if d := diff(before, after); d != "" {
					t.Errorf("assignment changed by a refused %s (-before +after):\n%s", tc.op, d)
				}
			case tc.unchanged:
				if d := diff(before, got); d != "" {
					t.Errorf("repeated %s changed the assignment (-before +after):\n%s", tc.op, d)
				}
				if n := len(e.audit(orgA)); n != auditBefore {
					t.Errorf("repeated %s recorded %d audit events; want 0", tc.op, n-auditBefore)
				}
			default:
				want := *before
				want.State = tc.want
				want.DecidedAt = e.clock.Now()
				want.DecidedBy = coordinator().Principal
				if tc.op == "Confirm" {
					want.ConfirmedAt = e.clock.Now()
				} else {
					want.Reason = tr.Reason // a release keeps ConfirmedAt
				}
				if d := diff(&want, got); d != "" {
					t.Errorf("%s (-want +got):\n%s", tc.op, d)
				}
				evs := e.audit(orgA)[auditBefore:]
				action := map[string]string{"Confirm": audit.HoldConfirmed, "Decline": audit.HoldDeclined, "Release": audit.HoldReleased}[tc.op]
				if len(evs) != 1 {
					t.Fatalf("audit after %s = %+v; want one %s", tc.op, evs, action)
				}
				checkHoldEvent(t, evs[0], action, a, coordinator(), e.clock.Now())
			}
			if d := diff(got, after); d != "" && got != nil {
				t.Errorf("GetAssignment after %s (-returned +stored):\n%s", tc.op, d)
			}
			var committed, held alongside.LoadUnits
			switch {
			case after.State == alongside.StateConfirmed:
				committed = 2
			case after.LiveAt(e.clock.Now()):
				held = 2
			}
			e.wantLoad(orgA, "p1", committed, held)
			// The case is free again once its assignment ended.
			e.partner(orgA, "p2", 3)
			r := reservation(orgA, "k2", "c1", "p2")
			r.ExpiresAt = e.clock.Now().Add(time.Hour)
			res := e.reserve(r)
			if ended := committed == 0 && held == 0; ended != (res.Outcome == store.OutcomeHeld) {
				t.Errorf("Reserve of the case after %s to %s = %s; want held iff the assignment ended", tc.op, after.State, res.Outcome)
			}
		})
	}
}

// testAudit checks the audit log of a scenario touching every action.
func testAudit(t *testing.T, h Harness) {
	e := newEnv(t, h)
	type want struct {
		action, kind, id string
		by               audit.Actor
		at               time.Time
		outcome          string
	}
	var wants []want
	tick := func() time.Time { e.clock.Advance(time.Minute); return e.clock.Now() }
	expect := func(action, kind, id string, by audit.Actor, outcome string) {
		wants = append(wants, want{action, kind, id, by, e.clock.Now(), outcome})
	}

	tick()
	p := e.partner(orgA, "p1", 1)
	expect(audit.PartnerCreated, "partner", "p1", coordinator(), "")
	tick()
	e.kase(orgA, "c1")
	expect(audit.CaseCreated, "case", "c1", coordinator(), "")
	c2 := e.kase(orgA, "c2")
	expect(audit.CaseCreated, "case", "c2", coordinator(), "")
	tick()
	ap := e.appointment(orgA, "a1", "c1")
	expect(audit.AppointmentCreated, "appointment", "a1", coordinator(), "")
	tick()
	p.Capacity = 2
	if err := e.s.UpdatePartner(e.ctx, coordinator(), p); err != nil {
		t.Fatal(err)
	}
	expect(audit.PartnerUpdated, "partner", "p1", coordinator(), "")
	c2.Court = "Mohave County Juvenile Court, Lake Havasu City"
	if err := e.s.UpdateCase(e.ctx, coordinator(), c2); err != nil {
		t.Fatal(err)
	}
	expect(audit.CaseUpdated, "case", "c2", coordinator(), "")
	ap.Status = alongside.AppointmentDone
	if err := e.s.UpdateAppointment(e.ctx, coordinator(), ap); err != nil {
		t.Fatal(err)
	}
	expect(audit.AppointmentUpdated, "appointment", "a1", coordinator(), "")
	tick()
	h1 := e.hold(reservation(orgA, "k1", "c1", "p1"))
	expect(audit.HoldPlaced, "assignment", string(h1.ID), matcher(), "")
	tick()
	e.reserve(reservation(orgA, "k1", "c1", "p1"))
	expect(audit.HoldReplayed, "assignment", string(h1.ID), matcher(), string(store.OutcomeHeld))
	e.reserve(reservation(orgA, "k2", "c1", "p1"))
	expect(audit.HoldRefused, "", "", matcher(), string(store.OutcomeCaseTaken))
	tick()
	tr := store.Transition{Org: orgA, ID: h1.ID, By: coordinator()}
	if _, err := e.s.Confirm(e.ctx, tr); err != nil {
		t.Fatal(err)
	}
	expect(audit.HoldConfirmed, "assignment", string(h1.ID), coordinator(), "")
	tick()
	h2 := e.hold(reservation(orgA, "k3", "c2", "p1"))
	expect(audit.HoldPlaced, "assignment", string(h2.ID), matcher(), "")
	if _, err := e.s.Decline(e.ctx, store.Transition{Org: orgA, ID: h2.ID, By: coordinator(), Reason: "conflict"}); err != nil {
		t.Fatal(err)
	}
	expect(audit.HoldDeclined, "assignment", string(h2.ID), coordinator(), "")
	r := reservation(orgA, "k4", "c2", "p1")
	r.ExpiresAt = tick().Add(time.Hour)
	h3 := e.hold(r)
	expect(audit.HoldPlaced, "assignment", string(h3.ID), matcher(), "")
	e.clock.Set(h3.ExpiresAt)
	if got := e.expire(orgA); len(got) != 1 {
		t.Fatalf("ExpireHolds = %v; want one", got)
	}
	expect(audit.HoldExpired, "assignment", string(h3.ID), audit.System, "")
	tick()
	if _, err := e.s.Release(e.ctx, tr); err != nil {
		t.Fatal(err)
	}
	expect(audit.HoldReleased, "assignment", string(h1.ID), coordinator(), "")

	evs := e.audit(orgA)
	if len(evs) != len(wants) {
		t.Fatalf("audit has %d events; want %d:\n%+v", len(evs), len(wants), evs)
	}
	for i, w := range wants {
		ev := evs[i]
		if ev.Action != w.action || ev.Actor.Principal != w.by.Principal || !ev.Time.Equal(w.at) ||
			(w.kind != "" && (ev.ObjectKind != w.kind || ev.ObjectID != w.id)) || ev.Outcome != w.outcome {
			t.Errorf("audit event %d = %+v; want %s of %s %s by %s at %v, outcome %q",
				i+1, ev, w.action, w.kind, w.id, w.by.Principal, w.at, w.outcome)
		}
	}
	if evs[0].Actor != coordinator() {
		t.Errorf("audit actor = %+v; want %+v (role and request ID kept)", evs[0].Actor, coordinator())
	}

	// ListAudit pages by Seq.
	got, err := e.s.ListAudit(e.ctx, orgA, 5, 3)
	if err != nil {
		t.Fatalf("ListAudit(5, 3) = %v", err)
	}
	if d := diff(evs[5:8], got); d != "" {
		t.Errorf("ListAudit(5, 3) (-want +got):\n%s", d)
	}
	got, err = e.s.ListAudit(e.ctx, orgA, uint64(len(evs)), 10)
	if err != nil || len(got) != 0 {
		t.Errorf("ListAudit after the last = %v, %v; want none", got, err)
	}
	got, err = e.s.ListAudit(e.ctx, orgB, 0, 10)
	if err != nil || len(got) != 0 {
		t.Errorf("ListAudit of an empty org = %v, %v; want none", got, err)
	}
}

// testExpiresAtDeadline is row C1: a hold placed on a case opened
// 2026-05-04T09:00-07:00 expires at exactly the 48-hour deadline.
func testExpiresAtDeadline(t *testing.T, h Harness) {
	setup := func(t *testing.T) (*env, *alongside.Assignment) {
		e := newEnv(t, h)
		e.partner(orgA, "p1", 1)
		c := e.kase(orgA, "c1")
		if want := time.Date(2026, 5, 6, 16, 0, 0, 0, time.UTC); !c.Deadline().Equal(want) {
			t.Fatalf("deadline = %v; want %v", c.Deadline(), want)
		}
		e.clock.Advance(20 * time.Minute)
		r := reservation(orgA, "k1", "c1", "p1")
		r.ExpiresAt = c.Deadline()
		return e, e.hold(r)
	}
	t.Run("a/ConfirmBeforeDeadline", func(t *testing.T) {
		e, a := setup(t)
		e.clock.Set(a.ExpiresAt.Add(-time.Millisecond))
		got, err := e.s.Confirm(e.ctx, store.Transition{Org: orgA, ID: a.ID, By: coordinator()})
		if err != nil || got.State != alongside.StateConfirmed {
			t.Fatalf("Confirm 1 ms before the deadline = %+v, %v; want confirmed", got, err)
		}
		e.clock.Set(a.ExpiresAt.Add(time.Hour))
		e.wantLoad(orgA, "p1", 1, 0)
		if got := e.expire(orgA); len(got) != 0 {
			t.Errorf("ExpireHolds after a confirm = %v; want none", got)
		}
	})
	t.Run("b/AtDeadline", func(t *testing.T) {
		e, a := setup(t)
		e.clock.Set(a.ExpiresAt)
		_, err := e.s.Confirm(e.ctx, store.Transition{Org: orgA, ID: a.ID, By: coordinator()})
		isErr(t, "Confirm at the deadline", err, store.ErrHoldExpired)
		e.wantLoad(orgA, "p1", 0, 0)

		// The capacity is free to a new hold at the same instant, and so is
		// the case.
		e.kase(orgA, "c2")
		r2 := reservation(orgA, "k2", "c2", "p1")
		r2.ExpiresAt = a.ExpiresAt.Add(time.Hour)
		a2 := e.hold(r2)
		e.partner(orgA, "p2", 1)
		r3 := reservation(orgA, "k3", "c1", "p2")
		r3.ExpiresAt = a.ExpiresAt.Add(time.Hour)
		a3 := e.hold(r3)
		held := e.assignments(orgA, store.AssignmentQuery{State: alongside.StateHeld})
		if d := diff(sortedIDs([]*alongside.Assignment{a2, a3}, assignmentID), ids(held, assignmentID)); d != "" {
			t.Errorf("held assignments at the deadline (-want +got):\n%s", d)
		}

		swept := e.expire(orgA)
		if len(swept) > 1 || len(swept) == 1 && (swept[0].ID != a.ID || swept[0].State != alongside.StateExpired) {
			t.Errorf("ExpireHolds = %+v; want at most the expired hold %s", swept, a.ID)
		}
		if got := e.assignment(orgA, a.ID); got.State != alongside.StateExpired {
			t.Errorf("expired hold's state after the sweep = %s; want expired", got.State)
		}
		if got, err := e.s.ExpireHolds(e.ctx, orgA, 10); err != nil || len(got) != 0 {
			t.Errorf("second ExpireHolds = %v, %v; want none", got, err)
		}
		if n := e.actions(orgA, string(a.ID)); n[audit.HoldExpired] != 1 {
			t.Errorf("hold.expired events for %s = %d; want 1", a.ID, n[audit.HoldExpired])
		}
		for _, id := range []alongside.AssignmentID{a2.ID, a3.ID} {
			if got := e.assignment(orgA, id); got.State != alongside.StateHeld {
				t.Errorf("live hold %s after the sweep = %s; want held", id, got.State)
			}
		}
	})
}

// testExpireHolds checks sweeps: the limit, live holds untouched, each
// expiry recorded once.
func testExpireHolds(t *testing.T, h Harness) {
	e := newEnv(t, h)
	e.partner(orgA, "p1", 10)
	var expiring []*alongside.Assignment
	for i := range 7 {
		e.kase(orgA, fmt.Sprintf("c%d", i))
		r := reservation(orgA, fmt.Sprintf("k%d", i), alongside.CaseID(fmt.Sprintf("c%d", i)), "p1")
		if i < 5 {
			r.ExpiresAt = opened().Add(time.Duration(i+1) * time.Minute)
		}
		a := e.hold(r)
		if i < 5 {
			expiring = append(expiring, a)
		}
	}
	// Other organizations' holds are not swept with org A's.
	e.partner(orgB, "p1", 1)
	e.kase(orgB, "c1")
	rb := reservation(orgB, "k1", "c1", "p1")
	rb.ExpiresAt = opened().Add(time.Minute)
	e.hold(rb)

	e.clock.Set(opened().Add(4*time.Minute + 30*time.Second)) // four have expired
	if got, err := e.s.ExpireHolds(e.ctx, orgA, 0); err != nil {
		t.Fatalf("ExpireHolds(limit 0) = %v", err)
	} else if len(got) > 4 {
		t.Errorf("ExpireHolds(limit 0) = %d holds; want at most 4", len(got))
	}
	e.clock.Set(opened().Add(5 * time.Minute)) // the fifth expires now
	var swept []*alongside.Assignment
	for range 10 {
		got, err := e.s.ExpireHolds(e.ctx, orgA, 2)
		if err != nil {
			t.Fatalf("ExpireHolds = %v", err)
		}
		if len(got) > 2 {
			t.Errorf("ExpireHolds(limit 2) returned %d", len(got))
		}
		if len(got) == 0 {
			break
		}
		swept = append(swept, got...)
	}
	all := e.assignments(orgA, store.AssignmentQuery{State: alongside.StateExpired})
	if d := diff(sortedIDs(expiring, assignmentID), ids(all, assignmentID)); d != "" {
		t.Errorf("expired holds (-want +got):\n%s", d)
	}
	for _, a := range swept {
		if a.State != alongside.StateExpired {
			t.Errorf("swept hold %s has state %s", a.ID, a.State)
		}
	}
	n := e.actions(orgA, "")
	if n[audit.HoldExpired] != 5 {
		t.Errorf("hold.expired events = %d; want 5", n[audit.HoldExpired])
	}
	for _, ev := range e.audit(orgA) {
		if ev.Action == audit.HoldExpired && ev.Actor.Principal != audit.System.Principal {
			t.Errorf("hold.expired by %q; want %q", ev.Actor.Principal, audit.System.Principal)
		}
	}
	e.wantLoad(orgA, "p1", 0, 2)
	if got := e.assignments(orgB, store.AssignmentQuery{}); len(got) != 1 || got[0].State != alongside.StateHeld {
		t.Errorf("org B's hold after org A's sweep = %+v; want still held (unswept)", got)
	}
	if got := e.expire(orgB); len(got) != 1 {
		t.Errorf("ExpireHolds(org B) = %v; want one", got)
	}
}
