package matcher_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/matcher"
)

// fixedTravel is a travel model that knows one drive time for every pair,
// or none.
type fixedTravel struct {
	d  time.Duration
	ok bool
}

func (f fixedTravel) TravelTime(from, to geo.Point) (time.Duration, bool) { return f.d, f.ok }

func evenings(p *alongside.Partner) { p.Availability = weekdays(12*60, 20*60) }

func fatherhood(p *alongside.Partner) {
	p.Trainings = append(p.Trainings, alongside.Credential{Kind: alongside.TrainingFatherhood, Completed: date("2024-02-01")})
}

func father(c *alongside.Case) { c.ParentRole = alongside.ParentRoleFather }

// TestFactors pins each soft factor's value, weight and reason.
func TestFactors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		kase    func(*alongside.Case)
		partner func(*alongside.Partner)
		env     func(*matcher.Env)
		factor  string
		value   float64
		weight  float64 // the default weight, or 0 when the factor does not apply
		reason  string  // in the factor's reason
		part2   bool    // the result flags the factor as Part 2
	}{
		{name: "language: the parent's first language",
			factor: matcher.FactorLanguage, value: 1, weight: 20, reason: "speaks English, the parent's first language"},
		{name: "language: es partner for an es-MX parent",
			kase:    func(c *alongside.Case) { c.Languages = []string{"es-MX"} },
			partner: func(p *alongside.Partner) { p.Languages = []string{"es"} },
			factor:  matcher.FactorLanguage, value: 0.9, weight: 20,
			reason: "speaks Spanish, close to the parent's first language (Mexican Spanish)"},
		{name: "language: only the parent's second language",
			kase:   func(c *alongside.Case) { c.Languages = []string{"es", "en"} },
			factor: matcher.FactorLanguage, value: 0.7, weight: 20, reason: "the parent's second language"},
		{name: "language: the partner's second language",
			kase:    func(c *alongside.Case) { c.Languages = []string{"es"} },
			partner: func(p *alongside.Partner) { p.Languages = []string{"en", "es"} },
			factor:  matcher.FactorLanguage, value: 0.9, weight: 20, reason: "speaks Spanish, the parent's first language"},
		{name: "language: an interpreter bridges",
			kase:   func(c *alongside.Case) { c.Languages, c.InterpreterOK = []string{"vi"}, true },
			factor: matcher.FactorLanguage, value: 0, weight: 20, reason: "an interpreter is arranged"},

		{name: "culture: nothing self-identified",
			factor: matcher.FactorCulture, value: 0, weight: 0, reason: "does not apply"},
		{name: "culture: same tribe under ICWA, any case",
			kase: func(c *alongside.Case) {
				c.ICWA, c.Identity.TribalAffiliations = true, []string{"Hualapai"}
			},
			partner: func(p *alongside.Partner) { p.Identity.TribalAffiliations = []string{" hualapai"} },
			factor:  matcher.FactorCulture, value: 1, weight: 10, reason: "shares the parent's self-identified tribal affiliation"},
		{name: "culture: another tribe",
			kase: func(c *alongside.Case) {
				c.ICWA, c.Identity.TribalAffiliations = true, []string{"Hualapai"}
			},
			partner: func(p *alongside.Partner) { p.Identity.TribalAffiliations = []string{"Navajo Nation"} },
			factor:  matcher.FactorCulture, value: 0.5, weight: 10, reason: "another tribal community"},
		{name: "culture: ICWA-trained partner",
			kase: func(c *alongside.Case) { c.ICWA = true },
			partner: func(p *alongside.Partner) {
				p.Trainings = append(p.Trainings, alongside.Credential{Kind: alongside.TrainingICWA, Completed: date("2024-01-01")})
			},
			factor: matcher.FactorCulture, value: 0.4, weight: 10, reason: "ICWA applies and the partner is trained in ICWA"},
		{name: "culture: ethnicity shared, race not",
			kase: func(c *alongside.Case) {
				c.Identity.Ethnicities, c.Identity.Races = []string{"Mexican American"}, []string{"White"}
			},
			partner: func(p *alongside.Partner) {
				p.Identity.Ethnicities, p.Identity.Races = []string{"mexican american"}, []string{"Black"}
			},
			factor: matcher.FactorCulture, value: 2.0 / 3, weight: 10, reason: "shares the parent's self-identified ethnicity"},

		{name: "father: the parent is a mother",
			factor: matcher.FactorFather, value: 0, weight: 0, reason: "does not apply: the parent is not a father"},
		{name: "father: a father partner available evenings",
			kase:    father,
			partner: func(p *alongside.Partner) { p.Father, p.Gender = true, alongside.GenderMan; evenings(p) },
			factor:  matcher.FactorFather, value: 1, weight: 20, reason: "a father who went through a case himself; available evenings"},
		{name: "father: a fatherhood-trained woman, days only",
			kase: father, partner: fatherhood,
			factor: matcher.FactorFather, value: 0.75 * 0.7, weight: 20, reason: "trained in fatherhood engagement; not available evenings"},
		{name: "father: a fatherhood-trained man, evenings",
			kase:    father,
			partner: func(p *alongside.Partner) { p.Gender = alongside.GenderMan; fatherhood(p); evenings(p) },
			factor:  matcher.FactorFather, value: 0.75*0.85 + 0.25, weight: 20, reason: "a man trained in fatherhood engagement"},
		{name: "father: an untrained woman, evenings",
			kase: father, partner: evenings,
			factor: matcher.FactorFather, value: 0.25, weight: 20, reason: "not a father and not trained in fatherhood engagement"},

		{name: "lived experience: no needs",
			factor: matcher.FactorLivedExperience, value: 0, weight: 0, reason: "does not apply"},
		{name: "lived experience: infant removal weighs double",
			kase: func(c *alongside.Case) {
				c.Needs = []alongside.Tag{alongside.TagHousingInstability, alongside.TagInfantRemoval}
			},
			partner: func(p *alongside.Partner) { p.LivedExperience = []alongside.Tag{alongside.TagInfantRemoval} },
			factor:  matcher.FactorLivedExperience, value: 2.0 / 3, weight: 20, reason: "shares 1 of the parent's 2 needs: infant removal"},
		{name: "lived experience: a different substance",
			kase:    func(c *alongside.Case) { c.Needs = []alongside.Tag{alongside.TagOpioids} },
			partner: func(p *alongside.Partner) { p.LivedExperience = []alongside.Tag{alongside.TagAlcohol} },
			factor:  matcher.FactorLivedExperience, value: 0.5, weight: 20,
			reason: "a different substance-use history for opioid use (half credit)", part2: true},
		{name: "lived experience: a specific substance covers substance use",
			kase: func(c *alongside.Case) {
				c.Needs = []alongside.Tag{alongside.TagSubstanceUse, alongside.TagMethamphetamine}
			},
			partner: func(p *alongside.Partner) { p.LivedExperience = []alongside.Tag{alongside.TagMethamphetamine} },
			factor:  matcher.FactorLivedExperience, value: 1, weight: 20, reason: "shares 2 of the parent's 2 needs", part2: true},
		{name: "lived experience: nothing shared",
			kase:   func(c *alongside.Case) { c.Needs = []alongside.Tag{alongside.TagHomelessness} },
			factor: matcher.FactorLivedExperience, value: 0, weight: 20, reason: "does not share the parent's need"},

		{name: "geography: a travel model's 45 minutes",
			env:    func(e *matcher.Env) { e.Travel = fixedTravel{45 * time.Minute, true} },
			factor: matcher.FactorGeography, value: 0.5, weight: 15, reason: "about 45 min drive"},
		{name: "geography: beyond the horizon",
			env:    func(e *matcher.Env) { e.Travel = fixedTravel{2 * time.Hour, true} },
			factor: matcher.FactorGeography, value: 0, weight: 15, reason: "about 2 h drive"},
		{name: "geography: the model has no estimate",
			env:    func(e *matcher.Env) { e.Travel = fixedTravel{} },
			factor: matcher.FactorGeography, value: -1, weight: 15, reason: "(straight-line estimate)"},

		{name: "capacity: half full after the case",
			env:    func(e *matcher.Env) { e.Loads = loads(map[alongside.PartnerID]alongside.LoadUnits{"p_1": 4}) },
			factor: matcher.FactorCapacity, value: 0.5, weight: 10, reason: "would carry 5 of 10 load units"},

		{name: "continuity: the parent's prior partner",
			kase:   func(c *alongside.Case) { c.PriorPartners = []alongside.PartnerID{"p_0", "p_1"} },
			factor: matcher.FactorContinuity, value: 1, weight: 15, reason: "supported this parent, or a related parent, before"},
		{name: "continuity: someone else's prior partner",
			kase:   func(c *alongside.Case) { c.PriorPartners = []alongside.PartnerID{"p_0"} },
			factor: matcher.FactorContinuity, value: 0, weight: 15, reason: "has not supported this family before"},
		{name: "continuity: no prior partner",
			factor: matcher.FactorContinuity, value: 0, weight: 0, reason: "does not apply"},

		{name: "preferences: a man for evenings, met",
			kase: func(c *alongside.Case) {
				c.Preferences = alongside.Preferences{PartnerGender: alongside.GenderMan, Evenings: true}
			},
			partner: func(p *alongside.Partner) { p.Gender = alongside.GenderMan; evenings(p) },
			factor:  matcher.FactorPreferences, value: 1, weight: 5, reason: "meets the parent's requests: a man as partner and evenings"},
		{name: "preferences: half met",
			kase: func(c *alongside.Case) {
				c.Preferences = alongside.Preferences{Evenings: true, Weekends: true}
			},
			partner: evenings,
			factor:  matcher.FactorPreferences, value: 0.5, weight: 5, reason: "meets the parent's request for evenings; not weekends"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, c, e := newPartner("p_1"), newCase(), env()
			if tt.partner != nil {
				tt.partner(p)
			}
			if tt.kase != nil {
				tt.kase(c)
			}
			if tt.env != nil {
				tt.env(&e)
			}
			r := matcher.Score(p, c, nil, e)
			f := factor(t, r, tt.factor)
			if tt.value >= 0 && math.Abs(f.Value-tt.value) > 1e-9 {
				t.Errorf("%s value = %v; want %v (%s)", tt.factor, f.Value, tt.value, f.Reason)
			}
			if f.Weight != tt.weight {
				t.Errorf("%s weight = %v; want %v", tt.factor, f.Weight, tt.weight)
			}
			if !strings.Contains(f.Reason, tt.reason) {
				t.Errorf("%s reason = %q; want it to contain %q", tt.factor, f.Reason, tt.reason)
			}
			if got := slices.Contains(r.Part2, tt.factor); got != tt.part2 {
				t.Errorf("%s flagged Part 2 = %t; want %t", tt.factor, got, tt.part2)
			}
			checkTotal(t, r)
		})
	}
}

// checkTotal checks the total is the weighted mean of the factors, scaled
// to 0–100, and every value is in [0, 1].
func checkTotal(tb testing.TB, r matcher.Result) {
	tb.Helper()
	var sum, weights float64
	for _, f := range r.Factors {
		if f.Value < 0 || f.Value > 1 {
			tb.Errorf("%s value = %v; want it in [0, 1]", f.Name, f.Value)
		}
		sum += f.Weight * f.Value
		weights += f.Weight
	}
	if want := 100 * sum / weights; math.Abs(r.Total-want) > 1e-9 {
		tb.Errorf("total = %v; want %v", r.Total, want)
	}
}

// TestFactorsOrder checks a result lists every factor once, in Factors
// order, whatever applies.
func TestFactorsOrder(t *testing.T) {
	t.Parallel()
	r := matcher.Score(newPartner("p_1"), newCase(father), nil, env())
	var got []string
	for _, f := range r.Factors {
		got = append(got, f.Name)
	}
	if want := matcher.Factors(); !slices.Equal(got, want) {
		t.Errorf("factors = %v; want %v", got, want)
	}
}

// TestRedacted checks Part 2 reasons are hidden and nothing else changes.
func TestRedacted(t *testing.T) {
	t.Parallel()
	c := newCase(func(c *alongside.Case) { c.Needs = []alongside.Tag{alongside.TagOpioids, alongside.TagHomelessness} })
	p := newPartner("p_1", func(p *alongside.Partner) {
		p.LivedExperience = []alongside.Tag{alongside.TagOpioids}
		p.Exclusions.Needs = []alongside.Tag{alongside.TagOpioids}
	})
	r := matcher.Score(p, c, nil, env())
	red := r.Redacted()
	if strings.Contains(red.String(), "opioid") {
		t.Errorf("redacted result mentions opioids:\n%v", red)
	}
	if !strings.Contains(r.String(), "opioid") {
		t.Errorf("result does not mention opioids:\n%v", r)
	}
	if red.Total != r.Total || len(red.Failed) != len(r.Failed) || !r.Failed[0].Part2 {
		t.Errorf("redaction changed more than reasons:\n%v\n%v", r, red)
	}
}
