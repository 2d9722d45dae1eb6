package matcher

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/matcher/gap"
)

// RebalanceInput is what a batch rebalance re-optimizes: the open cases
// still to be matched or only held, their live holds and the roster.
// Confirmed assignments are not part of it: their load comes in through
// Committed and they never move.
type RebalanceInput struct {
	// Cases are the cases to (re)assign: open cases without a partner and
	// open cases with a live hold. Each must be open, appear once and have
	// no confirmed assignment in its History.
	Cases []*alongside.Case
	// Holds are the live holds of Cases: at most one per case, each naming
	// a case of Cases. Holds that are not live at Now (answered or
	// expired) are ignored. Nil: no case is held.
	Holds []*alongside.Assignment
	// Partners is the roster the cases may go to. Candidates for a case
	// come from an [Index] of it, so a case scores only its county's
	// partners of its program (with the default rules), never the whole
	// roster.
	Partners []*alongside.Partner
	// Index, when not nil, supplies the candidates instead of an index
	// built from Partners for this call: pass the organization's
	// long-lived index of the same roster to save building one. Partners
	// still lists the roster.
	Index *Index
	// Committed returns the load, in load units, a partner carries that the
	// rebalance does not move: confirmed assignments, and live holds of
	// cases that are not in Cases. Holds of Cases do not count: they are
	// being re-decided. Nil: no partner carries anything.
	Committed func(alongside.PartnerID) alongside.LoadUnits
	// Policies are the matching policies; nil is [DefaultPolicy].
	Policies *PolicySet
	// Now is the instant of the rebalance (the store's clock); it must be
	// set. It decides readiness dates, which holds are live and each
	// case's urgency.
	Now time.Time
	// Travel estimates drive times; nil uses the policy's great-circle
	// estimate ([Env.Travel]).
	Travel TravelEstimator
	// History returns a case's assignments so far, for [RulePreviousOffer]
	// ([Env.History]). Nil: no case has any.
	History func(alongside.CaseID) []*alongside.Assignment
}

// RebalanceOptions configures [Rebalance]. The zero value is ready to use.
type RebalanceOptions struct {
	// TimeLimit bounds the solver's wall-clock time; 0 means no limit (the
	// solver stops on its own effort budget, so results do not depend on
	// the machine). The best plan found by then is returned with status
	// gap.TimeLimit.
	TimeLimit time.Duration
	// Seed seeds the solver; equal inputs and seeds give equal plans when
	// the time limit does not cut the search short. Zero is a valid seed.
	Seed uint64
	// UnmatchedPenalty, in score points (0–100 scale), is subtracted, times
	// the case's urgency, for every case left without a partner. 0 (the
	// default) maximizes total score alone; a larger value trades score for
	// matching more parents (100: one more match is worth any loss of
	// score). It must be finite and not negative.
	UnmatchedPenalty float64
}

// RebalancePlan is a proposal: a partner (or none) for every case, the
// changes from the current holds, and how well the solver did.
type RebalancePlan struct {
	// Cases holds one proposal per input case, in input order.
	Cases []CaseProposal
	// Changes lists the cases whose proposed partner differs from the
	// partner of their live hold, in input order: new holds (From empty),
	// moved holds, and holds to release (To empty). A case that keeps its
	// partner is not listed.
	Changes []RebalanceChange
	// Matched counts the cases with a proposed partner.
	Matched int
	// TotalScore is the sum of the proposed pairs' scores (0–100 each),
	// without urgency weights.
	TotalScore float64
	// Value is the objective of the plan: Σ urgency × score over matched
	// cases, minus urgency × [RebalanceOptions.UnmatchedPenalty] per
	// unmatched case.
	Value float64
	// Bound is a proven upper bound on Value's optimum.
	Bound float64
	// Gap is |Value − Bound| ÷ max(1, |Value|): 0 when Status is
	// gap.Optimal.
	Gap float64
	// Status says how the solver ended; hitting the time limit is
	// gap.TimeLimit, not an error.
	Status gap.Status
	// Stats describe the solver's work (zero when nothing needed solving).
	Stats gap.Stats
}

// CaseProposal is the rebalance's proposal for one case.
type CaseProposal struct {
	// Case is the case.
	Case alongside.CaseID
	// Current is the partner of the case's live hold; empty when none.
	Current alongside.PartnerID
	// CurrentScore is Current's score for the case at Now (its hold's score
	// when the partner is not in the roster); 0 when there is no hold.
	CurrentScore float64
	// Partner is the proposed partner; empty when the case stays unmatched
	// (see Reason).
	Partner alongside.PartnerID
	// Score is Partner's score for the case, 0–100; 0 when none.
	Score float64
	// Explanation is the proposed pair's full explanation (every factor);
	// nil when no partner is proposed.
	Explanation *Result
	// Urgency is the case's weight in the objective, in [1, 2]: 1 plus the
	// share of its 48-hour window already spent at Now.
	Urgency float64
	// Eligible counts the partners who pass every hard rule for the case.
	Eligible int
	// Reason says, in words for coordinators, why no partner is proposed:
	// the roster's shortfall ([Ranking.Shortfall]) or the capacity taken by
	// other cases. Empty when Partner is set.
	Reason string
}

// Changed reports whether the proposal differs from the case's current hold.
func (p *CaseProposal) Changed() bool { return p.Partner != p.Current }

// RebalanceChange is one proposed change of partner for a case.
type RebalanceChange struct {
	Case alongside.CaseID // the case
	// From is the partner of the case's live hold; empty when it had none.
	From alongside.PartnerID
	// To is the proposed partner; empty when the hold should be released
	// and nobody can take the case.
	To alongside.PartnerID
	// ScoreBefore is From's score, 0–100; 0 when From is empty.
	ScoreBefore float64
	// ScoreAfter is To's score, 0–100; 0 when To is empty.
	ScoreAfter float64
}

// Urgency is a case's weight in a rebalance at now: 1 plus the share of
// its 48-hour match window ([alongside.MatchWindow]) already spent,
// clamped to [1, 2]. A case opened just now weighs 1, one at or past its
// deadline 2, so of two equal scores the case closer to its deadline wins.
func Urgency(c *alongside.Case, now time.Time) float64 {
	spent := float64(now.Sub(c.OpenedAt)) / float64(alongside.MatchWindow)
	return 1 + min(max(spent, 0), 1)
}

// rebalanceCase is one case's share of the problem.
type rebalanceCase struct {
	c       *alongside.Case
	s       *Scorer
	cands   []*entry // from the index's lists
	given   RuleSet  // rules the lists guarantee
	urgency float64
	hold    *alongside.Assignment // live hold, or nil
	pairs   []pair                // eligible partners, by partner ID
	job     int                   // column in the problem, or -1
}

type pair struct {
	p     *alongside.Partner
	score float64
}

// Rebalance re-optimizes all given open cases and live holds jointly, as a
// Generalized Assignment Problem ([gap.Problem], maximizing), and proposes a
// partner or none for each:
//
//   - a job per case that some partner may take, an agent per partner
//     eligible for some case;
//   - profit urgency × score ([Urgency], [Scorer.Quick] in an [Env] whose
//     loads are Committed), the case's units as weight, and partners
//     failing a hard rule forbidden (candidates come from an [Index] of the
//     roster, so only the case's county and program are scored);
//   - each partner's capacity minus Committed as its capacity: confirmed
//     load never moves and is never exceeded;
//   - a finite penalty (urgency × UnmatchedPenalty), so a case may stay
//     unmatched, with the reason in words.
//
// Ties keep the current hold: a case is moved only when that improves the
// objective. Rebalance is pure (no clock, no store, no logging); it returns
// an error only for invalid input (*alongside.FieldError values, joined),
// or when ctx is cancelled.
func Rebalance(ctx context.Context, in RebalanceInput, opts RebalanceOptions) (*RebalancePlan, error) {
	if err := checkRebalance(in, opts); err != nil {
		return nil, err
	}
	policies := in.Policies
	if policies == nil {
		policies = defaultSet()
	}
	committed := in.Committed
	if committed == nil {
		committed = func(alongside.PartnerID) alongside.LoadUnits { return 0 }
	}
	x := in.Index
	if x == nil {
		x = NewIndex(nil)
		x.Reset(in.Partners)
	}

	holds := map[alongside.CaseID]*alongside.Assignment{}
	for _, h := range in.Holds {
		if h.LiveAt(in.Now) {
			holds[h.Case] = h
		}
	}

	// Score every case's candidates; collect the partners eligible for some case.
	rcs := make([]rebalanceCase, len(in.Cases))
	agentOf := map[alongside.PartnerID]int{}
	var agents []*alongside.Partner
	for j, c := range in.Cases {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pol := policies.For(c.Program)
		env := Env{Now: in.Now, Loads: committed, Travel: in.Travel}
		if in.History != nil {
			env.History = in.History(c.ID)
		}
		rc := &rcs[j]
		*rc = rebalanceCase{c: c, s: NewScorer(c, pol, env), urgency: Urgency(c, in.Now), hold: holds[c.ID], job: -1}
		rc.cands, rc.given = x.pool(c, pol)
		for _, e := range rc.cands {
			p := e.p
			if total, ok := rc.s.quick(e, rc.given); ok {
				rc.pairs = append(rc.pairs, pair{p, total})
				if _, seen := agentOf[p.ID]; !seen {
					agentOf[p.ID] = len(agents)
					agents = append(agents, p)
				}
			}
		}
	}
	// Agents by partner ID, so the problem does not depend on input order.
	slices.SortFunc(agents, func(a, b *alongside.Partner) int { return cmp.Compare(a.ID, b.ID) })
	for i, p := range agents {
		agentOf[p.ID] = i
	}

	prob := &gap.Problem{Sense: gap.Maximize}
	var jobs []int // index into rcs of each job
	for j := range rcs {
		if len(rcs[j].pairs) > 0 {
			rcs[j].job = len(jobs)
			jobs = append(jobs, j)
		}
	}
	n := len(jobs)
	prob.Cost = make([][]float64, len(agents))
	prob.Weight = make([][]float64, len(agents))
	prob.Capacity = make([]float64, len(agents))
	for i, p := range agents {
		prob.Cost[i] = make([]float64, n)
		prob.Weight[i] = make([]float64, n)
		for k := range prob.Weight[i] {
			prob.Weight[i][k] = math.Inf(1)
		}
		prob.Capacity[i] = float64(max(0, p.Capacity-committed(p.ID)))
	}
	prob.Penalty = make([]float64, n)
	for k, j := range jobs {
		rc := &rcs[j]
		for _, pr := range rc.pairs {
			i := agentOf[pr.p.ID]
			prob.Cost[i][k] = rc.urgency * pr.score
			prob.Weight[i][k] = float64(rc.c.Units())
		}
		prob.Penalty[k] = rc.urgency * opts.UnmatchedPenalty
	}

	plan := &RebalancePlan{}
	assign := make([]int, n)
	for k := range assign {
		assign[k] = -1
	}
	if n > 0 {
		sol, err := gap.Solve(ctx, prob, gap.Options{TimeLimit: opts.TimeLimit, Seed: opts.Seed})
		if err != nil {
			return nil, fmt.Errorf("rebalance: %w", err)
		}
		plan.Status, plan.Stats, plan.Bound = sol.Status, sol.Stats, sol.Bound
		if sol.Assign != nil {
			copy(assign, sol.Assign)
			keepTies(prob, assign, rcs, jobs, agentOf)
		} else {
			// No feasible plan in time: propose the current holds (feasible
			// by construction) and nothing new — keepTies from nothing
			// assigned.
			keepTies(prob, assign, rcs, jobs, agentOf)
		}
		v, err := prob.Evaluate(assign)
		if err != nil {
			return nil, fmt.Errorf("rebalance: evaluate plan: %w", err)
		}
		plan.Value = v
	} else {
		plan.Status = gap.Optimal
	}
	// Cases nobody can take are outside the problem: their penalty counts
	// in the value and the bound alike.
	for j := range rcs {
		if rcs[j].job < 0 {
			pen := rcs[j].urgency * opts.UnmatchedPenalty
			plan.Value -= pen
			plan.Bound -= pen
		}
	}
	if n == 0 {
		plan.Bound = plan.Value
	}
	plan.Gap = math.Abs(plan.Value-plan.Bound) / max(1, math.Abs(plan.Value))
	if plan.Status == gap.Optimal {
		plan.Gap = 0
	}

	plan.Cases = make([]CaseProposal, len(rcs))
	for j := range rcs {
		rc := &rcs[j]
		cp := &plan.Cases[j]
		cp.Case, cp.Urgency, cp.Eligible = rc.c.ID, rc.urgency, len(rc.pairs)
		if rc.hold != nil {
			cp.Current = rc.hold.Partner
			cp.CurrentScore = rc.currentScore(x)
		}
		if rc.job >= 0 && assign[rc.job] >= 0 {
			p := agents[assign[rc.job]]
			r := rc.s.Score(p)
			cp.Partner, cp.Score, cp.Explanation = p.ID, r.Total, &r
			plan.Matched++
			plan.TotalScore += r.Total
		} else {
			cp.Reason = rc.reason()
		}
		if cp.Changed() {
			plan.Changes = append(plan.Changes, RebalanceChange{
				Case: cp.Case, From: cp.Current, To: cp.Partner,
				ScoreBefore: cp.CurrentScore, ScoreAfter: cp.Score,
			})
		}
	}
	return plan, nil
}

// currentScore is the score of the case's held partner now, or the hold's
// recorded score when the partner is not in the roster.
func (rc *rebalanceCase) currentScore(x *Index) float64 {
	for _, pr := range rc.pairs {
		if pr.p.ID == rc.hold.Partner {
			return pr.score
		}
	}
	if p, ok := x.Get(rc.hold.Partner); ok {
		return rc.s.Score(p).Total
	}
	return rc.hold.Score
}

// reason says why the case gets no partner.
func (rc *rebalanceCase) reason() string {
	switch len(rc.pairs) {
	case 0:
		return rc.s.rank(rc.cands, rc.given, 1).Shortfall()
	case 1:
		return "the one eligible partner's remaining capacity went to cases that gain more"
	}
	return fmt.Sprintf("the %d eligible partners' remaining capacity went to cases that gain more", len(rc.pairs))
}

// keepTies moves each case back to the partner of its live hold when that
// partner has room and scores as well as the proposed one, so equally good
// plans do not churn holds. It never lowers the objective.
func keepTies(prob *gap.Problem, assign []int, rcs []rebalanceCase, jobs []int, agentOf map[alongside.PartnerID]int) {
	used := loads(prob, assign)
	for k, j := range jobs {
		rc := &rcs[j]
		if rc.hold == nil {
			continue
		}
		h, ok := agentOf[rc.hold.Partner]
		cur := assign[k]
		if !ok || cur == h || math.IsInf(prob.Weight[h][k], 1) {
			continue
		}
		if used[h]+prob.Weight[h][k] > prob.Capacity[h]*(1+1e-9) {
			continue
		}
		gain := prob.Cost[h][k]
		if cur >= 0 {
			gain -= prob.Cost[cur][k]
		} else {
			gain += prob.Penalty[k]
		}
		if gain < -1e-9 {
			continue
		}
		if cur >= 0 {
			used[cur] -= prob.Weight[cur][k]
		}
		used[h] += prob.Weight[h][k]
		assign[k] = h
	}
}

// loads returns each agent's load under assign.
func loads(prob *gap.Problem, assign []int) []float64 {
	used := make([]float64, prob.Agents())
	for k, i := range assign {
		if i >= 0 {
			used[i] += prob.Weight[i][k]
		}
	}
	return used
}

// checkRebalance reports every invalid input of a rebalance.
func checkRebalance(in RebalanceInput, opts RebalanceOptions) error {
	var errs []error
	bad := func(field, reason string) { errs = append(errs, &alongside.FieldError{Field: field, Reason: reason}) }
	if in.Now.IsZero() {
		bad("now", "must be set")
	}
	if opts.TimeLimit < 0 {
		bad("time_limit", "must not be negative")
	}
	if u := opts.UnmatchedPenalty; u < 0 || math.IsNaN(u) || math.IsInf(u, 0) {
		bad("unmatched_penalty", "must be a finite number, 0 or more")
	}
	cases := map[alongside.CaseID]bool{}
	for i, c := range in.Cases {
		f := alongside.IndexField("cases", i)
		switch {
		case c == nil:
			bad(f, "must not be nil")
			continue
		case cases[c.ID]:
			bad(f+".id", fmt.Sprintf("case %s is listed twice", c.ID))
		case c.Status != alongside.CaseStatusOpen:
			bad(f+".status", "must be open to be rebalanced")
		}
		cases[c.ID] = true
		if in.History != nil {
			for _, a := range in.History(c.ID) {
				if a != nil && a.Case == c.ID && a.State == alongside.StateConfirmed {
					bad(f, fmt.Sprintf("case %s has a confirmed assignment (%s); confirmed assignments are never rebalanced", c.ID, a.ID))
					break
				}
			}
		}
	}
	held := map[alongside.CaseID]bool{}
	for i, h := range in.Holds {
		f := alongside.IndexField("holds", i)
		switch {
		case h == nil:
			bad(f, "must not be nil")
		case !h.LiveAt(in.Now):
		case !cases[h.Case]:
			bad(f+".case", fmt.Sprintf("case %s is not among the cases", h.Case))
		case held[h.Case]:
			bad(f+".case", fmt.Sprintf("case %s has a second live hold", h.Case))
		default:
			held[h.Case] = true
		}
	}
	partners := map[alongside.PartnerID]bool{}
	for i, p := range in.Partners {
		f := alongside.IndexField("partners", i)
		switch {
		case p == nil:
			bad(f, "must not be nil")
		case partners[p.ID]:
			bad(f+".id", fmt.Sprintf("partner %s is listed twice", p.ID))
		default:
			partners[p.ID] = true
		}
	}
	return errors.Join(errs...)
}
