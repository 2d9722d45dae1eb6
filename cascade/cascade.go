package cascade

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/matcher"
	"github.com/alongside/alongside/store"
)

// stepsPerTick bounds the cases one organization steps per tick.
const stepsPerTick = 200

// Run runs the 48-hour cascade until ctx is done, then returns nil: every
// Interval it brings each organization's view up to date and steps the
// cases that are due (see [Engine.Step]). A case is due when an event
// touches it (created, a hold placed, declined, expired, released or
// confirmed), when its open offer ends, and when its deadline comes near.
// Failures are logged and the case is tried again at the next tick.
//
// Several replicas may run it on one store: an offer is a reservation
// under a key made of the case, the attempt and the partner, so replicas
// that take the same decision place one hold, and the store's
// one-live-hold-per-case rule refuses a second offer from a replica that
// decided otherwise; an escalation is a version-checked case update,
// recorded once.
func (e *Engine) Run(ctx context.Context) error {
	interval := e.Interval
	if interval <= 0 {
		interval = time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	kick := e.kicks()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-kick:
		}
		if err := e.RunOnce(ctx); err != nil && ctx.Err() == nil {
			e.log().WarnContext(ctx, "cascade", slog.String("error", err.Error()))
		}
	}
}

// Kick makes Run take a pass now rather than at its next tick, for
// example right after a decline. It never blocks.
func (e *Engine) Kick() {
	select {
	case e.kicks() <- struct{}{}:
	default:
	}
}

func (e *Engine) kicks() chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.kick == nil {
		e.kick = make(chan struct{}, 1)
	}
	return e.kick
}

// RunOnce steps every due case of every organization once.
func (e *Engine) RunOnce(ctx context.Context) error {
	orgs, err := e.Store.Orgs(ctx)
	if err != nil {
		return fmt.Errorf("list orgs: %w", err)
	}
	var errs []error
	for _, org := range orgs {
		v, err := e.view(ctx, org)
		if err != nil {
			errs = append(errs, fmt.Errorf("org %s: %w", org, err))
			continue
		}
		now, err := e.Store.Now(ctx)
		if err != nil {
			return err
		}
		for _, dc := range v.dueCases(now, stepsPerTick) {
			if ctx.Err() != nil {
				return nil
			}
			next, err := e.Step(ctx, org, dc.id)
			if err != nil {
				e.log().WarnContext(ctx, "cascade step", slog.String("org", string(org)),
					slog.String("case", string(dc.id)), slog.String("error", err.Error()))
				continue // due again at the next tick
			}
			v.follow(dc, next, next.IsZero())
		}
	}
	return errors.Join(errs...)
}

// Step takes the cascade's next step for a case at the store's time (see
// matcher.NextOffer): offer the best eligible partner not yet tried,
// wait for an open offer, record an escalation, or nothing when the case
// is matched or closed. It returns when the case is next due; zero means
// the cascade is done with it.
//
// A case without any hold is left to the intake worker's own match for
// NewCaseGrace after it opened.
func (e *Engine) Step(ctx context.Context, org alongside.OrgID, id alongside.CaseID) (time.Time, error) {
	m, err := e.rank(ctx, org, id, 0, false)
	if errors.Is(err, store.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	c, now := m.c, m.now
	grace := e.NewCaseGrace
	if grace <= 0 {
		grace = 5 * time.Minute
	}
	d := m.d
	if d.Action == matcher.ActionOffer && len(m.history) == 0 && now.Before(c.OpenedAt.Add(grace)) {
		return c.OpenedAt.Add(grace), nil
	}
	if d.Escalation != nil {
		if _, err := e.escalate(ctx, c, exhausted(d.Escalation.Code, m.history), d.Escalation.Reason, now); err != nil {
			return time.Time{}, err
		}
	}
	// nearAt is when a deadline_near escalation becomes due.
	nearAt := c.Deadline().Add(-m.pol.Offer.EscalationMargin)
	soonest := func(t time.Time) time.Time {
		if now.Before(nearAt) && nearAt.Before(t) {
			return nearAt
		}
		return t
	}
	switch d.Action {
	case matcher.ActionDone:
		return time.Time{}, nil
	case matcher.ActionWait:
		return soonest(d.ExpiresAt), nil
	case matcher.ActionEscalate:
		if d.Escalation.Code == matcher.EscalationDeadlinePassed {
			return time.Time{}, nil
		}
		return c.Deadline(), nil // nothing to offer: escalate again when the deadline passes
	}
	rr, err := e.Store.Reserve(ctx, store.Reservation{
		Org: org, Case: c.ID, Partner: d.Offer.Partner.ID, ExpiresAt: d.ExpiresAt,
		Score: d.Offer.Total, Factors: d.Offer.Factors, By: audit.System,
		Key: "cascade:" + string(c.ID) + ":" + strconv.Itoa(len(m.history)) + ":" + string(d.Offer.Partner.ID),
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("offer: %w", err)
	}
	switch rr.Outcome {
	case store.OutcomeHeld:
		e.log().InfoContext(ctx, "cascade offer", slog.String("org", string(org)), slog.String("case", string(c.ID)),
			slog.String("partner", string(d.Offer.Partner.ID)), slog.Bool("replayed", rr.Replayed))
		return soonest(rr.Hold.ExpiresAt), nil
	case store.OutcomeCaseClosed:
		return time.Time{}, nil
	}
	// Full (the view was behind) or taken meanwhile: look again soon.
	return now, nil
}
