package matcher_test

import (
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/matcher"
)

// Fixtures: a mother in Mohave County (Kingman) whose case opened on
// Saturday 7 March 2026 at 10:00 Arizona time, and a partner who passes
// every rule for her. Tests change one thing at a time.

var phoenix = mustZone("America/Phoenix")

func mustZone(name string) *time.Location {
	loc, err := alongside.LoadZone(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var (
	opened = time.Date(2026, 3, 7, 10, 0, 0, 0, phoenix)
	now    = opened.Add(2 * time.Hour) // Saturday 12:00
	today  = alongside.DateOf(now)     // 2026-03-07
)

const (
	mohave = "04015"
	yuma   = "04027"
	pilot  = "demo_pilot" // a program with no policy of its own
)

var kingman = geo.Point{Lat: 35.19, Lng: -114.05}

func date(s string) alongside.Date {
	d, err := alongside.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func newCase(mods ...func(*alongside.Case)) *alongside.Case {
	c := &alongside.Case{
		Org:         "org_az",
		ID:          "c_1",
		ExternalRef: "JD-2026-0042",
		OpenedAt:    opened,
		County:      mohave,
		TimeZone:    "America/Phoenix",
		HomeArea:    kingman,
		ParentRole:  alongside.ParentRoleMother,
		Languages:   []string{"en"},
		Program:     pilot,
		Status:      alongside.CaseStatusOpen,
	}
	for _, m := range mods {
		if m != nil {
			m(c)
		}
	}
	return c
}

func core(completed string) []alongside.Credential {
	var out []alongside.Credential
	for _, k := range alongside.CoreTrainings() {
		out = append(out, alongside.Credential{Kind: k, Completed: date(completed)})
	}
	return out
}

func weekdays(from, to alongside.TimeOfDay) []alongside.WeeklyWindow {
	var out []alongside.WeeklyWindow
	for d := time.Monday; d <= time.Friday; d++ {
		out = append(out, alongside.WeeklyWindow{Day: d, Start: from, End: to})
	}
	return out
}

func newPartner(id alongside.PartnerID, mods ...func(*alongside.Partner)) *alongside.Partner {
	p := &alongside.Partner{
		Org:            "org_az",
		ID:             id,
		DisplayName:    "Partner " + string(id),
		Languages:      []string{"en"},
		Gender:         alongside.GenderWoman,
		OwnCaseClosed:  date("2020-05-14"),
		Trainings:      core("2024-01-10"),
		Programs:       []string{pilot},
		Home:           geo.Point{Lat: 35.25, Lng: -114.00}, // a few miles from Kingman
		TimeZone:       "America/Phoenix",
		CountiesServed: []string{mohave},
		MaxTravel:      90 * time.Minute,
		HasCar:         true,
		Capacity:       10,
		Availability:   weekdays(9*60, 17*60),
		Status:         alongside.PartnerStatusActive,
	}
	for _, m := range mods {
		m(p)
	}
	return p
}

func env() matcher.Env { return matcher.Env{Now: now} }

func loads(m map[alongside.PartnerID]alongside.LoadUnits) func(alongside.PartnerID) alongside.LoadUnits {
	return func(id alongside.PartnerID) alongside.LoadUnits { return m[id] }
}

// defaults returns the default policy set; each call a fresh copy.
func defaults() *matcher.PolicySet { return matcher.DefaultPolicy() }

func factor(tb testing.TB, r matcher.Result, name string) alongside.Factor {
	tb.Helper()
	for _, f := range r.Factors {
		if f.Name == name {
			return f
		}
	}
	tb.Fatalf("result has no factor %q", name)
	return alongside.Factor{}
}

func failedRules(r matcher.Result) matcher.RuleSet {
	var s matcher.RuleSet
	for _, f := range r.Failed {
		s = s.With(f.Rule)
	}
	return s
}
