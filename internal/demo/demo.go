package demo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/geo/county"
)

// Defaults and limits of [Options].
const (
	// DefaultOrg is the organization of the records when Options.Org is "".
	DefaultOrg alongside.OrgID = "demo"
	// DefaultPartners is the number of partners when Options.Partners is 0.
	DefaultPartners = 60
	// DefaultCases is the number of cases when Options.Cases is 0.
	DefaultCases = 120
	// MaxRecords bounds each of Options.Partners, Cases and Appointments.
	MaxRecords = 1_000_000
)

// Options configures [Generate]. Now is required; every other zero field
// takes the default its comment states.
type Options struct {
	// Org is the organization of every record; "" means [DefaultOrg].
	Org alongside.OrgID
	// Seed seeds the single random source: the same Seed and Options give
	// the same Dataset, byte for byte.
	Seed uint64
	// Partners is how many partners to generate; 0 means [DefaultPartners],
	// negative means none.
	Partners int
	// Cases is how many cases to generate; 0 means [DefaultCases], negative
	// means none.
	Cases int
	// Now is the instant "now" in the sample. New cases open in the three
	// days before it; partners' own case closures, recoveries and trainings
	// are dated back from its date in America/Phoenix. Required.
	Now time.Time
	// Day is the day the appointments fall on; zero means Now's date in
	// America/Phoenix.
	Day alongside.Date
	// Appointments is the total number of appointments on Day, spread
	// evenly over the cases active on Day (open or post-closure, opened
	// before Day starts). 0 means one to five per such case, three on
	// average; negative means none. With no active case there are none.
	Appointments int
}

// Dataset is a generated sample. Every record is normalized and passes
// Validate. Records refer to one another only by identifiers of the same
// Dataset: Case.KnownConflicts, Case.PriorPartners and
// Appointment.CoverPartners name partners, Partner.Exclusions.CaseRefs
// names cases' ExternalRef, and Appointment.Case names an active case.
// Version, CreatedAt and UpdatedAt are left for the store to set.
type Dataset struct {
	Partners     []*alongside.Partner     `json:"partners"`
	Cases        []*alongside.Case        `json:"cases"`
	Appointments []*alongside.Appointment `json:"appointments"`
}

// Generate returns a sample dataset for o. It returns a *alongside.FieldError
// (joined) for invalid options, and an error if the time zone database is
// missing (the alongside binary embeds it with time/tzdata).
func Generate(o Options) (*Dataset, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	g, err := newGen(o)
	if err != nil {
		return nil, err
	}
	g.partners(count(o.Partners, DefaultPartners))
	g.cases(count(o.Cases, DefaultCases))
	g.links()
	g.appointments(o.Appointments)
	if err := g.finish(); err != nil {
		return nil, err
	}
	return g.ds, nil
}

func (o *Options) check() error {
	var errs []error
	bad := func(field, reason string) {
		errs = append(errs, &alongside.FieldError{Field: field, Reason: reason})
	}
	if o.Org != "" {
		if r := alongside.CheckID(string(o.Org)); r != "" {
			bad("org", r)
		}
	}
	if o.Now.IsZero() {
		bad("now", "must be set")
	} else if y := o.Now.Year(); y < 2001 || y > 2199 {
		bad("now", "must be between the years 2001 and 2199")
	}
	if d := o.Day; !d.IsZero() && (alongside.DateOf(d.In(time.UTC)) != d || d.Year < 2001 || d.Year > 2199) {
		bad("day", "must be a real date between the years 2001 and 2199")
	}
	for _, f := range []struct {
		name string
		n    int
	}{{"partners", o.Partners}, {"cases", o.Cases}, {"appointments", o.Appointments}} {
		if f.n > MaxRecords {
			bad(f.name, "must be at most "+strconv.Itoa(MaxRecords))
		}
	}
	return errors.Join(errs...)
}

// count applies the convention of Options' counts: 0 is the default,
// negative is none.
func count(n, def int) int {
	switch {
	case n == 0:
		return def
	case n < 0:
		return 0
	}
	return n
}

// gen holds the state of one generation. Every random draw comes from r,
// in a fixed order, so output depends on nothing but the options.
type gen struct {
	r        *rand.Rand
	org      alongside.OrgID
	now      time.Time
	today    alongside.Date // Now's date in America/Phoenix
	day      alongside.Date
	phx, den *time.Location
	regions  []*region // in FIPS order
	ds       *Dataset
	caseRg   []*region // each case's county
	caseAt   []anchor  // the town each case's parent lives around
}

// region is a county with its sample profile.
type region struct {
	county.County
	*profile
	seat    anchor
	prog    []*program // programs running in the county
	serving []int      // indexes of the partners serving the county
	cases   []int      // indexes of the cases in the county
}

// anchor is a town people live around.
type anchor struct {
	name   string
	at     geo.Point
	km     float64    // radius of the area around the town
	sector [2]float64 // bearings (degrees clockwise from north) the area spans; {0, 0}: all around
	tz     string
}

func newGen(o Options) (*gen, error) {
	phx, err := time.LoadLocation(zonePhoenix)
	if err != nil {
		return nil, fmt.Errorf("demo: time zone: %w", err)
	}
	den, err := time.LoadLocation(zoneDenver)
	if err != nil {
		return nil, fmt.Errorf("demo: time zone: %w", err)
	}
	g := &gen{
		r:     rand.New(rand.NewPCG(o.Seed, 0x616c6f6e67736964)), // "alongsid"
		org:   o.Org,
		now:   o.Now,
		today: alongside.DateOf(o.Now.In(phx)),
		day:   o.Day,
		phx:   phx,
		den:   den,
		ds:    &Dataset{},
	}
	if g.org == "" {
		g.org = DefaultOrg
	}
	if g.day.IsZero() {
		g.day = g.today
	}
	g.regions, err = regions()
	return g, err
}

// regions joins the embedded county table with the sample profiles.
func regions() ([]*region, error) {
	var out []*region
	for _, c := range county.All() {
		p := profileOf(c.Name)
		if p == nil {
			return nil, fmt.Errorf("demo: no sample profile for %s County", c.Name)
		}
		rg := &region{County: c, profile: p,
			seat: anchor{name: c.Seat, at: c.SeatPoint, km: p.km, sector: p.sector, tz: zonePhoenix}}
		for i := range programs {
			if programs[i].runsIn(c.Name) {
				rg.prog = append(rg.prog, &programs[i])
			}
		}
		if len(rg.prog) == 0 {
			return nil, fmt.Errorf("demo: no program runs in %s County", c.Name)
		}
		for _, t := range p.tribes {
			if tribeOf(t.v) == nil {
				return nil, fmt.Errorf("demo: %s County: unknown tribe %q", c.Name, t.v)
			}
		}
		out = append(out, rg)
	}
	for _, rg := range out {
		for _, name := range rg.neighbours {
			if !slices.ContainsFunc(out, func(o *region) bool { return o.Name == name }) {
				return nil, fmt.Errorf("demo: %s County: unknown neighbour %q", rg.Name, name)
			}
		}
	}
	return out, nil
}

// finish normalizes and validates every record. A failure is a bug in the
// generator.
func (g *gen) finish() error {
	for _, p := range g.ds.Partners {
		p.Normalize()
		if err := p.Validate(); err != nil {
			return fmt.Errorf("demo: generated partner %s is invalid: %w", p.ID, err)
		}
	}
	for _, c := range g.ds.Cases {
		c.Normalize()
		if err := c.Validate(); err != nil {
			return fmt.Errorf("demo: generated case %s is invalid: %w", c.ID, err)
		}
	}
	for _, a := range g.ds.Appointments {
		a.Normalize()
		if err := a.Validate(); err != nil {
			return fmt.Errorf("demo: generated appointment %s is invalid: %w", a.ID, err)
		}
	}
	return nil
}

// id returns prefix_NNNN with i+1 zero-padded to the width of n, so that
// identifiers sort in generation order.
func id(prefix string, i, n int) string {
	return fmt.Sprintf("%s_%0*d", prefix, max(4, len(strconv.Itoa(n))), i+1)
}

// weighted is a value with a relative weight.
type weighted[T any] struct {
	v T
	w float64
}

// pick draws one value with probability proportional to its weight.
func pick[T any](r *rand.Rand, items []weighted[T]) T {
	var sum float64
	for _, it := range items {
		sum += it.w
	}
	x := r.Float64() * sum
	for _, it := range items {
		if x < it.w {
			return it.v
		}
		x -= it.w
	}
	return items[len(items)-1].v
}

// chance reports true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// between returns an integer in [lo, hi].
func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// oneOf returns a uniformly chosen element of s.
func oneOf[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// daysAgo returns the date n days before today.
func (g *gen) daysAgo(n int) alongside.Date {
	return alongside.DateOf(g.today.In(time.UTC).AddDate(0, 0, -n))
}

// dateIn returns a date uniformly in [a, b] (b if b is before a).
func (g *gen) dateIn(a, b alongside.Date) alongside.Date {
	days := int(b.In(time.UTC).Sub(a.In(time.UTC)) / (24 * time.Hour))
	if days <= 0 {
		return b
	}
	return alongside.DateOf(a.In(time.UTC).AddDate(0, 0, g.r.IntN(days+1)))
}

// near returns a point in a's area, uniform over it, rounded to four
// decimals (about 10 m).
func (g *gen) near(a anchor, km float64) geo.Point {
	from, to := a.sector[0], a.sector[1]
	if from == to {
		from, to = 0, 360
	}
	d := km * math.Sqrt(g.r.Float64())
	b := (from + (to-from)*g.r.Float64()) * math.Pi / 180
	const kmPerDegree = 111.32
	p := geo.Point{
		Lat: a.at.Lat + d*math.Cos(b)/kmPerDegree,
		Lng: a.at.Lng + d*math.Sin(b)/(kmPerDegree*math.Cos(a.at.Lat*math.Pi/180)),
	}
	return p.Round(4)
}

// loc returns the location of an IANA zone the generator uses.
func (g *gen) loc(tz string) *time.Location {
	if tz == zoneDenver {
		return g.den
	}
	return g.phx
}
