package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"strconv"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/alongside/alongside"
	alongsidev1 "github.com/alongside/alongside/api/gen/alongside/v1"
	"github.com/alongside/alongside/api/gen/alongside/v1/alongsidev1connect"
	"github.com/alongside/alongside/cascade"
	"github.com/alongside/alongside/matcher"
	"github.com/alongside/alongside/matcher/gap"
	"github.com/alongside/alongside/store"
)

// Bounds of MatchService requests.
const (
	maxTopK      = 50
	maxMatchKey  = 250 // the engine suffixes the key with the reservation's number
	maxReasonLen = 500
)

// matchService implements MatchService over the cascade engine and the
// store.
type matchService struct {
	s *Server
}

var _ alongsidev1connect.MatchServiceHandler = (*matchService)(nil)

// checkKey returns a FieldError on field when key is not a usable
// idempotency key of at most limit characters.
func checkKey(field, key string, limit int) error {
	reason := store.CheckKey(key)
	if reason == "" && len(key) > limit {
		reason = "must be at most " + strconv.Itoa(limit) + " characters"
	}
	if reason != "" {
		return &alongside.FieldError{Field: field, Reason: reason}
	}
	return nil
}

// matchCaseRequest decodes a MatchCase request; the caller sets Org and
// By.
func matchCaseRequest(req *alongsidev1.MatchCaseRequest) (cascade.MatchRequest, error) {
	var d decoder
	d.add(checkID("case_id", req.GetCaseId()))
	if !req.GetDryRun() || req.GetIdempotencyKey() != "" {
		d.add(checkKey("idempotency_key", req.GetIdempotencyKey(), maxMatchKey))
	}
	if k := req.GetTopK(); k < 0 || k > maxTopK {
		d.fail("top_k", "must be between 0 (5) and 50")
	}
	return cascade.MatchRequest{
		Case: alongside.CaseID(req.GetCaseId()), Key: req.GetIdempotencyKey(),
		TopK: int(req.GetTopK()), DryRun: req.GetDryRun(),
	}, d.err()
}

func (m *matchService) MatchCase(ctx context.Context, req *alongsidev1.MatchCaseRequest) (*alongsidev1.MatchCaseResponse, error) {
	mr, err := matchCaseRequest(req)
	if err != nil {
		return nil, err
	}
	mr.Org, mr.By = m.s.org(ctx), m.s.actor(ctx)
	res, err := m.s.engine.Match(ctx, mr)
	if err != nil {
		return nil, err
	}
	resp := &alongsidev1.MatchCaseResponse{
		CaseId:             string(res.Case.ID),
		Deadline:           timestampProto(res.Case.Deadline()),
		Candidates:         mapSlice(res.Candidates, candidateToProto),
		PartnersConsidered: int32(res.Considered),
		Outcome:            holdOutcomes[res.Outcome],
		Reason:             res.Reason,
		Replayed:           res.Replayed,
	}
	if res.Hold != nil {
		resp.Hold = assignmentToProto(res.Hold)
	}
	if res.Escalation != nil {
		resp.Escalation = escalationToProto(res.Escalation)
	}
	return resp, nil
}

var holdOutcomes = map[cascade.Outcome]alongsidev1.HoldOutcome{
	cascade.OutcomeHeld:           alongsidev1.HoldOutcome_HOLD_OUTCOME_HELD,
	cascade.OutcomeDryRun:         alongsidev1.HoldOutcome_HOLD_OUTCOME_DRY_RUN,
	cascade.OutcomeNoEligible:     alongsidev1.HoldOutcome_HOLD_OUTCOME_NO_ELIGIBLE_PARTNER,
	cascade.OutcomeNoCapacity:     alongsidev1.HoldOutcome_HOLD_OUTCOME_NO_CAPACITY,
	cascade.OutcomeCaseTaken:      alongsidev1.HoldOutcome_HOLD_OUTCOME_CASE_TAKEN,
	cascade.OutcomeCaseClosed:     alongsidev1.HoldOutcome_HOLD_OUTCOME_CASE_CLOSED,
	cascade.OutcomeDeadlinePassed: alongsidev1.HoldOutcome_HOLD_OUTCOME_DEADLINE_PASSED,
}

// transitionRequest decodes an assignment transition request; the caller
// sets Org and By.
func transitionRequest(id, reason string) (store.Transition, error) {
	var d decoder
	d.add(checkID("assignment_id", id))
	if r := alongside.CheckText(reason, maxReasonLen); r != "" {
		d.fail("reason", r)
	}
	return store.Transition{ID: alongside.AssignmentID(id), Reason: reason}, d.err()
}

// transition decodes an assignment transition request for the call.
func (m *matchService) transition(ctx context.Context, id, reason string) (store.Transition, error) {
	t, err := transitionRequest(id, reason)
	t.Org, t.By = m.s.org(ctx), m.s.actor(ctx)
	return t, err
}

func (m *matchService) ConfirmAssignment(ctx context.Context, req *alongsidev1.ConfirmAssignmentRequest) (*alongsidev1.ConfirmAssignmentResponse, error) {
	t, err := m.transition(ctx, req.GetAssignmentId(), "")
	if err != nil {
		return nil, err
	}
	a, err := m.s.cfg.Store.Confirm(ctx, t)
	if err != nil {
		return nil, err
	}
	return &alongsidev1.ConfirmAssignmentResponse{Assignment: assignmentToProto(a)}, nil
}

func (m *matchService) DeclineAssignment(ctx context.Context, req *alongsidev1.DeclineAssignmentRequest) (*alongsidev1.DeclineAssignmentResponse, error) {
	t, err := m.transition(ctx, req.GetAssignmentId(), req.GetReason())
	if err != nil {
		return nil, err
	}
	a, err := m.s.cfg.Store.Decline(ctx, t)
	if err != nil {
		return nil, err
	}
	m.s.engine.Kick()
	return &alongsidev1.DeclineAssignmentResponse{Assignment: assignmentToProto(a)}, nil
}

func (m *matchService) ReleaseAssignment(ctx context.Context, req *alongsidev1.ReleaseAssignmentRequest) (*alongsidev1.ReleaseAssignmentResponse, error) {
	t, err := m.transition(ctx, req.GetAssignmentId(), req.GetReason())
	if err != nil {
		return nil, err
	}
	a, err := m.s.cfg.Store.Release(ctx, t)
	if err != nil {
		return nil, err
	}
	m.s.engine.Kick()
	return &alongsidev1.ReleaseAssignmentResponse{Assignment: assignmentToProto(a)}, nil
}

// pendingHoldsQuery decodes a ListPendingHolds request's filters.
func pendingHoldsQuery(req *alongsidev1.ListPendingHoldsRequest) (store.AssignmentQuery, error) {
	var d decoder
	q := store.AssignmentQuery{
		Cursor:  d.cursor(req.GetPageSize()),
		State:   alongside.StateHeld,
		Partner: alongside.PartnerID(d.id("partner_id", req.GetPartnerId())),
		Case:    alongside.CaseID(d.id("case_id", req.GetCaseId())),
	}
	return q, d.err()
}

func (m *matchService) ListPendingHolds(ctx context.Context, req *alongsidev1.ListPendingHoldsRequest) (*alongsidev1.ListPendingHoldsResponse, error) {
	q, err := pendingHoldsQuery(req)
	if err != nil {
		return nil, err
	}
	org := m.s.org(ctx)
	binding := scope(org, "holds", string(q.Partner), string(q.Case))
	after, err := decodePageToken(binding, req.GetPageToken())
	if err != nil {
		return nil, err
	}
	q.After = after
	p, err := m.s.cfg.Store.ListAssignments(ctx, org, q)
	if err != nil {
		return nil, err
	}
	return &alongsidev1.ListPendingHoldsResponse{
		Holds:         mapSlice(p.Items, assignmentToProto),
		NextPageToken: encodePageToken(binding, p.Next),
	}, nil
}

// explainRequest decodes an ExplainMatch request.
func explainRequest(req *alongsidev1.ExplainMatchRequest) error {
	return errors.Join(checkID("case_id", req.GetCaseId()), checkID("partner_id", req.GetPartnerId()))
}

func (m *matchService) ExplainMatch(ctx context.Context, req *alongsidev1.ExplainMatchRequest) (*alongsidev1.ExplainMatchResponse, error) {
	if err := explainRequest(req); err != nil {
		return nil, err
	}
	c, err := m.s.engine.Explain(ctx, m.s.org(ctx), alongside.CaseID(req.GetCaseId()), alongside.PartnerID(req.GetPartnerId()))
	if err != nil {
		return nil, err
	}
	return &alongsidev1.ExplainMatchResponse{Candidate: candidateToProto(*c), PolicyVersion: m.s.policyVersion}, nil
}

// candidateToProto returns a ranked partner as an API message.
func candidateToProto(c cascade.Candidate) *alongsidev1.Candidate {
	m := &alongsidev1.Candidate{
		PartnerId:    string(c.Partner.ID),
		DisplayName:  c.Partner.DisplayName,
		Rank:         int32(c.Rank),
		Score:        c.Total,
		Factors:      mapSlice(c.Factors, factorToProto),
		Eligible:     c.Eligible,
		FreeCapacity: int32(max(c.Free, 0)),
	}
	for _, f := range c.Failed {
		m.FailedRules = append(m.FailedRules, &alongsidev1.RuleFailure{Rule: f.Rule.String(), Reason: f.Reason})
	}
	if c.Travel != nil {
		m.TravelTime = durationpb.New(c.Travel.Round(time.Second)) // zero is an estimate too
	}
	return m
}

// escalationReasons maps escalation codes to the API's reasons.
var escalationReasons = map[string]alongsidev1.EscalationReason{
	string(matcher.EscalationNoPartner):      alongsidev1.EscalationReason_ESCALATION_REASON_NO_ELIGIBLE_PARTNER,
	string(matcher.EscalationIneligible):     alongsidev1.EscalationReason_ESCALATION_REASON_NO_ELIGIBLE_PARTNER,
	string(cascade.EscalationNoCapacity):     alongsidev1.EscalationReason_ESCALATION_REASON_NO_CAPACITY,
	string(cascade.EscalationExhausted):      alongsidev1.EscalationReason_ESCALATION_REASON_CANDIDATES_EXHAUSTED,
	string(matcher.EscalationDeadlineNear):   alongsidev1.EscalationReason_ESCALATION_REASON_DEADLINE_AT_RISK,
	string(matcher.EscalationDeadlinePassed): alongsidev1.EscalationReason_ESCALATION_REASON_DEADLINE_PASSED,
}

// escalationToProto returns e as an API message.
func escalationToProto(e *alongside.Escalation) *alongsidev1.Escalation {
	return &alongsidev1.Escalation{
		Reason:      escalationReasons[e.Code],
		Detail:      e.Reason,
		EscalatedAt: timestampProto(e.At),
	}
}

// policyVersion identifies a policy set: the first 12 hex digits of the
// SHA-256 of its complete YAML.
func policyVersion(ps *matcher.PolicySet) string {
	sum := sha256.Sum256(ps.YAML())
	return hex.EncodeToString(sum[:6])
}

// Bounds of a Rebalance request.
const (
	defaultRebalanceTime = 10 * time.Second
	maxRebalanceTime     = 60 * time.Second
)

// rebalanceRequest decodes a Rebalance request; the caller sets Org and
// By.
func rebalanceRequest(req *alongsidev1.RebalanceRequest) (cascade.RebalanceRequest, error) {
	var d decoder
	limit := d.durationProto("time_limit", req.GetTimeLimit())
	switch {
	case limit < 0 || limit > maxRebalanceTime:
		d.fail("time_limit", "must be between 0 (10 s) and 60 s")
	case limit == 0:
		limit = defaultRebalanceTime
	}
	if req.GetApply() || req.GetIdempotencyKey() != "" {
		d.add(checkKey("idempotency_key", req.GetIdempotencyKey(), store.MaxKeyLen))
	}
	return cascade.RebalanceRequest{TimeLimit: limit, Seed: req.GetSeed(), Apply: req.GetApply(), Key: req.GetIdempotencyKey()}, d.err()
}

func (m *matchService) Rebalance(ctx context.Context, req *alongsidev1.RebalanceRequest) (*alongsidev1.RebalanceResponse, error) {
	rr, err := rebalanceRequest(req)
	if err != nil {
		return nil, err
	}
	rr.Org, rr.By = m.s.org(ctx), m.s.actor(ctx)
	res, err := m.s.engine.Rebalance(ctx, rr)
	if err != nil {
		return nil, err
	}
	p := res.Plan
	resp := &alongsidev1.RebalanceResponse{
		Status: solveStatuses[p.Status],
		Stats: &alongsidev1.SolveStats{
			Elapsed:    durationProto(p.Stats.Elapsed),
			Iterations: p.Stats.Moves + p.Stats.Nodes + p.Stats.LagrangianIterations,
			Objective:  p.Value, Bound: p.Bound,
			Gap: math.Abs(p.Bound-p.Value) / math.Max(math.Abs(p.Bound), 1e-9), // SolveStats' definition
		},
		Applied: res.Applied != nil,
	}
	for i, ch := range p.Changes {
		c := &alongsidev1.RebalanceChange{
			CaseId: string(ch.Case), FromPartnerId: string(ch.From), ToPartnerId: string(ch.To),
			ScoreBefore: ch.ScoreBefore, ScoreAfter: ch.ScoreAfter,
		}
		if res.Applied != nil {
			if h := res.Applied[i].Hold; h != nil {
				c.Hold = assignmentToProto(h)
			}
			c.NotAppliedReason = res.Applied[i].NotApplied
		}
		resp.Changes = append(resp.Changes, c)
	}
	return resp, nil
}

var solveStatuses = map[gap.Status]alongsidev1.SolveStatus{
	gap.Optimal:    alongsidev1.SolveStatus_SOLVE_STATUS_OPTIMAL,
	gap.Feasible:   alongsidev1.SolveStatus_SOLVE_STATUS_FEASIBLE,
	gap.Infeasible: alongsidev1.SolveStatus_SOLVE_STATUS_INFEASIBLE,
	gap.TimeLimit:  alongsidev1.SolveStatus_SOLVE_STATUS_TIME_LIMIT,
}

// equityRequest decodes a GetEquityReport request into the report's
// period and grouping, validated before any case is read.
func equityRequest(req *alongsidev1.GetEquityReportRequest) (matcher.EquityInput, error) {
	var d decoder
	in := matcher.EquityInput{GroupBy: matcher.EquityGroupBy(req.GetGroupBy())}
	if req.GetPeriod() == nil {
		d.fail("period", "must be set")
	} else {
		in.Period.Start = d.date("period.start", req.GetPeriod().GetStart())
		in.Period.End = d.date("period.end", req.GetPeriod().GetEnd())
	}
	if d.err() != nil { // report the grouping too, but not the period twice
		if in.GroupBy <= matcher.EquityGroupByUnspecified || in.GroupBy > matcher.EquityGroupByICWA {
			d.fail("group_by", "must be language, parent_role, county, program, race, ethnicity or icwa")
		}
		return in, d.err()
	}
	return in, in.Validate()
}

func (m *matchService) GetEquityReport(ctx context.Context, req *alongsidev1.GetEquityReportRequest) (*alongsidev1.GetEquityReportResponse, error) {
	in, err := equityRequest(req)
	if err != nil {
		return nil, err
	}
	org, st, period := m.s.org(ctx), m.s.cfg.Store, in.Period
	// Cases opened in the period by their own zone lie within a day of it
	// in UTC; Equity applies the exact period.
	cq := store.CaseQuery{
		OpenedAfter:  period.Start.In(time.UTC).Add(-24 * time.Hour),
		OpenedBefore: period.End.In(time.UTC).Add(24 * time.Hour),
		Cursor:       store.Cursor{PageSize: store.MaxPageSize},
	}
	if err := store.Walk(ctx, &cq.Cursor, func() (store.Page[*alongside.Case], error) { return st.ListCases(ctx, org, cq) },
		func(c *alongside.Case) { in.Cases = append(in.Cases, c) }); err != nil {
		return nil, err
	}
	// One pass over the assignments (a listing by case scans them all per
	// case), keeping those of the listed cases.
	listed := make(map[alongside.CaseID]bool, len(in.Cases))
	for _, c := range in.Cases {
		listed[c.ID] = true
	}
	aq := store.AssignmentQuery{Cursor: store.Cursor{PageSize: store.MaxPageSize}}
	if err := store.Walk(ctx, &aq.Cursor, func() (store.Page[*alongside.Assignment], error) { return st.ListAssignments(ctx, org, aq) },
		func(a *alongside.Assignment) {
			if listed[a.Case] {
				in.Assignments = append(in.Assignments, a)
			}
		}); err != nil {
		return nil, err
	}
	seen := map[alongside.PartnerID]bool{}
	for _, a := range in.Assignments {
		if a.State != alongside.StateConfirmed || seen[a.Partner] {
			continue
		}
		seen[a.Partner] = true
		p, err := st.GetPartner(ctx, org, a.Partner)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if p != nil {
			in.Partners = append(in.Partners, p)
		}
	}
	rep, err := matcher.Equity(in)
	if err != nil {
		return nil, err
	}
	o := equityRowToProto(rep.Overall)
	return &alongsidev1.GetEquityReportResponse{Rows: mapSlice(rep.Rows, equityRowToProto), Overall: o}, nil
}

// equityRowToProto returns r as an API message.
func equityRowToProto(r matcher.EquityRow) *alongsidev1.EquityRow {
	m := &alongsidev1.EquityRow{
		Group: r.Group, Cases: int32(r.Cases), MatchedWithin_48HShare: r.MatchedWithin48hShare,
		MeanScore: r.MeanScore, LanguageMatchRate: r.LanguageMatchRate, Suppressed: r.Suppressed,
	}
	if r.MedianTimeToMatch != nil {
		m.MedianTimeToMatch = durationProto(*r.MedianTimeToMatch)
	}
	return m
}
