package matcher

import (
	"strings"
)

// Rule is a hard rule: a partner who fails one is never offered the case.
// The zero Rule is not a rule.
type Rule uint8

// The hard rules, in the order explanations list them and escalations
// narrow the roster. Every rule but [RulePreviousOffer] can be switched off
// per program in the policy ([Policy.Rules]).
const (
	// RuleEligibility: the case meets its program's eligibility (Medicaid,
	// referral source). It depends on the case alone, so it fails for every
	// partner alike.
	RuleEligibility Rule = iota + 1
	// RuleActive: the partner's status is active (not onboarding, on leave
	// or inactive).
	RuleActive
	// RuleProgram: the partner works for the case's program.
	RuleProgram
	// RuleCounty: the partner serves the county of the case's court.
	RuleCounty
	// RuleLanguage: the partner shares a language with the parent (BCP 47
	// confidence High or Exact), unless the case has an interpreter.
	RuleLanguage
	// RuleCapacity: the partner's load plus the case's units fits the
	// partner's capacity.
	RuleCapacity
	// RuleMaxTravel: the drive to the parent's home area is within the
	// partner's limit and the policy's.
	RuleMaxTravel
	// RuleCoreTraining: every core training of the policy is complete and
	// unexpired.
	RuleCoreTraining
	// RuleCaseClosed: the partner's own case closed long enough ago.
	RuleCaseClosed
	// RuleRecovery: a partner with a substance-use history has been in
	// recovery long enough.
	RuleRecovery
	// RuleCertification: the partner holds a certification the program's
	// billing needs.
	RuleCertification
	// RuleExclusion: the partner has not declared the case's needs or the
	// case itself off limits.
	RuleExclusion
	// RuleConflict: the partner is not a known conflict of the case.
	RuleConflict
	// RulePreviousOffer: the partner has not already declined this case,
	// let an offer of it expire or been released from it. It cannot be
	// switched off.
	RulePreviousOffer

	numRules = int(RulePreviousOffer)
)

var ruleNames = [...]string{
	RuleEligibility:   "eligibility",
	RuleActive:        "active",
	RuleProgram:       "program",
	RuleCounty:        "county",
	RuleLanguage:      "language",
	RuleCapacity:      "capacity",
	RuleMaxTravel:     "max_travel",
	RuleCoreTraining:  "core_training",
	RuleCaseClosed:    "case_closed",
	RuleRecovery:      "recovery",
	RuleCertification: "certification",
	RuleExclusion:     "exclusions",
	RuleConflict:      "conflicts",
	RulePreviousOffer: "previous_offer",
}

// Rules returns every hard rule in explanation order.
func Rules() []Rule {
	out := make([]Rule, numRules)
	for i := range out {
		out[i] = Rule(i + 1)
	}
	return out
}

// String returns the rule's policy key, e.g. "max_travel".
func (r Rule) String() string {
	if r == 0 || int(r) > numRules {
		return "unknown"
	}
	return ruleNames[r]
}

// MarshalText implements encoding.TextMarshaler with the policy key.
func (r Rule) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// switchable reports whether a policy may turn r off.
func (r Rule) switchable() bool { return r != RulePreviousOffer }

// ruleNamed returns the switchable rule with policy key name.
func ruleNamed(name string) (Rule, bool) {
	for r := Rule(1); int(r) <= numRules; r++ {
		if ruleNames[r] == name && r.switchable() {
			return r, true
		}
	}
	return 0, false
}

// RuleSet is a set of hard rules. The zero RuleSet is empty.
type RuleSet uint32

// AllRules holds every hard rule.
const AllRules RuleSet = 1<<(numRules+1) - 2

// Has reports whether r is in s.
func (s RuleSet) Has(r Rule) bool { return s&(1<<r) != 0 }

// With returns s with r added.
func (s RuleSet) With(r Rule) RuleSet { return s | 1<<r }

// Without returns s with r removed.
func (s RuleSet) Without(r Rule) RuleSet { return s &^ (1 << r) }

// String lists the rules of s by policy key, e.g. "language,capacity".
func (s RuleSet) String() string {
	var b strings.Builder
	for r := Rule(1); int(r) <= numRules; r++ {
		if s.Has(r) {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(ruleNames[r])
		}
	}
	return b.String()
}

// RuleFailure is one hard rule a partner fails, with the reason in words a
// coordinator can read to a judge.
type RuleFailure struct {
	Rule   Rule   `json:"rule"`   // the failed rule
	Reason string `json:"reason"` // why, for a coordinator and a judge
	// Part2 is set when Reason rests on the parent's substance-use
	// information (42 CFR Part 2): show it only to roles that may see it.
	Part2 bool `json:"part2,omitempty"`
}
