package storetest

import (
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// testRestart commits records of every kind, reopens the store and finds
// them all, with capacity accounting and idempotency records intact.
func testRestart(t *testing.T, h Harness) {
	e := newEnv(t, h)
	for _, org := range []alongside.OrgID{orgA, orgB} {
		e.partner(org, "p1", 2)
		e.partner(org, "p2", 1)
		for _, c := range []string{"c1", "c2", "c3", "c4", "c5"} {
			e.kase(org, c)
		}
		e.appointment(org, "a1", "c1")
	}
	p, _ := e.s.GetPartner(e.ctx, orgA, "p2")
	p.Capacity = 3
	if err := e.s.UpdatePartner(e.ctx, coordinator(), p); err != nil {
		t.Fatalf("UpdatePartner = %v", err)
	}
	e.clock.Advance(time.Minute)
	keys := []string{"k1", "k2", "k3", "k4", "k5"}
	live := e.hold(reservation(orgA, "k1", "c1", "p1"))
	conf := e.hold(reservation(orgA, "k2", "c2", "p1"))
	decl := e.hold(reservation(orgA, "k3", "c3", "p2"))
	short := reservation(orgA, "k4", "c4", "p2")
	short.ExpiresAt = e.clock.Now().Add(time.Hour)
	exp := e.hold(short)
	if res := e.reserve(reservation(orgA, "k5", "c5", "p1")); res.Outcome != store.OutcomeFull {
		t.Fatalf("Reserve on a full partner = %s; want full", res.Outcome)
	}
	e.reserve(reservation(orgA, "k1", "c1", "p1")) // a replay
	tr := func(id alongside.AssignmentID) store.Transition {
		return store.Transition{Org: orgA, ID: id, By: coordinator(), Reason: "test"}
	}
	if _, err := e.s.Confirm(e.ctx, tr(conf.ID)); err != nil {
		t.Fatalf("Confirm = %v", err)
	}
	if _, err := e.s.Decline(e.ctx, tr(decl.ID)); err != nil {
		t.Fatalf("Decline = %v", err)
	}
	e.clock.Set(exp.ExpiresAt)
	if got := e.expire(orgA); len(got) != 1 {
		t.Fatalf("ExpireHolds = %v; want one", got)
	}
	e.hold(reservation(orgB, "k1", "c1", "p1"))

	before := e.state()
	replays := map[string]*store.ReserveResult{}
	for _, k := range keys {
		r, err := e.s.Replay(e.ctx, orgA, matcher().Principal, k)
		if err != nil {
			t.Fatalf("Replay(%s) = %v", k, err)
		}
		replays[k] = r
	}

	e.reopen()
	if d := diff(before, e.state()); d != "" {
		t.Fatalf("state after reopening (-before +after):\n%s", d)
	}
	for _, k := range keys {
		got, err := e.s.Replay(e.ctx, orgA, matcher().Principal, k)
		if err != nil {
			t.Fatalf("Replay(%s) after reopening = %v", k, err)
		}
		if d := diff(replays[k], got); d != "" {
			t.Errorf("Replay(%s) after reopening (-before +after):\n%s", k, d)
		}
	}
	// The store goes on where it stopped: replays, capacity, sequence.
	res := e.reserve(reservation(orgA, "k5", "c5", "p1"))
	if !res.Replayed || res.Outcome != store.OutcomeFull {
		t.Errorf("Reserve(k5) after reopening = %+v; want the replayed refusal", res)
	}
	if res := e.reserve(reservation(orgA, "k6", "c5", "p1")); res.Outcome != store.OutcomeFull {
		t.Errorf("Reserve on full p1 after reopening = %s; want full", res.Outcome)
	}
	if res := e.reserve(reservation(orgA, "k7", "c5", "p2")); res.Outcome != store.OutcomeHeld {
		t.Errorf("Reserve on free p2 after reopening = %s; want held", res.Outcome)
	}
	if _, err := e.s.Confirm(e.ctx, tr(live.ID)); err != nil {
		t.Errorf("Confirm of a hold placed before reopening = %v", err)
	}
	e.wantLoad(orgA, "p1", 2, 0)
	evs := e.audit(orgA)
	if n := len(before.ByOrg[orgA].Audit); len(evs) != n+4 || evs[n].Action != audit.HoldReplayed {
		t.Errorf("audit after reopening has %d events; want %d, continuing the sequence", len(evs), n+4)
	}

	// A second restart keeps the writes made after the first.
	before = e.state()
	e.reopen()
	if d := diff(before, e.state()); d != "" {
		t.Errorf("state after the second reopening (-before +after):\n%s", d)
	}
}

// testRealClock uses the implementation's own clock (Harness.Open with a
// nil now): a short hold expires by it and is swept exactly once.
func testRealClock(t *testing.T, h Harness) {
	ctx := t.Context()
	s := h.Open(t, nil)
	e := &env{tb: t, ctx: ctx, h: h, s: s}
	now, err := s.Now(ctx)
	if err != nil {
		t.Fatalf("Now = %v", err)
	}
	if d := time.Since(now); d < -5*time.Second || d > 5*time.Second {
		t.Errorf("store clock reads %v, %v from this process's", now, d)
	}
	p := NewPartner(orgA, "p1", 1)
	if err := s.CreatePartner(ctx, coordinator(), p); err != nil {
		t.Fatalf("CreatePartner = %v", err)
	}
	c := NewCase(orgA, "c1")
	c.OpenedAt = now
	if err := s.CreateCase(ctx, coordinator(), c); err != nil {
		t.Fatalf("CreateCase = %v", err)
	}
	r := reservation(orgA, "k1", "c1", "p1")
	r.ExpiresAt = now.Add(300 * time.Millisecond)
	a := e.hold(r)

	l := e.load(orgA, "p1")
	if now, _ := s.Now(ctx); now.Before(a.ExpiresAt) && l.Held != 1 {
		t.Errorf("Load before expiry = %+v; want 1 held", l)
	}
	var swept []*alongside.Assignment
	sweptAt := time.Time{}
	for range 500 { // at most 5 s
		got, err := s.ExpireHolds(ctx, orgA, 10)
		if err != nil {
			t.Fatalf("ExpireHolds = %v", err)
		}
		if len(got) > 0 && sweptAt.IsZero() {
			sweptAt, _ = s.Now(ctx)
		}
		swept = append(swept, got...)
		// Keep sweeping a while after the first sweep: never a second one.
		if now, _ := s.Now(ctx); !sweptAt.IsZero() && now.Sub(sweptAt) > 100*time.Millisecond {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(swept) != 1 || swept[0].ID != a.ID {
		t.Fatalf("holds swept = %+v; want %s once", swept, a.ID)
	}
	if sweptAt.Before(a.ExpiresAt) {
		t.Errorf("hold swept at %v, before it expired at %v", sweptAt, a.ExpiresAt)
	}
	e.wantLoad(orgA, "p1", 0, 0)
	if n := e.actions(orgA, string(a.ID)); n[audit.HoldExpired] != 1 {
		t.Errorf("hold.expired events = %d; want 1", n[audit.HoldExpired])
	}
}
