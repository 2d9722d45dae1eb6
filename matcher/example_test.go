package matcher_test

import (
	"fmt"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/matcher"
)

// exampleCase is a Spanish-speaking father in Yuma County whose case
// opened on Monday 2 March 2026 at 09:00 Arizona time.
func exampleCase() *alongside.Case {
	az, _ := alongside.LoadZone("America/Phoenix")
	return &alongside.Case{
		ID: "c_yuma", ExternalRef: "JD-2026-0107",
		OpenedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, az), TimeZone: "America/Phoenix",
		County: "04027", HomeArea: geo.Point{Lat: 32.69, Lng: -114.63},
		ParentRole: alongside.ParentRoleFather, Languages: []string{"es-MX"},
		Needs:   []alongside.Tag{alongside.TagMethamphetamine, alongside.TagHousingInstability},
		Program: "parents_for_parents", Status: alongside.CaseStatusOpen,
	}
}

// examplePartner is a partner in Yuma who passes every rule; mod changes
// one thing.
func examplePartner(id alongside.PartnerID, mod func(*alongside.Partner)) *alongside.Partner {
	p := &alongside.Partner{
		ID: id, Languages: []string{"es", "en"}, Gender: alongside.GenderWoman,
		OwnCaseClosed: alongside.Date{Year: 2021, Month: 6, Day: 1},
		Programs:      []string{"parents_for_parents"}, CountiesServed: []string{"04027"},
		Home: geo.Point{Lat: 32.72, Lng: -114.62}, MaxTravel: 90 * time.Minute, Capacity: 12,
		Status: alongside.PartnerStatusActive,
	}
	for _, k := range alongside.CoreTrainings() {
		p.Trainings = append(p.Trainings, alongside.Credential{Kind: k, Completed: alongside.Date{Year: 2024, Month: 1, Day: 15}})
	}
	if mod != nil {
		mod(p)
	}
	return p
}

func Example() {
	c := exampleCase()
	roster := []*alongside.Partner{
		examplePartner("p_maria", func(p *alongside.Partner) {
			p.OwnCaseClosed = alongside.Date{Year: 2025, Month: 4, Day: 20} // 11 months ago
		}),
		examplePartner("p_luis", func(p *alongside.Partner) {
			p.Gender, p.Father = alongside.GenderMan, true
			p.LivedExperience = []alongside.Tag{alongside.TagMethamphetamine}
			p.RecoverySince = alongside.Date{Year: 2020, Month: 1, Day: 1}
		}),
		examplePartner("p_ana", nil),
		examplePartner("p_joe", func(p *alongside.Partner) { p.Languages = []string{"en"} }),
	}
	x := matcher.NewIndex(nil)
	for _, p := range roster {
		x.Put(p)
	}
	policies := matcher.DefaultPolicy()
	pol := policies.For(c.Program)
	env := matcher.Env{Now: c.OpenedAt.Add(30 * time.Minute)}

	r := x.Rank(c, pol, env, 3)
	for _, cand := range r.Top {
		fmt.Printf("%s %.1f\n", cand.Partner.ID, cand.Total)
	}
	maria, _ := x.Get("p_maria")
	for _, f := range r.Explain(maria).Failed {
		fmt.Printf("why not p_maria? %s\n", f.Reason)
	}
	d := matcher.NextOffer(r, nil, env.Now)
	fmt.Println(d.Action, d.Offer.Partner.ID, d.ExpiresAt.Format(time.Kitchen))
	// Output:
	// p_luis 82.1
	// p_ana 48.8
	// why not p_maria? own case closed on 2025-04-20, less than 1 year before 2026-03-02
	// offer p_luis 1:30PM
}

// The service charges its index with every held and confirmed
// assignment; Index.Rank then reads each candidate's load from the index.
func ExampleIndex_Charge() {
	c := exampleCase()
	x := matcher.NewIndex(nil)
	x.Put(examplePartner("p_ana", nil))
	x.Put(examplePartner("p_luis", nil))
	now := c.OpenedAt.Add(30 * time.Minute)
	x.Charge(&alongside.Assignment{ID: "a_1", Partner: "p_ana", State: alongside.StateConfirmed, Units: 11})
	x.Charge(&alongside.Assignment{ID: "a_2", Partner: "p_ana", State: alongside.StateHeld, Units: 1, ExpiresAt: now.Add(4 * time.Hour)})
	fmt.Println("p_ana carries", x.Load("p_ana", now), "of 12 units")

	r := x.Rank(c, nil, matcher.Env{Now: now}, 3)
	for _, cand := range r.Top {
		fmt.Printf("%s %.1f\n", cand.Partner.ID, cand.Total)
	}
	fmt.Println(r.Eligible, "eligible;", r.Excluded())
	// After the hold expires, p_ana has room again.
	fmt.Println("p_ana carries", x.Load("p_ana", now.Add(5*time.Hour)), "units later")
	// Output:
	// p_ana carries 12 of 12 units
	// p_luis 48.8
	// 1 eligible; [{capacity 1}]
	// p_ana carries 11 units later
}

func ExampleScore() {
	c := exampleCase()
	p := examplePartner("p_joe", func(p *alongside.Partner) {
		p.Languages = []string{"en"}
		p.Capacity = 4
	})
	env := matcher.Env{
		Now:   c.OpenedAt.Add(time.Hour),
		Loads: func(alongside.PartnerID) alongside.LoadUnits { return 4 },
	}
	fmt.Print(matcher.Score(p, c, nil, env))
	// Output:
	// p_joe: not eligible (score 16.8)
	//   fails language: shares no language with the parent (Mexican Spanish) and no interpreter is arranged
	//   fails capacity: has no room: 4 of 4 load units in use, and the case needs 1
	//   language         0.00 × 20  shares no language with the parent
	//   culture          0.00 × 0   does not apply: the parent self-identified no race, ethnicity, culture or tribe, and ICWA does not apply
	//   father           0.00 × 20  not a father and not trained in fatherhood engagement; not available evenings
	//   lived_experience 0.00 × 20  shares none of the parent's 2 needs
	//   geography        0.95 × 15  about 4 min drive (straight-line estimate)
	//   capacity         0.00 × 10  would carry 5 of 4 load units
	//   continuity       0.00 × 0   does not apply: the parent had no partner before
	//   preferences      0.00 × 0   does not apply: the parent made no requests
}

func ExampleRanking_Shortfall() {
	c := exampleCase()
	roster := []*alongside.Partner{
		examplePartner("p_1", func(p *alongside.Partner) { p.Languages = []string{"en"} }),
		examplePartner("p_2", func(p *alongside.Partner) { p.Languages = []string{"en"} }),
		examplePartner("p_3", nil),
	}
	env := matcher.Env{
		Now:   c.OpenedAt,
		Loads: func(alongside.PartnerID) alongside.LoadUnits { return 12 },
	}
	r := matcher.Rank(c, roster, nil, env, 3)
	fmt.Println(r.Shortfall())
	d := matcher.NextOffer(r, nil, env.Now)
	fmt.Println(d.Action, d.Escalation.Code)
	// Output:
	// no partner in Yuma County who speaks Spanish and has capacity (3 considered: 1 speaks Spanish, 0 of those have capacity)
	// escalate no_eligible_partner
}

func ExampleParsePolicy() {
	ps, err := matcher.ParsePolicy([]byte(`
default:
  weights:
    father: 30
programs:
  yuma_dads:
    offer: {window: 2h}
    rules: {max_travel: false}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	p := ps.For("yuma_dads")
	fmt.Println(p.Weights.Father, p.Offer.Window, p.Rules.Has(matcher.RuleMaxTravel))

	_, err = matcher.ParsePolicy([]byte("default:\n  offer:\n    window: -4h\n"))
	fmt.Println(err)
	// Output:
	// 30 2h0m0s false
	// line 3, column 13: default.offer.window: must be more than 0 and at most 48h0m0s
}

func ExampleOfferExpiry() {
	c := exampleCase()
	for _, after := range []time.Duration{time.Hour, 46 * time.Hour, 48 * time.Hour} {
		exp, err := matcher.OfferExpiry(c, c.OpenedAt.Add(after), nil)
		fmt.Println(exp.Format("Mon 15:04"), err)
	}
	// Output:
	// Mon 14:00 <nil>
	// Wed 09:00 <nil>
	// Mon 00:00 case match deadline has passed
}
