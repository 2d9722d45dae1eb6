package matcher_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/matcher"
)

// points is a Spatial index by exhaustive search, for tests.
type points struct {
	mu sync.Mutex
	at map[alongside.PartnerID]geo.Point
}

func (s *points) Insert(id alongside.PartnerID, p geo.Point) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at[id] = p
}

func (s *points) Remove(id alongside.PartnerID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.at, id)
}

func (s *points) Near(p geo.Point, r geo.Distance, dst []alongside.PartnerID) []alongside.PartnerID {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, q := range s.at {
		if p.DistanceTo(q) <= r {
			dst = append(dst, id)
		}
	}
	return dst
}

var _ matcher.Spatial = (*points)(nil)

func pids(ps []*alongside.Partner) []alongside.PartnerID {
	out := make([]alongside.PartnerID, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func TestIndex(t *testing.T) {
	t.Parallel()
	x := matcher.NewIndex(nil)
	both := func(p *alongside.Partner) { p.CountiesServed = []string{mohave, yuma} }
	inYuma := func(p *alongside.Partner) { p.CountiesServed = []string{yuma} }
	x.Put(newPartner("p_c"))
	x.Put(newPartner("p_a", both))
	x.Put(newPartner("p_b", inYuma))
	x.Put(newPartner("p_d"))
	c := newCase()
	if got, want := pids(x.Candidates(c, nil)), []alongside.PartnerID{"p_a", "p_c", "p_d"}; !slices.Equal(got, want) {
		t.Errorf("Candidates(Mohave) = %v; want %v", got, want)
	}
	before := x.Candidates(c, nil)
	x.Put(newPartner("p_c", inYuma)) // moves away
	x.Remove("p_d")
	if got, want := pids(x.Candidates(c, nil)), []alongside.PartnerID{"p_a"}; !slices.Equal(got, want) {
		t.Errorf("after moves, Candidates(Mohave) = %v; want %v", got, want)
	}
	if got, want := pids(before), []alongside.PartnerID{"p_a", "p_c", "p_d"}; !slices.Equal(got, want) {
		t.Errorf("an earlier result changed under its reader: %v; want %v", got, want)
	}
	if got, want := pids(x.Candidates(newCase(func(c *alongside.Case) { c.County = yuma }), nil)), []alongside.PartnerID{"p_a", "p_b", "p_c"}; !slices.Equal(got, want) {
		t.Errorf("Candidates(Yuma) = %v; want %v", got, want)
	}
	pol := defaults().For(pilot)
	pol.Rules = pol.Rules.Without(matcher.RuleCounty)
	if got := pids(x.Candidates(c, pol)); !slices.Equal(got, []alongside.PartnerID{"p_a", "p_b", "p_c"}) {
		t.Errorf("without the county rule, Candidates = %v; want everyone", got)
	}
	if x.Remove("p_d") {
		t.Error("Remove(p_d) twice reported true")
	}
	if p, ok := x.Get("p_b"); !ok || p.ID != "p_b" || x.Len() != 3 {
		t.Errorf("Get(p_b) = %v, %t; Len = %d", p, ok, x.Len())
	}
	if got := x.Candidates(newCase(func(c *alongside.Case) { c.County = "04001" }), nil); len(got) != 0 {
		t.Errorf("Candidates(Apache) = %v; want none", pids(got))
	}
}

func TestIndexSpatial(t *testing.T) {
	t.Parallel()
	sp := &points{at: map[alongside.PartnerID]geo.Point{}}
	x := matcher.NewIndex(sp)
	x.Put(newPartner("p_near"))
	x.Put(newPartner("p_far", func(p *alongside.Partner) { p.Home = geo.Point{Lat: 32.22, Lng: -110.97} })) // Tucson, ~300 miles
	x.Put(newPartner("p_yuma", func(p *alongside.Partner) { p.CountiesServed = []string{yuma} }))
	c := newCase()
	pol := defaults().For(pilot)
	pol.Rules = pol.Rules.Without(matcher.RuleCounty) // a program that serves by distance
	pol.Travel.Max = time.Hour                        // a 75-mile search radius
	if got := pids(x.Candidates(c, pol)); !slices.Equal(got, []alongside.PartnerID{"p_near", "p_yuma"}) {
		t.Errorf("Candidates within an hour = %v; want [p_near p_yuma]", got)
	}
	pol.Travel.Max = 0
	if got := pids(x.Candidates(c, pol)); !slices.Equal(got, []alongside.PartnerID{"p_far", "p_near", "p_yuma"}) {
		t.Errorf("Candidates with no program limit = %v; want everyone", got)
	}
	// A short county list is used as it is.
	pol = defaults().For(pilot)
	pol.Travel.Max = time.Hour
	if got := pids(x.Candidates(c, pol)); !slices.Equal(got, []alongside.PartnerID{"p_far", "p_near"}) {
		t.Errorf("Candidates by county = %v; want [p_far p_near]", got)
	}
	x.Remove("p_near")
	if _, ok := sp.at["p_near"]; ok {
		t.Error("Remove left the partner in the spatial index")
	}
}

// TestIndexSpatialLongList: a county list over 1,024 is cut by a short
// radius.
func TestIndexSpatialLongList(t *testing.T) {
	t.Parallel()
	sp := &points{at: map[alongside.PartnerID]geo.Point{}}
	x := matcher.NewIndex(sp)
	var ps []*alongside.Partner
	for i := range 1100 {
		ps = append(ps, newPartner(alongside.PartnerID(fmt.Sprintf("p_%04d", i)), func(p *alongside.Partner) {
			if i%2 == 1 {
				p.Home = geo.Point{Lat: 36.9, Lng: -113.9} // the Arizona Strip, ~120 miles north
			}
		}))
	}
	x.Reset(ps)
	pol := defaults().For(pilot)
	pol.Travel.Max = 30 * time.Minute // a 37.5-mile radius
	if got := len(x.Candidates(newCase(), pol)); got != 550 {
		t.Errorf("Candidates = %d partners; want the 550 within range", got)
	}
	pol.Travel.Max = 2 * time.Hour // 150 miles: not worth asking
	if got := len(x.Candidates(newCase(), pol)); got != 1100 {
		t.Errorf("Candidates = %d partners; want the whole county list", got)
	}
}

// TestIndexConcurrent: readers rank while writers change the roster (run
// with -race).
func TestIndexConcurrent(t *testing.T) {
	t.Parallel()
	x := matcher.NewIndex(&points{at: map[alongside.PartnerID]geo.Point{}})
	for i := range 50 {
		x.Put(newPartner(alongside.PartnerID(fmt.Sprintf("p_%02d", i))))
	}
	c := newCase()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 200 {
				id := alongside.PartnerID(fmt.Sprintf("p_%02d", (i*7+w)%60))
				if i%3 == 0 {
					x.Remove(id)
				} else {
					x.Put(newPartner(id))
				}
			}
		})
		wg.Go(func() {
			for range 100 {
				r := matcher.Rank(c, x.Candidates(c, nil), nil, env(), 5)
				if r.Eligible > 0 && len(r.Top) == 0 {
					t.Error("eligible candidates but an empty top")
				}
			}
		})
	}
	wg.Wait()
}

// TestIndexReady: with the default rules, candidates are the active
// partners of the case's program; Reset builds what Put builds.
func TestIndexReady(t *testing.T) {
	t.Parallel()
	ps := []*alongside.Partner{
		newPartner("p_a"),
		newPartner("p_b", func(p *alongside.Partner) { p.Status = alongside.PartnerStatusOnLeave }),
		newPartner("p_c", func(p *alongside.Partner) { p.Programs = []string{psn} }),
		newPartner("p_d", func(p *alongside.Partner) { p.Programs = []string{psn, pilot} }),
		newPartner("p_e", func(p *alongside.Partner) { p.CountiesServed = []string{yuma} }),
	}
	put := matcher.NewIndex(nil)
	for _, p := range slices.Backward(ps) {
		put.Put(p)
	}
	reset := matcher.NewIndex(nil)
	reset.Reset(append(slices.Clone(ps), newPartner("p_a"))) // a later duplicate wins
	c := newCase()
	loose := defaults().For(pilot)
	loose.Rules = loose.Rules.Without(matcher.RuleActive)
	for name, x := range map[string]*matcher.Index{"Put": put, "Reset": reset} {
		if got, want := pids(x.Candidates(c, nil)), []alongside.PartnerID{"p_a", "p_d"}; !slices.Equal(got, want) {
			t.Errorf("%s: Candidates = %v; want %v", name, got, want)
		}
		if got, want := pids(x.Candidates(c, loose)), []alongside.PartnerID{"p_a", "p_b", "p_c", "p_d"}; !slices.Equal(got, want) {
			t.Errorf("%s: without the active rule, Candidates = %v; want %v", name, got, want)
		}
		if got, want := pids(x.Candidates(newCase(func(c *alongside.Case) { c.Program = psn }), nil)), []alongside.PartnerID{"p_c", "p_d"}; !slices.Equal(got, want) {
			t.Errorf("%s: Candidates(Parent Support Now) = %v; want %v", name, got, want)
		}
	}
	put.Put(newPartner("p_b")) // back from leave
	put.Put(newPartner("p_d", func(p *alongside.Partner) { p.Programs = []string{psn} }))
	if got, want := pids(put.Candidates(c, nil)), []alongside.PartnerID{"p_a", "p_b"}; !slices.Equal(got, want) {
		t.Errorf("after updates, Candidates = %v; want %v", got, want)
	}
}
