package server_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/alongside/alongside"
	alongsidev1 "github.com/alongside/alongside/api/gen/alongside/v1"
	"github.com/alongside/alongside/api/gen/alongside/v1/alongsidev1connect"
	"github.com/alongside/alongside/server"
	"github.com/alongside/alongside/store"
)

// matchPartner is a partner ready for Parents for Parents cases in Mohave
// County, living dist degrees of latitude north of Kingman.
func matchPartner(name string, dist float64) *alongsidev1.Partner {
	p := validPartner(name)
	p.Programs = []string{"parents_for_parents"}
	p.Trainings = nil
	for _, k := range []string{alongside.TrainingMandatoryReporting, alongside.TrainingBoundaries, alongside.TrainingSafety,
		alongside.TrainingConfidentiality, alongside.TrainingFatherhood} {
		p.Trainings = append(p.Trainings, &alongsidev1.Credential{Kind: k, Completed: "2022-01-10"})
	}
	p.Home = &alongsidev1.LatLng{Lat: 35.19 + dist, Lng: -114.05}
	return p
}

// matchCase is a Spanish-speaking father's Parents for Parents case in
// Mohave County, opened an hour ago.
func matchCase(ref string) *alongsidev1.Case {
	c := validCase(ref)
	c.Program = "parents_for_parents"
	c.OpenedAt = timestamppb.New(time.Now().Add(-time.Hour))
	return c
}

type matchClients struct {
	roster alongsidev1connect.RosterServiceClient
	match  alongsidev1connect.MatchServiceClient
}

func newMatchClients(url string, grpc bool, opts ...connecthttp.Option) matchClients {
	c := connect.NewClient(connecthttp.NewTransport(newHTTPClient(grpc), url, opts...))
	return matchClients{alongsidev1connect.NewRosterServiceClient(c), alongsidev1connect.NewMatchServiceClient(c)}
}

// serveMatching runs a server with a fast cascade that leaves new cases to
// MatchCase.
func serveMatching(t *testing.T, st store.Store) string {
	t.Helper()
	srv, err := server.New(server.Config{Store: st, Org: "e2e", SweepInterval: 50 * time.Millisecond,
		CascadeInterval: 50 * time.Millisecond, NewCaseGrace: 24 * time.Hour})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	return serveWith(t, srv)
}

// TestMatchE2E drives MatchService over the real server: a match holds the
// best partner, a retry with the same key replays it, two declines move the
// offer down the ranking through the cascade, the third candidate confirms,
// and a case nobody can take is escalated with its reason.
func TestMatchE2E(t *testing.T) {
	t.Parallel()
	for _, st := range stores {
		for _, proto := range protocols {
			t.Run(st.name+"/"+proto.name, func(t *testing.T) {
				t.Parallel()
				ctx := t.Context()
				c := newMatchClients(serveMatching(t, st.open(t)), proto.name == "grpc-h2c", proto.opts...)
				var ids []string
				for i, name := range []string{"Ana Near", "Beto Middle", "Carla Far"} {
					r, err := c.roster.CreatePartner(ctx, &alongsidev1.CreatePartnerRequest{Partner: matchPartner(name, 0.1*float64(i))})
					if err != nil {
						t.Fatalf("CreatePartner: %v", err)
					}
					ids = append(ids, r.GetPartner().GetId())
				}
				english := matchPartner("Dee English", 0)
				english.Languages = []string{"en"}
				r, err := c.roster.CreatePartner(ctx, &alongsidev1.CreatePartnerRequest{Partner: english})
				if err != nil {
					t.Fatalf("CreatePartner: %v", err)
				}
				englishID := r.GetPartner().GetId()
				k, err := c.roster.CreateCase(ctx, &alongsidev1.CreateCaseRequest{Case: matchCase("DCS-MATCH-1")})
				if err != nil {
					t.Fatalf("CreateCase: %v", err)
				}
				caseID := k.GetCase().GetId()

				// The intake worker's match holds the nearest partner.
				req := &alongsidev1.MatchCaseRequest{CaseId: caseID, IdempotencyKey: "intake-1"}
				first, err := c.match.MatchCase(ctx, req)
				if err != nil {
					t.Fatalf("MatchCase: %v", err)
				}
				if first.GetOutcome() != alongsidev1.HoldOutcome_HOLD_OUTCOME_HELD || first.GetHold().GetPartnerId() != ids[0] {
					t.Fatalf("MatchCase = %v holding %q; want HELD on %q", first.GetOutcome(), first.GetHold().GetPartnerId(), ids[0])
				}
				var ranked []string
				var lastTravel time.Duration
				for _, cand := range first.GetCandidates() {
					if cand.GetEligible() {
						ranked = append(ranked, cand.GetPartnerId())
						// Nearest first: each drive at least the one before.
						d := cand.GetTravelTime().AsDuration()
						if cand.GetTravelTime() == nil || d < lastTravel {
							t.Errorf("candidate %s travel_time %v after %v; want an estimate, nearest first", cand.GetPartnerId(), cand.GetTravelTime(), lastTravel)
						}
						lastTravel = d
					}
				}
				if want := ids; strings.Join(ranked, ",") != strings.Join(want, ",") {
					t.Errorf("eligible candidates = %v; want %v (nearest first)", ranked, want)
				}
				last := first.GetCandidates()[len(first.GetCandidates())-1]
				if last.GetPartnerId() != englishID || last.GetEligible() || last.GetFailedRules()[0].GetRule() != "language" {
					t.Errorf("last candidate = %s eligible %v rules %v; want the English-only partner failing language",
						last.GetPartnerId(), last.GetEligible(), last.GetFailedRules())
				}

				// A retry replays the same hold, never a second one.
				again, err := c.match.MatchCase(ctx, req)
				if err != nil {
					t.Fatalf("MatchCase (retry): %v", err)
				}
				if !again.GetReplayed() || again.GetHold().GetId() != first.GetHold().GetId() {
					t.Errorf("retry = replayed %v hold %q; want the replayed hold %q", again.GetReplayed(), again.GetHold().GetId(), first.GetHold().GetId())
				}
				other, err := c.roster.CreateCase(ctx, &alongsidev1.CreateCaseRequest{Case: matchCase("DCS-MATCH-2")})
				if err != nil {
					t.Fatalf("CreateCase: %v", err)
				}
				_, err = c.match.MatchCase(ctx, &alongsidev1.MatchCaseRequest{CaseId: other.GetCase().GetId(), IdempotencyKey: "intake-1"})
				wantCode(t, "MatchCase(key of another case)", err, connect.CodeFailedPrecondition)

				// Two declines: the cascade offers the second, then the third.
				hold := first.GetHold()
				for _, next := range ids[1:] {
					if _, err := c.match.DeclineAssignment(ctx, &alongsidev1.DeclineAssignmentRequest{AssignmentId: hold.GetId(), Reason: "not this week"}); err != nil {
						t.Fatalf("DeclineAssignment: %v", err)
					}
					hold = waitHold(t, c.match, caseID)
					if hold.GetPartnerId() != next || hold.GetHeldBy() != "system:alongside" {
						t.Fatalf("cascade offer = %s by %s; want %s by the service", hold.GetPartnerId(), hold.GetHeldBy(), next)
					}
				}
				conf, err := c.match.ConfirmAssignment(ctx, &alongsidev1.ConfirmAssignmentRequest{AssignmentId: hold.GetId()})
				if err != nil || conf.GetAssignment().GetState() != alongsidev1.AssignmentState_ASSIGNMENT_STATE_CONFIRMED {
					t.Fatalf("ConfirmAssignment = %v, %v; want confirmed", conf.GetAssignment().GetState(), err)
				}
				got, err := c.roster.GetCase(ctx, &alongsidev1.GetCaseRequest{CaseId: caseID})
				if err != nil {
					t.Fatalf("GetCase: %v", err)
				}
				if a := got.GetCase().GetCurrentAssignment(); a.GetPartnerId() != ids[2] || a.GetState() != alongsidev1.AssignmentState_ASSIGNMENT_STATE_CONFIRMED {
					t.Errorf("current assignment = %s %v; want %s confirmed", a.GetPartnerId(), a.GetState(), ids[2])
				}
				_, err = c.match.ConfirmAssignment(ctx, &alongsidev1.ConfirmAssignmentRequest{AssignmentId: first.GetHold().GetId()})
				wantCode(t, "ConfirmAssignment(declined hold)", err, connect.CodeFailedPrecondition)

				// Nobody speaks Vietnamese: escalated with the reason.
				vi := matchCase("DCS-MATCH-3")
				vi.Languages = []string{"vi"}
				vk, err := c.roster.CreateCase(ctx, &alongsidev1.CreateCaseRequest{Case: vi})
				if err != nil {
					t.Fatalf("CreateCase: %v", err)
				}
				none, err := c.match.MatchCase(ctx, &alongsidev1.MatchCaseRequest{CaseId: vk.GetCase().GetId(), IdempotencyKey: "intake-3"})
				if err != nil {
					t.Fatalf("MatchCase(vi): %v", err)
				}
				esc := none.GetEscalation()
				if none.GetOutcome() != alongsidev1.HoldOutcome_HOLD_OUTCOME_NO_ELIGIBLE_PARTNER ||
					esc.GetReason() != alongsidev1.EscalationReason_ESCALATION_REASON_NO_ELIGIBLE_PARTNER ||
					!strings.Contains(esc.GetDetail(), "Vietnamese") {
					t.Errorf("MatchCase(vi) = %v, escalation %v %q; want NO_ELIGIBLE_PARTNER naming Vietnamese", none.GetOutcome(), esc.GetReason(), esc.GetDetail())
				}
				stored, err := c.roster.GetCase(ctx, &alongsidev1.GetCaseRequest{CaseId: vk.GetCase().GetId()})
				if err != nil {
					t.Fatalf("GetCase: %v", err)
				}
				if e := stored.GetCase().GetEscalation(); e.GetDetail() != esc.GetDetail() || e.GetEscalatedAt() == nil {
					t.Errorf("stored escalation = %v; want the match's, with its time", e)
				}

				// "Why not Dee?"
				ex, err := c.match.ExplainMatch(ctx, &alongsidev1.ExplainMatchRequest{CaseId: caseID, PartnerId: englishID})
				if err != nil {
					t.Fatalf("ExplainMatch: %v", err)
				}
				if cand := ex.GetCandidate(); cand.GetEligible() || len(cand.GetFailedRules()) == 0 || ex.GetPolicyVersion() == "" {
					t.Errorf("ExplainMatch = eligible %v rules %v version %q; want ineligible with reasons", cand.GetEligible(), cand.GetFailedRules(), ex.GetPolicyVersion())
				}

				// Rebalance proposes (nothing moves a confirmed case); apply needs a key.
				rb, err := c.match.Rebalance(ctx, &alongsidev1.RebalanceRequest{TimeLimit: durationpb.New(time.Second)})
				if err != nil {
					t.Fatalf("Rebalance: %v", err)
				}
				for _, ch := range rb.GetChanges() {
					if ch.GetCaseId() == caseID {
						t.Errorf("Rebalance moves the confirmed case %s", caseID)
					}
				}
				if rb.GetStatus() == alongsidev1.SolveStatus_SOLVE_STATUS_UNSPECIFIED || rb.GetApplied() {
					t.Errorf("Rebalance = status %v applied %v; want a status, not applied", rb.GetStatus(), rb.GetApplied())
				}
				_, err = c.match.Rebalance(ctx, &alongsidev1.RebalanceRequest{Apply: true})
				wantField(t, "Rebalance(apply without key)", err, "idempotency_key")

				// Three cases are too few to report: every figure is withheld.
				today := time.Now().UTC()
				period := &alongsidev1.DateRange{Start: today.AddDate(0, 0, -2).Format(time.DateOnly), End: today.AddDate(0, 0, 2).Format(time.DateOnly)}
				eq, err := c.match.GetEquityReport(ctx, &alongsidev1.GetEquityReportRequest{Period: period, GroupBy: alongsidev1.EquityGroupBy_EQUITY_GROUP_BY_PARENT_ROLE})
				if err != nil {
					t.Fatalf("GetEquityReport: %v", err)
				}
				if o := eq.GetOverall(); !o.GetSuppressed() || o.GetCases() != 0 {
					t.Errorf("equity overall = %v; want suppressed with no figures", o)
				}
				_, err = c.match.GetEquityReport(ctx, &alongsidev1.GetEquityReportRequest{Period: period})
				wantField(t, "GetEquityReport(no group_by)", err, "group_by")

				// Bad input names the field.
				_, err = c.match.MatchCase(ctx, &alongsidev1.MatchCaseRequest{CaseId: caseID})
				wantField(t, "MatchCase(no key)", err, "idempotency_key")
				_, err = c.match.MatchCase(ctx, &alongsidev1.MatchCaseRequest{CaseId: caseID, IdempotencyKey: "k", TopK: 51})
				wantField(t, "MatchCase(top_k 51)", err, "top_k")
				_, err = c.match.MatchCase(ctx, &alongsidev1.MatchCaseRequest{CaseId: "c_nope", IdempotencyKey: "k"})
				wantCode(t, "MatchCase(unknown case)", err, connect.CodeNotFound)
			})
		}
	}
}

// waitHold waits for the case's live hold.
func waitHold(t *testing.T, c alongsidev1connect.MatchServiceClient, caseID string) *alongsidev1.Assignment {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		r, err := c.ListPendingHolds(t.Context(), &alongsidev1.ListPendingHoldsRequest{CaseId: caseID})
		if err != nil {
			t.Fatalf("ListPendingHolds: %v", err)
		}
		if len(r.GetHolds()) > 0 {
			return r.GetHolds()[0]
		}
	}
	t.Fatalf("no hold on case %s within 10 s", caseID)
	return nil
}

// TestMatchConcurrent races 64 clients, half over Connect JSON and half
// over gRPC, matching 60 cases (a third of the requests retry a key)
// against 6 partners of capacity 3: no partner is ever over capacity, every
// key ends with one outcome, and exactly 18 cases are held.
func TestMatchConcurrent(t *testing.T) {
	t.Parallel()
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			s := st.open(t)
			url := serveMatching(t, s)
			c := newMatchClients(url, false, connecthttp.WithProtoJSON())
			clients := []matchClients{c, newMatchClients(url, true, connecthttp.WithGRPC())}
			var partners []string
			for i := range 6 {
				p := matchPartner(fmt.Sprintf("Partner %d", i), 0.01*float64(i))
				p.Capacity = 3
				r, err := c.roster.CreatePartner(ctx, &alongsidev1.CreatePartnerRequest{Partner: p})
				if err != nil {
					t.Fatalf("CreatePartner: %v", err)
				}
				partners = append(partners, r.GetPartner().GetId())
			}
			var cases []string
			for i := range 60 {
				r, err := c.roster.CreateCase(ctx, &alongsidev1.CreateCaseRequest{Case: matchCase(fmt.Sprintf("DCS-RACE-%d", i))})
				if err != nil {
					t.Fatalf("CreateCase: %v", err)
				}
				cases = append(cases, r.GetCase().GetId())
			}
			var (
				mu      sync.Mutex
				holdOf  = map[string]string{} // key → hold ID ("" when refused)
				wg      sync.WaitGroup
				next    = 0
				request = func() (int, bool) {
					mu.Lock()
					defer mu.Unlock()
					if next >= 90 {
						return 0, false
					}
					next++
					return next - 1, true
				}
			)
			for w := range 64 {
				c := clients[w%2]
				wg.Go(func() {
					for {
						i, ok := request()
						if !ok {
							return
						}
						n := i % 60 // requests 60–89 retry the first 30 keys
						key := fmt.Sprintf("race-%d", n)
						r, err := c.match.MatchCase(ctx, &alongsidev1.MatchCaseRequest{CaseId: cases[n], IdempotencyKey: key})
						if err != nil {
							t.Errorf("MatchCase %s: %v", key, err)
							return
						}
						mu.Lock()
						if testing.Verbose() {
							t.Logf("%s: %v %s", key, r.GetOutcome(), r.GetReason())
						}
						id := ""
						if r.GetOutcome() == alongsidev1.HoldOutcome_HOLD_OUTCOME_HELD {
							id = r.GetHold().GetId()
						}
						if prev, seen := holdOf[key]; seen && prev != id {
							t.Errorf("key %s answered hold %q and %q", key, prev, id)
						}
						holdOf[key] = id
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			held := 0
			for _, id := range holdOf {
				if id != "" {
					held++
				}
			}
			if held != 18 {
				t.Errorf("cases held = %d; want 18 (6 partners × capacity 3)", held)
			}
			for _, p := range partners {
				l, err := s.Load(ctx, "e2e", alongside.PartnerID(p))
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if l.Committed+l.Held > l.Capacity {
					t.Errorf("partner %s load %d+%d over capacity %d", p, l.Committed, l.Held, l.Capacity)
				}
			}
		})
	}
}
