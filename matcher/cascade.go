package matcher

import (
	"errors"
	"fmt"
	"time"

	"github.com/alongside/alongside"
)

// ErrDeadlinePassed is returned by [OfferExpiry] when the case's 48-hour
// deadline is not after now: no offer may be made automatically.
var ErrDeadlinePassed = errors.New("case match deadline has passed")

// OfferExpiry returns the end of an offer's window made at now: now plus
// the policy's offer window, but never past the case's deadline
// ([alongside.Case.Deadline]). pol nil is the default policy of c's
// program. It returns ErrDeadlinePassed when now is at or after the
// deadline.
func OfferExpiry(c *alongside.Case, now time.Time, pol *Policy) (time.Time, error) {
	if pol == nil {
		pol = defaultSet().For(c.Program)
	}
	deadline := c.Deadline()
	if !now.Before(deadline) {
		return time.Time{}, ErrDeadlinePassed
	}
	exp := now.Add(pol.Offer.Window)
	if exp.After(deadline) {
		exp = deadline
	}
	return exp, nil
}

// Action is what the cascade does next for a case.
type Action int

// Actions. The zero Action is not a decision.
const (
	ActionUnknown  Action = iota
	ActionOffer           // reserve Decision.Offer until Decision.ExpiresAt
	ActionWait            // an offer is open: decide again at Decision.ExpiresAt or when it is answered
	ActionEscalate        // nothing left to do automatically: coordinators take over (see Decision.Escalation)
	ActionDone            // the case is matched or no longer open
)

var actionNames = [...]string{"unknown", "offer", "wait", "escalate", "done"}

// String returns the action's name, e.g. "offer".
func (a Action) String() string {
	if a < 0 || int(a) >= len(actionNames) {
		return "unknown"
	}
	return actionNames[a]
}

// EscalationCode says why coordinators are told about a case.
type EscalationCode string

// Escalation codes.
const (
	// EscalationNoPartner: no untried candidate passes the hard rules.
	EscalationNoPartner EscalationCode = "no_eligible_partner"
	// EscalationIneligible: the case fails its program's eligibility, so
	// no partner can be offered it (wrong program, missing Medicaid, …).
	EscalationIneligible EscalationCode = "case_ineligible"
	// EscalationDeadlineNear: within the policy's escalation margin of the
	// deadline without a confirmed match; the cascade keeps offering.
	EscalationDeadlineNear EscalationCode = "deadline_near"
	// EscalationDeadlinePassed: the 48-hour deadline passed without a
	// confirmed match; no offer is made automatically.
	EscalationDeadlinePassed EscalationCode = "deadline_passed"
)

// Escalation is a message for coordinators: a code to branch on and a
// reason in words.
type Escalation struct {
	Code   EscalationCode `json:"code"`   // what to branch on
	Reason string         `json:"reason"` // what to tell coordinators
}

// Decision is the cascade's next step for a case.
type Decision struct {
	// Action is the step to take.
	Action Action
	// Offer is the partner to reserve (ActionOffer): pass its Partner.ID,
	// Total and Factors to the store's Reserve.
	Offer *Candidate
	// ExpiresAt is the hold's end for ActionOffer ([OfferExpiry]), and the
	// open offer's end for ActionWait: decide again then.
	ExpiresAt time.Time
	// Escalation, when not nil, must reach coordinators. It comes with
	// ActionEscalate, and also with ActionOffer or ActionWait when the
	// deadline is near (the cascade keeps trying meanwhile). The same
	// escalation is returned on every call while its cause lasts: the
	// caller records it once per case and code.
	Escalation *Escalation
	// Reason says why, in words, for the audit trail and coordinators.
	Reason string
}

// NextOffer decides the 48-hour cascade's next step for the ranked case at
// now, given the case's assignments so far (history, any order):
//
//   - a case that is not open, or has a confirmed assignment: ActionDone;
//   - at or after the deadline without a confirmed match: ActionEscalate
//     (deadline_passed);
//   - an offer still open at now: ActionWait until it expires;
//   - otherwise the best eligible candidate that has not declined, let an
//     offer expire or been released: ActionOffer until [OfferExpiry];
//   - no such candidate: ActionEscalate, with the roster's shortfall in
//     words ([Ranking.Shortfall]).
//
// Within the policy's escalation margin of the deadline, an Offer or Wait
// also carries a deadline_near escalation.
//
// r should be ranked with the same history in its [Env] so explanations
// show previous offers; NextOffer excludes those partners either way.
// r's policy applies.
func NextOffer(r *Ranking, history []*alongside.Assignment, now time.Time) Decision {
	c, pol := r.s.c, r.s.pol
	if c.Status != alongside.CaseStatusOpen {
		return Decision{Action: ActionDone, Reason: "the case is " + caseStatusWords(c.Status)}
	}
	var open *alongside.Assignment
	tried := map[alongside.PartnerID]bool{}
	declined, expired := 0, 0
	for _, a := range history {
		if a == nil || a.Case != c.ID {
			continue
		}
		switch {
		case a.State == alongside.StateConfirmed:
			return Decision{Action: ActionDone, Reason: fmt.Sprintf("partner %s confirmed the match", a.Partner)}
		case a.LiveAt(now):
			open = a
		case a.State == alongside.StateDeclined:
			tried[a.Partner] = true
			declined++
		case a.State == alongside.StateExpired || a.State == alongside.StateHeld:
			tried[a.Partner] = true
			expired++
		case a.State == alongside.StateReleased:
			tried[a.Partner] = true
		}
	}
	attempts := attemptWords(declined, expired)
	deadline := c.Deadline()
	loc := c.OpenedAt.Location()
	if !now.Before(deadline) {
		reason := "the 48-hour deadline passed at " + clock(deadline, loc) + " without a confirmed match" + attempts
		return Decision{Action: ActionEscalate, Reason: reason,
			Escalation: &Escalation{Code: EscalationDeadlinePassed, Reason: reason}}
	}
	var near *Escalation
	if m := pol.Offer.EscalationMargin; m > 0 && !now.Before(deadline.Add(-m)) {
		near = &Escalation{Code: EscalationDeadlineNear, Reason: fmt.Sprintf(
			"no confirmed match with %s left before the 48-hour deadline (%s)%s",
			durationWords(deadline.Sub(now)), clock(deadline, loc), attempts)}
	}
	if open != nil {
		d := Decision{Action: ActionWait, ExpiresAt: open.ExpiresAt, Escalation: near,
			Reason: fmt.Sprintf("the offer to partner %s is open until %s", open.Partner, clock(open.ExpiresAt, loc))}
		if near != nil {
			near.Reason += fmt.Sprintf("; the offer to partner %s is open until %s", open.Partner, clock(open.ExpiresAt, loc))
		}
		return d
	}
	if i := r.best(func(p *alongside.Partner) bool { return !tried[p.ID] }); i >= 0 {
		e := r.cands[i]
		p := e.p
		exp, _ := OfferExpiry(c, now, pol) // now is before the deadline
		cand := &Candidate{Partner: p, Result: r.s.score(e, r.given)}
		reason := fmt.Sprintf("offer to partner %s (score %.1f) until %s", p.ID, cand.Total, clock(exp, loc))
		if near != nil {
			near.Reason += "; offering to partner " + string(p.ID)
		}
		return Decision{Action: ActionOffer, Offer: cand, ExpiresAt: exp, Escalation: near, Reason: reason}
	}
	e := &Escalation{Code: EscalationNoPartner}
	switch {
	case len(r.s.ineligible) > 0 && pol.Rules.Has(RuleEligibility):
		e.Code = EscalationIneligible
		e.Reason = r.Shortfall()
	case r.Eligible > 0:
		e.Reason = fmt.Sprintf("every eligible partner (%d) has declined, let the offer expire or been released", r.Eligible)
	default:
		e.Reason = r.Shortfall()
	}
	e.Reason += attempts
	if near != nil {
		e.Reason += "; " + durationWords(deadline.Sub(now)) + " left before the 48-hour deadline (" + clock(deadline, loc) + ")"
	}
	return Decision{Action: ActionEscalate, Escalation: e, Reason: e.Reason}
}

func caseStatusWords(s alongside.CaseStatus) string {
	switch s {
	case alongside.CaseStatusPostClosure:
		return "in post-closure support"
	case alongside.CaseStatusClosed:
		return "closed"
	}
	return "not open"
}

func attemptWords(declined, expired int) string {
	switch {
	case declined == 0 && expired == 0:
		return ""
	case expired == 0:
		return fmt.Sprintf("; %s declined", plural(declined, "offer"))
	case declined == 0:
		return fmt.Sprintf("; %s expired", plural(expired, "offer"))
	}
	return fmt.Sprintf("; %s declined, %d expired", plural(declined, "offer"), expired)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// clock formats an instant for coordinators in the case's zone.
func clock(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon 2 Jan 15:04 MST")
}
