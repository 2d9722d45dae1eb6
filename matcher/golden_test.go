package matcher_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/matcher"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestExplainGolden writes the explanations a coordinator reads — every
// factor and failed rule for a small Yuma roster, the shortfall and the
// cascade's decision — and compares them with testdata/explain.golden
// (go test -update rewrites it).
func TestExplainGolden(t *testing.T) {
	t.Parallel()
	yumaHome := geo.Point{Lat: 32.69, Lng: -114.62}
	c := newCase(father, func(c *alongside.Case) {
		c.ID, c.County, c.HomeArea = "c_yuma", yuma, geo.Point{Lat: 32.70, Lng: -114.60}
		c.Languages = []string{"es-MX"}
		c.Program, c.MedicaidEligible = psn, true
		c.Needs = []alongside.Tag{alongside.TagMethamphetamine, alongside.TagInfantRemoval}
		c.Identity.Ethnicities = []string{"Mexican American"}
		c.Preferences = alongside.Preferences{PartnerGender: alongside.GenderMan, Evenings: true}
		c.KnownConflicts = []alongside.PartnerID{"p_rosa"}
	})
	inYuma := func(p *alongside.Partner) {
		p.CountiesServed, p.Home, p.Programs = []string{yuma}, yumaHome, []string{psn}
		p.Certifications = []alongside.Credential{peerCert}
		p.Languages = []string{"es", "en"}
	}
	roster := []*alongside.Partner{
		newPartner("p_luis", inYuma, evenings, func(p *alongside.Partner) {
			p.Gender, p.Father = alongside.GenderMan, true
			p.LivedExperience = []alongside.Tag{alongside.TagAlcohol, alongside.TagInfantRemoval}
			p.RecoverySince = date("2019-02-01")
			p.Identity.Ethnicities = []string{"Mexican American"}
		}),
		newPartner("p_maria", inYuma, func(p *alongside.Partner) {
			p.OwnCaseClosed = date("2025-04-07") // 11 months
			p.LivedExperience = []alongside.Tag{alongside.TagMethamphetamine}
		}),
		newPartner("p_joe", inYuma, fatherhood, func(p *alongside.Partner) {
			p.Languages = []string{"en"}
			p.Gender = alongside.GenderMan
		}),
		newPartner("p_ana", inYuma, func(p *alongside.Partner) {
			p.Exclusions.Needs = []alongside.Tag{alongside.TagMethamphetamine}
		}),
		newPartner("p_rosa", inYuma, func(p *alongside.Partner) {
			p.Certifications = nil
			p.Trainings = p.Trainings[1:]
			p.RecoverySince = date("2025-10-01")
		}),
		newPartner("p_eva", inYuma, func(p *alongside.Partner) {
			p.Home = geo.Point{Lat: 33.45, Lng: -112.07} // Phoenix
			p.MaxTravel = 0
		}),
		newPartner("p_kim", inYuma),
		newPartner("p_sam", inYuma, fatherhood, func(p *alongside.Partner) {
			p.Gender = alongside.GenderMan
			p.Home = geo.Point{Lat: 32.62, Lng: -114.40} // toward Fortuna Foothills
			p.LivedExperience = []alongside.Tag{alongside.TagOpioids, alongside.TagHomelessness}
			p.RecoverySince = date("2018-06-01")
		}),
	}
	e := env()
	e.Loads = loads(map[alongside.PartnerID]alongside.LoadUnits{"p_kim": 10})
	e.History = []*alongside.Assignment{{Case: "c_yuma", Partner: "p_luis", State: alongside.StateDeclined,
		DecidedAt: now.Add(-30 * time.Minute)}}

	var b bytes.Buffer
	r := matcher.Rank(c, roster, nil, e, 3)
	fmt.Fprintf(&b, "# Rank: %d considered, %d eligible\n", r.Considered, r.Eligible)
	for _, rc := range r.Excluded() {
		fmt.Fprintf(&b, "excluded by %s: %d\n", rc.Rule, rc.Partners)
	}
	fmt.Fprintf(&b, "shortfall: %q\n", r.Shortfall())
	d := matcher.NextOffer(r, e.History, now)
	fmt.Fprintf(&b, "next: %v until %s: %s\n", d.Action, d.ExpiresAt.Format(time.RFC3339), d.Reason)
	for _, p := range roster {
		res := r.Explain(p)
		fmt.Fprintf(&b, "\n# %s\n%v", p.ID, res)
		if p.ID == "p_luis" || p.ID == "p_ana" {
			fmt.Fprintf(&b, "redacted for roles without Part 2 access:\n%v", res.Redacted())
		}
	}
	// And the roster with nobody left.
	e.History = append(e.History, &alongside.Assignment{Case: "c_yuma", Partner: d.Offer.Partner.ID, State: alongside.StateExpired,
		ExpiresAt: d.ExpiresAt})
	late := opened.Add(40 * time.Hour)
	e.Now = late
	r = matcher.Rank(c, roster, nil, e, 3)
	d = matcher.NextOffer(r, e.History, late)
	fmt.Fprintf(&b, "\n# After the offer expired, at %s\nnext: %v: %s: %s\n", late.Format(time.RFC3339),
		d.Action, d.Escalation.Code, d.Escalation.Reason)

	golden(t, "testdata/explain.golden", b.Bytes())
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(name, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", name, got)
	}
}
