package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// populate creates partners p00.. with the capacity and cases c0000..
// concurrently.
func (e *env) populate(org alongside.OrgID, partners int, capacity alongside.LoadUnits, cases int) {
	e.tb.Helper()
	err := parallel(partners+cases, 64, func(i int) error {
		if i < partners {
			return e.s.CreatePartner(e.ctx, coordinator(), NewPartner(org, raceP(i), capacity))
		}
		return e.s.CreateCase(e.ctx, coordinator(), NewCase(org, raceC(i-partners)))
	})
	if err != nil {
		e.tb.Fatalf("populate: %v", err)
	}
}

func raceP(i int) string { return fmt.Sprintf("p%02d", i) }
func raceC(i int) string { return fmt.Sprintf("c%04d", i) }

// testReserveRace is row A1: 50 partners of capacity 3, 2,000 requests
// from 64 goroutines, 10 % of them retries of an earlier key, while a
// watcher reads every partner's load every 10 ms.
func testReserveRace(t *testing.T, h Harness) {
	const (
		partners = 50
		capacity = 3
		requests = 2000
		workers  = 64
	)
	e := newEnv(t, h)
	e.populate(orgA, partners, capacity, requests)

	// Request i uses a new key k<n>, n counting new keys, except every
	// tenth, which repeats an earlier request exactly. Key k<n> asks for
	// case n on partner n mod 50.
	keyOf := make([]int, requests)
	rng := rand.New(rand.NewPCG(7, 11))
	keys := 0
	for i := range keyOf {
		if i%10 == 9 {
			keyOf[i] = keyOf[rng.IntN(i)]
			continue
		}
		keyOf[i] = keys
		keys++
	}
	request := func(k int) store.Reservation {
		return reservation(orgA, fmt.Sprintf("k%d", k), alongside.CaseID(raceC(k)), alongside.PartnerID(raceP(k%partners)))
	}

	var (
		results = make([]*store.ReserveResult, requests)
		errs    = make([]error, requests)
		next    atomic.Int64
		workWG  sync.WaitGroup
		watchWG sync.WaitGroup
		done    = make(chan struct{})
		over    atomic.Int64
		snaps   atomic.Int64
		loadErr atomic.Value
	)
	began := time.Now()
	watchWG.Go(func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		snapshot := func() {
			for p := range partners {
				l, err := e.s.Load(e.ctx, orgA, alongside.PartnerID(raceP(p)))
				switch {
				case err != nil:
					loadErr.CompareAndSwap(nil, err)
				case l.Committed+l.Held > l.Capacity:
					over.Add(1)
				}
			}
			snaps.Add(1)
		}
		for {
			select {
			case <-done:
				snapshot()
				return
			case <-tick.C:
				snapshot()
			}
		}
	})
	for range workers {
		workWG.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= requests {
					return
				}
				results[i], errs[i] = e.s.Reserve(e.ctx, request(keyOf[i]))
			}
		})
	}
	workWG.Wait()
	close(done)
	watchWG.Wait()
	t.Logf("%d reservations by %d goroutines in %v; %d load snapshots", requests, workers, time.Since(began), snaps.Load())

	if err, _ := loadErr.Load().(error); err != nil {
		t.Errorf("Load during the race = %v", err)
	}
	if n := over.Load(); n != 0 {
		t.Errorf("%d load snapshots over capacity; want 0", n)
	}
	byKey := map[int][]*store.ReserveResult{}
	failed := 0
	for i := range requests {
		if errs[i] != nil {
			if failed++; failed <= 5 {
				t.Errorf("request %d (key k%d): Reserve = %v", i, keyOf[i], errs[i])
			}
			continue
		}
		byKey[keyOf[i]] = append(byKey[keyOf[i]], results[i])
	}
	if failed > 0 {
		t.Fatalf("%d requests failed; want 0", failed)
	}
	held := 0
	for k, rs := range byKey {
		first := 0
		for _, r := range rs {
			if !r.Replayed {
				first++
			}
			if d := diff(rs[0], r, ignoreReplayed()); d != "" {
				t.Errorf("key k%d answered differently (-one +another):\n%s", k, d)
			}
			if r.Outcome != store.OutcomeHeld &&
				(r.Outcome != store.OutcomeFull || r.Reason == "" || r.Reason != store.RefusalReason(store.OutcomeFull, r.Load, 1)) {
				t.Errorf("key k%d: outcome %s, reason %q; want held or full with its reason", k, r.Outcome, r.Reason)
			}
		}
		if first != 1 {
			t.Errorf("key k%d: %d of %d replies are not replays; want 1", k, first, len(rs))
		}
		if rs[0].Outcome == store.OutcomeHeld {
			held++
		}
	}
	if held != partners*capacity {
		t.Errorf("%d keys ended held; want %d", held, partners*capacity)
	}

	live := e.assignments(orgA, store.AssignmentQuery{State: alongside.StateHeld})
	perCase := map[alongside.CaseID]int{}
	for _, a := range live {
		if perCase[a.Case]++; perCase[a.Case] == 2 {
			t.Errorf("case %s has 2 live holds", a.Case)
		}
	}
	if len(live) != partners*capacity {
		t.Errorf("%d live holds; want %d", len(live), partners*capacity)
	}
	for p := range partners {
		e.wantLoad(orgA, alongside.PartnerID(raceP(p)), 0, capacity)
	}
	n := e.actions(orgA, "")
	if n[audit.HoldPlaced] != held || n[audit.HoldRefused] != len(byKey)-held || n[audit.HoldReplayed] != requests-len(byKey) {
		t.Errorf("audit = %v; want %d hold.placed, %d hold.refused, %d hold.replayed",
			n, held, len(byKey)-held, requests-len(byKey))
	}
}

// testConcurrentTransitions confirms and declines 200 holds concurrently,
// each from two or three goroutines: every hold ends in exactly one state.
func testConcurrentTransitions(t *testing.T, h Harness) {
	const (
		partners = 20
		holds    = 200
	)
	e := newEnv(t, h)
	e.populate(orgA, partners, holds/partners, holds)
	placed := make([]*alongside.Assignment, holds)
	err := parallel(holds, 32, func(i int) error {
		res, err := e.s.Reserve(e.ctx, reservation(orgA, fmt.Sprintf("k%d", i), alongside.CaseID(raceC(i)), alongside.PartnerID(raceP(i%partners))))
		if err == nil && res.Outcome != store.OutcomeHeld {
			err = fmt.Errorf("outcome %s: %s", res.Outcome, res.Reason)
		}
		if err == nil {
			placed[i] = res.Hold
		}
		return err
	})
	if err != nil {
		t.Fatalf("place holds: %v", err)
	}
	e.clock.Advance(time.Hour)

	type op struct {
		hold int
		name string
	}
	var ops []op
	for i := range holds {
		ops = append(ops, op{i, "Confirm"}, op{i, "Decline"})
		if i%3 == 0 {
			ops = append(ops, op{i, "Confirm"})
		}
	}
	rand.New(rand.NewPCG(3, 5)).Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
	got := make([]*alongside.Assignment, len(ops))
	errs := make([]error, len(ops))
	_ = parallel(len(ops), 64, func(i int) error {
		got[i], errs[i] = transitions()[ops[i].name](e, store.Transition{Org: orgA, ID: placed[ops[i].hold].ID, By: coordinator()})
		return nil
	})

	final := map[alongside.AssignmentID]alongside.AssignmentState{}
	for _, a := range e.assignments(orgA, store.AssignmentQuery{}) {
		final[a.ID] = a.State
	}
	confirmed := map[alongside.PartnerID]alongside.LoadUnits{}
	refused := make([]int, holds)
	for i, o := range ops {
		a := placed[o.hold]
		st := final[a.ID]
		switch {
		case errs[i] == nil:
			if got[i].State != st {
				t.Errorf("%s of %s returned %s; the hold ended %s", o.name, a.ID, got[i].State, st)
			}
			if (o.name == "Confirm") != (st == alongside.StateConfirmed) {
				t.Errorf("%s of %s succeeded; the hold ended %s", o.name, a.ID, st)
			}
		case errors.Is(errs[i], store.ErrBadTransition):
			refused[o.hold]++
		default:
			t.Errorf("%s of %s = %v; want success or ErrBadTransition", o.name, a.ID, errs[i])
		}
	}
	for i, a := range placed {
		switch st := final[a.ID]; st {
		case alongside.StateConfirmed:
			confirmed[a.Partner] += a.Units
		case alongside.StateDeclined:
		default:
			t.Errorf("hold %d ended %s; want confirmed or declined", i, st)
		}
		if refused[i] == 0 {
			t.Errorf("hold %d: no transition was refused; want the loser refused", i)
		}
	}
	for p := range partners {
		id := alongside.PartnerID(raceP(p))
		e.wantLoad(orgA, id, confirmed[id], 0)
	}
	counts := map[string]map[alongside.AssignmentID]int{}
	for _, ev := range e.audit(orgA) {
		if counts[ev.Action] == nil {
			counts[ev.Action] = map[alongside.AssignmentID]int{}
		}
		counts[ev.Action][alongside.AssignmentID(ev.ObjectID)]++
	}
	for _, a := range placed {
		if n := counts[audit.HoldConfirmed][a.ID] + counts[audit.HoldDeclined][a.ID]; n != 1 {
			t.Errorf("hold %s has %d confirm/decline events; want 1", a.ID, n)
		}
	}
}

// testConfirmVersusExpire is row C4 with a fake clock: 200 holds expiring
// at one instant; confirms 1 ms before and at the deadline race a
// sweeper. Each hold ends confirmed xor expired, with one event.
func testConfirmVersusExpire(t *testing.T, h Harness) {
	const (
		partners = 20
		holds    = 200
	)
	e := newEnv(t, h)
	e.populate(orgA, partners, holds/partners, holds)
	placed := make([]*alongside.Assignment, holds)
	err := parallel(holds, 32, func(i int) error {
		res, err := e.s.Reserve(e.ctx, reservation(orgA, fmt.Sprintf("k%d", i), alongside.CaseID(raceC(i)), alongside.PartnerID(raceP(i%partners))))
		if err == nil && res.Hold == nil {
			err = fmt.Errorf("outcome %s: %s", res.Outcome, res.Reason)
		}
		if err == nil {
			placed[i] = res.Hold
		}
		return err
	})
	if err != nil {
		t.Fatalf("place holds: %v", err)
	}

	// phase confirms holds [from, to) and re-confirms [0, reconfirm)
	// while a sweeper runs.
	phase := func(at time.Time, from, to, reconfirm int, want error) {
		t.Helper()
		e.clock.Set(at)
		var (
			stop  atomic.Bool
			sweep sync.WaitGroup
			swErr error
		)
		sweep.Go(func() {
			for !stop.Load() {
				if _, err := e.s.ExpireHolds(e.ctx, orgA, 20); err != nil {
					swErr = err
					return
				}
				time.Sleep(time.Millisecond) // pace the sweeper; nothing waits on it
			}
		})
		which := make([]int, 0, to-from+reconfirm)
		for i := from; i < to; i++ {
			which = append(which, i)
		}
		for i := range reconfirm {
			which = append(which, i)
		}
		errs := make([]error, len(which))
		_ = parallel(len(which), 64, func(i int) error {
			_, errs[i] = e.s.Confirm(e.ctx, store.Transition{Org: orgA, ID: placed[which[i]].ID, By: coordinator()})
			return nil
		})
		stop.Store(true)
		sweep.Wait()
		if swErr != nil {
			t.Fatalf("ExpireHolds = %v", swErr)
		}
		for i, id := range which {
			w := want
			if id < reconfirm && i >= to-from {
				w = nil // confirming a confirmed assignment
			}
			if !errors.Is(errs[i], w) {
				t.Errorf("Confirm of hold %d at %v = %v; want %v", id, at, errs[i], w)
			}
		}
	}
	phase(deadline().Add(-time.Millisecond), 0, holds/2, 0, nil)
	phase(deadline(), holds/2, holds, holds/4, store.ErrHoldExpired)
	e.expire(orgA)

	final := map[alongside.AssignmentID]alongside.AssignmentState{}
	for _, a := range e.assignments(orgA, store.AssignmentQuery{}) {
		final[a.ID] = a.State
	}
	events := map[string]map[string]int{}
	for _, ev := range e.audit(orgA) {
		if events[ev.Action] == nil {
			events[ev.Action] = map[string]int{}
		}
		events[ev.Action][ev.ObjectID]++
	}
	for i, a := range placed {
		want, wantConfirmed, wantExpired := alongside.StateConfirmed, 1, 0
		if i >= holds/2 {
			want, wantConfirmed, wantExpired = alongside.StateExpired, 0, 1
		}
		id := string(a.ID)
		if final[a.ID] != want || events[audit.HoldConfirmed][id] != wantConfirmed || events[audit.HoldExpired][id] != wantExpired {
			t.Errorf("hold %d ended %s with %d hold.confirmed and %d hold.expired; want %s, %d and %d",
				i, final[a.ID], events[audit.HoldConfirmed][id], events[audit.HoldExpired][id], want, wantConfirmed, wantExpired)
		}
	}
	for p := range partners {
		e.wantLoad(orgA, alongside.PartnerID(raceP(p)), holds/2/partners, 0)
	}
}
