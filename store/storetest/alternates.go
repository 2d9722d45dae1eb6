package storetest

import (
	"testing"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// testReserveAlternates checks a reservation that names alternates: the
// first partner with room gets the hold, in one atomic unit with one
// refusal event per partner passed over, and the key replays the whole
// list's outcome.
func testReserveAlternates(t *testing.T, h Harness) {
	alt := func(p alongside.PartnerID, score float64) store.Alternate {
		return store.Alternate{Partner: p, Score: score,
			Factors: []alongside.Factor{{Name: "geography", Value: score / 100, Weight: 1, Reason: "near " + string(p)}}}
	}
	// setup: p1 full (capacity 1, a hold on c2), p2 on leave, p3 and p4
	// with room; case c1 open.
	setup := func(t *testing.T) *env {
		e := newEnv(t, h)
		e.partner(orgA, "p1", 1)
		e.partner(orgA, "p2", 2)
		e.partner(orgA, "p3", 2)
		e.partner(orgA, "p4", 2)
		p2, _ := e.s.GetPartner(e.ctx, orgA, "p2")
		p2.Status = alongside.PartnerStatusOnLeave
		if err := e.s.UpdatePartner(e.ctx, coordinator(), p2); err != nil {
			t.Fatalf("UpdatePartner = %v", err)
		}
		e.kase(orgA, "c1")
		e.kase(orgA, "c2")
		e.hold(reservation(orgA, "x2", "c2", "p1"))
		return e
	}
	// refusals returns the (partner, outcome) of the hold.refused events
	// after the first n events.
	refusals := func(e *env, n int) (out [][2]string, placed int) {
		for _, ev := range e.audit(orgA)[n:] {
			switch ev.Action {
			case audit.HoldRefused:
				out = append(out, [2]string{ev.Related["partner"], ev.Outcome})
			case audit.HoldPlaced:
				placed++
			}
		}
		return out, placed
	}

	t.Run("FirstWithRoom", func(t *testing.T) {
		e := setup(t)
		n := len(e.audit(orgA))
		r := reservation(orgA, "k1", "c1", "p1")
		r.Alternates = []store.Alternate{alt("p2", 70), alt("p3", 60), alt("p4", 50)}
		res := e.reserve(r)
		if res.Outcome != store.OutcomeHeld || res.Hold == nil || res.Hold.Partner != "p3" {
			t.Fatalf("Reserve = %+v; want held on p3", res)
		}
		if res.Hold.Score != 60 || diff(r.Alternates[1].Factors, res.Hold.Factors) != "" {
			t.Errorf("hold score %v, factors %+v; want p3's alternate score and factors", res.Hold.Score, res.Hold.Factors)
		}
		if d := diff(store.Load{Partner: "p3", Capacity: 2, Held: 1}, res.Load); d != "" {
			t.Errorf("Load (-want +got):\n%s", d)
		}
		if d := diff(res.Hold, e.assignment(orgA, res.Hold.ID)); d != "" {
			t.Errorf("GetAssignment (-want +got):\n%s", d)
		}
		e.wantLoad(orgA, "p3", 0, 1)
		e.wantLoad(orgA, "p4", 0, 0)
		got, placed := refusals(e, n)
		want := [][2]string{{"p1", string(store.OutcomeFull)}, {"p2", string(store.OutcomePartnerUnavailable)}}
		if d := diff(want, got); d != "" || placed != 1 {
			t.Errorf("refusal events (-want +got):\n%s\nand %d hold.placed; want 1", d, placed)
		}
		// The key replays the list's outcome, even with p1 free again.
		if _, err := e.s.Release(e.ctx, store.Transition{Org: orgA, ID: e.assignments(orgA, store.AssignmentQuery{Case: "c2"})[0].ID, By: coordinator()}); err != nil {
			t.Fatalf("Release = %v", err)
		}
		again := e.reserve(r)
		if !again.Replayed || again.Hold == nil || again.Hold.ID != res.Hold.ID {
			t.Errorf("retry = %+v; want the replayed hold %s", again, res.Hold.ID)
		}
		// The key with other alternates is another request.
		r.Alternates = r.Alternates[:2]
		if _, err := e.s.Reserve(e.ctx, r); err == nil {
			t.Errorf("Reserve with the key and other alternates succeeded; want key reused")
		} else {
			isErr(t, "Reserve", err, store.ErrKeyReused)
		}
	})

	t.Run("MissingAlternatePassedOver", func(t *testing.T) {
		e := setup(t)
		r := reservation(orgA, "k1", "c1", "p1")
		r.Alternates = []store.Alternate{alt("p9", 70), alt("p4", 60)}
		if res := e.reserve(r); res.Hold == nil || res.Hold.Partner != "p4" {
			t.Errorf("Reserve = %+v; want held on p4", res)
		}
	})

	t.Run("NoneWithRoom", func(t *testing.T) {
		e := setup(t)
		n := len(e.audit(orgA))
		before := e.state()
		r := reservation(orgA, "k1", "c1", "p1")
		r.Alternates = []store.Alternate{alt("p2", 70)}
		res := e.reserve(r)
		l := store.Load{Partner: "p2", Capacity: 2}
		want := &store.ReserveResult{Outcome: store.OutcomePartnerUnavailable, Load: l,
			Reason: store.RefusalReason(store.OutcomePartnerUnavailable, l, 1)}
		if d := diff(want, res); d != "" {
			t.Errorf("Reserve (-want +got):\n%s", d)
		}
		if d := diff(before.ByOrg[orgA].Assignments, e.state().ByOrg[orgA].Assignments); d != "" {
			t.Errorf("assignments changed (-before +after):\n%s", d)
		}
		if got, placed := refusals(e, n); len(got) != 2 || placed != 0 {
			t.Errorf("refusal events %v, %d placed; want 2 refusals", got, placed)
		}
	})

	t.Run("CaseTakenEndsTheList", func(t *testing.T) {
		e := setup(t)
		e.hold(reservation(orgA, "x1", "c1", "p4"))
		n := len(e.audit(orgA))
		r := reservation(orgA, "k1", "c1", "p1")
		r.Alternates = []store.Alternate{alt("p3", 70)}
		if res := e.reserve(r); res.Outcome != store.OutcomeCaseTaken || res.Hold != nil {
			t.Errorf("Reserve = %+v; want case_taken", res)
		}
		e.wantLoad(orgA, "p3", 0, 0)
		if got, _ := refusals(e, n); len(got) != 1 {
			t.Errorf("refusal events %v; want one: the case, not each partner", got)
		}
	})
}
