package matcher

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/alongside/alongside"
)

// Candidate is a ranked partner with the explanation of its score.
type Candidate struct {
	Partner *alongside.Partner // the ranked partner, shared with the caller's list
	Result                     // its score and explanation
}

// RuleCount is how many candidates a hard rule excluded.
type RuleCount struct {
	Rule     Rule `json:"rule"`     // the hard rule
	Partners int  `json:"partners"` // candidates failing it
}

// Ranking is the outcome of ranking a case's candidates: the best eligible
// partners with explanations, and counts that say why the others were
// excluded. A Ranking keeps its [Scorer] to explain more partners on
// demand, so like the Scorer it is not safe for concurrent use.
type Ranking struct {
	// Case is the ranked case.
	Case alongside.CaseID
	// Top holds up to k eligible candidates, best first: score descending,
	// then partner ID ascending. Each carries its full explanation.
	Top []Candidate
	// Considered is the number of candidates scored.
	Considered int
	// Eligible is the number of candidates that pass every rule.
	Eligible int

	s     *Scorer
	cands []*entry
	given RuleSet   // rules every candidate passes by construction
	masks []RuleSet // the first failed rule per candidate (0: eligible)
	full  bool      // masks hold every failed rule
	top   []scored  // Top's scores
}

type scored struct {
	i     int // index into cands
	total float64
}

// Rank scores every candidate for case c under pol (nil: the default
// policy of c's program) in env and returns the best k eligible ones with
// explanations (k ≤ 0: the policy's top_k). Order is deterministic: score
// descending, then partner ID. Candidates usually come from
// [Index.Candidates] and must be distinct partners.
func Rank(c *alongside.Case, candidates []*alongside.Partner, pol *Policy, env Env, k int) *Ranking {
	return NewScorer(c, pol, env).Rank(candidates, k)
}

// Rank is [Rank] with s's case, policy and environment.
func (s *Scorer) Rank(candidates []*alongside.Partner, k int) *Ranking {
	return s.rank(entriesOf(candidates), 0, k)
}

// rank ranks prepared candidates that all pass the rules given.
func (s *Scorer) rank(candidates []*entry, given RuleSet, k int) *Ranking {
	if k <= 0 {
		k = s.pol.Offer.TopK
	}
	r := &Ranking{
		Case:  s.c.ID,
		s:     s,
		cands: candidates,
		given: given,
		masks: make([]RuleSet, len(candidates)),
	}
	top := make([]scored, 0, k+1)
	var ev eval
	for i, e := range candidates {
		s.evaluate(e, given, &ev, quickRules)
		if ev.failed != 0 {
			r.masks[i] = ev.failed
			continue
		}
		r.Eligible++
		// A candidate whose best possible total cannot reach the top is
		// not scored in full.
		floor := math.Inf(-1)
		if len(top) == k {
			floor = top[k-1].total
		}
		if !s.softAbove(e, &ev, floor) {
			continue
		}
		top = r.insert(top, scored{i, ev.total}, k)
	}
	r.Considered = len(candidates)
	r.top = top
	r.Top = make([]Candidate, len(top))
	for j, t := range top {
		e := candidates[t.i]
		r.Top[j] = Candidate{Partner: e.p, Result: s.score(e, given)}
	}
	return r
}

// better orders eligible candidates: higher score, then lower partner ID.
func (r *Ranking) better(a, b scored) bool {
	if a.total != b.total {
		return a.total > b.total
	}
	return r.cands[a.i].p.ID < r.cands[b.i].p.ID
}

// insert adds x to top (sorted best first, at most k long) unless the
// same partner is there already.
func (r *Ranking) insert(top []scored, x scored, k int) []scored {
	if len(top) == k && !r.better(x, top[k-1]) {
		return top
	}
	id := r.cands[x.i].p.ID
	for _, t := range top {
		if r.cands[t.i].p.ID == id {
			return top
		}
	}
	j := len(top)
	for j > 0 && r.better(x, top[j-1]) {
		j--
	}
	top = append(top, scored{})
	copy(top[j+1:], top[j:])
	top[j] = x
	if len(top) > k {
		top = top[:k]
	}
	return top
}

// fullMasks completes the masks of ineligible candidates with every rule
// they fail; Rank stops at the first.
func (r *Ranking) fullMasks() {
	if r.full {
		return
	}
	var ev eval
	for i, m := range r.masks {
		if m != 0 {
			r.s.evaluate(r.cands[i], r.given, &ev, allRules)
			r.masks[i] = ev.failed
		}
	}
	r.full = true
}

// Excluded counts, per rule in rule order, the candidates failing it; a
// candidate failing several rules counts under each. Rules that excluded
// nobody are left out. The first call checks every rule of every
// ineligible candidate (Rank stops at a candidate's first failure).
func (r *Ranking) Excluded() []RuleCount {
	r.fullMasks()
	var out []RuleCount
	for rule := Rule(1); int(rule) <= numRules; rule++ {
		n := 0
		for _, m := range r.masks {
			if m.Has(rule) {
				n++
			}
		}
		if n > 0 {
			out = append(out, RuleCount{rule, n})
		}
	}
	return out
}

// Explain scores any partner, eligible or not, for the ranked case with
// every factor and failed rule: "why not Maria?".
func (r *Ranking) Explain(p *alongside.Partner) Result { return r.s.Score(p) }

// Scorer returns the Scorer the ranking used.
func (r *Ranking) Scorer() *Scorer { return r.s }

// best returns the index in cands of the best eligible candidate that
// ok accepts, or -1. Top holds the k best, so the first accepted there is
// the best; only when Top has none is the rest scored.
func (r *Ranking) best(ok func(*alongside.Partner) bool) int {
	for _, t := range r.top {
		if ok(r.cands[t.i].p) {
			return t.i
		}
	}
	var b scored
	found := false
	var ev eval
	for i, e := range r.cands {
		if r.masks[i] != 0 || !ok(e.p) {
			continue
		}
		r.s.evaluate(e, r.given, &ev, quick)
		if x := (scored{i, ev.total}); !found || r.better(x, b) {
			b, found = x, true
		}
	}
	if !found {
		return -1
	}
	return b.i
}

// Shortfall says, in words for coordinators, why no candidate is
// eligible: the rules that narrowed the roster, in order, down to the one
// that left nobody. "no partner in Yuma County who speaks Spanish and has
// capacity (14 considered: 5 speak Spanish, 0 of those have capacity)". It
// returns "" when some candidate is eligible.
func (r *Ranking) Shortfall() string {
	if r.Eligible > 0 {
		return ""
	}
	c := r.s.c
	where := countyName(c.County)
	if r.Considered == 0 {
		return "no active partner working for " + programName(c, r.s.pol) + " serves " + where
	}
	r.fullMasks()
	// survivors[rule] = candidates passing every rule up to and including it.
	var firstFail [numRules + 1]int
	for _, m := range r.masks {
		for rule := Rule(1); int(rule) <= numRules; rule++ {
			if m.Has(rule) {
				firstFail[rule]++
				break
			}
		}
	}
	if firstFail[RuleEligibility] > 0 {
		return "the case is not eligible: " + strings.Join(r.s.ineligible, "; ")
	}
	var clauses, counts []string
	left := r.Considered
	for rule := Rule(2); int(rule) <= numRules && left > 0; rule++ {
		if firstFail[rule] == 0 {
			continue
		}
		left -= firstFail[rule]
		one, many := r.ruleClause(rule)
		clauses = append(clauses, one)
		n := fmt.Sprint(left)
		if len(counts) > 0 {
			n += " of those"
		}
		if left == 1 {
			counts = append(counts, n+" "+one)
		} else {
			counts = append(counts, n+" "+many)
		}
	}
	return fmt.Sprintf("no partner in %s who %s (%d considered: %s)",
		where, andList(clauses), r.Considered, strings.Join(counts, ", "))
}

// ruleClause returns how a partner passes rule, as a relative clause for
// one ("speaks Spanish") and for many ("speak Spanish").
func (r *Ranking) ruleClause(rule Rule) (one, many string) {
	c, pol := r.s.c, r.s.pol
	switch rule {
	case RuleActive:
		return "is active", "are active"
	case RuleProgram:
		n := programName(c, pol)
		return "works for " + n, "work for " + n
	case RuleCounty:
		n := countyName(c.County)
		return "serves " + n, "serve " + n
	case RuleLanguage:
		names := make([]string, len(c.Languages))
		for i, l := range c.Languages {
			names[i] = baseLanguageName(l)
		}
		l := orList(names)
		return "speaks " + l, "speak " + l
	case RuleCapacity:
		return "has capacity", "have capacity"
	case RuleMaxTravel:
		return "is within driving range", "are within driving range"
	case RuleCoreTraining:
		return "has finished core training", "have finished core training"
	case RuleCaseClosed:
		y := years(pol.CaseClosedYears)
		return "closed their own case at least " + y + " ago", "closed their own case at least " + y + " ago"
	case RuleRecovery:
		y := years(pol.RecoveryYears)
		return "has been in recovery for " + y, "have been in recovery for " + y
	case RuleCertification:
		words := make([]string, len(pol.Certifications))
		for i, k := range pol.Certifications {
			words[i] = keyWords(k)
		}
		w := orList(words)
		return "is a " + w, "are certified"
	case RuleExclusion:
		return "has not excluded the case", "have not excluded the case"
	case RuleConflict:
		return "is not a known conflict", "are not known conflicts"
	case RulePreviousOffer:
		return "has not already declined or missed this case", "have not already declined or missed it"
	}
	return "passes " + rule.String(), "pass " + rule.String()
}

// maxMissScan bounds the ineligible candidates NearMisses explains.
const maxMissScan = 500

// NearMisses returns up to n ineligible candidates, explained, that came
// closest: the fewest failed rules, then the highest score (ties in
// candidate order). It looks at the first 500 candidates only and
// explains just the n it returns, so a response can show "who else, and
// why not" without explaining a whole county.
func (r *Ranking) NearMisses(n int) []Candidate {
	if n <= 0 {
		return nil
	}
	type miss struct {
		i, failed int
		total     float64
	}
	var misses []miss
	var ev eval
	for i, e := range r.cands[:min(len(r.cands), maxMissScan)] {
		if r.masks[i] == 0 {
			continue // eligible
		}
		r.s.evaluate(e, r.given, &ev, full)
		misses = append(misses, miss{i, bits.OnesCount32(uint32(ev.failed)), ev.total})
	}
	slices.SortStableFunc(misses, func(a, b miss) int {
		return cmp.Or(cmp.Compare(a.failed, b.failed), cmp.Compare(b.total, a.total))
	})
	out := make([]Candidate, 0, min(n, len(misses)))
	for _, m := range misses[:cap(out)] {
		e := r.cands[m.i]
		out = append(out, Candidate{Partner: e.p, Result: r.s.score(e, r.given)})
	}
	return out
}
