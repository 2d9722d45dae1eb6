package alongside_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
)

type (
	partner     = *alongside.Partner
	kase        = *alongside.Case
	appointment = *alongside.Appointment
)

// many returns n distinct strings made by f.
func many[S ~string](n int, f func(i int) S) []S {
	out := make([]S, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

type fieldTest struct {
	name string
	rec  record
	want []string // exact field paths reported, in order; nil: valid
}

// perKind returns one row per record kind that sets a shared input through
// set (lat, lng, time zone, first language) and expects the kind's field:
// "" for none (valid), "-" for a kind without the input (no row).
func perKind[V any](name string, v V, set func(p partner, c kase, a appointment, v V), pf, cf, af string) []fieldTest {
	p, c, a := validPartner(), validCase(), validAppointment()
	set(p, c, a, v)
	var rows []fieldTest
	for _, r := range []struct {
		kind, field string
		rec         record
	}{{"partner/", pf, p}, {"case/", cf, c}, {"appointment/", af, a}} {
		switch r.field {
		case "-":
		case "":
			rows = append(rows, fieldTest{r.kind + name, r.rec, nil})
		default:
			rows = append(rows, fieldTest{r.kind + name, r.rec, []string{r.field}})
		}
	}
	return rows
}

func invalidFieldTests() []fieldTest {
	setLat := func(p partner, c kase, a appointment, v float64) {
		p.Home.Lat, c.HomeArea.Lat, a.Location.Lat = v, v, v
	}
	setLng := func(p partner, c kase, a appointment, v float64) {
		p.Home.Lng, c.HomeArea.Lng, a.Location.Lng = v, v, v
	}
	setTZ := func(p partner, c kase, a appointment, v string) { p.TimeZone, c.TimeZone, a.TimeZone = v, v, v }
	setLang := func(p partner, c kase, _ appointment, v string) { p.Languages[0], c.Languages[0] = v, v }
	var tests []fieldTest
	for _, v := range []float64{90.0001, -90.0001, math.NaN(), math.Inf(1), math.Inf(-1)} {
		tests = append(tests, perKind(fmt.Sprint("lat ", v), v, setLat, "home.lat", "home_area.lat", "location.lat")...)
	}
	for _, v := range []float64{180.0001, -180.0001, math.NaN()} {
		tests = append(tests, perKind(fmt.Sprint("lng ", v), v, setLng, "home.lng", "home_area.lng", "location.lng")...)
	}
	tests = append(tests, perKind("lat 90 lng -180", 0, func(p partner, c kase, a appointment, _ int) {
		setLat(p, c, a, 90)
		setLng(p, c, a, -180)
	}, "", "", "")...)
	for _, v := range []string{"", "Local", "UTC+7", "America/Phenix", "../../etc/passwd", "/etc/localtime", "localtime", "posixrules", "right/UTC", "posix/America/Denver"} {
		tests = append(tests, perKind(fmt.Sprintf("tz %q", v), v, setTZ, "time_zone", "time_zone", "time_zone")...)
	}
	for _, v := range []string{"America/Denver", "UTC", "Etc/GMT+7"} {
		tests = append(tests, perKind(fmt.Sprintf("tz %q", v), v, setTZ, "", "", "")...)
	}
	for _, v := range []string{"", "xx-", "xx", "und", "und-US", "x-klingon", strings.Repeat("a-", 1001) + "a", "en_US", "EN-us", "i-klingon", "iw"} {
		tests = append(tests, perKind(fmt.Sprintf("language %.12q", v), v, setLang, "languages[0]", "languages[0]", "-")...)
	}
	for _, v := range []string{"es-419", "ase", "tlh", "en-US", "nv"} {
		tests = append(tests, perKind(fmt.Sprintf("language %q", v), v, setLang, "", "", "-")...)
	}

	longList := many(10_000, func(i int) string { return fmt.Sprintf("s%d", i) })
	bidi := "Rosa \u202eziaD"
	return append(tests, []fieldTest{
		// Partner.
		{"partner/valid", validPartner(), nil},
		{"partner/display_name empty", edit(validPartner, func(p partner) { p.DisplayName = "" }), []string{"display_name"}},
		{"partner/display_name C0", edit(validPartner, func(p partner) { p.DisplayName = "Rosa\x1b[2J" }), []string{"display_name"}},
		{"partner/display_name newline", edit(validPartner, func(p partner) { p.DisplayName = "Rosa\nAdmin" }), []string{"display_name"}},
		{"partner/display_name DEL", edit(validPartner, func(p partner) { p.DisplayName = "Rosa\x7f" }), []string{"display_name"}},
		{"partner/display_name C1", edit(validPartner, func(p partner) { p.DisplayName = "Rosa\u0085" }), []string{"display_name"}},
		{"partner/display_name RLO", edit(validPartner, func(p partner) { p.DisplayName = bidi }), []string{"display_name"}},
		{"partner/display_name RLI", edit(validPartner, func(p partner) { p.DisplayName = "Rosa \u2067x\u2069" }), []string{"display_name"}},
		{"partner/display_name LRM", edit(validPartner, func(p partner) { p.DisplayName = "Rosa\u200e" }), []string{"display_name"}},
		{"partner/display_name ALM", edit(validPartner, func(p partner) { p.DisplayName = "Rosa\u061c" }), []string{"display_name"}},
		{"partner/display_name bad UTF-8", edit(validPartner, func(p partner) { p.DisplayName = "Rosa\xff" }), []string{"display_name"}},
		{"partner/display_name 121 runes", edit(validPartner, func(p partner) { p.DisplayName = strings.Repeat("é", 121) }), []string{"display_name"}},
		{"partner/display_name 120 runes", edit(validPartner, func(p partner) { p.DisplayName = strings.Repeat("é", 120) }), nil},
		{"partner/no languages", edit(validPartner, func(p partner) { p.Languages = nil }), []string{"languages"}},
		{"partner/10000 languages", edit(validPartner, func(p partner) { p.Languages = longList }), []string{"languages"}},
		{"partner/second language bad", edit(validPartner, func(p partner) { p.Languages[1] = "en_US" }), []string{"languages[1]"}},
		{"partner/identity empty word", edit(validPartner, func(p partner) { p.Identity.Races = []string{"Black", ""} }), []string{"identity.races[1]"}},
		{"partner/identity bidi", edit(validPartner, func(p partner) { p.Identity.Cultures = []string{bidi} }), []string{"identity.cultures[0]"}},
		{"partner/identity 10000", edit(validPartner, func(p partner) { p.Identity.TribalAffiliations = longList }), []string{"identity.tribal_affiliations"}},
		{"partner/gender", edit(validPartner, func(p partner) { p.Gender = "female" }), []string{"gender"}},
		{"partner/lived_experience unknown", edit(validPartner, func(p partner) { p.LivedExperience[1] = "drugs" }), []string{"lived_experience[1]"}},
		{"partner/lived_experience 10000", edit(validPartner, func(p partner) {
			p.LivedExperience = many(10_000, func(int) alongside.Tag { return alongside.TagGrief })
		}), []string{"lived_experience"}},
		{"partner/own_case_closed unset", edit(validPartner, func(p partner) { p.OwnCaseClosed = alongside.Date{} }), []string{"own_case_closed"}},
		{"partner/own_case_closed Feb 30", edit(validPartner, func(p partner) { p.OwnCaseClosed = date(2020, 2, 30) }), []string{"own_case_closed"}},
		{"partner/recovery_since 1899", edit(validPartner, func(p partner) { p.RecoverySince = date(1899, 12, 31) }), []string{"recovery_since"}},
		{"partner/recovery_since unset", edit(validPartner, func(p partner) { p.RecoverySince = alongside.Date{} }), nil},
		{"partner/training kind", edit(validPartner, func(p partner) { p.Trainings[0].Kind = "Boundaries" }), []string{"trainings[0].kind"}},
		{"partner/training completed", edit(validPartner, func(p partner) { p.Trainings[1].Completed = date(1899, 1, 1) }), []string{"trainings[1].completed"}},
		{"partner/training expires before completed", edit(validPartner, func(p partner) { p.Trainings[1].Expires = date(2024, 1, 11) }), []string{"trainings[1].expires"}},
		{"partner/certification kind", edit(validPartner, func(p partner) { p.Certifications[0].Kind = "" }), []string{"certifications[0].kind"}},
		{"partner/programs key", edit(validPartner, func(p partner) { p.Programs = []string{"Parent Support"} }), []string{"programs[0]"}},
		{"partner/programs 10000", edit(validPartner, func(p partner) { p.Programs = longList }), []string{"programs"}},
		{"partner/county 04999", edit(validPartner, func(p partner) { p.CountiesServed[0] = "04999" }), []string{"counties_served[0]"}},
		{"partner/county 4015", edit(validPartner, func(p partner) { p.CountiesServed[1] = "4015" }), []string{"counties_served[1]"}},
		{"partner/no counties", edit(validPartner, func(p partner) { p.CountiesServed = nil }), []string{"counties_served"}},
		{"partner/10000 counties", edit(validPartner, func(p partner) { p.CountiesServed = longList }), []string{"counties_served"}},
		{"partner/max_travel -1", edit(validPartner, func(p partner) { p.MaxTravel = -1 }), []string{"max_travel"}},
		{"partner/max_travel 25h", edit(validPartner, func(p partner) { p.MaxTravel = 25 * time.Hour }), []string{"max_travel"}},
		{"partner/capacity -1", edit(validPartner, func(p partner) { p.Capacity = -1 }), []string{"capacity"}},
		{"partner/capacity 1e9", edit(validPartner, func(p partner) { p.Capacity = 1e9 }), []string{"capacity"}},
		{"partner/capacity 0", edit(validPartner, func(p partner) { p.Capacity = 0 }), nil},
		{"partner/capacity max", edit(validPartner, func(p partner) { p.Capacity = alongside.MaxCapacity }), nil},
		{"partner/availability end < start", edit(validPartner, func(p partner) { p.Availability[0].End = 8 * 60 }), []string{"availability[0].end"}},
		{"partner/availability end = start", edit(validPartner, func(p partner) { p.Availability[1].End = 10 * 60 }), []string{"availability[1].end"}},
		{"partner/availability day", edit(validPartner, func(p partner) { p.Availability[0].Day = 7 }), []string{"availability[0].day"}},
		{"partner/availability start 24:00", edit(validPartner, func(p partner) { p.Availability[1].Start = 24 * 60 }), []string{"availability[1].start", "availability[1].end"}},
		{"partner/availability end 24:01", edit(validPartner, func(p partner) { p.Availability[1].End = 24*60 + 1 }), []string{"availability[1].end"}},
		{"partner/availability 10000", edit(validPartner, func(p partner) {
			p.Availability = make([]alongside.WeeklyWindow, 10_000)
		}), []string{"availability"}},
		{"partner/exclusions needs", edit(validPartner, func(p partner) { p.Exclusions.Needs[0] = "abuse" }), []string{"exclusions.needs[0]"}},
		{"partner/exclusions case_refs", edit(validPartner, func(p partner) { p.Exclusions.CaseRefs[0] = "../x" }), []string{"exclusions.case_refs[0]"}},
		{"partner/exclusions case_refs 10000", edit(validPartner, func(p partner) { p.Exclusions.CaseRefs = longList }), []string{"exclusions.case_refs"}},
		{"partner/status unset", edit(validPartner, func(p partner) { p.Status = "" }), []string{"status"}},
		{"partner/every bad field", edit(validPartner, func(p partner) {
			p.DisplayName, p.Home.Lat, p.TimeZone, p.Capacity = "", math.NaN(), "Local", -1
		}), []string{"display_name", "home.lat", "time_zone", "capacity"}},

		// Case.
		{"case/valid", validCase(), nil},
		{"case/external_ref", edit(validCase, func(c kase) { c.ExternalRef = "Jane Doe" }), []string{"external_ref"}},
		{"case/opened_at unset", edit(validCase, func(c kase) { c.OpenedAt = time.Time{} }), []string{"opened_at"}},
		{"case/opened_at 1999", edit(validCase, func(c kase) { c.OpenedAt = time.Date(1999, 12, 31, 0, 0, 0, 0, phoenix) }), []string{"opened_at"}},
		{"case/county 04999", edit(validCase, func(c kase) { c.County = "04999" }), []string{"county"}},
		{"case/court C0", edit(validCase, func(c kase) { c.Court = "Court\x00" }), []string{"court"}},
		{"case/court empty", edit(validCase, func(c kase) { c.Court = "" }), nil},
		{"case/parent_role", edit(validCase, func(c kase) { c.ParentRole = "" }), []string{"parent_role"}},
		{"case/no languages", edit(validCase, func(c kase) { c.Languages = []string{} }), []string{"languages"}},
		{"case/10000 languages", edit(validCase, func(c kase) { c.Languages = longList }), []string{"languages"}},
		{"case/identity bidi", edit(validCase, func(c kase) { c.Identity.Races[0] = bidi }), []string{"identity.races[0]"}},
		{"case/needs unknown", edit(validCase, func(c kase) { c.Needs[1] = "Opioids" }), []string{"needs[1]"}},
		{"case/needs 10000", edit(validCase, func(c kase) { c.Needs = many(10_000, func(int) alongside.Tag { return alongside.TagGrief }) }), []string{"needs"}},
		{"case/program", edit(validCase, func(c kase) { c.Program = "" }), []string{"program"}},
		{"case/referral", edit(validCase, func(c kase) { c.Referral = "police" }), []string{"referral"}},
		{"case/partner_gender", edit(validCase, func(c kase) { c.Preferences.PartnerGender = "W" }), []string{"preferences.partner_gender"}},
		{"case/known_conflicts", edit(validCase, func(c kase) { c.KnownConflicts[0] = "" }), []string{"known_conflicts[0]"}},
		{"case/prior_partners 10000", edit(validCase, func(c kase) {
			c.PriorPartners = many(10_000, func(i int) alongside.PartnerID { return alongside.PartnerID(fmt.Sprint("p", i)) })
		}), []string{"prior_partners"}},
		{"case/load -1", edit(validCase, func(c kase) { c.Load = -1 }), []string{"load"}},
		{"case/load 1e9", edit(validCase, func(c kase) { c.Load = 1e9 }), []string{"load"}},
		{"case/status", edit(validCase, func(c kase) { c.Status = "held" }), []string{"status"}},

		// Appointment.
		{"appointment/valid", validAppointment(), nil},
		{"appointment/fixed start", edit(validAppointment, func(a appointment) { a.Windows, a.FixedStart = nil, at(9, 0) }), nil},
		{"appointment/window end = start", edit(validAppointment, func(a appointment) { a.Windows[0].End = a.Windows[0].Start }), nil},
		{"appointment/window end < start", edit(validAppointment, func(a appointment) { a.Windows[0].End = at(8, 59) }), []string{"windows[0].end"}},
		{"appointment/window start unset", edit(validAppointment, func(a appointment) { a.Windows[1].Start = time.Time{} }), []string{"windows[1].start", "windows[1].start"}},
		{"appointment/windows overlap", edit(validAppointment, func(a appointment) { a.Windows[1].Start = at(11, 0) }), []string{"windows[1].start"}},
		{"appointment/window year 2201", edit(validAppointment, func(a appointment) {
			a.Windows[1].End = time.Date(2201, 1, 1, 0, 0, 0, 0, phoenix)
		}), []string{"windows[1].end"}},
		{"appointment/window year 10000", edit(validAppointment, func(a appointment) {
			a.Windows[1].End = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		}), []string{"windows[1].end"}},
		{"appointment/no windows", edit(validAppointment, func(a appointment) { a.Windows = nil }), []string{"windows"}},
		{"appointment/fixed start and windows", edit(validAppointment, func(a appointment) { a.FixedStart = at(9, 0) }), []string{"windows"}},
		{"appointment/fixed start year 10000", edit(validAppointment, func(a appointment) {
			a.Windows, a.FixedStart = nil, time.Date(10000, 1, 1, 4, 30, 0, 0, time.UTC)
		}), []string{"fixed_start"}},
		{"appointment/10000 windows", edit(validAppointment, func(a appointment) {
			a.Windows = make([]alongside.TimeWindow, 10_000)
		}), []string{"windows"}},
		{"appointment/duration 0", edit(validAppointment, func(a appointment) { a.Duration = 0 }), []string{"duration"}},
		{"appointment/duration 13h", edit(validAppointment, func(a appointment) { a.Duration = 13 * time.Hour }), []string{"duration"}},
		{"appointment/case", edit(validAppointment, func(a appointment) { a.Case = "" }), []string{"case"}},
		{"appointment/kind", edit(validAppointment, func(a appointment) { a.Kind = "" }), []string{"kind"}},
		{"appointment/place bidi", edit(validAppointment, func(a appointment) { a.Place = bidi }), []string{"place"}},
		{"appointment/county 04999", edit(validAppointment, func(a appointment) { a.County = "04999" }), []string{"county"}},
		{"appointment/county unknown", edit(validAppointment, func(a appointment) { a.County = "" }), nil},
		{"appointment/priority 101", edit(validAppointment, func(a appointment) { a.Priority = 101 }), []string{"priority"}},
		{"appointment/priority -1", edit(validAppointment, func(a appointment) { a.Priority = -1 }), []string{"priority"}},
		{"appointment/cover_partners", edit(validAppointment, func(a appointment) { a.CoverPartners[0] = "p lee" }), []string{"cover_partners[0]"}},
		{"appointment/cover_partners 10000", edit(validAppointment, func(a appointment) {
			a.CoverPartners = many(10_000, func(i int) alongside.PartnerID { return alongside.PartnerID(fmt.Sprint("p", i)) })
		}), []string{"cover_partners"}},
		{"appointment/status", edit(validAppointment, func(a appointment) { a.Status = "" }), []string{"status"}},
	}...)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tt := range invalidFieldTests() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.rec.Validate()
			if got := fieldPaths(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("Validate(%s) fields = %q; want %q (err %v)", tt.name, got, tt.want, err)
			}
			if tt.want == nil && err != nil {
				t.Errorf("Validate(%s) = %v; want nil", tt.name, err)
			}
		})
	}
}

// TestNormalize checks what Normalize rewrites; want is compared as JSON,
// which shows times with their zone's offset.
func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in, want  record
		wantValid bool
	}{
		{"partner/languages canonical, deduplicated, order kept",
			edit(validPartner, func(p partner) { p.Languages = []string{"EN-us", "i-klingon", "en_US", "es", "en-US", "ES", "ase"} }),
			edit(validPartner, func(p partner) { p.Languages = []string{"en-US", "tlh", "es", "ase"} }), true},
		{"partner/invalid language kept for Validate",
			edit(validPartner, func(p partner) { p.Languages = []string{"es", "xx-", "es"} }),
			edit(validPartner, func(p partner) { p.Languages = []string{"es", "xx-"} }), false},
		{"partner/sets sorted and deduplicated",
			edit(validPartner, func(p partner) {
				p.CountiesServed = []string{"04025", "04015", "04025"}
				p.Programs = []string{"z_prog", "a_prog", "z_prog"}
				p.LivedExperience = []alongside.Tag{alongside.TagSubstanceUse, alongside.TagOpioids, alongside.TagSubstanceUse}
				p.Exclusions = alongside.Exclusions{Needs: []alongside.Tag{"b", "a"}, CaseRefs: []string{"r2", "r1", "r2"}}
			}),
			edit(validPartner, func(p partner) {
				p.Programs = []string{"a_prog", "z_prog"}
				p.Exclusions = alongside.Exclusions{Needs: []alongside.Tag{"a", "b"}, CaseRefs: []string{"r1", "r2"}}
			}), false},
		{"partner/empty sets become nil",
			edit(validPartner, func(p partner) { p.Programs, p.Exclusions.CaseRefs = []string{}, []string{} }),
			edit(validPartner, func(p partner) { p.Programs, p.Exclusions.CaseRefs = nil, nil }), true},
		{"case/home area rounded to 2 decimals",
			edit(validCase, func(c kase) { c.HomeArea = geo.Point{Lat: 35.18943, Lng: -114.05499} }),
			edit(validCase, func(c kase) { c.HomeArea = geo.Point{Lat: 35.19, Lng: -114.05} }), true},
		{"case/home area at the pole stays in range",
			edit(validCase, func(c kase) { c.HomeArea = geo.Point{Lat: 89.999, Lng: -179.996} }),
			edit(validCase, func(c kase) { c.HomeArea = geo.Point{Lat: 90, Lng: -180} }), true},
		{"case/invalid home area kept for Validate",
			edit(validCase, func(c kase) { c.HomeArea = geo.Point{Lat: 90.0001, Lng: 1.23456} }),
			edit(validCase, func(c kase) { c.HomeArea = geo.Point{Lat: 90.0001, Lng: 1.23456} }), false},
		{"case/opened_at shown in time_zone",
			edit(validCase, func(c kase) { c.TimeZone, c.OpenedAt = "America/Denver", time.Date(2026, 3, 7, 17, 0, 0, 0, time.UTC) }),
			edit(validCase, func(c kase) { c.TimeZone, c.OpenedAt = "America/Denver", time.Date(2026, 3, 7, 10, 0, 0, 0, denver) }), true},
		{"case/opened_at kept for an invalid zone",
			edit(validCase, func(c kase) { c.TimeZone, c.OpenedAt = "Local", time.Date(2026, 3, 7, 17, 0, 0, 0, time.UTC) }),
			edit(validCase, func(c kase) { c.TimeZone, c.OpenedAt = "Local", time.Date(2026, 3, 7, 17, 0, 0, 0, time.UTC) }), false},
		{"case/languages and sets",
			edit(validCase, func(c kase) {
				c.Languages = []string{"ES", "es", "en_US"}
				c.Needs = []alongside.Tag{alongside.TagOpioids, alongside.TagHousingInstability}
				c.KnownConflicts = []alongside.PartnerID{"p_9", "p_1", "p_9"}
				c.PriorPartners = []alongside.PartnerID{"p_b", "p_a"}
			}),
			edit(validCase, func(c kase) {
				c.Languages = []string{"es", "en-US"}
				c.KnownConflicts = []alongside.PartnerID{"p_1", "p_9"}
				c.PriorPartners = []alongside.PartnerID{"p_a", "p_b"}
			}), true},
		{"appointment/times shown in time_zone, cover partners sorted",
			edit(validAppointment, func(a appointment) {
				a.Windows[0] = alongside.TimeWindow{Start: at(9, 0).UTC(), End: at(11, 0).In(denver)}
				a.CoverPartners = []alongside.PartnerID{"p_z", "p_lee", "p_z"}
			}),
			edit(validAppointment, func(a appointment) { a.CoverPartners = []alongside.PartnerID{"p_lee", "p_z"} }), true},
		{"appointment/fixed start shown in time_zone",
			edit(validAppointment, func(a appointment) { a.Windows, a.FixedStart = nil, at(9, 0).UTC() }),
			edit(validAppointment, func(a appointment) { a.Windows, a.FixedStart = nil, at(9, 0) }), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.in.Normalize()
			if got, want := mustJSON(t, tt.in), mustJSON(t, tt.want); string(got) != string(want) {
				t.Errorf("Normalize(%s) = %s; want %s", tt.name, got, want)
			}
			if err := tt.in.Validate(); (err == nil) != tt.wantValid {
				t.Errorf("Validate(Normalize(%s)) = %v; want valid %v", tt.name, err, tt.wantValid)
			}
		})
	}
}
