package cascade_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/cascade"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/internal/redistest"
	"github.com/alongside/alongside/matcher"
	"github.com/alongside/alongside/store"
	"github.com/alongside/alongside/store/boltstore"
	"github.com/alongside/alongside/store/redisstore"
	"github.com/alongside/alongside/store/storetest"
)

var intake = audit.Actor{Principal: "svc:intake", Role: "intake"}

// partner is a Parents for Parents partner in Mohave County, dist degrees
// of latitude from the case's home area: nearer ranks higher.
func partner(id string, dist float64, capacity alongside.LoadUnits) *alongside.Partner {
	p := storetest.NewPartner("org", id, capacity)
	p.Programs = []string{"parents_for_parents"}
	for _, k := range alongside.CoreTrainings() {
		p.Trainings = append(p.Trainings, alongside.Credential{Kind: k, Completed: alongside.Date{Year: 2020, Month: time.February, Day: 1}})
	}
	p.Home = geo.Point{Lat: 35.19 + dist, Lng: -114.05}
	p.Normalize()
	return p
}

// kase is a Parents for Parents case opened at opened.
func kase(id string, opened time.Time) *alongside.Case {
	c := storetest.NewCase("org", id)
	c.Program = "parents_for_parents"
	c.OpenedAt = opened
	c.Normalize()
	return c
}

// world is a store with a fake clock and a roster.
func world(t *testing.T, opened time.Time, partners ...*alongside.Partner) (*boltstore.Store, *storetest.FakeClock) {
	t.Helper()
	clock := storetest.NewFakeClock(opened)
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"), boltstore.Options{Clock: clock.Now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	for _, p := range partners {
		if err := st.CreatePartner(t.Context(), intake, p); err != nil {
			t.Fatalf("CreatePartner: %v", err)
		}
	}
	return st, clock
}

// openCases creates Parents for Parents cases opened at opened.
func openCases(t *testing.T, st store.Store, opened time.Time, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := st.CreateCase(t.Context(), intake, kase(id, opened)); err != nil {
			t.Fatalf("CreateCase: %v", err)
		}
	}
}

// liveHold returns the case's live hold, or nil.
func liveHold(t *testing.T, st store.Store, id alongside.CaseID) *alongside.Assignment {
	t.Helper()
	p, err := st.ListAssignments(t.Context(), "org", store.AssignmentQuery{Case: id, State: alongside.StateHeld})
	if err != nil {
		t.Fatalf("ListAssignments: %v", err)
	}
	switch len(p.Items) {
	case 0:
		return nil
	case 1:
		return p.Items[0]
	}
	t.Fatalf("case %s has %d live holds", id, len(p.Items))
	return nil
}

func escalation(t *testing.T, st store.Store, id alongside.CaseID) string {
	t.Helper()
	c, err := st.GetCase(t.Context(), "org", id)
	if err != nil {
		t.Fatalf("GetCase: %v", err)
	}
	if c.Escalation == nil {
		return ""
	}
	return c.Escalation.Code
}

// TestCascadeThroughSimulatedTime walks one case through its 48 hours on a
// fake clock: the intake worker's grace, an offer to the best partner, its
// expiry and the next offer, a decline and the last offer, exhaustion and
// the passed deadline, each escalation recorded once.
func TestCascadeThroughSimulatedTime(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	opened := time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC)
	st, clock := world(t, opened, partner("p_a", 0, 5), partner("p_b", 0.1, 5), partner("p_c", 0.2, 5))
	openCases(t, st, opened, "c1")
	var escalations []string
	e := &cascade.Engine{Store: st, OnEscalate: func(_ alongside.OrgID, _ alongside.CaseID, esc *alongside.Escalation) {
		escalations = append(escalations, esc.Code)
	}}
	step := func(what string) {
		t.Helper()
		if err := e.RunOnce(ctx); err != nil {
			t.Fatalf("%s: RunOnce: %v", what, err)
		}
	}

	step("within the grace")
	if h := liveHold(t, st, "c1"); h != nil {
		t.Fatalf("hold on %s within the intake grace; want none", h.Partner)
	}
	clock.Advance(5 * time.Minute)
	step("after the grace")
	h := liveHold(t, st, "c1")
	if h == nil || h.Partner != "p_a" || !h.ExpiresAt.Equal(clock.Now().Add(4*time.Hour)) {
		t.Fatalf("first offer = %+v; want p_a for 4 h", h)
	}
	step("nothing changed")
	if again := liveHold(t, st, "c1"); again.ID != h.ID {
		t.Fatalf("a quiet step moved the hold to %s", again.ID)
	}

	clock.Advance(4 * time.Hour) // p_a lets the offer expire
	step("after the expiry")
	if h = liveHold(t, st, "c1"); h == nil || h.Partner != "p_b" {
		t.Fatalf("offer after expiry = %+v; want p_b", h)
	}
	if _, err := st.Decline(ctx, store.Transition{Org: "org", ID: h.ID, By: intake}); err != nil {
		t.Fatalf("Decline: %v", err)
	}
	step("after the decline")
	if h = liveHold(t, st, "c1"); h == nil || h.Partner != "p_c" {
		t.Fatalf("offer after decline = %+v; want p_c", h)
	}

	clock.Advance(4 * time.Hour) // p_c lets it expire too: nobody is left
	step("exhausted")
	if h = liveHold(t, st, "c1"); h != nil {
		t.Fatalf("offer after exhaustion = %s; want none", h.Partner)
	}
	if got := escalation(t, st, "c1"); got != string(cascade.EscalationExhausted) {
		t.Errorf("escalation = %q; want candidates_exhausted", got)
	}
	step("exhausted, again")

	clock.Set(opened.Add(alongside.MatchWindow))
	step("deadline")
	step("deadline, again")
	if got := escalation(t, st, "c1"); got != "deadline_passed" {
		t.Errorf("escalation = %q; want deadline_passed", got)
	}
	if want := []string{"candidates_exhausted", "deadline_passed"}; fmt.Sprint(escalations) != fmt.Sprint(want) {
		t.Errorf("escalations recorded = %v; want %v, once each", escalations, want)
	}
}

// TestCascadeDeadlineNear: a case 12 hours from its deadline without a
// confirmed partner is escalated while the cascade keeps offering.
func TestCascadeDeadlineNear(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	opened := time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC)
	st, clock := world(t, opened, partner("p_a", 0, 5))
	openCases(t, st, opened, "c1")
	clock.Advance(36 * time.Hour)
	e := &cascade.Engine{Store: st}
	if err := e.RunOnce(ctx); err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	if h := liveHold(t, st, "c1"); h == nil || h.Partner != "p_a" {
		t.Fatalf("offer = %+v; want p_a", h)
	}
	if got := escalation(t, st, "c1"); got != "deadline_near" {
		t.Errorf("escalation = %q; want deadline_near", got)
	}
}

// TestCascadeReplicas runs two engines (two replicas, each with its own
// store handle on Redis) over one store at once: every case gets at most
// one live hold, no partner is over capacity, and every seat is used.
func TestCascadeReplicas(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		open func(t *testing.T) []store.Store // one handle per replica
	}{
		{"embedded", func(t *testing.T) []store.Store {
			st, _ := world(t, time.Now())
			return []store.Store{st, st}
		}},
		{"redis", func(t *testing.T) []store.Store {
			srv := redistest.Start(t)
			var out []store.Store
			for range 2 {
				st, err := redisstore.Open(t.Context(), srv.URL(), redisstore.Options{})
				if err != nil {
					t.Fatalf("redisstore.Open: %v", err)
				}
				t.Cleanup(func() { st.Close() })
				out = append(out, st)
			}
			return out
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			handles := tt.open(t)
			st := handles[0]
			for _, p := range []*alongside.Partner{partner("p_a", 0, 3), partner("p_b", 0.1, 3), partner("p_c", 0.2, 3)} {
				if err := st.CreatePartner(ctx, intake, p); err != nil {
					t.Fatalf("CreatePartner: %v", err)
				}
			}
			opened := time.Now().Add(-time.Hour) // past the intake grace
			for i := range 12 {
				if err := st.CreateCase(ctx, intake, kase(fmt.Sprintf("c%02d", i), opened)); err != nil {
					t.Fatalf("CreateCase: %v", err)
				}
			}
			replicas := []*cascade.Engine{{Store: handles[0]}, {Store: handles[1]}}
			for range 3 {
				var wg sync.WaitGroup
				for _, e := range replicas {
					wg.Go(func() {
						if err := e.RunOnce(ctx); err != nil {
							t.Errorf("RunOnce: %v", err)
						}
					})
				}
				wg.Wait()
			}
			held := 0
			for i := range 12 {
				if liveHold(t, st, alongside.CaseID(fmt.Sprintf("c%02d", i))) != nil {
					held++
				}
			}
			if held != 9 {
				t.Errorf("cases held = %d; want 9 (3 partners × capacity 3)", held)
			}
			for _, id := range []alongside.PartnerID{"p_a", "p_b", "p_c"} {
				l, err := st.Load(ctx, "org", id)
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if l.Held+l.Committed > l.Capacity {
					t.Errorf("partner %s load %d over capacity %d", id, l.Held+l.Committed, l.Capacity)
				}
			}
		})
	}
}

// TestMatchReplay: a match retried with its key returns the first hold even
// when the partner it holds is now full; the key for another case is
// refused.
func TestMatchReplay(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	opened := time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC)
	st, _ := world(t, opened, partner("p_a", 0, 1))
	openCases(t, st, opened, "c1", "c2")
	e := &cascade.Engine{Store: st}
	req := cascade.MatchRequest{Org: "org", Case: "c1", Key: "k1", By: intake}
	first, err := e.Match(ctx, req)
	if err != nil || first.Outcome != cascade.OutcomeHeld {
		t.Fatalf("Match = %+v, %v; want held", first, err)
	}
	again, err := e.Match(ctx, req)
	if err != nil || again.Outcome != cascade.OutcomeHeld || !again.Replayed || again.Hold.ID != first.Hold.ID {
		t.Fatalf("retry = %+v, %v; want the first hold, replayed", again, err)
	}
	full, err := e.Match(ctx, cascade.MatchRequest{Org: "org", Case: "c2", Key: "k2", By: intake})
	if err != nil || full.Outcome != cascade.OutcomeNoEligible {
		t.Fatalf("second case = %+v, %v; want no eligible partner (p_a is full)", full, err)
	}
	if _, err := e.Match(ctx, cascade.MatchRequest{Org: "org", Case: "c2", Key: "k1", By: intake}); !errors.Is(err, store.ErrKeyReused) {
		t.Errorf("key of another case: err = %v; want ErrKeyReused", err)
	}
	if _, err := e.Match(ctx, cascade.MatchRequest{Org: "org", Case: "c1", By: intake}); err == nil {
		t.Errorf("Match without a key: err = nil; want a field error")
	}
	dry, err := e.Match(ctx, cascade.MatchRequest{Org: "org", Case: "c2", DryRun: true, By: intake})
	if err != nil || dry.Outcome != cascade.OutcomeDryRun || len(dry.Candidates) != 1 || dry.Candidates[0].Eligible {
		t.Errorf("dry run = %+v, %v; want p_a listed as ineligible", dry, err)
	}
}

// racingStore places holds for other cases on every partner a reservation
// names, just before its first reservation: the other replicas won the
// race for the five best partners after this one ranked them.
type racingStore struct {
	*boltstore.Store
	mu    sync.Mutex
	raced bool
	calls int
}

func (s *racingStore) Reserve(ctx context.Context, r store.Reservation) (*store.ReserveResult, error) {
	s.mu.Lock()
	s.calls++
	first := !s.raced
	s.raced = true
	s.mu.Unlock()
	if first {
		for i, c := range r.Candidates() {
			other := store.Reservation{Org: r.Org, Case: alongside.CaseID(fmt.Sprint("other", i)), Partner: c.Partner,
				ExpiresAt: r.ExpiresAt, By: intake, Key: fmt.Sprint("race", i)}
			if res, err := s.Store.Reserve(ctx, other); err != nil || res.Outcome != store.OutcomeHeld {
				return nil, fmt.Errorf("race hold on %s: %v, %v", c.Partner, res, err)
			}
		}
	}
	return s.Store.Reserve(ctx, r)
}

// TestMatchBehindTheStore: when the five partners a match offers are all
// taken by the time the store decides, one reservation learns it, and a
// second, from a fresh ranking, holds the sixth best.
func TestMatchBehindTheStore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	opened := time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC)
	var ps []*alongside.Partner
	for i := range 7 {
		ps = append(ps, partner(fmt.Sprint("p_", i), float64(i)*0.05, 1))
	}
	st, _ := world(t, opened, ps...)
	openCases(t, st, opened, "c1", "other0", "other1", "other2", "other3", "other4")
	rs := &racingStore{Store: st}
	e := &cascade.Engine{Store: rs}
	res, err := e.Match(ctx, cascade.MatchRequest{Org: "org", Case: "c1", Key: "k1", By: intake})
	if err != nil || res.Outcome != cascade.OutcomeHeld || res.Hold.Partner != "p_5" {
		t.Fatalf("Match = %+v, %v; want held on p_5, the best partner left", res, err)
	}
	if rs.calls != 2 {
		t.Errorf("%d reservations; want 2: the five best, then the next after catching up", rs.calls)
	}
	again, err := e.Match(ctx, cascade.MatchRequest{Org: "org", Case: "c1", Key: "k1", By: intake})
	if err != nil || !again.Replayed || again.Hold == nil || again.Hold.ID != res.Hold.ID {
		t.Errorf("retry = %+v, %v; want the replayed hold", again, err)
	}
}

// TestMatchSameKeyAcrossReplicas: replicas that receive the same request
// at once answer alike: one places the hold, the others replay it.
func TestMatchSameKeyAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	opened := time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC)
	st, _ := world(t, opened, partner("p_a", 0, 1), partner("p_b", 0.1, 1), partner("p_c", 0.2, 1))
	openCases(t, st, opened, "c1")
	const replicas = 4
	results := make([]*cascade.MatchResult, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		e := &cascade.Engine{Store: st}
		wg.Go(func() {
			res, err := e.Match(ctx, cascade.MatchRequest{Org: "org", Case: "c1", Key: "same", By: intake})
			if err != nil {
				t.Errorf("replica %d: %v", i, err)
				return
			}
			results[i] = res
		})
	}
	wg.Wait()
	fresh := 0
	for i, res := range results {
		if res == nil {
			continue
		}
		if res.Outcome != cascade.OutcomeHeld || res.Hold.ID != results[0].Hold.ID {
			t.Errorf("replica %d: %s, hold %v; want the same hold as replica 0 (%v)", i, res.Outcome, res.Hold, results[0].Hold)
		}
		if !res.Replayed {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d replicas placed the hold; want 1, the others replaying it", fresh)
	}
	liveHold(t, st, "c1")
}

// TestMatchByDistance: a program that serves by distance (county rule
// off, a one-hour limit) draws its candidates from the H3 neighbourhood
// of the case, not the whole roster.
func TestMatchByDistance(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	opened := time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC)
	far := partner("p_far", 4, 2) // about 440 km north
	far.CountiesServed = []string{"04005"}
	st, _ := world(t, opened, partner("p_near", 0.1, 2), partner("p_mid", 0.3, 2), far)
	openCases(t, st, opened, "c1")
	pol, err := matcher.ParsePolicy([]byte("programs:\n  parents_for_parents:\n    rules: {county: false}\n    travel: {max: 1h}\n"))
	if err != nil {
		t.Fatalf("ParsePolicy: %v", err)
	}
	e := &cascade.Engine{Store: st, Policies: pol}
	res, err := e.Match(ctx, cascade.MatchRequest{Org: "org", Case: "c1", DryRun: true, By: intake})
	if err != nil {
		t.Fatalf("Match: %v", err)
	}
	var got []alongside.PartnerID
	for _, c := range res.Candidates {
		got = append(got, c.Partner.ID)
	}
	if res.Considered != 2 || len(got) != 2 || got[0] != "p_near" || got[1] != "p_mid" {
		t.Errorf("considered %d: %v; want p_near and p_mid, not the partner 440 km away", res.Considered, got)
	}
}

// failingModel is a routing service that is down.
type failingModel struct{}

func (failingModel) Matrix(context.Context, []geo.Point, []geo.Point) (*geo.Matrix, error) {
	return nil, errors.New("osrm.internal: connection refused")
}

// TestMatchTravelModel: with a travel model the ranking uses its drives
// (one matrix per ranking), and explanations no longer call them
// straight-line estimates; when the model fails, the ranking falls back
// to the policy's estimate and says so.
func TestMatchTravelModel(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	opened := time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC)
	st, _ := world(t, opened, partner("p_a", 0.1, 2), partner("p_b", 0.3, 2))
	openCases(t, st, opened, "c1")
	c, err := st.GetCase(ctx, "org", "c1")
	if err != nil {
		t.Fatalf("GetCase: %v", err)
	}
	model := geo.GreatCircle{RuralSpeed: 30 * geo.MilePerHour}
	for _, tc := range []struct {
		name    string
		model   geo.TravelModel
		guessed bool
	}{
		{"model", model, false},
		{"model down", failingModel{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &cascade.Engine{Store: st, Travel: tc.model}
			res, err := e.Match(ctx, cascade.MatchRequest{Org: "org", Case: "c1", DryRun: true, By: intake})
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			// A rebalance scores its pairs with the same drives.
			rb, err := e.Rebalance(ctx, cascade.RebalanceRequest{Org: "org", TimeLimit: time.Second})
			if err != nil || len(rb.Plan.Cases) != 1 || rb.Plan.Cases[0].Explanation == nil {
				t.Fatalf("Rebalance = %+v, %v; want a proposal for c1", rb, err)
			}
			proposed := matcher.Candidate{Result: *rb.Plan.Cases[0].Explanation}
			proposed.Partner, _ = st.GetPartner(ctx, "org", rb.Plan.Cases[0].Partner)
			for _, cand := range append([]matcher.Candidate{proposed}, mapCandidates(res.Candidates)...) {
				m, err := model.Matrix(ctx, []geo.Point{cand.Partner.Home}, []geo.Point{c.HomeArea})
				if err != nil {
					t.Fatal(err)
				}
				geography := cand.Factors[slices.IndexFunc(cand.Factors, func(f alongside.Factor) bool { return f.Name == matcher.FactorGeography })]
				switch {
				case cand.Travel == nil || cand.TravelGuessed != tc.guessed:
					t.Errorf("%s: travel %v guessed %v; want an estimate, guessed %v", cand.Partner.ID, cand.Travel, cand.TravelGuessed, tc.guessed)
				case !tc.guessed && *cand.Travel != m.At(0, 0).Duration:
					t.Errorf("%s: travel %v; want the model's %v", cand.Partner.ID, *cand.Travel, m.At(0, 0).Duration)
				case strings.Contains(geography.Reason, "straight-line") != tc.guessed:
					t.Errorf("%s: geography reason %q; straight-line named: want %v", cand.Partner.ID, geography.Reason, tc.guessed)
				}
			}
		})
	}
}

func mapCandidates(cs []cascade.Candidate) []matcher.Candidate {
	out := make([]matcher.Candidate, len(cs))
	for i, c := range cs {
		out[i] = c.Candidate
	}
	return out
}
