package matcher

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/golang/geo/s2"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo/county"
	"golang.org/x/text/language"
)

// Env is the world a score is computed in. The matcher reads no clock and
// no store: the caller passes the instant, the loads and the case's past
// offers.
type Env struct {
	// Now is the instant of the decision, normally the store's clock
	// (store.HoldStore.Now), which also decides hold expiry. Training,
	// readiness and recovery dates are checked on Now's civil date in the
	// case's zone.
	Now time.Time
	// Loads returns a partner's current load in load units: confirmed
	// assignments plus live holds. Nil: every partner carries nothing.
	Loads func(alongside.PartnerID) alongside.LoadUnits
	// Travel estimates drive times. Nil: great-circle distance with the
	// policy's circuity and speed.
	Travel TravelEstimator
	// History is the case's assignments so far (any order). A partner who
	// declined the case, let its offer expire or was released from it
	// fails [RulePreviousOffer]. Nil: no history.
	History []*alongside.Assignment
}

// Result is a partner's score for a case and its explanation.
type Result struct {
	// Partner is the scored partner.
	Partner alongside.PartnerID `json:"partner"`
	// Eligible reports whether the partner passes every hard rule in force.
	Eligible bool `json:"eligible"`
	// Total is the soft score, 0–100: the weighted mean of the factors that
	// apply, times 100. It is computed for ineligible partners too.
	Total float64 `json:"total"`
	// Factors lists every factor in [Factors] order. Weight is the policy's
	// weight, or 0 when the factor does not apply to this case (its reason
	// says so).
	Factors []alongside.Factor `json:"factors"`
	// Failed lists every hard rule the partner fails, in rule order.
	Failed []RuleFailure `json:"failed,omitempty"`
	// Travel is the estimated one-way drive from the partner's home to
	// the case's home area, or nil when none could be made (a point out of
	// range). TravelGuessed says it is the policy's straight-line
	// estimate, not the travel model's.
	Travel        *time.Duration `json:"travel,omitempty"`
	TravelGuessed bool           `json:"travel_guessed,omitempty"`
	// Part2 names the factors whose value or reason rests on the parent's
	// substance-use information (42 CFR Part 2); see [Result.Redacted].
	Part2 []string `json:"part2,omitempty"`
}

// Scorer scores partners for one case under one policy in one [Env]. It
// prepares what every candidate shares (the case's languages, need weights,
// date thresholds) once, so scoring a candidate is cheap. A Scorer is not
// safe for concurrent use; create one per goroutine.
type Scorer struct {
	c      *alongside.Case
	pol    *Policy
	env    Env
	gc     GreatCircle
	home   s2.Point // the case's home area as a unit vector, when homeOK
	homeOK bool

	today       alongside.Date
	closedBy    alongside.Date // latest own-case closing date that passes
	recoveredBy alongside.Date // latest recovery start that passes
	day         int64          // today's day key, and the two dates' below
	closedDay   int64
	recoveryDay int64
	core        []kindKey // the policy's core trainings
	certs       []kindKey // the policy's billing certifications
	units       alongside.LoadUnits
	ineligible  []string // why the case fails its program's eligibility

	langs   []string    // the case's languages
	cache   []langEntry // per partner language seen
	langPos []int32     // by interned language: 1 + its index in cache; 0: not seen

	needs    []need
	needsSum float64
	part2    bool   // some need is Part 2 data
	needSet  tagSet // every need of the case in the vocabulary
	oddNeeds bool   // some need of the case is outside the vocabulary

	weights   [numFactors]float64 // policy weight, or 0 when the factor does not apply
	weightSum float64
	rules     RuleSet // in force, RulePreviousOffer included
	// slotLoad, while set, gives the load of a candidate from an index by
	// its slot ([Index.Rank]); otherwise loads come from env.Loads.
	slotLoad func(slot int32) alongside.LoadUnits

	tried []triedOffer
}

type need struct {
	tag       alongside.Tag
	bit       tagSet
	weight    float64
	substance bool
}

type triedOffer struct {
	partner alongside.PartnerID
	state   alongside.AssignmentState
	at      time.Time
}

// NewScorer prepares scoring of partners for case c. A nil pol is the
// default policy of c's program ([DefaultPolicy]).
func NewScorer(c *alongside.Case, pol *Policy, env Env) *Scorer {
	if pol == nil {
		pol = defaultSet().For(c.Program)
	}
	s := &Scorer{c: c, pol: pol, env: env, gc: pol.greatCircle(), units: c.Units(), langs: c.Languages,
		rules: pol.Rules.With(RulePreviousOffer)}
	if s.homeOK = c.HomeArea.Valid(); s.homeOK {
		s.home = unit(c.HomeArea)
	}
	loc := c.OpenedAt.Location()
	if l, err := alongside.LoadZone(c.TimeZone); err == nil {
		loc = l
	}
	s.today = alongside.DateOf(env.Now.In(loc))
	s.closedBy = latestPassing(s.today, pol.CaseClosedYears)
	s.recoveredBy = latestPassing(s.today, pol.RecoveryYears)
	s.day, s.closedDay, s.recoveryDay = dayKey(s.today), dayKey(s.closedBy), dayKey(s.recoveredBy)
	s.core, s.certs = keysOf(pol.CoreTrainings), keysOf(pol.Certifications)
	s.ineligible = caseIneligibility(c, pol)

	for _, t := range c.Needs {
		s.needSet |= bitOf(t)
		s.oddNeeds = s.oddNeeds || bitOf(t) == 0
		w := pol.tagWeight(t)
		if w <= 0 {
			continue
		}
		s.needs = append(s.needs, need{tag: t, bit: bitOf(t), weight: w, substance: t.Part2()})
		s.needsSum += w
		s.part2 = s.part2 || t.Part2()
	}

	applies := [numFactors]bool{
		fLanguage:    true,
		fCulture:     c.ICWA || !c.Identity.Empty(),
		fFather:      c.ParentRole == alongside.ParentRoleFather,
		fLived:       s.needsSum > 0,
		fGeography:   true,
		fCapacity:    true,
		fContinuity:  len(c.PriorPartners) > 0,
		fPreferences: c.Preferences != (alongside.Preferences{}),
	}
	for i, w := range pol.Weights.array() {
		if applies[i] && w > 0 {
			s.weights[i] = w
			s.weightSum += w
		}
	}

	for _, a := range env.History {
		if a == nil || a.Case != c.ID {
			continue
		}
		st := a.State
		if st == alongside.StateHeld && !env.Now.Before(a.ExpiresAt) {
			st = alongside.StateExpired // expired but not yet swept
		}
		if st == alongside.StateDeclined || st == alongside.StateExpired || st == alongside.StateReleased {
			at := a.DecidedAt
			if at.IsZero() && st == alongside.StateExpired {
				at = a.ExpiresAt
			}
			s.tried = append(s.tried, triedOffer{partner: a.Partner, state: st, at: at})
		}
	}
	return s
}

// Case returns the case s scores for.
func (s *Scorer) Case() *alongside.Case { return s.c }

// Policy returns the policy s applies.
func (s *Scorer) Policy() *Policy { return s.pol }

// latestPassing returns the latest date d with d + years ≤ today.
func latestPassing(today alongside.Date, years int) alongside.Date {
	d := today.AddYears(-years)
	for today.Before(d.AddYears(years)) {
		d = addDays(d, -1)
	}
	for {
		next := addDays(d, 1)
		if today.Before(next.AddYears(years)) {
			return d
		}
		d = next
	}
}

func addDays(d alongside.Date, n int) alongside.Date {
	return alongside.DateOf(d.In(time.UTC).AddDate(0, 0, n))
}

// caseIneligibility returns why c does not meet its program's eligibility.
func caseIneligibility(c *alongside.Case, pol *Policy) []string {
	var why []string
	name := programName(c, pol)
	if pol.Eligibility.MedicaidRequired && !c.MedicaidEligible {
		why = append(why, "the child is not Medicaid-eligible, which "+name+" requires")
	}
	if refs := pol.Eligibility.Referrals; len(refs) > 0 && !slices.Contains(refs, c.Referral) {
		from := "has no referral source"
		if c.Referral != alongside.ReferralUnspecified {
			from = "was referred by " + referralWords(c.Referral)
		}
		words := make([]string, len(refs))
		for i, r := range refs {
			words[i] = referralWords(r)
		}
		why = append(why, name+" takes referrals from "+orList(words)+"; this case "+from)
	}
	return why
}

func programName(c *alongside.Case, pol *Policy) string {
	if pol.Name != "" {
		return pol.Name
	}
	return "program " + c.Program
}

func countyName(fips string) string {
	if k, ok := county.Lookup(fips); ok {
		return k.Name + " County"
	}
	return "county " + fips
}

// eval is one candidate's evaluation: the rules it fails and the numbers
// behind its factors. Reasons are rendered from it only when asked for.
type eval struct {
	failed     RuleSet
	lang       langMatch
	langDone   bool
	travel     time.Duration
	guessed    bool // travel fell back to the great-circle estimate
	travelDone bool
	used       alongside.LoadUnits
	values     [numFactors]float64
	total      float64
}

// evalMode says how much evaluate does.
type evalMode int

const (
	// quick stops at the first failed rule, cheap rules first, and computes
	// soft factors only for an eligible partner.
	quick evalMode = iota
	// quickRules is quick without the soft factors: the ranking loop,
	// which decides whether they are worth computing.
	quickRules
	// allRules checks every rule and computes no soft factor.
	allRules
	// full checks every rule and computes every factor: explanations.
	full
)

// evaluate fills ev for partner e. given are rules e passes by
// construction (it comes from an index list that guarantees them), which
// evaluate does not check again.
func (s *Scorer) evaluate(e *entry, given RuleSet, ev *eval, mode evalMode) {
	c, pol, p := s.c, s.pol, e.p
	rules := s.rules
	check := rules &^ given
	var failed RuleSet
	ev.langDone, ev.travelDone = false, false
	fail := func(r Rule) bool {
		failed |= 1 << r
		return mode == quick || mode == quickRules
	}
	// Cheap checks first: status, memberships, loads, dates.
	if len(s.ineligible) > 0 && rules.Has(RuleEligibility) && fail(RuleEligibility) {
		goto done
	}
	if check.Has(RuleActive) && p.Status != alongside.PartnerStatusActive && fail(RuleActive) {
		goto done
	}
	if check.Has(RuleProgram) && !slices.Contains(p.Programs, c.Program) && fail(RuleProgram) {
		goto done
	}
	if check.Has(RuleCounty) && !slices.Contains(p.CountiesServed, c.County) && fail(RuleCounty) {
		goto done
	}
	if rules.Has(RuleConflict) && len(c.KnownConflicts) > 0 && slices.Contains(c.KnownConflicts, p.ID) && fail(RuleConflict) {
		goto done
	}
	if len(s.tried) > 0 && s.triedIndex(p.ID) >= 0 && fail(RulePreviousOffer) {
		goto done
	}
	ev.used = s.load(e)
	if rules.Has(RuleCapacity) && ev.used+s.units > e.capacity && fail(RuleCapacity) {
		goto done
	}
	if rules.Has(RuleCaseClosed) && (e.closed == 0 || s.closedDay < e.closed) && fail(RuleCaseClosed) {
		goto done
	}
	if rules.Has(RuleRecovery) && e.recovery != 0 && s.recoveryDay < e.recovery && fail(RuleRecovery) {
		goto done
	}
	if rules.Has(RuleExclusion) && s.excludes(e) && fail(RuleExclusion) {
		goto done
	}
	if rules.Has(RuleCoreTraining) && !e.holdsAll(s.core, s.day) && fail(RuleCoreTraining) {
		goto done
	}
	if rules.Has(RuleCertification) && len(s.certs) > 0 && !e.holdsAny(s.certs, s.day) && fail(RuleCertification) {
		goto done
	}
	// Then the ones that compute.
	ev.lang, ev.langDone = s.language(e), true
	if rules.Has(RuleLanguage) && !ev.lang.shared && !c.InterpreterOK && fail(RuleLanguage) {
		goto done
	}
	ev.travel, ev.guessed = s.travelTime(e)
	ev.travelDone = true
	if rules.Has(RuleMaxTravel) && (e.maxTravel > 0 && ev.travel > e.maxTravel || pol.Travel.Max > 0 && ev.travel > pol.Travel.Max) && fail(RuleMaxTravel) {
		goto done
	}
done:
	ev.failed = failed
	if mode == full || mode == quick && failed == 0 {
		s.soft(e, ev)
	}
}

// load returns e's load in load units.
func (s *Scorer) load(e *entry) alongside.LoadUnits {
	switch {
	case s.slotLoad != nil && e.slot >= 0:
		return s.slotLoad(e.slot)
	case s.env.Loads != nil:
		return s.env.Loads(e.p.ID)
	}
	return 0
}

// excludes reports whether partner e declared the case off limits: one of
// its needs, or the case itself.
func (s *Scorer) excludes(e *entry) bool {
	return e.excluded&s.needSet != 0 || s.oddNeeds && excludedNeed(e.p, s.c) >= 0 ||
		e.caseRefs && slices.Contains(e.p.Exclusions.CaseRefs, s.c.ExternalRef)
}

func (s *Scorer) geography(d time.Duration) float64 {
	return clamp01(1 - float64(d)/float64(s.pol.Travel.Horizon))
}

func (s *Scorer) capacity(used, capacity alongside.LoadUnits) float64 {
	if capacity <= 0 {
		return 0
	}
	return clamp01(1 - float64(used+s.units)/float64(capacity))
}

// softOrder is the order softAbove computes the factors evaluate has not:
// cheapest first.
var softOrder = [...]int{fContinuity, fLived, fPreferences, fFather, fCulture}

// factor computes one of the soft factors in softOrder.
func (s *Scorer) factor(i int, e *entry) float64 {
	c := s.c
	switch i {
	case fContinuity:
		if slices.Contains(c.PriorPartners, e.p.ID) {
			return 1
		}
	case fLived:
		return s.lived(e, nil)
	case fPreferences:
		v, _, _ := preferenceMatch(c.Preferences, e)
		return v
	case fFather:
		return fatherValue(e, s.day)
	case fCulture:
		v, _ := cultureMatch(c, e, s.day)
		return v
	}
	return 0
}

// soft computes every factor of e and the total.
func (s *Scorer) soft(e *entry, ev *eval) {
	s.softAbove(e, ev, math.Inf(-1))
}

// softAbove computes p's factors and total unless the total cannot reach
// floor: it computes the cheap factors first and stops as soon as even
// perfect values for the rest would leave the total below floor. It
// reports whether it computed the total.
func (s *Scorer) softAbove(e *entry, ev *eval, floor float64) bool {
	w := &s.weights
	if !ev.langDone {
		ev.lang, ev.langDone = s.language(e), true
	}
	if !ev.travelDone {
		ev.travel, ev.guessed = s.travelTime(e)
		ev.travelDone = true
	}
	v := &ev.values
	*v = [numFactors]float64{}
	v[fLanguage] = ev.lang.value
	v[fGeography] = s.geography(ev.travel)
	v[fCapacity] = s.capacity(ev.used, e.capacity)
	ev.total = 0
	if s.weightSum == 0 {
		return true
	}
	// Work in weighted sums: total = 100 × sum / weightSum. The margin
	// keeps rounding from cutting a candidate that ties the floor.
	limit := floor*s.weightSum/100 - 1e-9*s.weightSum
	got := w[fLanguage]*v[fLanguage] + w[fGeography]*v[fGeography] + w[fCapacity]*v[fCapacity]
	rest := s.weightSum - w[fLanguage] - w[fGeography] - w[fCapacity]
	for _, i := range softOrder {
		if got+rest < limit {
			return false
		}
		if w[i] == 0 {
			continue
		}
		v[i] = s.factor(i, e)
		got += w[i] * v[i]
		rest -= w[i]
	}
	if got+rest < limit {
		return false
	}
	// The total sums in factor order, the same way for every caller.
	sum := 0.0
	for i, x := range v {
		sum += w[i] * x
	}
	ev.total = 100 * sum / s.weightSum
	return true
}

func clamp01(x float64) float64 { return min(1, max(0, x)) }

// language returns the best language pair of partner e and the case.
func (s *Scorer) language(e *entry) langMatch {
	best := langMatch{parent: -1}
	for j, id := range e.langs {
		le := s.langEntry(id, e, j)
		for i, conf := range le.conf {
			if conf >= language.High {
				best.shared = true
			}
			x := langValue(conf)
			if i > 0 {
				x *= parentLaterLanguage
			}
			if j > 0 {
				x *= partnerLaterLanguage
			}
			if x > best.value {
				best.value, best.parent, best.partner, best.conf = x, i, j, conf
			}
		}
	}
	return best
}

// langEntry returns the case's confidences against partner e's j-th
// language (interned as id), computing them the first time.
func (s *Scorer) langEntry(id uint32, e *entry, j int) *langEntry {
	if int(id) < len(s.langPos) && s.langPos[id] > 0 {
		return &s.cache[s.langPos[id]-1]
	}
	tag := e.p.Languages[j]
	le := langEntry{tag: tag, conf: make([]language.Confidence, len(s.langs))}
	for i, l := range s.langs {
		le.conf[i] = comprehends(l, tag)
	}
	s.cache = append(s.cache, le)
	for len(s.langPos) <= int(id) {
		s.langPos = append(s.langPos, 0)
	}
	s.langPos[id] = int32(len(s.cache))
	return &s.cache[len(s.cache)-1]
}

// unknownTravel stands for a drive nobody can estimate (an invalid
// point): longer than any limit, worth nothing for geography.
const unknownTravel = 24 * time.Hour

// travelTime returns the drive from e's home to the case's home area by
// the environment's estimator, else the policy's great circle (guessed).
func (s *Scorer) travelTime(e *entry) (d time.Duration, guessed bool) {
	if s.env.Travel != nil {
		if d, ok := s.env.Travel.TravelTime(e.p.Home, s.c.HomeArea); ok {
			return d, false
		}
	}
	if e.homeOK && s.homeOK {
		if d, ok := s.gc.between(e.home, s.home); ok {
			return d, true
		}
	}
	return unknownTravel, true
}

func (s *Scorer) triedIndex(id alongside.PartnerID) int {
	for i, t := range s.tried {
		if t.partner == id {
			return i
		}
	}
	return -1
}

// excludedNeed returns the index in c.Needs of a need p excluded, or -1.
func excludedNeed(p *alongside.Partner, c *alongside.Case) int {
	for i, t := range c.Needs {
		if slices.Contains(p.Exclusions.Needs, t) {
			return i
		}
	}
	return -1
}

// Culture components: the parent's self-identified categories, each
// weighed when the parent named something in it.
const (
	cultTribe = 1 << iota
	cultEthnicity
	cultCulture
	cultRace
	cultOtherTribe // a tribal affiliation, not the parent's
	cultICWATrained
)

// cultureMatch compares self-identified identities: tribal affiliation
// (weight 3; counts when ICWA applies even if the parent named no tribe),
// ethnicity and culture (2 each), race (1). A partner of another tribe
// gets half credit for the tribal part, ICWA training 0.4.
func cultureMatch(c *alongside.Case, e *entry, day int64) (float64, int) {
	var got, sum float64
	var flags int
	pi, ci := &e.p.Identity, &c.Identity
	if c.ICWA || len(ci.TribalAffiliations) > 0 {
		sum += 3
		t := 0.0
		switch {
		case overlap(ci.TribalAffiliations, pi.TribalAffiliations):
			t, flags = 1, flags|cultTribe
		case len(pi.TribalAffiliations) > 0:
			t, flags = 0.5, flags|cultOtherTribe
		}
		if c.ICWA && t < 0.4 && e.holds(keyICWA, day) {
			t, flags = 0.4, flags|cultICWATrained
		}
		got += 3 * t
	}
	for _, part := range [...]struct {
		parent, partner []string
		weight          float64
		flag            int
	}{
		{ci.Ethnicities, pi.Ethnicities, 2, cultEthnicity},
		{ci.Cultures, pi.Cultures, 2, cultCulture},
		{ci.Races, pi.Races, 1, cultRace},
	} {
		if len(part.parent) == 0 {
			continue
		}
		sum += part.weight
		if overlap(part.parent, part.partner) {
			got += part.weight
			flags |= part.flag
		}
	}
	if sum == 0 {
		return 0, 0
	}
	return got / sum, flags
}

// overlap reports whether two self-identified word lists share a word,
// ignoring case and surrounding spaces.
func overlap(a, b []string) bool {
	for _, x := range a {
		x = strings.TrimSpace(x)
		for _, y := range b {
			if strings.EqualFold(x, strings.TrimSpace(y)) {
				return true
			}
		}
	}
	return false
}

// Father-engagement values: three quarters for who the partner is, one
// quarter for evening availability (evening meetings for working fathers).
const (
	fatherRoleShare = 0.75
	fatherPartner   = 1.0  // a father who went through a case himself
	fatherTrainedM  = 0.85 // a man trained in fatherhood engagement
	fatherTrained   = 0.7  // trained in fatherhood engagement
	fatherMan       = 0.4  // a man, not trained
)

func fatherRole(e *entry, day int64) float64 {
	p := e.p
	trained := e.holds(keyFatherhood, day)
	switch {
	case p.Father:
		return fatherPartner
	case trained && p.Gender == alongside.GenderMan:
		return fatherTrainedM
	case trained:
		return fatherTrained
	case p.Gender == alongside.GenderMan:
		return fatherMan
	}
	return 0
}

func fatherValue(e *entry, day int64) float64 {
	v := fatherRoleShare * fatherRole(e, day)
	if e.evenings {
		v += 1 - fatherRoleShare
	}
	return v
}

// preferenceMatch returns the share of the parent's requests p meets, and
// which requests were made and met (bits: gender, evenings, weekends).
func preferenceMatch(pr alongside.Preferences, e *entry) (float64, int, int) {
	const (
		gender = 1 << iota
		evenings
		weekends
	)
	var asked, met int
	if pr.PartnerGender != alongside.GenderUndisclosed {
		asked |= gender
		if e.p.Gender == pr.PartnerGender {
			met |= gender
		}
	}
	if pr.Evenings {
		asked |= evenings
		if e.evenings {
			met |= evenings
		}
	}
	if pr.Weekends {
		asked |= weekends
		if e.weekends {
			met |= weekends
		}
	}
	n := popcount(asked)
	if n == 0 {
		return 0, 0, 0
	}
	return float64(popcount(met)) / float64(n), asked, met
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// Substance-use needs met by a different substance-use history get half
// credit: shared recovery, different substance.
const otherSubstance = 0.5

// lived returns the weighted share of the parent's needs p lived through.
// When m is not nil it records each need's credit (0, 0.5 or 1).
func (s *Scorer) lived(e *entry, m []float64) float64 {
	if s.needsSum == 0 {
		return 0
	}
	got := 0.0
	for i, n := range s.needs {
		x := 0.0
		switch {
		case e.livedThrough(n.tag, n.bit):
			x = 1
		case n.tag == alongside.TagSubstanceUse && e.anySubstance:
			x = 1 // a specific substance-use history covers the general need
		case n.substance && e.anySubstance:
			x = otherSubstance
		}
		if m != nil {
			m[i] = x
		}
		got += n.weight * x
	}
	return got / s.needsSum
}

// Score scores partner p for case c under pol (nil: the default policy of
// c's program) in env, with every factor and every failed rule explained.
// It builds a [Scorer] for one partner; to score many, use [NewScorer] or
// [Rank].
func Score(p *alongside.Partner, c *alongside.Case, pol *Policy, env Env) Result {
	return NewScorer(c, pol, env).Score(p)
}

// Score scores p with every factor and every failed rule explained.
func (s *Scorer) Score(p *alongside.Partner) Result { return s.score(newEntry(p), 0) }

func (s *Scorer) score(e *entry, given RuleSet) Result {
	var ev eval
	s.evaluate(e, given, &ev, full)
	return s.describe(e, &ev)
}

// Quick returns p's total and eligibility without building explanations:
// it stops at the first failed rule. The total of an ineligible partner is
// not computed (0). To score many partners, [Index.Rank] is faster: it
// reads profiles the index prepared once per partner.
func (s *Scorer) Quick(p *alongside.Partner) (total float64, eligible bool) {
	return s.quick(newEntry(p), 0)
}

func (s *Scorer) quick(e *entry, given RuleSet) (total float64, eligible bool) {
	var ev eval
	s.evaluate(e, given, &ev, quick)
	if ev.failed != 0 {
		return 0, false
	}
	return ev.total, true
}
