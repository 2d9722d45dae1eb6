package matcher

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alongside/alongside"
	"golang.org/x/text/language"
)

// describe renders ev as a Result with reasons.
func (s *Scorer) describe(e *entry, ev *eval) Result {
	p := e.p
	r := Result{
		Partner:  p.ID,
		Eligible: ev.failed == 0,
		Total:    ev.total,
		Factors:  make([]alongside.Factor, numFactors),
	}
	for i := range numFactors {
		r.Factors[i] = alongside.Factor{
			Name:   factorNames[i],
			Value:  ev.values[i],
			Weight: s.weights[i],
			Reason: s.factorReason(i, e, ev),
		}
	}
	if s.part2 && s.weights[fLived] > 0 {
		r.Part2 = []string{FactorLivedExperience}
	}
	if ev.travelDone && ev.travel != unknownTravel {
		d := ev.travel
		r.Travel, r.TravelGuessed = &d, ev.guessed
	}
	for rule := Rule(1); int(rule) <= numRules; rule++ {
		if ev.failed.Has(rule) {
			reason, part2 := s.ruleReason(rule, e, ev)
			r.Failed = append(r.Failed, RuleFailure{Rule: rule, Reason: reason, Part2: part2})
		}
	}
	return r
}

func (s *Scorer) factorReason(i int, e *entry, ev *eval) string {
	c, p := s.c, e.p
	if s.weights[i] == 0 {
		switch {
		case s.pol.Weights.array()[i] == 0:
			return "not weighed by the policy"
		case i == fCulture:
			return "does not apply: the parent self-identified no race, ethnicity, culture or tribe, and ICWA does not apply"
		case i == fFather:
			return "does not apply: the parent is not a father"
		case i == fLived:
			return "does not apply: the case lists no needs"
		case i == fContinuity:
			return "does not apply: the parent had no partner before"
		case i == fPreferences:
			return "does not apply: the parent made no requests"
		}
	}
	switch i {
	case fLanguage:
		return s.languageReason(p, ev.lang)
	case fCulture:
		_, flags := cultureMatch(c, e, s.day)
		return cultureReason(c, flags)
	case fFather:
		var b strings.Builder
		trained := e.holds(keyFatherhood, s.day)
		switch {
		case p.Father:
			b.WriteString("a father who went through a case himself")
		case trained && p.Gender == alongside.GenderMan:
			b.WriteString("a man trained in fatherhood engagement")
		case trained:
			b.WriteString("trained in fatherhood engagement")
		case p.Gender == alongside.GenderMan:
			b.WriteString("a man, not trained in fatherhood engagement")
		default:
			b.WriteString("not a father and not trained in fatherhood engagement")
		}
		if e.evenings {
			b.WriteString("; available evenings")
		} else {
			b.WriteString("; not available evenings")
		}
		return b.String()
	case fLived:
		return s.livedReason(e)
	case fGeography:
		return travelWords(ev.travel, ev.guessed)
	case fCapacity:
		if p.Capacity <= 0 {
			return "has no capacity"
		}
		return fmt.Sprintf("would carry %d of %d load units", ev.used+s.units, p.Capacity)
	case fContinuity:
		if slices.Contains(c.PriorPartners, p.ID) {
			return "supported this parent, or a related parent, before"
		}
		return "has not supported this family before"
	case fPreferences:
		_, asked, met := preferenceMatch(c.Preferences, e)
		return preferenceReason(c.Preferences, asked, met)
	}
	return ""
}

func (s *Scorer) languageReason(p *alongside.Partner, m langMatch) string {
	c := s.c
	if m.parent < 0 || m.conf < language.High {
		if c.InterpreterOK {
			return "shares no language with the parent; an interpreter is arranged"
		}
		return "shares no language with the parent"
	}
	partnerLang := p.Languages[m.partner]
	parentLang := c.Languages[m.parent]
	which := "the parent's " + ordinal(m.parent) + " language"
	if m.conf == language.Exact {
		return "speaks " + languageName(partnerLang) + ", " + which
	}
	return "speaks " + languageName(partnerLang) + ", close to " + which + " (" + languageName(parentLang) + ")"
}

func ordinal(i int) string {
	switch i {
	case 0:
		return "first"
	case 1:
		return "second"
	case 2:
		return "third"
	}
	return strconv.Itoa(i+1) + "th"
}

func cultureReason(c *alongside.Case, flags int) string {
	var shared []string
	if flags&cultTribe != 0 {
		shared = append(shared, "tribal affiliation")
	}
	if flags&cultEthnicity != 0 {
		shared = append(shared, "ethnicity")
	}
	if flags&cultCulture != 0 {
		shared = append(shared, "culture")
	}
	if flags&cultRace != 0 {
		shared = append(shared, "race")
	}
	var parts []string
	if len(shared) > 0 {
		parts = append(parts, "shares the parent's self-identified "+andList(shared))
	}
	if flags&cultOtherTribe != 0 {
		parts = append(parts, "is a member of another tribal community")
	}
	if flags&cultICWATrained != 0 {
		parts = append(parts, "ICWA applies and the partner is trained in ICWA")
	}
	if len(parts) == 0 {
		if c.ICWA {
			return "ICWA applies; the partner shares no self-identified tribal affiliation or identity with the parent"
		}
		return "shares none of the parent's self-identified identity"
	}
	return strings.Join(parts, "; ")
}

func preferenceReason(pr alongside.Preferences, asked, met int) string {
	words := [...]string{"a " + string(pr.PartnerGender) + " as partner", "evenings", "weekends"}
	var yes, no []string
	for i, w := range words {
		if asked&(1<<i) == 0 {
			continue
		}
		if met&(1<<i) != 0 {
			yes = append(yes, w)
		} else {
			no = append(no, w)
		}
	}
	switch {
	case len(no) == 0:
		return "meets the parent's requests: " + andList(yes)
	case len(yes) == 0:
		return "does not meet the parent's requests: " + andList(no)
	}
	return "meets the parent's request for " + andList(yes) + "; not " + andList(no)
}

func (s *Scorer) livedReason(e *entry) string {
	credit := make([]float64, len(s.needs))
	s.lived(e, credit)
	var full, half []string
	for i, n := range s.needs {
		switch credit[i] {
		case 1:
			full = append(full, tagWords(n.tag))
		case otherSubstance:
			half = append(half, tagWords(n.tag))
		}
	}
	if len(full) == 0 && len(half) == 0 {
		if len(s.needs) == 1 {
			return "does not share the parent's need"
		}
		return fmt.Sprintf("shares none of the parent's %d needs", len(s.needs))
	}
	var b strings.Builder
	switch {
	case len(full) > 0 && len(s.needs) == 1:
		b.WriteString("shares the parent's need: " + full[0])
	case len(full) > 0:
		fmt.Fprintf(&b, "shares %d of the parent's %d needs: %s", len(full), len(s.needs), andList(full))
	}
	if len(half) > 0 {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString("a different substance-use history for " + andList(half) + " (half credit)")
	}
	return b.String()
}

func (s *Scorer) ruleReason(r Rule, e *entry, ev *eval) (string, bool) {
	c, pol, p := s.c, s.pol, e.p
	switch r {
	case RuleEligibility:
		return "the case is not eligible: " + strings.Join(s.ineligible, "; "), false
	case RuleActive:
		switch p.Status {
		case alongside.PartnerStatusOnboarding:
			return "is still onboarding", false
		case alongside.PartnerStatusOnLeave:
			return "is on leave", false
		case alongside.PartnerStatusInactive:
			return "is inactive", false
		}
		return "is not active", false
	case RuleProgram:
		return "does not work for " + programName(c, pol), false
	case RuleCounty:
		return "does not serve " + countyName(c.County), false
	case RuleLanguage:
		names := make([]string, len(c.Languages))
		for i, l := range c.Languages {
			names[i] = languageName(l)
		}
		return "shares no language with the parent (" + orList(names) + ") and no interpreter is arranged", false
	case RuleCapacity:
		if p.Capacity <= 0 {
			return "has no capacity", false
		}
		return fmt.Sprintf("has no room: %d of %d load units in use, and the case needs %d", ev.used, p.Capacity, s.units), false
	case RuleMaxTravel:
		var limits []string
		if p.MaxTravel > 0 && ev.travel > p.MaxTravel {
			limits = append(limits, "the partner's limit of "+durationWords(p.MaxTravel))
		}
		if pol.Travel.Max > 0 && ev.travel > pol.Travel.Max {
			limits = append(limits, programName(c, pol)+"'s limit of "+durationWords(pol.Travel.Max))
		}
		return travelWords(ev.travel, ev.guessed) + " exceeds " + andList(limits), false
	case RuleCoreTraining:
		var missing []string
		for i, k := range pol.CoreTrainings {
			if !e.holds(s.core[i], s.day) {
				w := keyWords(k)
				if heldOnce(p, k) {
					w += " (expired)"
				}
				missing = append(missing, w)
			}
		}
		return "has not completed core training: " + andList(missing), false
	case RuleCaseClosed:
		if p.OwnCaseClosed.IsZero() {
			return "has no closing date of their own case on record", false
		}
		return fmt.Sprintf("own case closed on %s, less than %s before %s", p.OwnCaseClosed, years(pol.CaseClosedYears), s.today), false
	case RuleRecovery:
		return fmt.Sprintf("in recovery since %s, less than %s before %s", p.RecoverySince, years(pol.RecoveryYears), s.today), false
	case RuleCertification:
		words := make([]string, len(pol.Certifications))
		for i, k := range pol.Certifications {
			words[i] = keyWords(k)
		}
		return "is not a " + orList(words) + ", which " + programName(c, pol) + " billing requires", false
	case RuleExclusion:
		if slices.Contains(p.Exclusions.CaseRefs, c.ExternalRef) {
			return "has declared they will not take this case", false
		}
		var tags []string
		part2 := false
		for _, t := range c.Needs {
			if slices.Contains(p.Exclusions.Needs, t) {
				tags = append(tags, tagWords(t))
				part2 = part2 || t.Part2()
			}
		}
		return "has declared they will not take cases involving " + andList(tags), part2
	case RuleConflict:
		return "is a known conflict for this case", false
	case RulePreviousOffer:
		t := s.tried[s.triedIndex(p.ID)]
		when := ""
		if !t.at.IsZero() {
			when = " on " + t.at.In(s.c.OpenedAt.Location()).Format("Mon 2 Jan 15:04 MST")
		}
		switch t.state {
		case alongside.StateDeclined:
			return "declined this case" + when, false
		case alongside.StateExpired:
			return "let the offer of this case expire" + when, false
		}
		return "was released from this case" + when, false
	}
	return r.String(), false
}

func heldOnce(p *alongside.Partner, kind string) bool {
	for _, c := range slices.Concat(p.Trainings, p.Certifications) {
		if c.Kind == kind {
			return true
		}
	}
	return false
}

func years(n int) string {
	if n == 1 {
		return "1 year"
	}
	return strconv.Itoa(n) + " years"
}

// travelWords describes a drive: "about 35 min drive".
func travelWords(d time.Duration, guessed bool) string {
	if d >= unknownTravel {
		return "drive time unknown (no valid location)"
	}
	w := "about " + durationWords(d) + " drive"
	if guessed {
		w += " (straight-line estimate)"
	}
	return w
}

// durationWords writes d rounded to minutes: "35 min", "1 h 5 min", "2 h".
func durationWords(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m < 60:
		return strconv.Itoa(m) + " min"
	case m%60 == 0:
		return strconv.Itoa(m/60) + " h"
	}
	return strconv.Itoa(m/60) + " h " + strconv.Itoa(m%60) + " min"
}

var substanceWords = map[alongside.Tag]string{
	alongside.TagSubstanceUse:        "substance use",
	alongside.TagAlcohol:             "alcohol use",
	alongside.TagOpioids:             "opioid use",
	alongside.TagMethamphetamine:     "methamphetamine use",
	alongside.TagCannabis:            "cannabis use",
	alongside.TagMedicallyComplexKid: "a medically complex child",
	alongside.TagChildWithDisability: "a child with a disability",
}

// tagWords writes a tag for a reader: "infant removal", "opioid use".
func tagWords(t alongside.Tag) string {
	if w, ok := substanceWords[t]; ok {
		return w
	}
	return keyWords(string(t))
}

func keyWords(k string) string { return strings.ReplaceAll(k, "_", " ") }

func referralWords(r alongside.ReferralSource) string {
	switch r {
	case alongside.ReferralAttorney:
		return "the parent's attorney"
	case alongside.ReferralSelf:
		return "the parent"
	}
	return "the " + string(r)
}

func andList(xs []string) string { return joinList(xs, "and") }
func orList(xs []string) string  { return joinList(xs, "or") }

func joinList(xs []string, conj string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	case 2:
		return xs[0] + " " + conj + " " + xs[1]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " " + conj + " " + xs[len(xs)-1]
}

// Redacted returns a copy of r whose Part 2 factor reasons and rule
// failures say only that details are restricted. Values, weights and the
// total are kept: the API shows it to roles that may not see substance-use
// information about a parent.
func (r Result) Redacted() Result {
	out := r
	out.Factors = slices.Clone(r.Factors)
	for i, f := range out.Factors {
		if slices.Contains(r.Part2, f.Name) {
			out.Factors[i].Reason = "shared lived experience (details restricted)"
		}
	}
	out.Failed = slices.Clone(r.Failed)
	for i, f := range out.Failed {
		if f.Part2 {
			out.Failed[i].Reason = "has declared an exclusion that applies to this case (details restricted)"
		}
	}
	return out
}

// String writes r for a coordinator: eligibility, every failed rule and
// every factor with its value, weight and reason.
func (r Result) String() string {
	var b strings.Builder
	if r.Eligible {
		fmt.Fprintf(&b, "%s: eligible, score %.1f\n", r.Partner, r.Total)
	} else {
		fmt.Fprintf(&b, "%s: not eligible (score %.1f)\n", r.Partner, r.Total)
	}
	for _, f := range r.Failed {
		fmt.Fprintf(&b, "  fails %s: %s\n", f.Rule, f.Reason)
	}
	for _, f := range r.Factors {
		fmt.Fprintf(&b, "  %-16s %.2f × %-3g %s\n", f.Name, f.Value, f.Weight, f.Reason)
	}
	return b.String()
}
