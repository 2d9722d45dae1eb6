package matcher_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/internal/demo"
	"github.com/alongside/alongside/matcher"
	"github.com/alongside/alongside/matcher/gap"
	"github.com/google/go-cmp/cmp"
)

// Rebalance fixtures: partners in Kingman; p_near lives close to the
// parents, p_far about 40 miles north; p_bi speaks Spanish too.
var (
	far     = func(p *alongside.Partner) { p.Home = geo.Point{Lat: 35.75, Lng: -114.3} } // ~40 miles north
	bi      = func(p *alongside.Partner) { p.Languages = []string{"en", "es"} }
	withCap = func(n alongside.LoadUnits) func(*alongside.Partner) {
		return func(p *alongside.Partner) { p.Capacity = n }
	}
	spanish = func(c *alongside.Case) { c.Languages = []string{"es"} }
)

func caseID(id alongside.CaseID, mods ...func(*alongside.Case)) *alongside.Case {
	return newCase(append([]func(*alongside.Case){func(c *alongside.Case) { c.ID = id }}, mods...)...)
}

func liveHold(c alongside.CaseID, p alongside.PartnerID) *alongside.Assignment {
	return &alongside.Assignment{
		ID: alongside.AssignmentID("a_" + string(c)), Case: c, Partner: p, Units: 1, State: alongside.StateHeld,
		HeldAt: now.Add(-time.Hour), ExpiresAt: now.Add(10 * time.Hour), Score: 50,
	}
}

// score is the score Rebalance sees for p and c: loads are the committed ones.
func score(p *alongside.Partner, c *alongside.Case, committed map[alongside.PartnerID]alongside.LoadUnits) float64 {
	r := matcher.Score(p, c, nil, matcher.Env{Now: now, Loads: loads(committed)})
	if !r.Eligible {
		panic("fixture pair is not eligible: " + string(p.ID) + " " + string(c.ID))
	}
	return r.Total
}

func TestRebalance(t *testing.T) {
	t.Parallel()
	type want struct {
		partners map[alongside.CaseID]alongside.PartnerID // proposed; absent: none
		changes  []matcher.RebalanceChange                // From/To only (scores checked separately)
		reasons  map[alongside.CaseID]string              // substring of Reason
	}
	// Greedy first-come gives c_en to the bilingual near partner (its best),
	// leaving the Spanish speaker with nobody; jointly the English speaker
	// goes to p_far and both are matched.
	en, es := caseID("c_en"), caseID("c_es", spanish)
	biNear := newPartner("p_bi", bi, withCap(1))
	enFar := newPartner("p_far", far, withCap(1))
	if score(biNear, en, nil) <= score(enFar, en, nil) {
		t.Fatal("fixture: p_bi should be c_en's best")
	}
	tests := []struct {
		name      string
		in        matcher.RebalanceInput
		opts      matcher.RebalanceOptions
		want      want
		wantValue float64 // checked when not NaN
	}{
		{
			name: "joint optimum beats first come",
			in:   matcher.RebalanceInput{Cases: []*alongside.Case{en, es}, Partners: []*alongside.Partner{biNear, enFar}},
			want: want{
				partners: map[alongside.CaseID]alongside.PartnerID{"c_en": "p_far", "c_es": "p_bi"},
				changes:  []matcher.RebalanceChange{{Case: "c_en", To: "p_far"}, {Case: "c_es", To: "p_bi"}},
			},
			wantValue: matcher.Urgency(en, now)*score(enFar, en, nil) + matcher.Urgency(es, now)*score(biNear, es, nil),
		},
		{
			name: "a first-come hold moves",
			in: matcher.RebalanceInput{
				Cases: []*alongside.Case{en, es}, Partners: []*alongside.Partner{biNear, enFar},
				Holds: []*alongside.Assignment{liveHold("c_en", "p_bi")},
			},
			want: want{
				partners: map[alongside.CaseID]alongside.PartnerID{"c_en": "p_far", "c_es": "p_bi"},
				changes:  []matcher.RebalanceChange{{Case: "c_en", From: "p_bi", To: "p_far"}, {Case: "c_es", To: "p_bi"}},
			},
			wantValue: math.NaN(),
		},
		{
			name: "an optimal hold stays",
			in: matcher.RebalanceInput{
				Cases: []*alongside.Case{en, es}, Partners: []*alongside.Partner{biNear, enFar},
				Holds: []*alongside.Assignment{liveHold("c_es", "p_bi")},
			},
			want: want{
				partners: map[alongside.CaseID]alongside.PartnerID{"c_en": "p_far", "c_es": "p_bi"},
				changes:  []matcher.RebalanceChange{{Case: "c_en", To: "p_far"}},
			},
			wantValue: math.NaN(),
		},
		{
			name: "confirmed load is respected",
			in: matcher.RebalanceInput{
				Cases:     []*alongside.Case{caseID("c_a"), caseID("c_b")},
				Partners:  []*alongside.Partner{newPartner("p_near", withCap(2)), newPartner("p_far", far, withCap(2))},
				Committed: loads(map[alongside.PartnerID]alongside.LoadUnits{"p_near": 1}),
			},
			want: want{
				// Equal cases and one unit left on p_near: one case each.
				partners: map[alongside.CaseID]alongside.PartnerID{"c_a": "p_near", "c_b": "p_far"},
				changes:  []matcher.RebalanceChange{{Case: "c_a", To: "p_near"}, {Case: "c_b", To: "p_far"}},
			},
			wantValue: math.NaN(),
		},
		{
			name: "a full partner takes nothing",
			in: matcher.RebalanceInput{
				Cases:     []*alongside.Case{caseID("c_a")},
				Partners:  []*alongside.Partner{newPartner("p_near", withCap(2))},
				Committed: loads(map[alongside.PartnerID]alongside.LoadUnits{"p_near": 2}),
			},
			want: want{reasons: map[alongside.CaseID]string{"c_a": "has capacity"}},
		},
		{
			name: "nobody can take the case",
			in: matcher.RebalanceInput{
				Cases:    []*alongside.Case{caseID("c_yuma", func(c *alongside.Case) { c.County = yuma }), caseID("c_a")},
				Partners: []*alongside.Partner{newPartner("p_near")},
			},
			want: want{
				partners: map[alongside.CaseID]alongside.PartnerID{"c_a": "p_near"},
				changes:  []matcher.RebalanceChange{{Case: "c_a", To: "p_near"}},
				reasons:  map[alongside.CaseID]string{"c_yuma": "serves Yuma County"},
			},
			wantValue: math.NaN(),
		},
		{
			name: "capacity taken by others",
			in: matcher.RebalanceInput{
				// c_old is more urgent; both score the same with p_near.
				Cases: []*alongside.Case{caseID("c_new"), caseID("c_old", func(c *alongside.Case) {
					c.OpenedAt = c.OpenedAt.Add(-30 * time.Hour)
				})},
				Partners: []*alongside.Partner{newPartner("p_near", withCap(1))},
			},
			want: want{
				partners: map[alongside.CaseID]alongside.PartnerID{"c_old": "p_near"},
				changes:  []matcher.RebalanceChange{{Case: "c_old", To: "p_near"}},
				reasons:  map[alongside.CaseID]string{"c_new": "the one eligible partner's remaining capacity went to cases that gain more"},
			},
			wantValue: math.NaN(),
		},
		{
			name: "urgency breaks a tie whatever the order",
			in: matcher.RebalanceInput{
				// Equal scores; c_2, the later ID, is 40 hours into its window.
				Cases:    []*alongside.Case{caseID("c_1"), caseID("c_2", func(c *alongside.Case) { c.OpenedAt = c.OpenedAt.Add(-40 * time.Hour) })},
				Partners: []*alongside.Partner{newPartner("p_near", withCap(1))},
			},
			want: want{
				partners: map[alongside.CaseID]alongside.PartnerID{"c_2": "p_near"},
				changes:  []matcher.RebalanceChange{{Case: "c_2", To: "p_near"}},
				reasons:  map[alongside.CaseID]string{"c_1": "went to cases that gain more"},
			},
			wantValue: math.NaN(),
		},
		{
			name: "a tie keeps the hold",
			in: matcher.RebalanceInput{
				Cases:    []*alongside.Case{caseID("c_a")},
				Partners: []*alongside.Partner{newPartner("p_1"), newPartner("p_2")}, // identical but for ID
				Holds:    []*alongside.Assignment{liveHold("c_a", "p_2")},
			},
			want:      want{partners: map[alongside.CaseID]alongside.PartnerID{"c_a": "p_2"}},
			wantValue: math.NaN(),
		},
		{
			name: "an ineligible holder loses the case",
			in: matcher.RebalanceInput{
				Cases: []*alongside.Case{caseID("c_a")},
				Partners: []*alongside.Partner{newPartner("p_1"), newPartner("p_2", func(p *alongside.Partner) {
					p.Status = alongside.PartnerStatusOnLeave
				})},
				Holds: []*alongside.Assignment{liveHold("c_a", "p_2")},
			},
			want: want{
				partners: map[alongside.CaseID]alongside.PartnerID{"c_a": "p_1"},
				changes:  []matcher.RebalanceChange{{Case: "c_a", From: "p_2", To: "p_1"}},
			},
			wantValue: math.NaN(),
		},
		{
			name: "a hold nobody can keep is released",
			in: matcher.RebalanceInput{
				Cases:    []*alongside.Case{caseID("c_a")},
				Partners: []*alongside.Partner{newPartner("p_1", withCap(1))},
				Holds:    []*alongside.Assignment{liveHold("c_a", "p_1")},
				// The partner confirmed another case meanwhile.
				Committed: loads(map[alongside.PartnerID]alongside.LoadUnits{"p_1": 1}),
			},
			want: want{
				changes: []matcher.RebalanceChange{{Case: "c_a", From: "p_1"}},
				reasons: map[alongside.CaseID]string{"c_a": "has capacity"},
			},
		},
		{
			name: "expired holds are ignored",
			in: matcher.RebalanceInput{
				Cases:    []*alongside.Case{caseID("c_a")},
				Partners: []*alongside.Partner{newPartner("p_1")},
				Holds: []*alongside.Assignment{func() *alongside.Assignment {
					h := liveHold("c_a", "p_1")
					h.ExpiresAt = now
					return h
				}()},
			},
			want: want{
				partners: map[alongside.CaseID]alongside.PartnerID{"c_a": "p_1"},
				changes:  []matcher.RebalanceChange{{Case: "c_a", To: "p_1"}},
			},
			wantValue: math.NaN(),
		},
		{
			name: "no cases",
			in:   matcher.RebalanceInput{Partners: []*alongside.Partner{newPartner("p_1")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.in
			in.Now = now
			plan, err := matcher.Rebalance(context.Background(), in, tt.opts)
			if err != nil {
				t.Fatalf("Rebalance: %v", err)
			}
			got := map[alongside.CaseID]alongside.PartnerID{}
			reasons := map[alongside.CaseID]string{}
			for _, cp := range plan.Cases {
				if cp.Partner != "" {
					got[cp.Case] = cp.Partner
					if cp.Reason != "" || cp.Explanation == nil || cp.Explanation.Total != cp.Score {
						t.Errorf("case %s: matched with reason %q, explanation %v", cp.Case, cp.Reason, cp.Explanation)
					}
				} else {
					reasons[cp.Case] = cp.Reason
					if cp.Reason == "" {
						t.Errorf("case %s: unmatched without a reason", cp.Case)
					}
				}
			}
			if tt.want.partners == nil {
				tt.want.partners = map[alongside.CaseID]alongside.PartnerID{}
			}
			if d := cmp.Diff(tt.want.partners, got); d != "" {
				t.Errorf("partners (-want +got):\n%s", d)
			}
			var changes []matcher.RebalanceChange
			for _, ch := range plan.Changes {
				changes = append(changes, matcher.RebalanceChange{Case: ch.Case, From: ch.From, To: ch.To})
			}
			if d := cmp.Diff(tt.want.changes, changes); d != "" {
				t.Errorf("changes (-want +got):\n%s", d)
			}
			for id, sub := range tt.want.reasons {
				if !strings.Contains(reasons[id], sub) {
					t.Errorf("case %s: reason %q; want it to contain %q", id, reasons[id], sub)
				}
			}
			if plan.Status != gap.Optimal || plan.Gap != 0 {
				t.Errorf("status %v, gap %g; want optimal, 0", plan.Status, plan.Gap)
			}
			if !math.IsNaN(tt.wantValue) && math.Abs(plan.Value-tt.wantValue) > 1e-9 {
				t.Errorf("value = %g; want %g", plan.Value, tt.wantValue)
			}
			if plan.Bound < plan.Value-1e-9 {
				t.Errorf("bound %g below value %g", plan.Bound, plan.Value)
			}
			if plan.Matched != len(got) {
				t.Errorf("matched = %d; want %d", plan.Matched, len(got))
			}
		})
	}
}

func TestRebalanceScoresAndUrgency(t *testing.T) {
	t.Parallel()
	c := caseID("c_en")
	p := newPartner("p_bi", bi)
	plan, err := matcher.Rebalance(context.Background(), matcher.RebalanceInput{
		Cases: []*alongside.Case{c}, Partners: []*alongside.Partner{p}, Now: now,
		Holds: []*alongside.Assignment{liveHold("c_en", "p_gone")}, // a partner no longer on the roster
	}, matcher.RebalanceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := matcher.RebalanceChange{Case: "c_en", From: "p_gone", To: "p_bi", ScoreBefore: 50, ScoreAfter: score(p, c, nil)}
	if len(plan.Changes) != 1 || plan.Changes[0] != want {
		t.Errorf("changes = %+v; want [%+v]", plan.Changes, want)
	}
	// now is 2 hours after opening: urgency 1 + 2/48.
	if u := plan.Cases[0].Urgency; math.Abs(u-(1+2.0/48)) > 1e-12 {
		t.Errorf("urgency = %g; want %g", u, 1+2.0/48)
	}
	if plan.TotalScore != want.ScoreAfter || math.Abs(plan.Value-plan.Cases[0].Urgency*want.ScoreAfter) > 1e-9 {
		t.Errorf("total %g, value %g", plan.TotalScore, plan.Value)
	}
	for _, tt := range []struct {
		at   time.Duration
		want float64
	}{{-time.Hour, 1}, {0, 1}, {24 * time.Hour, 1.5}, {48 * time.Hour, 2}, {100 * time.Hour, 2}} {
		if got := matcher.Urgency(c, c.OpenedAt.Add(tt.at)); got != tt.want {
			t.Errorf("Urgency(opened%+v) = %g; want %g", tt.at, got, tt.want)
		}
	}
}

func TestRebalancePenalty(t *testing.T) {
	t.Parallel()
	// One partner with 2 units: a 2-unit case scoring well, or two 1-unit
	// cases. Without a penalty the score decides; a large penalty for
	// unmatched parents prefers matching two.
	heavy := caseID("c_heavy", func(c *alongside.Case) {
		c.Load, c.PriorPartners, c.OpenedAt = 2, []alongside.PartnerID{"p_1"}, c.OpenedAt.Add(-24*time.Hour)
	})
	father := func(c *alongside.Case) { c.ParentRole = alongside.ParentRoleFather } // a poorer match for p_1
	light1, light2 := caseID("c_l1", spanish, father), caseID("c_l2", spanish, father)
	p := newPartner("p_1", bi, withCap(2))
	in := matcher.RebalanceInput{Cases: []*alongside.Case{heavy, light1, light2}, Partners: []*alongside.Partner{p}, Now: now}
	sHeavy, sLight := score(p, heavy, nil), score(p, light1, nil)
	uHeavy, uLight := matcher.Urgency(heavy, now), matcher.Urgency(light1, now)
	if uHeavy*sHeavy <= 2*uLight*sLight || uHeavy*sHeavy-2*uLight*100 >= 2*uLight*sLight-uHeavy*100 {
		t.Fatalf("fixture: heavy %g × %g should beat two light %g × %g, unless a penalty of 100 applies", sHeavy, uHeavy, sLight, uLight)
	}
	for _, tt := range []struct {
		penalty float64
		matched int
	}{{0, 1}, {100, 2}} {
		plan, err := matcher.Rebalance(context.Background(), in, matcher.RebalanceOptions{UnmatchedPenalty: tt.penalty})
		if err != nil {
			t.Fatal(err)
		}
		if plan.Matched != tt.matched {
			t.Errorf("penalty %g: matched %d; want %d", tt.penalty, plan.Matched, tt.matched)
		}
	}
}

func TestRebalanceInvalid(t *testing.T) {
	t.Parallel()
	closed := caseID("c_closed", func(c *alongside.Case) { c.Status = alongside.CaseStatusClosed })
	in := matcher.RebalanceInput{
		Cases:    []*alongside.Case{caseID("c_a"), caseID("c_a"), closed, nil, caseID("c_conf")},
		Holds:    []*alongside.Assignment{liveHold("c_x", "p_1"), liveHold("c_a", "p_1"), liveHold("c_a", "p_1")},
		Partners: []*alongside.Partner{newPartner("p_1"), newPartner("p_1")},
		History: func(id alongside.CaseID) []*alongside.Assignment {
			if id == "c_conf" {
				return []*alongside.Assignment{{ID: "a_9", Case: id, Partner: "p_1", State: alongside.StateConfirmed}}
			}
			return nil
		},
	}
	_, err := matcher.Rebalance(context.Background(), in, matcher.RebalanceOptions{TimeLimit: -1, UnmatchedPenalty: math.Inf(1)})
	var fields []string
	for _, fe := range alongside.FieldErrors(err) {
		fields = append(fields, fe.Field)
	}
	want := []string{"now", "time_limit", "unmatched_penalty", "cases[1].id", "cases[2].status", "cases[3]", "cases[4]",
		"holds[0].case", "holds[2].case", "partners[1].id"}
	if d := cmp.Diff(want, fields); d != "" {
		t.Errorf("Rebalance(invalid) fields (-want +got):\n%s\n%v", d, err)
	}
}

func TestRebalanceCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := matcher.Rebalance(ctx, matcher.RebalanceInput{
		Cases: []*alongside.Case{caseID("c_a")}, Partners: []*alongside.Partner{newPartner("p_1")}, Now: now,
	}, matcher.RebalanceOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Rebalance(cancelled) = %v; want context.Canceled", err)
	}
}

// TestRebalanceDemo checks a realistic instance independently: every
// proposed pair passes the hard rules, no partner exceeds capacity, the
// plan does not depend on input order, and a seed gives the same plan.
func TestRebalanceDemo(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 9, 12, 0, 0, 0, phoenix)
	ds, err := demo.Generate(demo.Options{Seed: 7, Partners: 200, Cases: 250, Appointments: -1, Now: at})
	if err != nil {
		t.Fatal(err)
	}
	var open []*alongside.Case
	for _, c := range ds.Cases {
		if c.Status == alongside.CaseStatusOpen {
			open = append(open, c)
		}
	}
	committed := map[alongside.PartnerID]alongside.LoadUnits{}
	for i, p := range ds.Partners {
		committed[p.ID] = alongside.LoadUnits(i % 3)
	}
	in := matcher.RebalanceInput{Cases: open, Partners: ds.Partners, Committed: loads(committed), Now: at}
	opts := matcher.RebalanceOptions{Seed: 3}
	plan, err := matcher.Rebalance(context.Background(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Matched == 0 || plan.Matched == len(open) {
		t.Logf("matched %d of %d (a weak test instance)", plan.Matched, len(open))
	}
	byID := map[alongside.PartnerID]*alongside.Partner{}
	for _, p := range ds.Partners {
		byID[p.ID] = p
	}
	used := map[alongside.PartnerID]alongside.LoadUnits{}
	for j, cp := range plan.Cases {
		if cp.Partner == "" {
			continue
		}
		c := open[j]
		r := matcher.Score(byID[cp.Partner], c, nil, matcher.Env{Now: at, Loads: loads(committed)})
		if !r.Eligible || r.Total != cp.Score {
			t.Errorf("case %s → %s: eligible %v, score %g; plan says %g", c.ID, cp.Partner, r.Eligible, r.Total, cp.Score)
		}
		used[cp.Partner] += c.Units()
	}
	for id, u := range used {
		if p := byID[id]; committed[id]+u > p.Capacity {
			t.Errorf("partner %s: committed %d + planned %d > capacity %d", id, committed[id], u, p.Capacity)
		}
	}
	if plan.Bound < plan.Value-1e-6 {
		t.Errorf("bound %g < value %g", plan.Bound, plan.Value)
	}
	t.Logf("matched %d/%d, value %.1f, bound %.1f, status %v", plan.Matched, len(open), plan.Value, plan.Bound, plan.Status)

	// The same plan with a long-lived index and the input in another order.
	x := matcher.NewIndex(nil)
	x.Reset(ds.Partners)
	in.Index = x
	slices.Reverse(in.Partners)
	again, err := matcher.Rebalance(context.Background(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(plan, again, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Stats" }, cmp.Ignore())); d != "" {
		t.Errorf("second run differs (-first +second):\n%s", d)
	}
}
