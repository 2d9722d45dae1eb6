package matcher_test

import (
	"fmt"
	"hash/fnv"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/internal/demo"
	"github.com/alongside/alongside/matcher"
)

// benchRoster returns n partners around Kingman with varied languages,
// experience, loads and credentials; about four in five are eligible for
// benchCase.
func benchRoster(n int) ([]*alongside.Partner, map[alongside.PartnerID]alongside.LoadUnits) {
	ps := make([]*alongside.Partner, n)
	load := map[alongside.PartnerID]alongside.LoadUnits{}
	tags := alongside.Tags()
	for i := range ps {
		ps[i] = newPartner(alongside.PartnerID(fmt.Sprintf("p_%05d", i)), func(p *alongside.Partner) {
			p.Home = geo.Point{Lat: 35.0 + float64(i%50)*0.01, Lng: -114.3 + float64(i%37)*0.01}
			switch i % 4 {
			case 0:
				p.Languages = []string{"es", "en"}
			case 1:
				p.Languages = []string{"en", "es-MX"}
			case 2:
				p.Languages = []string{"en", "ase"}
			}
			p.LivedExperience = []alongside.Tag{tags[i%len(tags)], tags[(i*7)%len(tags)]}
			slices.Sort(p.LivedExperience)
			p.Identity.Ethnicities = []string{[]string{"Mexican American", "White", "Hualapai"}[i%3]}
			p.Father = i%5 == 0
			if i%3 == 0 {
				fatherhood(p)
			}
			if i%10 == 0 {
				p.Trainings = p.Trainings[1:] // misses a core training
			}
			if i%7 == 0 {
				evenings(p)
			}
		})
		load[ps[i].ID] = alongside.LoadUnits(i % 11)
	}
	return ps, load
}

func benchCase() *alongside.Case {
	return newCase(father, func(c *alongside.Case) {
		c.Languages = []string{"es-MX", "en"}
		c.Needs = []alongside.Tag{alongside.TagInfantRemoval, alongside.TagMethamphetamine, alongside.TagHomelessness}
		c.Identity.Ethnicities = []string{"Mexican American"}
		c.Preferences.Evenings = true
		c.PriorPartners = []alongside.PartnerID{"p_00042"}
	})
}

// BenchmarkScore is one explained score: what Explain and each top-K
// candidate cost.
func BenchmarkScore(b *testing.B) {
	ps, load := benchRoster(1)
	c, e := benchCase(), env()
	e.Loads = loads(load)
	b.ReportAllocs()
	for b.Loop() {
		matcher.Score(ps[0], c, nil, e)
	}
}

// BenchmarkScorerQuick is the per-candidate cost inside Rank: rules and
// soft factors, no explanation.
func BenchmarkScorerQuick(b *testing.B) {
	ps, load := benchRoster(200)
	e := env()
	e.Loads = loads(load)
	s := matcher.NewScorer(benchCase(), nil, e)
	for _, p := range ps { // warm the language memo
		s.Quick(p)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Quick(ps[i%len(ps)])
		i++
	}
}

// BenchmarkRank200 ranks 200 candidates and explains the top 5.
func BenchmarkRank200(b *testing.B) {
	ps, load := benchRoster(200)
	c, e := benchCase(), env()
	e.Loads = loads(load)
	b.ReportAllocs()
	for b.Loop() {
		matcher.Rank(c, ps, nil, e, 5)
	}
}

var demoData = sync.OnceValues(func() (*demo.Dataset, error) {
	return demo.Generate(demo.Options{Seed: 1, Partners: 10_000, Cases: 2_000, Appointments: -1,
		Now: time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)})
})

// BenchmarkMatchDemo is the online match over the Arizona sample at the
// service's target scale (10,000 partners): index candidates, rank with
// explanations of the top 5, decide the offer. It reports the latency
// percentiles of one match over 2,000 cases.
func BenchmarkMatchDemo(b *testing.B) {
	ds, err := demoData()
	if err != nil {
		b.Fatal(err)
	}
	x := matcher.NewIndex(nil)
	x.Reset(ds.Partners)
	// Loads as the service keeps them: the index charged with each
	// partner's confirmed assignments.
	for _, p := range ds.Partners {
		h := fnv.New32a()
		h.Write([]byte(p.ID))
		x.Charge(&alongside.Assignment{ID: alongside.AssignmentID("a_" + p.ID), Partner: p.ID,
			State: alongside.StateConfirmed, Units: alongside.LoadUnits(h.Sum32() % 20)})
	}
	policies := matcher.DefaultPolicy()
	now := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	var lat []time.Duration
	candidates := 0
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c := ds.Cases[i%len(ds.Cases)]
		i++
		start := time.Now()
		pol := policies.For(c.Program)
		r := x.Rank(c, pol, matcher.Env{Now: now}, 5)
		matcher.NextOffer(r, nil, now)
		lat = append(lat, time.Since(start))
		candidates += r.Considered
	}
	slices.Sort(lat)
	ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / 1e6 }
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(float64(candidates)/float64(len(lat)), "candidates/match")
}

// BenchmarkMatchLargest is one match in the sample's largest candidate
// pool (Maricopa County, Parents for Parents): the latency tail.
func BenchmarkMatchLargest(b *testing.B) {
	ds, err := demoData()
	if err != nil {
		b.Fatal(err)
	}
	x := matcher.NewIndex(nil)
	x.Reset(ds.Partners)
	policies := matcher.DefaultPolicy()
	var c *alongside.Case
	most := -1
	for _, k := range ds.Cases {
		if n := len(x.Candidates(k, policies.For(k.Program))); n > most {
			c, most = k, n
		}
	}
	for i, p := range ds.Partners {
		x.Charge(&alongside.Assignment{ID: alongside.AssignmentID("a_" + p.ID), Partner: p.ID,
			State: alongside.StateConfirmed, Units: alongside.LoadUnits(i % 20)})
	}
	now := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	env := matcher.Env{Now: now}
	pol := policies.For(c.Program)
	var r *matcher.Ranking
	b.ReportAllocs()
	for b.Loop() {
		r = x.Rank(c, pol, env, 5)
		matcher.NextOffer(r, nil, now)
	}
	b.ReportMetric(float64(r.Considered), "candidates")
	b.ReportMetric(float64(r.Eligible), "eligible")
}
