package matcher_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/matcher"
)

func TestOfferExpiry(t *testing.T) {
	t.Parallel()
	deadline := opened.Add(48 * time.Hour)
	tests := []struct {
		name   string
		now    time.Time
		window time.Duration
		want   time.Time
		err    error
	}{
		{"the policy's window", opened.Add(time.Hour), 0, opened.Add(5 * time.Hour), nil},
		{"another window", opened, 30 * time.Minute, opened.Add(30 * time.Minute), nil},
		{"clamped to the deadline", opened.Add(46 * time.Hour), 0, deadline, nil},
		{"a minute before the deadline", deadline.Add(-time.Minute), 0, deadline, nil},
		{"at the deadline", deadline, 0, time.Time{}, matcher.ErrDeadlinePassed},
		{"after the deadline", deadline.Add(time.Hour), 0, time.Time{}, matcher.ErrDeadlinePassed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pol := defaults().For(pilot)
			if tt.window > 0 {
				pol.Offer.Window = tt.window
			}
			got, err := matcher.OfferExpiry(newCase(), tt.now, pol)
			if !got.Equal(tt.want) || !errors.Is(err, tt.err) {
				t.Errorf("OfferExpiry(%v) = %v, %v; want %v, %v", tt.now, got, err, tt.want, tt.err)
			}
		})
	}
}

func hold(p alongside.PartnerID, st alongside.AssignmentState, held time.Time) *alongside.Assignment {
	return &alongside.Assignment{Case: "c_1", Partner: p, State: st, HeldAt: held, ExpiresAt: held.Add(4 * time.Hour)}
}

func TestNextOffer(t *testing.T) {
	t.Parallel()
	deadline := opened.Add(48 * time.Hour)
	tests := []struct {
		name       string
		kase       func(*alongside.Case)
		cands      int // roster(cands): p_a best, p_b next, …
		history    []*alongside.Assignment
		now        time.Time
		rankWithH  bool // rank with the history in Env
		k          int  // top k to rank; 0: the policy's
		action     matcher.Action
		offer      alongside.PartnerID
		expires    time.Time
		escalation matcher.EscalationCode
		reason     string // in the escalation's reason, or else the decision's
	}{
		{name: "offer the best", cands: 3, now: now,
			action: matcher.ActionOffer, offer: "p_a", expires: now.Add(4 * time.Hour), reason: "offer to partner p_a"},
		{name: "a declined offer goes to the next best", cands: 3, now: now,
			history: []*alongside.Assignment{hold("p_a", alongside.StateDeclined, opened)},
			action:  matcher.ActionOffer, offer: "p_b", expires: now.Add(4 * time.Hour)},
		{name: "a timed-out offer goes to the next best, swept or not", cands: 3, now: opened.Add(5 * time.Hour),
			history: []*alongside.Assignment{hold("p_a", alongside.StateExpired, opened), hold("p_b", alongside.StateHeld, opened.Add(time.Minute))},
			action:  matcher.ActionOffer, offer: "p_c", expires: opened.Add(9 * time.Hour)},
		{name: "the next best beyond the ranked top", cands: 4, now: now, k: 1,
			history: []*alongside.Assignment{hold("p_a", alongside.StateDeclined, opened)},
			action:  matcher.ActionOffer, offer: "p_b"},
		{name: "a released partner is not offered again", cands: 2, now: now,
			history: []*alongside.Assignment{hold("p_a", alongside.StateReleased, opened)},
			action:  matcher.ActionOffer, offer: "p_b"},
		{name: "an open offer is waited for", cands: 3, now: now,
			history: []*alongside.Assignment{hold("p_b", alongside.StateHeld, opened)},
			action:  matcher.ActionWait, expires: opened.Add(4 * time.Hour), reason: "the offer to partner p_b is open until Sat 7 Mar 14:00 MST"},
		{name: "matched", cands: 3, now: now,
			history: []*alongside.Assignment{hold("p_a", alongside.StateDeclined, opened), hold("p_b", alongside.StateConfirmed, opened)},
			action:  matcher.ActionDone, reason: "partner p_b confirmed the match"},
		{name: "closed case", cands: 3, now: now,
			kase:   func(c *alongside.Case) { c.Status = alongside.CaseStatusClosed },
			action: matcher.ActionDone, reason: "the case is closed"},
		{name: "everyone tried, history ranked", cands: 2, now: now, rankWithH: true,
			history: []*alongside.Assignment{hold("p_a", alongside.StateDeclined, opened), hold("p_b", alongside.StateExpired, opened)},
			action:  matcher.ActionEscalate, escalation: matcher.EscalationNoPartner,
			reason: "no partner in Mohave County who has not already declined or missed this case (2 considered: 0 have not already declined or missed it); 1 offer declined, 1 expired"},
		{name: "everyone tried, history not ranked", cands: 2, now: now,
			history: []*alongside.Assignment{hold("p_a", alongside.StateDeclined, opened), hold("p_b", alongside.StateDeclined, opened)},
			action:  matcher.ActionEscalate, escalation: matcher.EscalationNoPartner,
			reason: "every eligible partner (2) has declined, let the offer expire or been released; 2 offers declined"},
		{name: "nobody eligible", cands: 2, now: now,
			kase:   func(c *alongside.Case) { c.Languages = []string{"es"} },
			action: matcher.ActionEscalate, escalation: matcher.EscalationNoPartner,
			reason: "no partner in Mohave County who speaks Spanish (2 considered: 0 speak Spanish)"},
		{name: "the case is not eligible", cands: 2, now: now,
			kase:   func(c *alongside.Case) { c.Program = tbpr },
			action: matcher.ActionEscalate, escalation: matcher.EscalationIneligible,
			reason: "takes referrals from the parent's attorney; this case has no referral source"},
		{name: "near the deadline: offer and escalate", cands: 3, now: opened.Add(40 * time.Hour),
			history: []*alongside.Assignment{hold("p_a", alongside.StateDeclined, opened)},
			action:  matcher.ActionOffer, offer: "p_b", expires: opened.Add(44 * time.Hour), escalation: matcher.EscalationDeadlineNear,
			reason: "no confirmed match with 8 h left before the 48-hour deadline (Mon 9 Mar 10:00 MST); 1 offer declined; offering to partner p_b"},
		{name: "near the deadline: wait and escalate", cands: 3, now: opened.Add(37 * time.Hour),
			history: []*alongside.Assignment{hold("p_a", alongside.StateHeld, opened.Add(36*time.Hour))},
			action:  matcher.ActionWait, expires: opened.Add(40 * time.Hour), escalation: matcher.EscalationDeadlineNear,
			reason: "the offer to partner p_a is open until Mon 9 Mar 02:00 MST"},
		{name: "the last offer ends at the deadline", cands: 1, now: opened.Add(46 * time.Hour),
			action: matcher.ActionOffer, offer: "p_a", expires: deadline, escalation: matcher.EscalationDeadlineNear},
		{name: "nobody left near the deadline", cands: 1, now: opened.Add(47 * time.Hour),
			history: []*alongside.Assignment{hold("p_a", alongside.StateDeclined, opened)},
			action:  matcher.ActionEscalate, escalation: matcher.EscalationNoPartner,
			reason: "1 h left before the 48-hour deadline"},
		{name: "the deadline passed", cands: 3, now: deadline,
			history: []*alongside.Assignment{hold("p_a", alongside.StateExpired, opened.Add(44*time.Hour))},
			action:  matcher.ActionEscalate, escalation: matcher.EscalationDeadlinePassed,
			reason: "the 48-hour deadline passed at Mon 9 Mar 10:00 MST without a confirmed match; 1 offer expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newCase(tt.kase)
			e := matcher.Env{Now: tt.now}
			if tt.rankWithH {
				e.History = tt.history
			}
			r := matcher.Rank(c, roster(tt.cands), nil, e, tt.k)
			d := matcher.NextOffer(r, tt.history, tt.now)
			if d.Action != tt.action {
				t.Fatalf("NextOffer action = %v; want %v (%s)", d.Action, tt.action, d.Reason)
			}
			var offer alongside.PartnerID
			if d.Offer != nil {
				offer = d.Offer.Partner.ID
				if !d.Offer.Eligible || len(d.Offer.Factors) == 0 {
					t.Errorf("NextOffer offer is not explained: %v", d.Offer.Result)
				}
			}
			if offer != tt.offer {
				t.Errorf("NextOffer offer = %q; want %q", offer, tt.offer)
			}
			if !tt.expires.IsZero() && !d.ExpiresAt.Equal(tt.expires) {
				t.Errorf("NextOffer expires = %v; want %v", d.ExpiresAt, tt.expires)
			}
			var code matcher.EscalationCode
			reason := d.Reason
			if d.Escalation != nil {
				code, reason = d.Escalation.Code, d.Escalation.Reason
			}
			if code != tt.escalation {
				t.Errorf("NextOffer escalation = %q; want %q", code, tt.escalation)
			}
			if !strings.Contains(reason, tt.reason) {
				t.Errorf("NextOffer reason = %q;\nwant it to contain %q", reason, tt.reason)
			}
		})
	}
}

// TestCascade runs the 48-hour cascade as the service would, with the
// store's part played by the test: each offer is declined or times out,
// and the next best partner gets the case until nobody is left.
func TestCascade(t *testing.T) {
	t.Parallel()
	c := newCase()
	cands := roster(4)
	cands[3].Status = alongside.PartnerStatusOnLeave
	answers := map[alongside.PartnerID]alongside.AssignmentState{ // how each partner answers
		"p_a": alongside.StateDeclined, "p_b": alongside.StateExpired, "p_c": alongside.StateDeclined,
	}
	var history []*alongside.Assignment
	var offered []alongside.PartnerID
	clock := now
	for step := 0; ; step++ {
		if step > 10 {
			t.Fatal("the cascade does not end")
		}
		r := matcher.Rank(c, cands, nil, matcher.Env{Now: clock, History: history}, 0)
		d := matcher.NextOffer(r, history, clock)
		if d.Action == matcher.ActionEscalate {
			if d.Escalation.Code != matcher.EscalationNoPartner {
				t.Errorf("final escalation = %v", d.Escalation)
			}
			break
		}
		if d.Action != matcher.ActionOffer {
			t.Fatalf("step %d: NextOffer = %v (%s); want an offer", step, d.Action, d.Reason)
		}
		id := d.Offer.Partner.ID
		if slices.Contains(offered, id) {
			t.Fatalf("step %d: %s offered twice", step, id)
		}
		offered = append(offered, id)
		a := &alongside.Assignment{Case: c.ID, Partner: id, State: alongside.StateHeld, HeldAt: clock, ExpiresAt: d.ExpiresAt}
		history = append(history, a)
		// While the offer is open the cascade waits.
		if w := matcher.NextOffer(r, history, clock.Add(time.Minute)); w.Action != matcher.ActionWait || !w.ExpiresAt.Equal(d.ExpiresAt) {
			t.Fatalf("step %d: with the offer open, NextOffer = %v until %v", step, w.Action, w.ExpiresAt)
		}
		switch answers[id] {
		case alongside.StateDeclined:
			clock = clock.Add(time.Hour)
			a.State, a.DecidedAt = alongside.StateDeclined, clock
		case alongside.StateExpired:
			clock = a.ExpiresAt // not swept: still "held" in the history
		}
	}
	if want := []alongside.PartnerID{"p_a", "p_b", "p_c"}; !slices.Equal(offered, want) {
		t.Errorf("offers went to %v; want %v", offered, want)
	}
}
