package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// testReplay is row B1: a reservation repeated three times with its key
// returns the first result and places one hold.
func testReplay(t *testing.T, h Harness) {
	e := newEnv(t, h)
	e.partner(orgA, "p1", 1)
	e.kase(orgA, "c1")
	e.kase(orgA, "c2")
	r := reservation(orgA, "K", "c1", "p1")
	first := e.reserve(r)
	if first.Replayed || first.Outcome != store.OutcomeHeld {
		t.Fatalf("first Reserve = %+v; want a held, not replayed result", first)
	}
	for i := range 3 {
		e.clock.Advance(time.Minute)
		got := e.reserve(r)
		if !got.Replayed {
			t.Errorf("repeat %d: Replayed = false", i+1)
		}
		if d := diff(first, got, ignoreReplayed()); d != "" {
			t.Errorf("repeat %d (-first +repeat):\n%s", i+1, d)
		}
	}
	if got := e.assignments(orgA, store.AssignmentQuery{}); len(got) != 1 {
		t.Errorf("assignments after 4 requests with one key = %d; want 1", len(got))
	}
	if n := e.actions(orgA, ""); n[audit.HoldPlaced] != 1 || n[audit.HoldReplayed] != 3 {
		t.Errorf("audit = %v; want 1 hold.placed and 3 hold.replayed", n)
	}

	auditBefore := len(e.audit(orgA))
	got, err := e.s.Replay(e.ctx, orgA, matcher().Principal, "K")
	if err != nil || !got.Replayed {
		t.Fatalf("Replay(K) = %+v, %v; want the stored result, replayed", got, err)
	}
	if d := diff(first, got, ignoreReplayed()); d != "" {
		t.Errorf("Replay(K) (-first +replay):\n%s", d)
	}
	_, err = e.s.Replay(e.ctx, orgA, matcher().Principal, "unknown")
	isErr(t, "Replay(unknown key)", err, store.ErrNotFound)
	_, err = e.s.Replay(e.ctx, orgA, "svc:other", "K")
	isErr(t, "Replay(K) of another principal", err, store.ErrNotFound)
	if n := len(e.audit(orgA)); n != auditBefore {
		t.Errorf("Replay recorded %d audit events; want 0", n-auditBefore)
	}

	// A refusal is a result and replays too, even after the partner has
	// room again; and a replay is the first result, not today's state.
	refused := e.reserve(reservation(orgA, "K2", "c2", "p1"))
	if refused.Outcome != store.OutcomeFull {
		t.Fatalf("Reserve on a full partner = %s; want full", refused.Outcome)
	}
	if _, err := e.s.Decline(e.ctx, store.Transition{Org: orgA, ID: first.Hold.ID, By: coordinator()}); err != nil {
		t.Fatalf("Decline = %v", err)
	}
	got = e.reserve(reservation(orgA, "K2", "c2", "p1"))
	if d := diff(refused, got, ignoreReplayed()); d != "" || !got.Replayed {
		t.Errorf("replayed refusal after capacity freed (-first +replay):\n%s", d)
	}
	got = e.reserve(r)
	if d := diff(first, got, ignoreReplayed()); d != "" || !got.Replayed {
		t.Errorf("replay after the hold was declined (-first +replay):\n%s", d)
	}
	// A retry after the clock passed the request's ExpiresAt still replays.
	e.clock.Set(r.ExpiresAt.Add(time.Hour))
	got = e.reserve(r)
	if d := diff(first, got, ignoreReplayed()); d != "" || !got.Replayed {
		t.Errorf("replay after ExpiresAt (-first +replay):\n%s", d)
	}
}

// testConcurrentSameKey is row B2: 16 goroutines send one key at once.
func testConcurrentSameKey(t *testing.T, h Harness) {
	e := newEnv(t, h)
	e.partner(orgA, "p1", 3)
	e.kase(orgA, "c1")
	r := reservation(orgA, "K", "c1", "p1")
	const n = 16
	results := make([]*store.ReserveResult, n)
	errs := make([]error, n)
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
	)
	for i := range n {
		wg.Go(func() {
			<-start
			results[i], errs[i] = e.s.Reserve(e.ctx, r)
		})
	}
	close(start)
	wg.Wait()
	fresh := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("caller %d: Reserve = %v", i, errs[i])
		}
		if !results[i].Replayed {
			fresh++
		}
		if d := diff(results[0], results[i], ignoreReplayed()); d != "" {
			t.Errorf("caller %d's result differs from caller 0's (-0 +%d):\n%s", i, i, d)
		}
	}
	if fresh != 1 {
		t.Errorf("%d callers got a result that is not a replay; want 1", fresh)
	}
	if results[0].Outcome != store.OutcomeHeld {
		t.Errorf("outcome = %s; want held", results[0].Outcome)
	}
	if got := e.assignments(orgA, store.AssignmentQuery{}); len(got) != 1 {
		t.Errorf("assignments = %d; want 1", len(got))
	}
	e.wantLoad(orgA, "p1", 0, 1)
	if n := e.actions(orgA, ""); n[audit.HoldPlaced] != 1 || n[audit.HoldReplayed] != 15 {
		t.Errorf("audit = %v; want 1 hold.placed and 15 hold.replayed", n)
	}
}

// testKeyReuse is row B3: a key sent again with another request is
// refused and changes nothing.
func testKeyReuse(t *testing.T, h Harness) {
	e := newEnv(t, h)
	e.partner(orgA, "p1", 3)
	e.partner(orgA, "p2", 3)
	e.kase(orgA, "c1")
	e.kase(orgA, "c2")
	r := reservation(orgA, "K", "c1", "p1")
	first := e.reserve(r)
	before := e.state()
	for _, tc := range []struct {
		name string
		edit func(r *store.Reservation)
	}{
		{"other case", func(r *store.Reservation) { r.Case = "c2" }},
		{"other partner", func(r *store.Reservation) { r.Partner = "p2" }},
		{"other units", func(r *store.Reservation) { r.Units = 2 }},
		{"other fingerprint", func(r *store.Reservation) { r.Fingerprint = "sha256:request-2" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r2 := r
			tc.edit(&r2)
			res, err := e.s.Reserve(e.ctx, r2)
			isErr(t, "Reserve", err, store.ErrKeyReused)
			if res != nil {
				t.Errorf("Reserve = %+v; want no result", res)
			}
		})
	}
	if d := diff(before, e.state()); d != "" {
		t.Errorf("state changed by reused keys (-before +after):\n%s", d)
	}
	// The first request still replays.
	if got := e.reserve(r); !got.Replayed || diff(first, got, ignoreReplayed()) != "" {
		t.Errorf("Reserve with the first request = %+v; want a replay of %+v", got, first)
	}
	// Fields outside the fingerprint do not make another request.
	r3 := r
	r3.Score = 10
	r3.ExpiresAt = r.ExpiresAt.Add(-time.Hour)
	if got := e.reserve(r3); !got.Replayed || diff(first, got, ignoreReplayed()) != "" {
		t.Errorf("Reserve with another score and expiry = %+v; want a replay of %+v", got, first)
	}
	// An explicit fingerprint is compared as given.
	r4 := reservation(orgA, "K4", "c2", "p2")
	r4.Fingerprint = "sha256:request-4"
	first4 := e.reserve(r4)
	r4.Case = "c1"
	if got := e.reserve(r4); !got.Replayed || diff(first4, got, ignoreReplayed()) != "" {
		t.Errorf("Reserve with the same fingerprint = %+v; want a replay of %+v", got, first4)
	}
}

// testKeyScope is row B6: keys are scoped to (organization, principal).
func testKeyScope(t *testing.T, h Harness) {
	e := newEnv(t, h)
	for _, org := range []alongside.OrgID{orgA, orgB} {
		e.partner(org, "p1", 3)
		e.kase(org, "c1")
	}
	first := e.reserve(reservation(orgA, "K", "c1", "p1"))

	other := reservation(orgA, "K", "c1", "p1")
	other.By = audit.Actor{Principal: "user:intake", Role: "intake"}
	got := e.reserve(other)
	if got.Replayed || got.Outcome != store.OutcomeCaseTaken {
		t.Errorf("another principal's K = %+v; want its own execution (case_taken)", got)
	}
	got = e.reserve(reservation(orgB, "K", "c1", "p1"))
	if got.Replayed || got.Outcome != store.OutcomeHeld || got.Hold.ID == first.Hold.ID || got.Hold.Org != orgB {
		t.Errorf("org B's K = %+v; want its own hold", got)
	}
	if got, err := e.s.Replay(e.ctx, orgA, other.By.Principal, "K"); err != nil || got.Outcome != store.OutcomeCaseTaken {
		t.Errorf("Replay of the other principal's K = %+v, %v; want its case_taken", got, err)
	}
}

// testRetention checks that an idempotency record is kept for
// store.IdempotencyRetention, and then the key executes anew.
func testRetention(t *testing.T, h Harness) {
	e := newEnv(t, h)
	e.partner(orgA, "p1", 3)
	e.kase(orgA, "c1")
	start := e.clock.Now()
	r := reservation(orgA, "K", "c1", "p1")
	r.ExpiresAt = start.Add(time.Hour)
	first := e.reserve(r)

	e.clock.Set(start.Add(store.IdempotencyRetention - time.Millisecond))
	r.ExpiresAt = e.clock.Now().Add(time.Hour)
	if got := e.reserve(r); !got.Replayed || diff(first, got, ignoreReplayed()) != "" {
		t.Errorf("Reserve just before retention ends = %+v; want a replay", got)
	}
	e.clock.Set(start.Add(store.IdempotencyRetention))
	if _, err := e.s.ExpireHolds(t.Context(), orgA, 0); err != nil {
		t.Fatalf("ExpireHolds: %v", err)
	}
	if got, err := e.s.Replay(t.Context(), orgA, r.By.Principal, r.Key); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Replay after retention = %+v, %v; want ErrNotFound", got, err)
	}
	r.ExpiresAt = e.clock.Now().Add(time.Hour)
	got := e.reserve(r)
	if got.Replayed || got.Outcome != store.OutcomeHeld || got.Hold.ID == first.Hold.ID {
		t.Errorf("Reserve after retention = %+v; want a new hold", got)
	}
	if again := e.reserve(r); !again.Replayed || diff(got, again, ignoreReplayed()) != "" {
		t.Errorf("Reserve after the new execution = %+v; want its replay", again)
	}
}
