package matcher_test

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/internal/demo"
	"github.com/alongside/alongside/matcher"
	gocmp "github.com/google/go-cmp/cmp"
)

// roster returns partners at increasing distances from Kingman, so their
// scores fall with their index.
func roster(n int) []*alongside.Partner {
	var ps []*alongside.Partner
	for i := range n {
		id := alongside.PartnerID("p_" + string(rune('a'+i)))
		ps = append(ps, newPartner(id, func(p *alongside.Partner) {
			p.Home = geo.Point{Lat: 35.19 + 0.05*float64(i), Lng: -114.05}
		}))
	}
	return ps
}

func TestRankOrder(t *testing.T) {
	t.Parallel()
	ps := roster(5)
	twin := newPartner("p_0", func(p *alongside.Partner) { p.Home = ps[2].Home }) // ties p_c; sorts first
	ps = append(ps, twin, newPartner("p_z", func(p *alongside.Partner) { p.Status = alongside.PartnerStatusInactive }))
	r := matcher.Rank(newCase(), ps, nil, env(), 4)
	if want := []alongside.PartnerID{"p_a", "p_b", "p_0", "p_c"}; !slices.Equal(ids(r.Top), want) {
		t.Errorf("Rank top = %v; want %v", ids(r.Top), want)
	}
	for i := 1; i < len(r.Top); i++ {
		if r.Top[i].Total > r.Top[i-1].Total {
			t.Errorf("Rank top[%d] total %v > top[%d] total %v", i, r.Top[i].Total, i-1, r.Top[i-1].Total)
		}
	}
	if r.Considered != 7 || r.Eligible != 6 {
		t.Errorf("Rank considered %d, eligible %d; want 7, 6", r.Considered, r.Eligible)
	}
	if want := []matcher.RuleCount{{Rule: matcher.RuleActive, Partners: 1}}; !gocmp.Equal(r.Excluded(), want) {
		t.Errorf("Rank excluded = %v; want %v", r.Excluded(), want)
	}
	for _, c := range r.Top {
		if !c.Eligible || len(c.Factors) != len(matcher.Factors()) || c.Partner.ID != c.Result.Partner {
			t.Errorf("Rank candidate %s is not explained: %v", c.Partner.ID, c.Result)
		}
	}
	if got := matcher.Rank(newCase(), ps, nil, env(), 0); len(got.Top) != 5 {
		t.Errorf("Rank with k = 0 returned %d; want the policy's top_k, 5", len(got.Top))
	}
	if why := r.Explain(ps[6]); why.Eligible || why.Failed[0].Reason != "is inactive" {
		t.Errorf("Explain(inactive) = %v", why)
	}
}

// TestRankDeterministic: the candidates' order does not change a ranking.
func TestRankDeterministic(t *testing.T) {
	t.Parallel()
	ps := roster(12)
	for _, p := range ps[6:] {
		p.Home = ps[3].Home // ties
	}
	ps[1].Capacity = 0
	c := newCase(func(c *alongside.Case) { c.Needs = []alongside.Tag{alongside.TagHomelessness} })
	want := matcher.Rank(c, ps, nil, env(), 8)
	rng := rand.New(rand.NewPCG(7, 7))
	for range 50 {
		shuffled := slices.Clone(ps)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		got := matcher.Rank(c, shuffled, nil, env(), 8)
		if !gocmp.Equal(got.Top, want.Top) || got.Eligible != want.Eligible || !gocmp.Equal(got.Excluded(), want.Excluded()) {
			t.Fatalf("Rank of shuffled candidates = %v; want %v", ids(got.Top), ids(want.Top))
		}
	}
}

// TestRankFatherFatherhoodTrained: a father is matched to the
// fatherhood-trained partner, though another is nearer and idler.
func TestRankFatherFatherhoodTrained(t *testing.T) {
	t.Parallel()
	near := newPartner("p_near", func(p *alongside.Partner) { p.Home = kingman })
	trained := newPartner("p_trained", fatherhood, func(p *alongside.Partner) {
		p.Home = geo.Point{Lat: 35.34, Lng: -114.05} // about 20 minutes out
	})
	e := env()
	e.Loads = loads(map[alongside.PartnerID]alongside.LoadUnits{"p_trained": 2})
	cands := []*alongside.Partner{near, trained}

	if r := matcher.Rank(newCase(), cands, nil, e, 2); r.Top[0].Partner.ID != near.ID {
		t.Fatalf("for a mother, Rank top = %v; want %s first", ids(r.Top), near.ID)
	}
	r := matcher.Rank(newCase(father), cands, nil, e, 2)
	if r.Top[0].Partner.ID != trained.ID {
		t.Fatalf("for a father, Rank top = %v; want %s first\n%v\n%v", ids(r.Top), trained.ID, r.Top[0].Result, r.Top[1].Result)
	}
	if f := factor(t, r.Top[0].Result, matcher.FactorFather); f.Reason != "trained in fatherhood engagement; not available evenings" {
		t.Errorf("father reason = %q", f.Reason)
	}
	if d := matcher.NextOffer(r, nil, now); d.Action != matcher.ActionOffer || d.Offer.Partner.ID != trained.ID {
		t.Errorf("NextOffer = %v %v; want an offer to %s", d.Action, d.Offer, trained.ID)
	}
}

func TestShortfall(t *testing.T) {
	t.Parallel()
	inYuma := func(p *alongside.Partner) {
		p.CountiesServed = []string{yuma}
		p.Home = geo.Point{Lat: 32.69, Lng: -114.62}
	}
	spanish := func(p *alongside.Partner) { p.Languages = []string{"es", "en"} }
	yumaCase := func(c *alongside.Case) {
		c.County, c.HomeArea, c.Languages = yuma, geo.Point{Lat: 32.70, Lng: -114.60}, []string{"es"}
	}
	full := map[alongside.PartnerID]alongside.LoadUnits{"p_es1": 10, "p_es2": 10}
	tests := []struct {
		name  string
		kase  func(*alongside.Case)
		cands []*alongside.Partner
		want  string
	}{
		{name: "no Spanish speaker with capacity in Yuma County", kase: yumaCase,
			cands: []*alongside.Partner{
				newPartner("p_en1", inYuma), newPartner("p_en2", inYuma), newPartner("p_en3", inYuma),
				newPartner("p_es1", inYuma, spanish), newPartner("p_es2", inYuma, spanish),
				newPartner("p_es3", inYuma, spanish, func(p *alongside.Partner) { p.Status = alongside.PartnerStatusOnLeave }),
			},
			want: "no partner in Yuma County who is active, speaks Spanish and has capacity " +
				"(6 considered: 5 are active, 2 of those speak Spanish, 0 of those have capacity)"},
		{name: "nobody serves the county", kase: yumaCase,
			want: "no active partner working for program demo_pilot serves Yuma County"},
		{name: "the case is not eligible",
			kase:  func(c *alongside.Case) { c.Program = psn },
			cands: []*alongside.Partner{newPartner("p_1")},
			want:  "the case is not eligible: the child is not Medicaid-eligible, which Parent Support Now requires"},
		{name: "somebody is eligible",
			cands: []*alongside.Partner{newPartner("p_1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newCase(tt.kase)
			e := env()
			e.Loads = loads(full)
			if got := matcher.Rank(c, tt.cands, nil, e, 3).Shortfall(); got != tt.want {
				t.Errorf("Shortfall() = %q;\nwant %q", got, tt.want)
			}
		})
	}
}

// TestRankMatchesBruteForce: Rank's pruned search returns exactly the top
// k of scoring every candidate, over the Arizona sample; so does
// Index.Rank, with loads from the Env and from the index's charges.
func TestRankMatchesBruteForce(t *testing.T) {
	t.Parallel()
	ds, err := demo.Generate(demo.Options{Seed: 3, Partners: 400, Cases: 60, Appointments: -1, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	x := matcher.NewIndex(nil)
	x.Reset(ds.Partners)
	load := func(id alongside.PartnerID) alongside.LoadUnits { return alongside.LoadUnits(int(id[len(id)-1]) % 7) }
	e := matcher.Env{Now: now, Loads: load}
	// charged carries the same loads as charges: a confirmed assignment
	// and a live hold per partner, and a hold that has expired.
	charged := matcher.NewIndex(nil)
	charged.Reset(ds.Partners)
	for _, p := range ds.Partners {
		n := load(p.ID)
		charged.Charge(&alongside.Assignment{ID: alongside.AssignmentID("a1" + p.ID), Partner: p.ID, State: alongside.StateConfirmed, Units: n / 2})
		charged.Charge(&alongside.Assignment{ID: alongside.AssignmentID("a2" + p.ID), Partner: p.ID, State: alongside.StateHeld, Units: n - n/2, ExpiresAt: now.Add(time.Minute)})
		charged.Charge(&alongside.Assignment{ID: alongside.AssignmentID("a3" + p.ID), Partner: p.ID, State: alongside.StateHeld, Units: 3, ExpiresAt: now})
	}
	policies := matcher.DefaultPolicy()
	checked := 0
	for _, c := range ds.Cases {
		pol := policies.For(c.Program)
		const k = 5
		for _, tc := range []struct {
			cands []*alongside.Partner
			rank  func() *matcher.Ranking
		}{
			{x.Candidates(c, pol), func() *matcher.Ranking { return matcher.Rank(c, x.Candidates(c, pol), pol, e, k) }},
			{ds.Partners, func() *matcher.Ranking { return matcher.Rank(c, ds.Partners, pol, e, k) }},
			{x.Candidates(c, pol), func() *matcher.Ranking { return x.Rank(c, pol, e, k) }},
			{x.Candidates(c, pol), func() *matcher.Ranking { return charged.Rank(c, pol, matcher.Env{Now: now}, k) }},
		} {
			cands := tc.cands
			r := tc.rank()
			var all []matcher.Result
			for _, p := range cands {
				if res := matcher.Score(p, c, pol, e); res.Eligible {
					all = append(all, res)
				}
			}
			slices.SortFunc(all, func(a, b matcher.Result) int {
				if a.Total != b.Total {
					return cmp.Compare(b.Total, a.Total)
				}
				return cmp.Compare(a.Partner, b.Partner)
			})
			want := all[:min(k, len(all))]
			if r.Eligible != len(all) || len(r.Top) != len(want) {
				t.Fatalf("case %s: Rank eligible %d, top %d; want %d, %d", c.ID, r.Eligible, len(r.Top), len(all), len(want))
			}
			for i := range want {
				if r.Top[i].Partner.ID != want[i].Partner || r.Top[i].Total != want[i].Total {
					t.Fatalf("case %s: Rank top[%d] = %s %v; want %s %v", c.ID, i, r.Top[i].Partner.ID, r.Top[i].Total, want[i].Partner, want[i].Total)
				}
			}
			checked += len(want)
		}
	}
	if checked < 100 {
		t.Errorf("only %d ranked candidates checked; the sample has too few eligible partners", checked)
	}
}
