package demo_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // the tests do not depend on the host's zone database

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/geo/county"
	"github.com/alongside/alongside/internal/demo"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// now is the fixed "now" of the tests: 10:00 in Arizona on Tuesday
// 10 March 2026, two days after the Navajo Nation switched to daylight
// saving time.
var now = time.Date(2026, 3, 10, 17, 0, 0, 0, time.UTC)

func generate(tb testing.TB, o demo.Options) *demo.Dataset {
	tb.Helper()
	d, err := demo.Generate(o)
	if err != nil {
		tb.Fatalf("Generate(%+v): %v", o, err)
	}
	return d
}

func encode(tb testing.TB, d *demo.Dataset) []byte {
	tb.Helper()
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return append(b, '\n')
}

func TestGolden(t *testing.T) {
	t.Parallel()
	got := encode(t, generate(t, demo.Options{Seed: 1, Partners: 3, Cases: 3, Now: now}))
	path := filepath.Join("testdata", "small.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Generate(small) differs from %s (run go test -update if the change is intended):\n%s", path, got)
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 7, 1 << 40} {
		o := demo.Options{Seed: seed, Now: now}
		a, b := encode(t, generate(t, o)), encode(t, generate(t, o))
		if !bytes.Equal(a, b) {
			t.Errorf("seed %d: two runs differ", seed)
		}
		o.Seed++
		if c := encode(t, generate(t, o)); bytes.Equal(a, c) {
			t.Errorf("seeds %d and %d give the same dataset", seed, o.Seed)
		}
	}
}

func TestValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    demo.Options
		// want counts; -1: not checked
		partners, cases, appointments int
	}{
		{"default", demo.Options{Seed: 1, Now: now}, 60, 120, -1},
		{"other seed", demo.Options{Seed: 99, Now: now, Org: "acme-az"}, 60, 120, -1},
		{"large", demo.Options{Seed: 3, Now: now, Partners: 400, Cases: 1500}, 400, 1500, -1},
		{"exact appointments", demo.Options{Seed: 4, Now: now, Appointments: 1000}, 60, 120, 1000},
		{"tiny", demo.Options{Seed: 5, Now: now, Partners: 1, Cases: 1, Appointments: 2}, 1, 1, -1},
		{"none", demo.Options{Seed: 6, Now: now, Partners: -1, Cases: -1}, 0, 0, 0},
		{"cases only", demo.Options{Seed: 7, Now: now, Partners: -1, Appointments: -1}, 0, 120, 0},
		{"next day", demo.Options{Seed: 8, Now: now, Day: alongside.Date{Year: 2026, Month: 3, Day: 11}}, 60, 120, -1},
		{"winter", demo.Options{Seed: 9, Now: time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)}, 60, 120, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := generate(t, tt.o)
			for _, c := range []struct {
				what      string
				got, want int
			}{
				{"partners", len(d.Partners), tt.partners},
				{"cases", len(d.Cases), tt.cases},
				{"appointments", len(d.Appointments), tt.appointments},
			} {
				if c.want >= 0 && c.got != c.want {
					t.Errorf("len(%s) = %d; want %d", c.what, c.got, c.want)
				}
			}
			checkDataset(t, tt.o, d)
		})
	}
}

// checkDataset checks what every dataset promises: records normalized and
// valid, identifiers unique and resolvable, times consistent with the
// options.
func checkDataset(t *testing.T, o demo.Options, d *demo.Dataset) {
	t.Helper()
	org := cmp.Or(o.Org, demo.DefaultOrg)
	phx, _ := time.LoadLocation("America/Phoenix")
	day := o.Day
	if day.IsZero() {
		day = alongside.DateOf(o.Now.In(phx))
	}
	today := alongside.DateOf(o.Now.In(phx))
	type record interface {
		Normalize()
		Validate() error
	}
	check := func(id string, r record) {
		b1, _ := json.Marshal(r)
		r.Normalize()
		b2, _ := json.Marshal(r)
		if !bytes.Equal(b1, b2) {
			t.Errorf("%s is not normalized:\n%s\n%s", id, b1, b2)
		}
		if err := r.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v", id, err)
		}
		if r := alongside.CheckID(id); r != "" {
			t.Errorf("ID %q: %s", id, r)
		}
	}

	partners := map[alongside.PartnerID]*alongside.Partner{}
	for _, p := range d.Partners {
		check(string(p.ID), p)
		if p.Org != org {
			t.Errorf("%s: Org = %q; want %q", p.ID, p.Org, org)
		}
		if partners[p.ID] != nil {
			t.Errorf("partner ID %s twice", p.ID)
		}
		partners[p.ID] = p
		checkHome(t, string(p.ID), p.Home, p.CountiesServed, p.TimeZone)
		if p.Status == alongside.PartnerStatusOnboarding {
			continue
		}
		// The readiness rule.
		yearAgo := today.AddYears(-1)
		for _, kind := range alongside.CoreTrainings() {
			if !p.HasCredential(kind, today) {
				t.Errorf("%s is %s without training %s", p.ID, p.Status, kind)
			}
		}
		if yearAgo.Before(p.OwnCaseClosed) || yearAgo.Before(p.RecoverySince) {
			t.Errorf("%s is %s: own case closed %s, recovery since %s; want both a year before %s",
				p.ID, p.Status, p.OwnCaseClosed, p.RecoverySince, today)
		}
	}
	cases := map[alongside.CaseID]*alongside.Case{}
	refs := map[string]bool{}
	for _, c := range d.Cases {
		check(string(c.ID), c)
		if cases[c.ID] != nil || refs[c.ExternalRef] {
			t.Errorf("case %s or ref %s twice", c.ID, c.ExternalRef)
		}
		cases[c.ID], refs[c.ExternalRef] = c, true
		if c.OpenedAt.After(o.Now) {
			t.Errorf("%s opened at %v, after now %v", c.ID, c.OpenedAt, o.Now)
		}
		if k, _ := county.Lookup(c.County); c.Court != k.Court() {
			t.Errorf("%s: Court = %q; want %q", c.ID, c.Court, k.Court())
		}
		checkHome(t, string(c.ID), c.HomeArea, []string{c.County}, c.TimeZone)
		if c.ICWA != (len(c.Identity.TribalAffiliations) > 0) {
			t.Errorf("%s: ICWA = %v with tribal affiliations %q", c.ID, c.ICWA, c.Identity.TribalAffiliations)
		}
		for _, id := range slices.Concat(c.KnownConflicts, c.PriorPartners) {
			if partners[id] == nil || !partners[id].Serves(c.County) {
				t.Errorf("%s names partner %s, who does not serve county %s", c.ID, id, c.County)
			}
		}
	}
	for _, p := range d.Partners {
		for _, ref := range p.Exclusions.CaseRefs {
			if !refs[ref] {
				t.Errorf("%s excludes unknown case %s", p.ID, ref)
			}
		}
	}
	ids := map[alongside.AppointmentID]bool{}
	for _, a := range d.Appointments {
		check(string(a.ID), a)
		if ids[a.ID] {
			t.Errorf("appointment ID %s twice", a.ID)
		}
		ids[a.ID] = true
		c := cases[a.Case]
		switch {
		case c == nil:
			t.Errorf("%s is for unknown case %s", a.ID, a.Case)
			continue
		case c.Status == alongside.CaseStatusClosed || !c.OpenedAt.Before(day.In(phx)):
			t.Errorf("%s is for case %s (%s, opened %v), not active on %s", a.ID, c.ID, c.Status, c.OpenedAt, day)
		}
		for _, w := range a.StartWindows() {
			if alongside.DateOf(w.Start) != day || alongside.DateOf(w.End) != day {
				t.Errorf("%s starts in %v–%v, not on %s", a.ID, w.Start, w.End, day)
			}
		}
		for _, id := range a.CoverPartners {
			if partners[id] == nil {
				t.Errorf("%s names unknown cover partner %s", a.ID, id)
			}
		}
		if a.Kind == alongside.KindCourtHearing {
			hm := a.FixedStart.Hour()*60 + a.FixedStart.Minute()
			if a.Place != c.Court || a.TimeZone != "America/Phoenix" || hm < 8*60+30 || hm > 15*60 {
				t.Errorf("%s: hearing at %q (%s) %v; want %q between 08:30 and 15:00",
					a.ID, a.Place, a.TimeZone, a.FixedStart, c.Court)
			}
		} else if a.Fixed() {
			t.Errorf("%s: a %s with a fixed start", a.ID, a.Kind)
		}
	}
}

// checkHome checks that a home lies in Arizona: in America/Phoenix time
// near the seat of one of the counties, in America/Denver time in the
// Navajo Nation (north of 35.5°N) and one of the counties holding part of
// it.
func checkHome(t *testing.T, id string, home geo.Point, counties []string, tz string) {
	t.Helper()
	if home.Lat < 31.33 || home.Lat > 37 || home.Lng < -114.82 || home.Lng > -109.045 {
		t.Errorf("%s lives at %v, outside Arizona", id, home)
	}
	var names []string
	nearest := 1e9
	for _, fips := range counties {
		c, _ := county.Lookup(fips)
		names = append(names, c.Name)
		nearest = min(nearest, c.SeatPoint.DistanceTo(home).Kilometers())
	}
	switch tz {
	case "America/Denver":
		if home.Lat < 35.5 || !slices.ContainsFunc(names, func(n string) bool {
			return n == "Apache" || n == "Navajo" || n == "Coconino"
		}) {
			t.Errorf("%s keeps Navajo Nation time at %v, in %v", id, home, names)
		}
	case "America/Phoenix":
		if nearest > 31 {
			t.Errorf("%s lives at %v, %.0f km from the nearest seat of %v", id, home, nearest, names)
		}
	default:
		t.Errorf("%s: time zone %q", id, tz)
	}
}

func TestDistribution(t *testing.T) {
	t.Parallel()
	for seed := range uint64(5) {
		d := generate(t, demo.Options{Seed: seed, Now: now})
		for _, c := range county.All() {
			if !slices.ContainsFunc(d.Partners, func(p *alongside.Partner) bool { return p.Serves(c.FIPS) }) {
				t.Errorf("seed %d: no partner serves %s County", seed, c.Name)
			}
		}
	}

	d := generate(t, demo.Options{Seed: 11, Now: now, Partners: 1000, Cases: 3000})
	share := func(n int, of int) float64 { return float64(n) / float64(of) }
	count := func(records int, f func(i int) bool) int {
		n := 0
		for i := range records {
			if f(i) {
				n++
			}
		}
		return n
	}
	pc := func(f func(*alongside.Partner) bool) float64 {
		return share(count(len(d.Partners), func(i int) bool { return f(d.Partners[i]) }), len(d.Partners))
	}
	cc := func(f func(*alongside.Case) bool) float64 {
		return share(count(len(d.Cases), func(i int) bool { return f(d.Cases[i]) }), len(d.Cases))
	}
	speaks := func(ls []string, l string) bool { return slices.Contains(ls, l) }
	inCounty := func(names ...string) func(*alongside.Case) bool {
		return func(c *alongside.Case) bool {
			k, _ := county.Lookup(c.County)
			return slices.Contains(names, k.Name)
		}
	}
	speakersIn := func(l string, f func(*alongside.Case) bool) float64 {
		return cc(func(c *alongside.Case) bool { return f(c) && speaks(c.Languages, l) }) / cc(f)
	}
	northeast := inCounty("Apache", "Navajo", "Coconino")
	tests := []struct {
		name    string
		got     float64
		lo, hi  float64
		explain string
	}{
		{"father cases", cc(func(c *alongside.Case) bool { return c.ParentRole == alongside.ParentRoleFather }), 0.24, 0.31, "about 27%"},
		{"father partners", pc(func(p *alongside.Partner) bool { return p.Father }), 0.16, 0.24, "about 20%"},
		{"fathers trained in fatherhood engagement",
			pc(func(p *alongside.Partner) bool {
				return p.Father && p.HasCredential(alongside.TrainingFatherhood, alongside.DateOf(now))
			}) /
				pc(func(p *alongside.Partner) bool { return p.Father }), 0.4, 0.8, "about 60%"},
		{"Maricopa cases", cc(inCounty("Maricopa")), 0.55, 0.68, "population share 62%"},
		{"Spanish-speaking cases", cc(func(c *alongside.Case) bool { return speaks(c.Languages, "es") }), 0.15, 0.35, "substantial"},
		{"Spanish-speaking partners", pc(func(p *alongside.Partner) bool { return speaks(p.Languages, "es") }), 0.15, 0.4, "substantial"},
		{"Spanish speakers in Yuma and Santa Cruz less in Maricopa", speakersIn("es", inCounty("Yuma", "Santa Cruz")) - speakersIn("es", inCounty("Maricopa")), 0.1, 1, "well above 0"},
		{"Navajo speakers in Apache, Navajo and Coconino", speakersIn("nv", northeast), 0.1, 0.4, "a substantial share"},
		{"Navajo speakers elsewhere", speakersIn("nv", func(c *alongside.Case) bool { return !northeast(c) }), 0, 0.01, "few"},
		{"ASL cases", cc(func(c *alongside.Case) bool { return speaks(c.Languages, "ase") }), 0.005, 0.03, "a few"},
		{"ASL partners", pc(func(p *alongside.Partner) bool { return speaks(p.Languages, "ase") }), 0.01, 0.06, "a few"},
		{"bilingual partners", pc(func(p *alongside.Partner) bool { return len(p.Languages) > 1 }), 0.15, 0.5, "many"},
		{"interpreter arranged", cc(func(c *alongside.Case) bool { return c.InterpreterOK }), 0.03, 0.15, "a share"},
		{"ICWA cases", cc(func(c *alongside.Case) bool { return c.ICWA }), 0.03, 0.15, "a share"},
		{"Navajo Nation time", cc(func(c *alongside.Case) bool { return c.TimeZone == "America/Denver" }), 0.005, 0.05, "some"},
		{"open cases", cc(func(c *alongside.Case) bool { return c.Status == alongside.CaseStatusOpen }), 0.8, 0.9, "most"},
		{"closed cases", cc(func(c *alongside.Case) bool { return c.Status == alongside.CaseStatusClosed }), 0.05, 0.15, "some"},
		{"substance use", cc(func(c *alongside.Case) bool { return slices.Contains(c.Needs, alongside.TagSubstanceUse) }), 0.45, 0.65, "about 55%"},
		{"onboarding partners", pc(func(p *alongside.Partner) bool { return p.Status == alongside.PartnerStatusOnboarding }), 0.04, 0.12, "a few"},
		{"active partners", pc(func(p *alongside.Partner) bool { return p.Status == alongside.PartnerStatusActive }), 0.8, 0.9, "most"},
		{"capacity 10–28", pc(func(p *alongside.Partner) bool { return p.Capacity >= 10 && p.Capacity <= 28 }), 0.75, 0.85, "most"},
		{"evening availability", pc(func(p *alongside.Partner) bool {
			return slices.ContainsFunc(p.Availability, alongside.WeeklyWindow.Evening)
		}), 0.3, 0.6, "some"},
		{"weekend availability", pc(func(p *alongside.Partner) bool {
			return slices.ContainsFunc(p.Availability, alongside.WeeklyWindow.Weekend)
		}), 0.15, 0.4, "some"},
		{"certified peer support", pc(func(p *alongside.Partner) bool {
			return p.HasCredential(alongside.CertificationPeerSupport, alongside.DateOf(now))
		}), 0.3, 0.7, "some"},
		{"declared exclusions", pc(func(p *alongside.Partner) bool { return len(p.Exclusions.Needs)+len(p.Exclusions.CaseRefs) > 0 }), 0.03, 0.3, "some"},
		{"known conflicts", cc(func(c *alongside.Case) bool { return len(c.KnownConflicts) > 0 }), 0.01, 0.06, "some"},
	}
	for _, tt := range tests {
		if tt.got < tt.lo || tt.got > tt.hi {
			t.Errorf("share of %s = %.3f; want %s, in [%.3f, %.3f]", tt.name, tt.got, tt.explain, tt.lo, tt.hi)
		}
	}

	// Programs run where the brief says.
	for _, c := range d.Cases {
		k, _ := county.Lookup(c.County)
		switch c.Program {
		case "parents_for_parents", "team_based_parent_representation":
			if k.Name != "Maricopa" {
				t.Errorf("%s: %s in %s County", c.ID, c.Program, k.Name)
			}
			if c.Program == "team_based_parent_representation" && c.Referral != alongside.ReferralAttorney {
				t.Errorf("%s: team-based representation referred by %q", c.ID, c.Referral)
			}
		case "parent_support_now":
			if slices.Contains([]string{"Apache", "Gila", "Greenlee", "Navajo"}, k.Name) {
				t.Errorf("%s: %s in %s County", c.ID, c.Program, k.Name)
			}
		case "demo_pilot":
			if !slices.Contains([]string{"Apache", "Gila", "Greenlee", "Navajo"}, k.Name) {
				t.Errorf("%s: %s in %s County", c.ID, c.Program, k.Name)
			}
		default:
			t.Errorf("%s: unknown program %q", c.ID, c.Program)
		}
	}
}

func TestOptionsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		o     demo.Options
		field string
	}{
		{"no now", demo.Options{}, "now"},
		{"ancient now", demo.Options{Now: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)}, "now"},
		{"bad org", demo.Options{Now: now, Org: "no spaces"}, "org"},
		{"bad day", demo.Options{Now: now, Day: alongside.Date{Year: 2026, Month: 2, Day: 30}}, "day"},
		{"too many", demo.Options{Now: now, Cases: demo.MaxRecords + 1}, "cases"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := demo.Generate(tt.o)
			fe, ok := errors.AsType[*alongside.FieldError](err)
			if !ok || fe.Field != tt.field {
				t.Errorf("Generate(%+v) = %v; want a *FieldError for %q", tt.o, err, tt.field)
			}
		})
	}
}

func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := demo.Generate(demo.Options{Seed: 1, Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}
