package boltstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// Reserve places a hold if the partner has room; see store.HoldStore.
func (s *Store) Reserve(ctx context.Context, r store.Reservation) (*store.ReserveResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reserve: %w", err)
	}
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("reserve: %w", err)
	}
	fingerprint := r.EffectiveFingerprint()
	ikey := idemKey(r.By.Principal, r.Key)
	var (
		res    *store.ReserveResult
		outErr error
	)
	err := s.commits.update(func(tx *bolt.Tx) error {
		res, outErr = nil, nil
		now := s.clock()
		o := openOrg(tx, r.Org)
		if o == nil {
			outErr = fmt.Errorf("partner %s: %w", r.Partner, store.ErrNotFound)
			return nil
		}

		// A live idempotency record decides before anything else.
		var rec idemRecord
		found, err := getJSON(o.idem, ikey, &rec)
		if err != nil {
			return err
		}
		if found && now.Before(rec.Created.Add(store.IdempotencyRetention)) {
			if rec.Fingerprint != fingerprint {
				outErr = fmt.Errorf("idempotency key: %w", store.ErrKeyReused)
				return nil
			}
			res = rec.Result.result()
			res.Replayed = true
			return o.record(resultEvent(audit.HoldReplayed, res, r, now))
		}

		if !r.ExpiresAt.After(now) {
			outErr = &alongside.FieldError{Field: "expires_at", Reason: "must be after the store's current time"}
			return nil
		}
		p, err := o.getPartner(r.Partner)
		if err != nil {
			return err
		}
		if p == nil {
			outErr = fmt.Errorf("partner %s: %w", r.Partner, store.ErrNotFound)
			return nil
		}
		c, err := o.getCase(r.Case)
		if err != nil {
			return err
		}
		if c == nil {
			outErr = fmt.Errorf("case %s: %w", r.Case, store.ErrNotFound)
			return nil
		}
		units := r.Units
		if units == 0 {
			units = c.Units()
		}
		taken, err := o.caseTaken(c.ID, now)
		if err != nil {
			return err
		}
		var out *store.ReserveResult
		for i, cand := range r.Candidates() {
			if i > 0 {
				// A missing alternate is passed over like an inactive one.
				if p, err = o.getPartner(cand.Partner); err != nil {
					return err
				}
				if p == nil {
					p = &alongside.Partner{ID: cand.Partner}
				}
			}
			out = &store.ReserveResult{Load: o.load(p, now)}
			switch {
			case c.Status == alongside.CaseStatusClosed:
				out.Outcome = store.OutcomeCaseClosed
			case taken:
				out.Outcome = store.OutcomeCaseTaken
			case p.Status != alongside.PartnerStatusActive:
				out.Outcome = store.OutcomePartnerUnavailable
			case out.Load.Committed+out.Load.Held+units > out.Load.Capacity:
				out.Outcome = store.OutcomeFull
			default:
				out.Outcome = store.OutcomeHeld
			}
			if out.Outcome == store.OutcomeHeld {
				out.Hold = &alongside.Assignment{
					Org: r.Org, ID: alongside.AssignmentID(alongside.NewID("h")),
					Case: c.ID, Partner: p.ID, Units: units, State: alongside.StateHeld,
					Score: cand.Score, Factors: slices.Clone(cand.Factors),
					HeldAt: now, ExpiresAt: r.ExpiresAt, HeldBy: r.By.Principal,
				}
				out.Load.Held += units
				if err := o.place(out.Hold); err != nil {
					return err
				}
				if err := o.record(holdEvent(audit.HoldPlaced, out.Hold, r.By, now)); err != nil {
					return err
				}
				break
			}
			out.Reason = store.RefusalReason(out.Outcome, out.Load, units)
			ev := resultEvent(audit.HoldRefused, out, r, now)
			ev.Related["partner"] = string(p.ID)
			if err := o.record(ev); err != nil {
				return err
			}
			if out.Outcome == store.OutcomeCaseClosed || out.Outcome == store.OutcomeCaseTaken {
				break // no partner can take the case
			}
		}
		var stale *idemRecord
		if found {
			stale = &idemRecord{Created: rec.Created}
		}
		rec = idemRecord{Fingerprint: fingerprint, Created: now, Result: toRecord(out)}
		if err := o.putIdem(ikey, &rec, stale); err != nil {
			return err
		}
		res = out
		return nil
	})
	if err = errors.Join(driverErr(err), outErr); err != nil {
		return nil, fmt.Errorf("reserve: %w", err)
	}
	return res, nil
}

// resultEvent is the audit event of a refused or replayed reservation:
// about the hold if one was placed, else about the case.
func resultEvent(action string, res *store.ReserveResult, r store.Reservation, now time.Time) audit.Event {
	if res.Hold != nil {
		ev := holdEvent(action, res.Hold, r.By, now)
		ev.Outcome = string(res.Outcome)
		return ev
	}
	return audit.Event{
		Time: now, Actor: r.By, Action: action,
		ObjectKind: "case", ObjectID: string(r.Case),
		Related: map[string]string{"partner": string(r.Partner)},
		Outcome: string(res.Outcome),
	}
}

// Replay returns the stored result of an idempotency key; it records
// nothing.
func (s *Store) Replay(ctx context.Context, org alongside.OrgID, principal, key string) (*store.ReserveResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	var res *store.ReserveResult
	err := s.db.View(func(tx *bolt.Tx) error {
		res = nil
		o := openOrg(tx, org)
		if o == nil {
			return nil
		}
		var rec idemRecord
		found, err := getJSON(o.idem, idemKey(principal, key), &rec)
		if found && err == nil && s.clock().Before(rec.Created.Add(store.IdempotencyRetention)) {
			res = rec.Result.result()
			res.Replayed = true
		}
		return err
	})
	switch {
	case err != nil:
		return nil, fmt.Errorf("replay: %w", driverErr(err))
	case res == nil:
		return nil, fmt.Errorf("replay: idempotency key: %w", store.ErrNotFound)
	}
	return res, nil
}

// decision is a transition's verdict on an assignment at now: the state
// to move to ("" for none) and the error to return. Moving to the state
// the assignment is in returns it unchanged; moving to expired records
// the expiry found.
type decision func(a *alongside.Assignment, now time.Time) (alongside.AssignmentState, error)

// Confirm turns a live hold into a confirmed assignment; see
// store.HoldStore.
func (s *Store) Confirm(ctx context.Context, t store.Transition) (*alongside.Assignment, error) {
	return s.move(ctx, "confirm", t, func(a *alongside.Assignment, now time.Time) (alongside.AssignmentState, error) {
		switch a.State {
		case alongside.StateConfirmed:
			return a.State, nil
		case alongside.StateHeld:
			if !now.Before(a.ExpiresAt) {
				return alongside.StateExpired, store.ErrHoldExpired
			}
			return alongside.StateConfirmed, nil
		case alongside.StateExpired:
			return "", store.ErrHoldExpired
		}
		return "", store.ErrBadTransition
	})
}

// Decline ends a hold, live or expired but unswept, as declined.
func (s *Store) Decline(ctx context.Context, t store.Transition) (*alongside.Assignment, error) {
	return s.move(ctx, "decline", t, func(a *alongside.Assignment, _ time.Time) (alongside.AssignmentState, error) {
		switch a.State {
		case alongside.StateHeld, alongside.StateDeclined:
			return alongside.StateDeclined, nil
		}
		return "", store.ErrBadTransition
	})
}

// Release ends a confirmed assignment or a live hold. A hold found expired
// is recorded as expired and returns store.ErrHoldExpired.
func (s *Store) Release(ctx context.Context, t store.Transition) (*alongside.Assignment, error) {
	return s.move(ctx, "release", t, func(a *alongside.Assignment, now time.Time) (alongside.AssignmentState, error) {
		switch a.State {
		case alongside.StateConfirmed, alongside.StateReleased:
			return alongside.StateReleased, nil
		case alongside.StateHeld:
			if !now.Before(a.ExpiresAt) {
				return alongside.StateExpired, store.ErrHoldExpired
			}
			return alongside.StateReleased, nil
		}
		return "", store.ErrBadTransition
	})
}

// move runs one transition of an assignment in a write transaction.
func (s *Store) move(ctx context.Context, op string, t store.Transition, decide decision) (*alongside.Assignment, error) {
	op += " assignment " + string(t.ID)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var (
		res    *alongside.Assignment
		outErr error
	)
	err := s.commits.update(func(tx *bolt.Tx) error {
		res, outErr = nil, nil
		now := s.clock()
		o := openOrg(tx, t.Org)
		if o == nil {
			outErr = store.ErrNotFound
			return nil
		}
		a, err := o.getAssignment(t.ID)
		if err != nil {
			return err
		}
		if a == nil {
			outErr = store.ErrNotFound
			return nil
		}
		next, derr := decide(a, now)
		switch {
		case next == "":
			outErr = derr
			return nil
		case next == a.State:
			res = a
			return nil
		case next == alongside.StateExpired:
			outErr = derr
			return o.expire(a, now)
		}
		prev := a.State
		a.State, a.DecidedAt, a.DecidedBy = next, now, t.By.Principal
		action := audit.HoldConfirmed
		if next == alongside.StateConfirmed {
			a.ConfirmedAt = now
			err = o.confirm(a)
		} else {
			a.Reason = t.Reason
			action = map[alongside.AssignmentState]string{
				alongside.StateDeclined: audit.HoldDeclined,
				alongside.StateReleased: audit.HoldReleased,
			}[next]
			err = o.end(a, prev)
		}
		if err != nil {
			return err
		}
		res = a
		return o.record(holdEvent(action, a, t.By, now))
	})
	if err = errors.Join(driverErr(err), outErr); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return res, nil
}

// ExpireHolds records up to limit expired holds of org (0 or less means
// store.MaxPageSize), earliest expiry first, and deletes up to limit
// idempotency records older than store.IdempotencyRetention. It writes
// only when something is due.
func (s *Store) ExpireHolds(ctx context.Context, org alongside.OrgID, limit int) ([]*alongside.Assignment, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("expire holds: %w", err)
	}
	if limit <= 0 || limit > store.MaxPageSize {
		limit = store.MaxPageSize
	}
	due := func(o *orgTx, now time.Time) [][]byte {
		var keys [][]byte
		c := o.expiry.Cursor()
		for k, _ := c.First(); k != nil && len(keys) < limit && len(k) > 12 && !now.Before(readTime(k)); k, _ = c.Next() {
			keys = append(keys, append([]byte(nil), k...))
		}
		return keys
	}
	stale := func(o *orgTx, now time.Time) [][]byte {
		return o.staleIdem(now.Add(-store.IdempotencyRetention), limit)
	}
	pending := false
	err := s.db.View(func(tx *bolt.Tx) error {
		o := openOrg(tx, org)
		if o != nil {
			now := s.clock()
			pending = len(due(o, now)) > 0 || len(stale(o, now)) > 0
		}
		return nil
	})
	if err != nil || !pending {
		return nil, driverErrOp("expire holds", err)
	}
	var expired []*alongside.Assignment
	err = s.commits.update(func(tx *bolt.Tx) error {
		expired = nil
		now := s.clock()
		o := openOrg(tx, org)
		if o == nil {
			return nil
		}
		for _, k := range due(o, now) {
			a, err := o.getAssignment(alongside.AssignmentID(k[12:]))
			if err != nil {
				return err
			}
			if a == nil || a.State != alongside.StateHeld {
				// An index entry left behind: drop it.
				if err := o.expiry.Delete(k); err != nil {
					return err
				}
				continue
			}
			if err := o.expire(a, now); err != nil {
				return err
			}
			expired = append(expired, a)
		}
		return o.pruneIdem(stale(o, now))
	})
	if err != nil {
		return nil, driverErrOp("expire holds", err)
	}
	return expired, nil
}

func driverErrOp(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, driverErr(err))
}

// GetAssignment returns an assignment or store.ErrNotFound.
func (s *Store) GetAssignment(ctx context.Context, org alongside.OrgID, id alongside.AssignmentID) (*alongside.Assignment, error) {
	op := "get assignment " + string(id)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var a *alongside.Assignment
	err := s.db.View(func(tx *bolt.Tx) error {
		a = nil
		o := openOrg(tx, org)
		if o == nil {
			return nil
		}
		var err error
		a, err = o.getAssignment(id)
		return err
	})
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: %w", op, driverErr(err))
	case a == nil:
		return nil, fmt.Errorf("%s: %w", op, store.ErrNotFound)
	}
	return a, nil
}

// ListAssignments lists assignments in ID order; State held lists live
// holds only (store.AssignmentQuery.MatchAt).
func (s *Store) ListAssignments(ctx context.Context, org alongside.OrgID, q store.AssignmentQuery) (store.Page[*alongside.Assignment], error) {
	now := s.clock()
	return list(ctx, s, "list assignments", org, q.Cursor, func(o *orgTx) *bolt.Bucket { return o.assignments },
		func(a *alongside.Assignment) bool { return q.MatchAt(a, now) })
}

// Load returns a partner's capacity and load in one read transaction.
func (s *Store) Load(ctx context.Context, org alongside.OrgID, id alongside.PartnerID) (store.Load, error) {
	op := "load of partner " + string(id)
	if err := ctx.Err(); err != nil {
		return store.Load{}, fmt.Errorf("%s: %w", op, err)
	}
	var (
		l     store.Load
		found bool
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		found = false
		o := openOrg(tx, org)
		if o == nil {
			return nil
		}
		p, err := o.getPartner(id)
		if err != nil || p == nil {
			return err
		}
		l, found = o.load(p, s.clock()), true
		return nil
	})
	switch {
	case err != nil:
		return store.Load{}, fmt.Errorf("%s: %w", op, driverErr(err))
	case !found:
		return store.Load{}, fmt.Errorf("%s: %w", op, store.ErrNotFound)
	}
	return l, nil
}
