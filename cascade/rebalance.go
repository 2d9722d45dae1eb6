package cascade

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/matcher"
	"github.com/alongside/alongside/store"
)

// RebalanceRequest asks to re-solve an organization's open holds and
// unmatched cases.
type RebalanceRequest struct {
	Org       alongside.OrgID
	TimeLimit time.Duration // the solver's limit; 0: none
	Seed      uint64
	// Apply carries out the changes; Key (required then) makes each of
	// them safe to retry.
	Apply bool
	Key   string
	By    audit.Actor
}

// RebalanceResult is a rebalance's proposal and, when applied, what was
// done.
type RebalanceResult struct {
	Plan *matcher.RebalancePlan
	// Applied has one entry per Plan.Changes entry when the request
	// applied them; nil otherwise.
	Applied []AppliedChange
}

// AppliedChange is what applying one proposed change did.
type AppliedChange struct {
	// Hold is the new hold; nil when none was placed.
	Hold *alongside.Assignment
	// NotApplied says why the change was not carried out; empty when it
	// was.
	NotApplied string
}

// Rebalance re-solves, as one generalized assignment problem
// (matcher.Rebalance), every open case within its 48-hour window that has
// no confirmed partner, together with the live holds on them; confirmed
// assignments never move and their load counts against capacity.
//
// With Apply, the moved and dropped holds are released first (reason
// "rebalance"), then the new holds are reserved, each under a key derived
// from the request's key and the case, so a retried apply never holds a
// case twice. A change can fail when the store says otherwise (a hold was
// confirmed or capacity taken meanwhile): its NotApplied says why, and the
// cascade takes care of a case left without a hold.
func (e *Engine) Rebalance(ctx context.Context, req RebalanceRequest) (*RebalanceResult, error) {
	if req.Apply && req.Key == "" {
		return nil, &alongside.FieldError{Field: "idempotency_key", Reason: "must be set when apply is set"}
	}
	in, holds, err := e.rebalanceInput(ctx, req.Org)
	if err != nil {
		return nil, err
	}
	plan, err := matcher.Rebalance(ctx, in, matcher.RebalanceOptions{TimeLimit: req.TimeLimit, Seed: req.Seed})
	if err != nil {
		return nil, err
	}
	res := &RebalanceResult{Plan: plan}
	if !req.Apply {
		return res, nil
	}
	res.Applied = make([]AppliedChange, len(plan.Changes))
	// Plan.Cases is in the order of in.Cases.
	cases := make(map[alongside.CaseID]int, len(in.Cases))
	for i, c := range in.Cases {
		cases[c.ID] = i
	}
	for i, ch := range plan.Changes {
		h := holds[ch.Case]
		if ch.From == "" || h == nil {
			continue
		}
		_, err := e.Store.Release(ctx, store.Transition{Org: req.Org, ID: h.ID, By: req.By, Reason: "rebalance"})
		if err != nil {
			res.Applied[i].NotApplied = "the current hold could not be released: " + words(err)
		}
	}
	now, err := e.Store.Now(ctx) // the solve took a while: offers start now
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(req.Key))
	prefix := "rebalance:" + hex.EncodeToString(sum[:12]) + ":"
	for i, ch := range plan.Changes {
		if ch.To == "" || res.Applied[i].NotApplied != "" {
			continue
		}
		j := cases[ch.Case]
		c := in.Cases[j]
		exp, err := matcher.OfferExpiry(c, now, e.policies().For(c.Program))
		if err != nil {
			res.Applied[i].NotApplied = err.Error()
			continue
		}
		var factors []alongside.Factor
		if x := plan.Cases[j].Explanation; x != nil {
			factors = x.Factors
		}
		rr, err := e.Store.Reserve(ctx, store.Reservation{
			Org: req.Org, Case: ch.Case, Partner: ch.To, ExpiresAt: exp, Score: ch.ScoreAfter,
			Factors: factors, By: req.By, Key: prefix + string(ch.Case),
		})
		switch {
		case err != nil:
			res.Applied[i].NotApplied = "the new hold could not be placed: " + words(err)
		case rr.Outcome != store.OutcomeHeld:
			res.Applied[i].NotApplied = rr.Reason
		default:
			res.Applied[i].Hold = rr.Hold
		}
	}
	e.Kick()
	return res, nil
}

// words is an error for a person, without driver details.
func words(err error) string {
	for _, s := range []error{store.ErrHoldExpired, store.ErrBadTransition, store.ErrNotFound, store.ErrUnavailable, store.ErrKeyReused} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "internal error"
}

// rebalanceInput gathers an organization's rebalance input from the
// store, and the live hold of each case in it.
func (e *Engine) rebalanceInput(ctx context.Context, org alongside.OrgID) (matcher.RebalanceInput, map[alongside.CaseID]*alongside.Assignment, error) {
	now, err := e.Store.Now(ctx)
	if err != nil {
		return matcher.RebalanceInput{}, nil, err
	}
	var partners []*alongside.Partner
	pq := store.PartnerQuery{Status: alongside.PartnerStatusActive, Cursor: store.Cursor{PageSize: store.MaxPageSize}}
	if err := store.Walk(ctx, &pq.Cursor, func() (store.Page[*alongside.Partner], error) { return e.Store.ListPartners(ctx, org, pq) },
		func(p *alongside.Partner) { partners = append(partners, p) }); err != nil {
		return matcher.RebalanceInput{}, nil, fmt.Errorf("list partners: %w", err)
	}
	history := map[alongside.CaseID][]*alongside.Assignment{}
	aq := store.AssignmentQuery{Cursor: store.Cursor{PageSize: store.MaxPageSize}}
	if err := store.Walk(ctx, &aq.Cursor, func() (store.Page[*alongside.Assignment], error) { return e.Store.ListAssignments(ctx, org, aq) },
		func(a *alongside.Assignment) { history[a.Case] = append(history[a.Case], a) }); err != nil {
		return matcher.RebalanceInput{}, nil, fmt.Errorf("list assignments: %w", err)
	}
	var cases []*alongside.Case
	holds := map[alongside.CaseID]*alongside.Assignment{}
	committed := map[alongside.PartnerID]alongside.LoadUnits{}
	inCases := map[alongside.CaseID]bool{}
	cq := store.CaseQuery{Status: alongside.CaseStatusOpen, OpenedAfter: now.Add(-alongside.MatchWindow),
		Cursor: store.Cursor{PageSize: store.MaxPageSize}}
	if err := store.Walk(ctx, &cq.Cursor, func() (store.Page[*alongside.Case], error) { return e.Store.ListCases(ctx, org, cq) },
		func(c *alongside.Case) {
			if !now.Before(c.Deadline()) {
				return
			}
			for _, a := range history[c.ID] {
				if a.State == alongside.StateConfirmed {
					return
				}
			}
			cases = append(cases, c)
			inCases[c.ID] = true
		}); err != nil {
		return matcher.RebalanceInput{}, nil, fmt.Errorf("list cases: %w", err)
	}
	var live []*alongside.Assignment
	for id, as := range history {
		for _, a := range as {
			switch {
			case a.State == alongside.StateConfirmed:
				committed[a.Partner] += a.Units
			case a.LiveAt(now) && inCases[id]:
				live = append(live, a)
				holds[id] = a
			case a.LiveAt(now):
				committed[a.Partner] += a.Units
			}
		}
	}
	return matcher.RebalanceInput{
		Cases: cases, Holds: live, Partners: partners, Now: now, Travel: e.caseTravel(ctx, partners, cases), Policies: e.policies(),
		Committed: func(id alongside.PartnerID) alongside.LoadUnits { return committed[id] },
		History:   func(id alongside.CaseID) []*alongside.Assignment { return history[id] },
	}, holds, nil
}
