package cascade

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/matcher"
	"github.com/alongside/alongside/store"
)

// Store is what the engine needs of the system of record; store.Store
// implements it.
type Store interface {
	HoldStore
	GetCase(ctx context.Context, org alongside.OrgID, id alongside.CaseID) (*alongside.Case, error)
	UpdateCase(ctx context.Context, by audit.Actor, c *alongside.Case) error
	ListCases(ctx context.Context, org alongside.OrgID, q store.CaseQuery) (store.Page[*alongside.Case], error)
	GetPartner(ctx context.Context, org alongside.OrgID, id alongside.PartnerID) (*alongside.Partner, error)
	ListPartners(ctx context.Context, org alongside.OrgID, q store.PartnerQuery) (store.Page[*alongside.Partner], error)
	GetAssignment(ctx context.Context, org alongside.OrgID, id alongside.AssignmentID) (*alongside.Assignment, error)
	ListAssignments(ctx context.Context, org alongside.OrgID, q store.AssignmentQuery) (store.Page[*alongside.Assignment], error)
	Reserve(ctx context.Context, r store.Reservation) (*store.ReserveResult, error)
	Release(ctx context.Context, t store.Transition) (*alongside.Assignment, error)
	ListAudit(ctx context.Context, org alongside.OrgID, after uint64, limit int) ([]audit.Event, error)
	AuditHead(ctx context.Context, org alongside.OrgID) (uint64, error)
	Now(ctx context.Context) (time.Time, error)
}

// Escalation codes the engine adds to the matcher's.
const (
	// EscalationNoCapacity: eligible partners exist but none has room.
	EscalationNoCapacity matcher.EscalationCode = "no_capacity"
	// EscalationExhausted: every eligible partner declined the case, let
	// its offer expire or was released from it.
	EscalationExhausted matcher.EscalationCode = "candidates_exhausted"
)

// maxAttempts is how many partners, best first, one reservation of a
// match offers the store (the partner and its alternates, tried in one
// atomic unit); when all of them are full by the store's count, the match
// catches up with the store and offers as many again.
const maxAttempts = 5

// Engine matches cases against the store: it ranks a case's candidates
// with the matcher over an in-memory view of each organization (kept
// current from the audit log), places holds through the store's atomic
// Reserve, records escalations on the case, and runs the 48-hour cascade.
// Its zero value is not usable: Store is required. It is safe for
// concurrent use.
type Engine struct {
	// Store is the system of record. Required.
	Store Store
	// Policies are the matching policies by program. Nil means
	// matcher.DefaultPolicy().
	Policies *matcher.PolicySet
	// Travel estimates drive times: each ranking asks it, in one matrix,
	// for the drives from every candidate's home to the case's home area,
	// and a rebalance asks it so for each case (geo.GreatCircle with urban
	// speeds, or OSRM through geo.CachedModel). Nil, or when it fails or
	// is slower than TravelTimeout (a deadline on the network call, not a
	// decision), means the matcher's straight-line estimate with each
	// policy's circuity and speed, which explanations then name.
	Travel geo.TravelModel
	// TravelTimeout bounds Travel's answer for one ranking; 0 means
	// DefaultTravelTimeout.
	TravelTimeout time.Duration
	// Interval is how often Run looks for cases due a cascade step. Zero
	// means one second.
	Interval time.Duration
	// NewCaseGrace is how long Run leaves a new case without a hold to the
	// intake worker's own MatchCase before offering it itself. Zero means
	// 5 minutes.
	NewCaseGrace time.Duration
	// Logger receives cascade failures and escalations, by ID and code
	// (never personal data). Nil discards them.
	Logger *slog.Logger
	// OnEscalate, when set, is called for each escalation the engine
	// records (once per case and code, across replicas).
	OnEscalate func(org alongside.OrgID, c alongside.CaseID, e *alongside.Escalation)

	mu    sync.Mutex
	views map[alongside.OrgID]*view
	kick  chan struct{}
	keys  sync.Map // idempotency scope → *keyLock, for requests in flight
}

// keyLock serializes this replica's requests that share an idempotency
// key, so they wait for one another rather than race to the store.
type keyLock struct {
	mu    sync.Mutex
	users int // guarded by Engine.mu
}

// lockKey waits until no other request of this replica holds key, and
// returns the function that releases it.
func (e *Engine) lockKey(key string) func() {
	e.mu.Lock()
	v, _ := e.keys.LoadOrStore(key, &keyLock{})
	l := v.(*keyLock)
	l.users++
	e.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		e.mu.Lock()
		if l.users--; l.users == 0 {
			e.keys.Delete(key)
		}
		e.mu.Unlock()
	}
}

// policies returns the engine's policy set.
func (e *Engine) policies() *matcher.PolicySet {
	if e.Policies == nil {
		return defaultPolicies()
	}
	return e.Policies
}

// defaultPolicies is the embedded policy set, parsed once.
var defaultPolicies = sync.OnceValue(matcher.DefaultPolicy)

func (e *Engine) log() *slog.Logger {
	if e.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Logger
}

// view returns org's view, synced with the audit log.
func (e *Engine) view(ctx context.Context, org alongside.OrgID) (*view, error) {
	e.mu.Lock()
	if e.views == nil {
		e.views = map[alongside.OrgID]*view{}
	}
	v := e.views[org]
	if v == nil {
		v = newView(org)
		e.views[org] = v
	}
	e.mu.Unlock()
	if err := v.sync(ctx, e.Store); err != nil {
		return nil, err
	}
	return v, nil
}

// Outcome is what a match did about a hold.
type Outcome string

// Match outcomes.
const (
	OutcomeHeld           Outcome = "held"                // a hold was placed (MatchResult.Hold)
	OutcomeDryRun         Outcome = "dry_run"             // ranked only
	OutcomeNoEligible     Outcome = "no_eligible_partner" // nobody passes the hard rules
	OutcomeNoCapacity     Outcome = "no_capacity"         // the eligible partners are full
	OutcomeCaseTaken      Outcome = "case_taken"          // the case has a live hold or a confirmed partner
	OutcomeCaseClosed     Outcome = "case_closed"         // the case is not open
	OutcomeDeadlinePassed Outcome = "deadline_passed"     // no offer is made after the 48-hour deadline
)

// MatchRequest asks to match a case.
type MatchRequest struct {
	Org  alongside.OrgID
	Case alongside.CaseID
	// Key is the caller's idempotency key; required unless DryRun.
	Key string
	By  audit.Actor
	// TopK is how many candidates to return; 0 means the policy's top_k.
	TopK   int
	DryRun bool
}

// Candidate is a ranked partner: its explained score and free capacity.
type Candidate struct {
	matcher.Candidate
	// Rank is the position among eligible candidates, 1 = best; 0 when
	// not eligible.
	Rank int
	// Free is the partner's free load units by the engine's view.
	Free alongside.LoadUnits
}

// MatchResult is what a match did.
type MatchResult struct {
	Case *alongside.Case
	// Candidates are the eligible partners best first, then, when fewer
	// than TopK are eligible, ineligible ones with the fewest failed rules.
	Candidates []Candidate
	// Considered is the number of partners scored.
	Considered int
	Outcome    Outcome
	// Hold is the placed hold (OutcomeHeld) or the case's current live
	// hold or confirmed assignment (OutcomeCaseTaken).
	Hold *alongside.Assignment
	// Reason says why no hold was placed, in words.
	Reason string
	// Escalation is set when coordinators must look at the case.
	Escalation *alongside.Escalation
	// Replayed: the hold comes from an earlier request with the same key.
	Replayed bool
}

// errKeyRequired is returned when a placing match has no idempotency key.
var errKeyRequired = &alongside.FieldError{Field: "idempotency_key", Reason: "must be set unless dry_run"}

// Match ranks the case's candidates and, unless DryRun, reserves the best
// eligible partner the store has room for: one reservation offers the
// store the five best, tried in order in one atomic unit, and when all
// five were full (the view was behind), a second offers the next five of
// a fresh ranking. Reservation i uses the key with "#i", and both share
// one fingerprint (the case), so a retry, from this replica or another,
// replays the first request's reservations and returns its hold, never a
// second one; the same key for another case is store.ErrKeyReused.
func (e *Engine) Match(ctx context.Context, req MatchRequest) (*MatchResult, error) {
	if !req.DryRun && req.Key == "" {
		return nil, errKeyRequired
	}
	if !req.DryRun {
		// Requests with one key replay one another's reservations; in one
		// replica they also wait for one another rather than race to the
		// store.
		defer e.lockKey(string(req.Org) + "\x00" + req.By.Principal + "\x00" + req.Key)()
	}
	m, err := e.rank(ctx, req.Org, req.Case, req.TopK, true)
	if err != nil {
		return nil, err
	}
	res := &MatchResult{Case: m.c, Candidates: m.cands, Considered: m.r.Considered}
	d := m.d
	switch {
	case req.DryRun:
		res.Outcome = OutcomeDryRun
		return res, nil
	case m.c.Status != alongside.CaseStatusOpen:
		res.Outcome, res.Reason = OutcomeCaseClosed, "the case is "+string(m.c.Status)
		return res, nil
	case d.Action == matcher.ActionEscalate && d.Escalation.Code == matcher.EscalationDeadlinePassed:
		res.Outcome, res.Reason = OutcomeDeadlinePassed, d.Reason
		res.Escalation, err = e.escalate(ctx, m.c, d.Escalation.Code, d.Escalation.Reason, m.now)
		return res, err
	}
	exp, err := matcher.OfferExpiry(m.c, m.now, m.pol)
	if err != nil {
		return nil, err
	}
	// With nobody eligible now, an earlier request with this key may still
	// have placed a hold (its partner is full now): a placeholder partner
	// asks the store, which replays a stored key before it looks at the
	// partner.
	placeholder := []matcher.Candidate{{Partner: &alongside.Partner{ID: "none"}}}
	list := m.r.Top[:min(len(m.r.Top), maxAttempts)]
	refused, partners := false, 0
	for round := range 2 {
		if round == 1 {
			if len(list) < maxAttempts && !res.Replayed {
				break // every eligible partner was tried
			}
			// Every partner offered was full: the view was behind the
			// store (other matches filled them). Catch up, rank again, and
			// offer the next best.
			again, err := e.rank(ctx, req.Org, req.Case, req.TopK, false)
			if err != nil {
				return nil, err
			}
			list = again.r.Top[:min(len(again.r.Top), maxAttempts)]
		}
		probe := len(list) == 0
		if probe {
			if round == 1 && !res.Replayed {
				break
			}
			list = placeholder
		}
		r := store.Reservation{
			Org: req.Org, Case: m.c.ID, Partner: list[0].Partner.ID, ExpiresAt: exp,
			Score: list[0].Total, Factors: list[0].Factors, By: req.By,
			Key: req.Key + "#" + strconv.Itoa(round), Fingerprint: "match:" + string(m.c.ID),
		}
		for _, c := range list[1:] {
			r.Alternates = append(r.Alternates, store.Alternate{Partner: c.Partner.ID, Score: c.Total, Factors: c.Factors})
		}
		rr, err := e.Store.Reserve(ctx, r)
		if probe && errors.Is(err, store.ErrNotFound) {
			break // nothing was stored under the key
		}
		if err != nil {
			return nil, fmt.Errorf("reserve: %w", err)
		}
		res.Replayed = rr.Replayed
		switch rr.Outcome {
		case store.OutcomeHeld:
			res.Outcome, res.Hold = OutcomeHeld, rr.Hold
			if !rr.Replayed {
				m.v.note(rr.Hold)
			}
			if d.Escalation != nil && d.Escalation.Code == matcher.EscalationDeadlineNear {
				res.Escalation, err = e.escalate(ctx, m.c, d.Escalation.Code, d.Escalation.Reason, m.now)
			}
			return res, err
		case store.OutcomeCaseTaken:
			res.Outcome, res.Reason = OutcomeCaseTaken, rr.Reason
			res.Hold, err = e.Current(ctx, req.Org, m.c.ID)
			return res, err
		case store.OutcomeCaseClosed:
			res.Outcome, res.Reason = OutcomeCaseClosed, rr.Reason
			return res, nil
		}
		refused = true
		if !probe {
			partners += len(list)
		}
	}
	if refused {
		res.Outcome = OutcomeNoCapacity
		res.Reason = "the eligible partners have no room for the case"
		if partners > 0 {
			res.Reason = fmt.Sprintf("the %d best eligible partners have no room for the case", partners)
		}
		res.Escalation, err = e.escalate(ctx, m.c, EscalationNoCapacity, res.Reason, m.now)
		return res, err
	}
	res.Outcome = OutcomeNoEligible
	code, reason := matcher.EscalationNoPartner, m.r.Shortfall()
	if d.Escalation != nil && d.Action == matcher.ActionEscalate {
		code, reason = exhausted(d.Escalation.Code, m.history), d.Escalation.Reason
	}
	res.Reason = reason
	res.Escalation, err = e.escalate(ctx, m.c, code, reason, m.now)
	return res, err
}

// exhausted turns "no eligible partner" into "candidates exhausted" when
// the case has had offers.
func exhausted(code matcher.EscalationCode, history []*alongside.Assignment) matcher.EscalationCode {
	if code == matcher.EscalationNoPartner && len(history) > 0 {
		return EscalationExhausted
	}
	return code
}

// ranked is a case ranked in the engine's view.
type ranked struct {
	v       *view
	c       *alongside.Case
	pol     *matcher.Policy
	now     time.Time
	history []*alongside.Assignment
	r       *matcher.Ranking
	d       matcher.Decision // the cascade's next step
	cands   []Candidate
}

// load returns org's synced view, the store's time and case id.
func (e *Engine) load(ctx context.Context, org alongside.OrgID, id alongside.CaseID) (*view, time.Time, *alongside.Case, error) {
	v, err := e.view(ctx, org)
	if err != nil {
		return nil, time.Time{}, nil, err
	}
	now, err := e.Store.Now(ctx)
	if err != nil {
		return nil, time.Time{}, nil, err
	}
	c, err := e.Store.GetCase(ctx, org, id)
	if err != nil {
		return nil, time.Time{}, nil, fmt.Errorf("case: %w", err)
	}
	return v, now, c, nil
}

// rank loads case id and ranks its candidates, and decides the cascade's
// next step. With list, it also lists the top k (0: the policy's) with
// their free capacity, filled with the nearest misses, for a response.
func (e *Engine) rank(ctx context.Context, org alongside.OrgID, id alongside.CaseID, k int, list bool) (*ranked, error) {
	v, now, c, err := e.load(ctx, org, id)
	if err != nil {
		return nil, err
	}
	history := v.history(id)
	pol := e.policies().For(c.Program)
	if k <= 0 {
		k = pol.Offer.TopK
	}
	var travel matcher.TravelEstimator
	if e.Travel != nil {
		// Asked before the view is locked: a routing service may be slow.
		travel = e.travel(ctx, v.idx.Candidates(c, pol), c.HomeArea)
	}
	// Ranking, the cascade's decision and the explanations read the view's
	// loads: all under its read lock.
	v.mu.RLock()
	defer v.mu.RUnlock()
	env := matcher.Env{Now: now, Travel: travel, History: history} // loads: the index's charges
	r := v.idx.Rank(c, pol, env, max(k, maxAttempts))
	m := &ranked{v: v, c: c, pol: pol, now: now, history: history, r: r, d: matcher.NextOffer(r, history, now)}
	if !list {
		return m, nil
	}
	free := func(p *alongside.Partner) alongside.LoadUnits { return p.Capacity - v.idx.Load(p.ID, now) }
	for i, cand := range r.Top {
		if i == k {
			break
		}
		m.cands = append(m.cands, Candidate{Candidate: cand, Rank: i + 1, Free: free(cand.Partner)})
	}
	for _, miss := range r.NearMisses(k - len(m.cands)) {
		m.cands = append(m.cands, Candidate{Candidate: miss, Free: free(miss.Partner)})
	}
	return m, nil
}

// Current returns case id's live hold or confirmed assignment (by the
// view, brought up to date first, and the store's clock), or nil.
func (e *Engine) Current(ctx context.Context, org alongside.OrgID, id alongside.CaseID) (*alongside.Assignment, error) {
	v, err := e.view(ctx, org)
	if err != nil {
		return nil, err
	}
	now, err := e.Store.Now(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range v.history(id) {
		if a.State == alongside.StateConfirmed || a.LiveAt(now) {
			return a, nil
		}
	}
	return nil, nil
}

// Explain scores partner p for case c whether or not p is eligible, with
// every hard rule p fails, and returns p's free capacity by the view.
func (e *Engine) Explain(ctx context.Context, org alongside.OrgID, c alongside.CaseID, p alongside.PartnerID) (*Candidate, error) {
	v, now, kase, err := e.load(ctx, org, c)
	if err != nil {
		return nil, err
	}
	partner, err := e.Store.GetPartner(ctx, org, p)
	if err != nil {
		return nil, fmt.Errorf("partner: %w", err)
	}
	history := v.history(c)
	travel := e.travel(ctx, []*alongside.Partner{partner}, kase.HomeArea)
	v.mu.RLock()
	defer v.mu.RUnlock()
	loads := func(id alongside.PartnerID) alongside.LoadUnits { return v.idx.Load(id, now) }
	env := matcher.Env{Now: now, Loads: loads, Travel: travel, History: history}
	res := matcher.Score(partner, kase, e.policies().For(kase.Program), env)
	return &Candidate{Candidate: matcher.Candidate{Partner: partner, Result: res}, Free: partner.Capacity - loads(p)}, nil
}

// escalate records that coordinators must look at case c, once per code:
// a case already escalated with code is left alone (across replicas too:
// the update is conditional on the case's version). It returns the
// case's escalation.
func (e *Engine) escalate(ctx context.Context, c *alongside.Case, code matcher.EscalationCode, reason string, now time.Time) (*alongside.Escalation, error) {
	for range 3 {
		if c.Escalation != nil && c.Escalation.Code == string(code) {
			return c.Escalation, nil
		}
		next := *c
		next.Escalation = &alongside.Escalation{Code: string(code), Reason: reason, At: now}
		err := e.Store.UpdateCase(ctx, audit.System, &next)
		if err == nil {
			e.log().InfoContext(ctx, "case escalated", slog.String("org", string(c.Org)),
				slog.String("case", string(c.ID)), slog.String("code", string(code)))
			if e.OnEscalate != nil {
				e.OnEscalate(c.Org, c.ID, next.Escalation)
			}
			return next.Escalation, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return nil, fmt.Errorf("record escalation: %w", err)
		}
		if c, err = e.Store.GetCase(ctx, c.Org, c.ID); err != nil {
			return nil, fmt.Errorf("record escalation: %w", err)
		}
	}
	return nil, fmt.Errorf("record escalation: %w", store.ErrConflict)
}
