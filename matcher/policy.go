package matcher

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/alongside/alongside"
)

// Factor names: the soft parts of a score, in the order a [Result] lists
// them. They are also the keys of a policy's weights.
const (
	FactorLanguage        = "language"
	FactorCulture         = "culture"
	FactorFather          = "father"
	FactorLivedExperience = "lived_experience"
	FactorGeography       = "geography"
	FactorCapacity        = "capacity"
	FactorContinuity      = "continuity"
	FactorPreferences     = "preferences"
)

const (
	fLanguage = iota
	fCulture
	fFather
	fLived
	fGeography
	fCapacity
	fContinuity
	fPreferences
	numFactors
)

var factorNames = [numFactors]string{
	FactorLanguage, FactorCulture, FactorFather, FactorLivedExperience,
	FactorGeography, FactorCapacity, FactorContinuity, FactorPreferences,
}

// Factors returns the factor names in the order a [Result] lists them.
func Factors() []string { return slices.Clone(factorNames[:]) }

// Weights are the relative weights of the soft factors. Only their ratios
// matter: a score is the weighted mean of the factors that apply to the
// case, scaled to 0–100. A weight of 0 leaves its factor out.
type Weights struct {
	Language        float64 // shared language, the parent's first language preferred
	Culture         float64 // self-identified race, ethnicity, culture, tribe; ICWA
	Father          float64 // fathers: a father or fatherhood-trained partner, evenings
	LivedExperience float64 // the partner's lived experience against the parent's needs
	Geography       float64 // shorter drive to the parent's home area
	Capacity        float64 // lower utilization after taking the case
	Continuity      float64 // the partner served this parent or a related one before
	Preferences     float64 // the parent's requests: partner gender, evenings, weekends
}

func (w Weights) array() [numFactors]float64 {
	return [numFactors]float64{w.Language, w.Culture, w.Father, w.LivedExperience,
		w.Geography, w.Capacity, w.Continuity, w.Preferences}
}

func (w *Weights) ptrs() [numFactors]*float64 {
	return [numFactors]*float64{&w.Language, &w.Culture, &w.Father, &w.LivedExperience,
		&w.Geography, &w.Capacity, &w.Continuity, &w.Preferences}
}

// Travel configures travel-time estimates and the geography factor.
type Travel struct {
	// Circuity is road distance over great-circle distance, in [1, 3];
	// used only when no travel model is supplied ([Env.Travel]).
	Circuity float64
	// SpeedMPH is the average driving speed in miles per hour, in (0, 100];
	// used only when no travel model is supplied.
	SpeedMPH float64
	// Horizon is the drive at which the geography factor reaches 0; it
	// falls linearly from 1 at no drive.
	Horizon time.Duration
	// Max is the longest one-way drive the program allows, on top of each
	// partner's own limit; 0 means no program limit. It also bounds the
	// spatial candidate search ([Index.Candidates]).
	Max time.Duration
}

// Offer configures offers and escalation.
type Offer struct {
	// Window is how long a partner has to accept an offer; a hold never
	// outlives the case's 48-hour deadline ([OfferExpiry]).
	Window time.Duration
	// EscalationMargin: a case this close to its deadline without a
	// confirmed match is escalated to coordinators ([NextOffer]); 0
	// escalates only when the deadline passes.
	EscalationMargin time.Duration
	// TopK is how many ranked candidates a match returns by default.
	TopK int
}

// Eligibility is what a case needs to be taken by a program.
type Eligibility struct {
	// MedicaidRequired: the child must be eligible for Medicaid
	// (behavioral-health funded programs).
	MedicaidRequired bool
	// Referrals lists the referral sources the program accepts; empty
	// accepts any, including an unspecified one.
	Referrals []alongside.ReferralSource
}

// Policy is the matching policy of one program: factor weights, hard-rule
// switches and thresholds. Policies come from [ParsePolicy] or
// [DefaultPolicy]; a zero Policy is not valid (its weights are all zero).
// Functions that take a *Policy treat nil as the default policy.
type Policy struct {
	// Name is the program's display name used in reasons, e.g. "Parent
	// Support Now"; "" uses the case's program key.
	Name string
	// Weights weigh the soft factors.
	Weights Weights
	// Rules are the hard rules in force. [RulePreviousOffer] is always in
	// force, whatever the set says.
	Rules RuleSet
	// TagWeights weigh the parent's needs in the lived-experience factor;
	// a tag that is absent weighs 1. Values are in [0, 100].
	TagWeights map[alongside.Tag]float64
	// CoreTrainings are the trainings a partner completes before meeting
	// families ([RuleCoreTraining]).
	CoreTrainings []string
	// CaseClosedYears is how many whole years must separate the close of
	// the partner's own case from today ([RuleCaseClosed]), in [0, 10].
	CaseClosedYears int
	// RecoveryYears is how many whole years of recovery a partner with a
	// substance-use history needs ([RuleRecovery]), in [0, 10].
	RecoveryYears int
	// Travel configures travel estimates and the geography factor.
	Travel Travel
	// Offer configures offers, escalation and ranking.
	Offer Offer
	// Eligibility is what the program requires of a case ([RuleEligibility]).
	Eligibility Eligibility
	// Certifications lists the certification kinds billing accepts: a
	// partner must hold one, valid today ([RuleCertification]). Empty: the
	// program needs none.
	Certifications []string
}

// basePolicy returns the built-in defaults. policy.yaml states the same
// values field by field (a test keeps them equal).
func basePolicy() Policy {
	return Policy{
		Weights: Weights{
			Language: 20, Culture: 10, Father: 20, LivedExperience: 20,
			Geography: 15, Capacity: 10, Continuity: 15, Preferences: 5,
		},
		Rules: AllRules,
		TagWeights: map[alongside.Tag]float64{
			alongside.TagSubstanceUse:        1.5,
			alongside.TagAlcohol:             2,
			alongside.TagOpioids:             2,
			alongside.TagMethamphetamine:     2,
			alongside.TagCannabis:            1.5,
			alongside.TagInfantRemoval:       2,
			alongside.TagDomesticViolence:    1.5,
			alongside.TagTerminationOfRights: 1.5,
			alongside.TagRelinquishment:      1.5,
		},
		CoreTrainings:   alongside.CoreTrainings(),
		CaseClosedYears: 1,
		RecoveryYears:   1,
		Travel:          Travel{Circuity: 1.3, SpeedMPH: 40, Horizon: 90 * time.Minute, Max: 3 * time.Hour},
		Offer:           Offer{Window: 4 * time.Hour, EscalationMargin: 12 * time.Hour, TopK: 5},
	}
}

// Clone returns a deep copy of p.
func (p *Policy) Clone() *Policy {
	q := *p
	q.TagWeights = maps.Clone(p.TagWeights)
	q.CoreTrainings = slices.Clone(p.CoreTrainings)
	q.Eligibility.Referrals = slices.Clone(p.Eligibility.Referrals)
	q.Certifications = slices.Clone(p.Certifications)
	return &q
}

// tagWeight returns the weight of need t.
func (p *Policy) tagWeight(t alongside.Tag) float64 {
	if w, ok := p.TagWeights[t]; ok {
		return w
	}
	return 1
}

// Limits of policy values.
const (
	maxWeight    = 1000
	maxTagWeight = 100
	maxYears     = 10
	maxTopK      = 100
	maxNameLen   = 80
)

// Validate reports every invalid field of p as an *alongside.FieldError
// (joined) whose Field is the policy's YAML path, e.g. "weights.language".
func (p *Policy) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &alongside.FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if r := alongside.CheckText(p.Name, maxNameLen); r != "" {
		bad("name", "%s", r)
	}
	ws := p.Weights.array()
	sum := 0.0
	for i, w := range ws {
		if !(w >= 0 && w <= maxWeight) {
			bad("weights."+factorNames[i], "must be a number between 0 and %d", maxWeight)
			continue
		}
		sum += w
	}
	if sum == 0 && len(errs) == 0 {
		bad("weights", "must not all be zero")
	}
	if p.Rules&^AllRules != 0 {
		bad("rules", "names an unknown rule")
	}
	for _, t := range slices.Sorted(maps.Keys(p.TagWeights)) {
		f := "tag_weights." + string(t)
		if !t.Known() {
			bad(f, "is not a known tag")
		} else if w := p.TagWeights[t]; !(w >= 0 && w <= maxTagWeight) {
			bad(f, "must be a number between 0 and %d", maxTagWeight)
		}
	}
	checkKeyList(bad, "core_trainings", p.CoreTrainings)
	if p.CaseClosedYears < 0 || p.CaseClosedYears > maxYears {
		bad("readiness.case_closed_years", "must be between 0 and %d", maxYears)
	}
	if p.RecoveryYears < 0 || p.RecoveryYears > maxYears {
		bad("readiness.recovery_years", "must be between 0 and %d", maxYears)
	}
	if t := p.Travel.Circuity; !(t >= 1 && t <= 3) {
		bad("travel.circuity", "must be between 1 and 3")
	}
	if s := p.Travel.SpeedMPH; !(s > 0 && s <= 100) {
		bad("travel.speed_mph", "must be more than 0 and at most 100")
	}
	if h := p.Travel.Horizon; h <= 0 || h > 24*time.Hour {
		bad("travel.horizon", "must be more than 0 and at most 24h")
	}
	if m := p.Travel.Max; m < 0 || m > 24*time.Hour {
		bad("travel.max", "must be between 0 (no limit) and 24h")
	}
	if w := p.Offer.Window; w <= 0 || w > alongside.MatchWindow {
		bad("offer.window", "must be more than 0 and at most %v", alongside.MatchWindow)
	}
	if m := p.Offer.EscalationMargin; m < 0 || m >= alongside.MatchWindow {
		bad("offer.escalation_margin", "must be at least 0 and less than %v", alongside.MatchWindow)
	}
	if k := p.Offer.TopK; k < 1 || k > maxTopK {
		bad("offer.top_k", "must be between 1 and %d", maxTopK)
	}
	for i, r := range p.Eligibility.Referrals {
		f := alongside.IndexField("eligibility.referrals", i)
		switch r {
		case alongside.ReferralCourt, alongside.ReferralAgency, alongside.ReferralAttorney, alongside.ReferralSelf:
			if slices.Index(p.Eligibility.Referrals, r) < i {
				bad(f, "repeats %q", string(r))
			}
		default:
			bad(f, "must be court, agency, attorney or self")
		}
	}
	checkKeyList(bad, "certifications", p.Certifications)
	return errors.Join(errs...)
}

func checkKeyList(bad func(field, format string, args ...any), field string, keys []string) {
	for i, k := range keys {
		f := alongside.IndexField(field, i)
		if r := alongside.CheckKey(k); r != "" {
			bad(f, "%s", r)
		} else if slices.Index(keys, k) < i {
			bad(f, "repeats %q", k)
		}
	}
}

// PolicySet holds a default policy and the policies of named programs.
type PolicySet struct {
	// Default applies to cases whose program has no policy of its own.
	Default Policy
	// Programs maps a program key (e.g. "parent_support_now") to its
	// policy. Nil means no program has its own.
	Programs map[string]*Policy
}

// For returns the policy of a case's program: the program's own, or the
// default. The result is shared: do not modify it.
func (s *PolicySet) For(program string) *Policy {
	if p, ok := s.Programs[program]; ok && p != nil {
		return p
	}
	return &s.Default
}

// Clone returns a deep copy of s.
func (s *PolicySet) Clone() *PolicySet {
	out := &PolicySet{Default: *s.Default.Clone()}
	if s.Programs != nil {
		out.Programs = make(map[string]*Policy, len(s.Programs))
		for k, p := range s.Programs {
			out.Programs[k] = p.Clone()
		}
	}
	return out
}

// Validate reports every invalid field of s as *alongside.FieldError
// values (joined) with YAML paths: "default.weights.language",
// "programs.parent_support_now.offer.window".
func (s *PolicySet) Validate() error {
	var errs []error
	add := func(prefix string, err error) {
		for _, fe := range alongside.FieldErrors(err) {
			errs = append(errs, &alongside.FieldError{Field: alongside.JoinField(prefix, fe.Field), Reason: fe.Reason})
		}
	}
	add("default", s.Default.Validate())
	for _, k := range slices.Sorted(maps.Keys(s.Programs)) {
		prefix := "programs." + k
		if r := alongside.CheckKey(k); r != "" {
			errs = append(errs, &alongside.FieldError{Field: prefix, Reason: "program key " + r})
			continue
		}
		if s.Programs[k] == nil {
			errs = append(errs, &alongside.FieldError{Field: prefix, Reason: "must not be nil"})
			continue
		}
		add(prefix, s.Programs[k].Validate())
	}
	return errors.Join(errs...)
}
