package matcher_test

import (
	"strings"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/matcher"
)

const (
	psn  = "parent_support_now"
	tbpr = "team_based_parent_representation"
)

var peerCert = alongside.Credential{Kind: alongside.CertificationPeerSupport, Completed: date("2023-06-01")}

// TestHardRules pins every hard rule: each row changes the eligible
// fixture pair in one way and lists exactly the rules that must fail.
func TestHardRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		partner func(*alongside.Partner)
		kase    func(*alongside.Case)
		env     func(*matcher.Env)
		policy  func(*matcher.Policy)
		want    []matcher.Rule
		reason  string // in the first failure's reason
	}{
		{name: "eligible fixture"},

		{name: "eligibility: Parent Support Now needs a Medicaid-eligible child",
			kase: func(c *alongside.Case) { c.Program = psn },
			partner: func(p *alongside.Partner) {
				p.Programs = []string{psn}
				p.Certifications = []alongside.Credential{peerCert}
			},
			want:   []matcher.Rule{matcher.RuleEligibility},
			reason: "the child is not Medicaid-eligible, which Parent Support Now requires"},
		{name: "eligibility: Team-Based Parent Representation takes attorney referrals",
			kase:    func(c *alongside.Case) { c.Program, c.Referral = tbpr, alongside.ReferralAgency },
			partner: func(p *alongside.Partner) { p.Programs = []string{tbpr} },
			want:    []matcher.Rule{matcher.RuleEligibility},
			reason:  "takes referrals from the parent's attorney; this case was referred by the agency"},
		{name: "eligibility: attorney referral accepted",
			kase:    func(c *alongside.Case) { c.Program, c.Referral = tbpr, alongside.ReferralAttorney },
			partner: func(p *alongside.Partner) { p.Programs = []string{tbpr} }},

		{name: "active: on leave",
			partner: func(p *alongside.Partner) { p.Status = alongside.PartnerStatusOnLeave },
			want:    []matcher.Rule{matcher.RuleActive}, reason: "is on leave"},
		{name: "active: onboarding",
			partner: func(p *alongside.Partner) { p.Status = alongside.PartnerStatusOnboarding },
			want:    []matcher.Rule{matcher.RuleActive}, reason: "is still onboarding"},

		{name: "program: works for another program",
			partner: func(p *alongside.Partner) { p.Programs = []string{"parents_for_parents"} },
			want:    []matcher.Rule{matcher.RuleProgram}, reason: "does not work for program demo_pilot"},

		{name: "county: does not serve the case's county",
			partner: func(p *alongside.Partner) { p.CountiesServed = []string{yuma} },
			want:    []matcher.Rule{matcher.RuleCounty}, reason: "does not serve Mohave County"},

		{name: "language: Spanish-only parent, English-only partner, no interpreter",
			kase:   func(c *alongside.Case) { c.Languages = []string{"es"} },
			want:   []matcher.Rule{matcher.RuleLanguage},
			reason: "shares no language with the parent (Spanish) and no interpreter is arranged"},
		{name: "language: Spanish-only parent, English-only partner, interpreter arranged",
			kase: func(c *alongside.Case) { c.Languages, c.InterpreterOK = []string{"es"}, true }},
		{name: "language: es-MX parent, es partner",
			kase:    func(c *alongside.Case) { c.Languages = []string{"es-MX"} },
			partner: func(p *alongside.Partner) { p.Languages = []string{"es", "en"} }},
		{name: "language: the parent's second language",
			kase: func(c *alongside.Case) { c.Languages = []string{"es", "en"} }},
		{name: "language: ASL-signing parent, hearing partner",
			kase:   func(c *alongside.Case) { c.Languages = []string{"ase"} },
			want:   []matcher.Rule{matcher.RuleLanguage},
			reason: "(American Sign Language)"},

		{name: "capacity: full",
			env:  func(e *matcher.Env) { e.Loads = loads(map[alongside.PartnerID]alongside.LoadUnits{"p_1": 10}) },
			want: []matcher.Rule{matcher.RuleCapacity}, reason: "has no room: 10 of 10 load units in use, and the case needs 1"},
		{name: "capacity: the case's units do not fit",
			kase: func(c *alongside.Case) { c.Load = 2 },
			env:  func(e *matcher.Env) { e.Loads = loads(map[alongside.PartnerID]alongside.LoadUnits{"p_1": 9}) },
			want: []matcher.Rule{matcher.RuleCapacity}},
		{name: "capacity: exactly fits",
			env: func(e *matcher.Env) { e.Loads = loads(map[alongside.PartnerID]alongside.LoadUnits{"p_1": 9}) }},
		{name: "capacity: none",
			partner: func(p *alongside.Partner) { p.Capacity = 0 },
			want:    []matcher.Rule{matcher.RuleCapacity}, reason: "has no capacity"},

		{name: "max_travel: beyond the partner's limit",
			partner: func(p *alongside.Partner) { p.Home = geo.Point{Lat: 34.48, Lng: -114.32} }, // Lake Havasu City
			want:    []matcher.Rule{matcher.RuleMaxTravel}, reason: "exceeds the partner's limit of 1 h 30 min"},
		{name: "max_travel: beyond the program's limit",
			partner: func(p *alongside.Partner) { p.Home, p.MaxTravel = geo.Point{Lat: 32.22, Lng: -110.97}, 0 }, // Tucson
			want:    []matcher.Rule{matcher.RuleMaxTravel}, reason: "exceeds program demo_pilot's limit of 3 h"},
		{name: "max_travel: no limits",
			partner: func(p *alongside.Partner) { p.Home, p.MaxTravel = geo.Point{Lat: 32.22, Lng: -110.97}, 0 },
			policy:  func(p *matcher.Policy) { p.Travel.Max = 0 }},

		{name: "core_training: safety missing",
			partner: func(p *alongside.Partner) { p.Trainings = p.Trainings[:2] },
			want:    []matcher.Rule{matcher.RuleCoreTraining}, reason: "has not completed core training: safety and confidentiality"},
		{name: "core_training: expired",
			partner: func(p *alongside.Partner) { p.Trainings[2].Expires = date("2026-01-11") },
			want:    []matcher.Rule{matcher.RuleCoreTraining}, reason: "safety (expired)"},
		{name: "core_training: completed after today",
			partner: func(p *alongside.Partner) { p.Trainings[0].Completed = date("2026-03-09") },
			want:    []matcher.Rule{matcher.RuleCoreTraining}},

		{name: "case_closed: 11 months after the partner's own case closed",
			partner: func(p *alongside.Partner) { p.OwnCaseClosed = date("2025-04-07") },
			want:    []matcher.Rule{matcher.RuleCaseClosed},
			reason:  "own case closed on 2025-04-07, less than 1 year before 2026-03-07"},
		{name: "case_closed: one day short of a year",
			partner: func(p *alongside.Partner) { p.OwnCaseClosed = date("2025-03-08") },
			want:    []matcher.Rule{matcher.RuleCaseClosed}},
		{name: "case_closed: exactly a year",
			partner: func(p *alongside.Partner) { p.OwnCaseClosed = date("2025-03-07") }},
		{name: "case_closed: two years required",
			partner: func(p *alongside.Partner) { p.OwnCaseClosed = date("2025-03-07") },
			policy:  func(p *matcher.Policy) { p.CaseClosedYears = 2 },
			want:    []matcher.Rule{matcher.RuleCaseClosed}, reason: "less than 2 years"},
		{name: "case_closed: today is the first day in the case's zone",
			partner: func(p *alongside.Partner) { p.OwnCaseClosed = date("2025-03-08") },
			// 06:30 UTC on 8 March is 23:30 on 7 March in Arizona.
			env:  func(e *matcher.Env) { e.Now = time.Date(2026, 3, 8, 6, 30, 0, 0, time.UTC) },
			want: []matcher.Rule{matcher.RuleCaseClosed}},

		{name: "recovery: six months",
			partner: func(p *alongside.Partner) { p.RecoverySince = date("2025-09-01") },
			want:    []matcher.Rule{matcher.RuleRecovery}, reason: "in recovery since 2025-09-01, less than 1 year"},
		{name: "recovery: three years",
			partner: func(p *alongside.Partner) { p.RecoverySince = date("2023-01-01") }},

		{name: "certification: Parent Support Now without a certified peer support specialist",
			kase:    func(c *alongside.Case) { c.Program, c.MedicaidEligible = psn, true },
			partner: func(p *alongside.Partner) { p.Programs = []string{psn} },
			want:    []matcher.Rule{matcher.RuleCertification},
			reason:  "is not a certified peer support specialist, which Parent Support Now billing requires"},
		{name: "certification: expired",
			kase: func(c *alongside.Case) { c.Program, c.MedicaidEligible = psn, true },
			partner: func(p *alongside.Partner) {
				p.Programs = []string{psn}
				cert := peerCert
				cert.Expires = date("2026-01-01")
				p.Certifications = []alongside.Credential{cert}
			},
			want: []matcher.Rule{matcher.RuleCertification}},
		{name: "certification: held",
			kase: func(c *alongside.Case) { c.Program, c.MedicaidEligible = psn, true },
			partner: func(p *alongside.Partner) {
				p.Programs = []string{psn}
				p.Certifications = []alongside.Credential{peerCert}
			}},

		{name: "exclusions: the partner excluded the case's need",
			kase: func(c *alongside.Case) {
				c.Needs = []alongside.Tag{alongside.TagDomesticViolence, alongside.TagHomelessness}
			},
			partner: func(p *alongside.Partner) { p.Exclusions.Needs = []alongside.Tag{alongside.TagDomesticViolence} },
			want:    []matcher.Rule{matcher.RuleExclusion},
			reason:  "has declared they will not take cases involving domestic violence"},
		{name: "exclusions: the partner excluded this case",
			partner: func(p *alongside.Partner) { p.Exclusions.CaseRefs = []string{"JD-2026-0042"} },
			want:    []matcher.Rule{matcher.RuleExclusion}, reason: "has declared they will not take this case"},
		{name: "exclusions: another need excluded",
			kase:    func(c *alongside.Case) { c.Needs = []alongside.Tag{alongside.TagHomelessness} },
			partner: func(p *alongside.Partner) { p.Exclusions.Needs = []alongside.Tag{alongside.TagRelinquishment} }},

		{name: "conflicts: a known conflict",
			kase: func(c *alongside.Case) { c.KnownConflicts = []alongside.PartnerID{"p_1"} },
			want: []matcher.Rule{matcher.RuleConflict}, reason: "is a known conflict for this case"},

		{name: "previous_offer: declined",
			env: func(e *matcher.Env) {
				e.History = []*alongside.Assignment{{Case: "c_1", Partner: "p_1", State: alongside.StateDeclined,
					DecidedAt: opened.Add(time.Hour)}}
			},
			want: []matcher.Rule{matcher.RulePreviousOffer}, reason: "declined this case on Sat 7 Mar 11:00 MST"},
		{name: "previous_offer: a hold past its expiry, not yet swept",
			env: func(e *matcher.Env) {
				e.History = []*alongside.Assignment{{Case: "c_1", Partner: "p_1", State: alongside.StateHeld,
					ExpiresAt: now.Add(-time.Minute)}}
			},
			want: []matcher.Rule{matcher.RulePreviousOffer}, reason: "let the offer of this case expire"},
		{name: "previous_offer: another case's history",
			env: func(e *matcher.Env) {
				e.History = []*alongside.Assignment{{Case: "c_2", Partner: "p_1", State: alongside.StateDeclined}}
			}},
		{name: "previous_offer: cannot be switched off",
			env: func(e *matcher.Env) {
				e.History = []*alongside.Assignment{{Case: "c_1", Partner: "p_1", State: alongside.StateReleased}}
			},
			policy: func(p *matcher.Policy) { p.Rules = 0 },
			want:   []matcher.Rule{matcher.RulePreviousOffer}, reason: "was released from this case"},

		{name: "every failure is listed, in rule order",
			partner: func(p *alongside.Partner) {
				p.Status = alongside.PartnerStatusInactive
				p.CountiesServed = []string{yuma}
				p.OwnCaseClosed = date("2025-12-01")
			},
			kase:   func(c *alongside.Case) { c.KnownConflicts = []alongside.PartnerID{"p_1"} },
			want:   []matcher.Rule{matcher.RuleActive, matcher.RuleCounty, matcher.RuleCaseClosed, matcher.RuleConflict},
			reason: "is inactive"},
		{name: "rules switched off by the policy",
			partner: func(p *alongside.Partner) {
				p.CountiesServed = []string{yuma}
				p.Trainings = nil
			},
			policy: func(p *matcher.Policy) {
				p.Rules = p.Rules.Without(matcher.RuleCounty).Without(matcher.RuleCoreTraining)
			}},
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
			pol := defaults().For(c.Program)
			if tt.policy != nil {
				tt.policy(pol)
			}
			r := matcher.Score(p, c, pol, e)
			var want matcher.RuleSet
			for _, rule := range tt.want {
				want = want.With(rule)
			}
			if got := failedRules(r); got != want {
				t.Fatalf("Score failed rules = %q; want %q\n%v", got, want, r)
			}
			if r.Eligible != (want == 0) {
				t.Errorf("Score eligible = %t; want %t", r.Eligible, want == 0)
			}
			for _, f := range r.Failed {
				if f.Reason == "" {
					t.Errorf("rule %s failed with no reason", f.Rule)
				}
			}
			if tt.reason != "" && !strings.Contains(r.Failed[0].Reason, tt.reason) {
				t.Errorf("Score reason = %q; want it to contain %q", r.Failed[0].Reason, tt.reason)
			}
			// The quick path agrees with the explained one.
			if _, ok := matcher.NewScorer(c, pol, e).Quick(p); ok != r.Eligible {
				t.Errorf("Quick eligible = %t; Score eligible = %t", ok, r.Eligible)
			}
		})
	}
}

// TestNeverOffered pins the four "never offered" cases end to end:
// the partner is ranked out and the cascade offers someone else, or
// escalates when nobody is left.
func TestNeverOffered(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		kase    func(*alongside.Case)
		partner func(*alongside.Partner) // the partner who must never be offered
	}{
		{name: "Spanish-only parent, English-only partner without the interpreter flag",
			kase: func(c *alongside.Case) { c.Languages = []string{"es"} }},
		{name: "a case the partner excluded",
			kase:    func(c *alongside.Case) { c.Needs = []alongside.Tag{alongside.TagRelinquishment} },
			partner: func(p *alongside.Partner) { p.Exclusions.Needs = []alongside.Tag{alongside.TagRelinquishment} }},
		{name: "a case the partner excluded by reference",
			partner: func(p *alongside.Partner) { p.Exclusions.CaseRefs = []string{"JD-2026-0042"} }},
		{name: "11 months after the partner's own case closed",
			partner: func(p *alongside.Partner) { p.OwnCaseClosed = date("2025-04-07") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newCase()
			if tt.kase != nil {
				tt.kase(c)
			}
			// The barred partner would otherwise be the best: nearer, idle,
			// a prior partner of this parent.
			barred := newPartner("p_barred", func(p *alongside.Partner) { p.Home = kingman })
			if tt.partner != nil {
				tt.partner(barred)
			}
			c.PriorPartners = []alongside.PartnerID{barred.ID}
			other := newPartner("p_other", func(p *alongside.Partner) {
				p.Languages = []string{"es", "en"}
				p.Home = geo.Point{Lat: 35.4, Lng: -113.9}
			})
			pol := defaults().For(c.Program)

			r := matcher.Rank(c, []*alongside.Partner{barred}, pol, env(), 5)
			if len(r.Top) != 0 {
				t.Fatalf("Rank offered %s alone: %v", r.Top[0].Partner.ID, r.Top[0].Result)
			}
			if d := matcher.NextOffer(r, nil, now); d.Action != matcher.ActionEscalate || d.Offer != nil {
				t.Errorf("NextOffer with only the barred partner = %v; want an escalation", d.Action)
			}

			r = matcher.Rank(c, []*alongside.Partner{barred, other}, pol, env(), 5)
			if len(r.Top) != 1 || r.Top[0].Partner.ID != other.ID {
				t.Fatalf("Rank top = %v; want only %s", ids(r.Top), other.ID)
			}
			if d := matcher.NextOffer(r, nil, now); d.Action != matcher.ActionOffer || d.Offer.Partner.ID != other.ID {
				t.Errorf("NextOffer = %v %v; want an offer to %s", d.Action, d.Offer, other.ID)
			}
		})
	}
}

func ids(cs []matcher.Candidate) []alongside.PartnerID {
	out := make([]alongside.PartnerID, len(cs))
	for i, c := range cs {
		out[i] = c.Partner.ID
	}
	return out
}
