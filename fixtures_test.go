package alongside_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
	_ "time/tzdata" // the same zones on every machine that runs the tests

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json from the builders")

var (
	denver  = mustLoad("America/Denver")
	phoenix = mustLoad("America/Phoenix")
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func date(y int, m time.Month, d int) alongside.Date {
	return alongside.Date{Year: y, Month: m, Day: d}
}

// at returns the instant of the given wall time on 2026-03-10 in Phoenix.
func at(h, m int) time.Time { return time.Date(2026, 3, 10, h, m, 0, 0, phoenix) }

// The builders return a fresh record that is valid and already normalized.

func validPartner() *alongside.Partner {
	return &alongside.Partner{
		Org: "org_az", ID: "p_rosa", DisplayName: "Rosa Díaz",
		Languages:       []string{"es", "en-US", "ase"},
		Identity:        alongside.Identity{Ethnicities: []string{"Mexican American"}, TribalAffiliations: []string{"Hualapai"}},
		Gender:          alongside.GenderWoman,
		LivedExperience: []alongside.Tag{alongside.TagOpioids, alongside.TagSubstanceUse},
		OwnCaseClosed:   date(2019, 5, 14),
		RecoverySince:   date(2017, 2, 1),
		Trainings: []alongside.Credential{
			{Kind: alongside.TrainingBoundaries, Completed: date(2024, 1, 10)},
			{Kind: alongside.TrainingSafety, Completed: date(2024, 1, 11), Expires: date(2026, 1, 11)},
		},
		Certifications: []alongside.Credential{{Kind: alongside.CertificationPeerSupport, Completed: date(2023, 6, 1)}},
		Programs:       []string{"parent_support_now"},
		Home:           geo.Point{Lat: 35.1894, Lng: -114.053},
		TimeZone:       "America/Phoenix",
		CountiesServed: []string{"04015", "04025"},
		MaxTravel:      90 * time.Minute,
		HasCar:         true,
		Capacity:       12,
		Availability: []alongside.WeeklyWindow{
			{Day: time.Monday, Start: 9 * 60, End: 17 * 60},
			{Day: time.Saturday, Start: 10 * 60, End: 24 * 60},
		},
		Exclusions: alongside.Exclusions{Needs: []alongside.Tag{alongside.TagSexualAbuse}, CaseRefs: []string{"JD-2024-0117"}},
		Status:     alongside.PartnerStatusActive,
	}
}

func validCase() *alongside.Case {
	return &alongside.Case{
		Org: "org_az", ID: "c_1", ExternalRef: "JD-2026-0042",
		OpenedAt:    time.Date(2026, 3, 7, 10, 0, 0, 0, phoenix),
		County:      "04015",
		Court:       "Mohave County Juvenile Court, Kingman",
		TimeZone:    "America/Phoenix",
		HomeArea:    geo.Point{Lat: 35.19, Lng: -114.05},
		ParentRole:  alongside.ParentRoleMother,
		Languages:   []string{"es", "en"},
		Identity:    alongside.Identity{Races: []string{"White"}, Cultures: []string{"Mexican"}},
		Needs:       []alongside.Tag{alongside.TagHousingInstability, alongside.TagOpioids},
		Program:     "parent_support_now",
		Referral:    alongside.ReferralCourt,
		Preferences: alongside.Preferences{PartnerGender: alongside.GenderWoman, Evenings: true},
		// Sets are sorted by Normalize.
		KnownConflicts: []alongside.PartnerID{"p_9"},
		PriorPartners:  []alongside.PartnerID{"p_rosa"},
		Load:           1,
		Status:         alongside.CaseStatusOpen,
	}
}

func validAppointment() *alongside.Appointment {
	return &alongside.Appointment{
		Org: "org_az", ID: "a_1", Case: "c_1",
		Kind:     alongside.KindSupervisedVisit,
		Place:    "DCS office, Kingman",
		Location: geo.Point{Lat: 35.2, Lng: -114.06},
		County:   "04015",
		TimeZone: "America/Phoenix",
		Windows: []alongside.TimeWindow{
			{Start: at(9, 0), End: at(11, 0)},
			{Start: at(14, 0), End: at(16, 0)},
		},
		Duration:      time.Hour,
		CoverPartners: []alongside.PartnerID{"p_lee"},
		Status:        alongside.AppointmentScheduled,
	}
}

// record is what every validated domain record implements.
type record interface {
	Normalize()
	Validate() error
}

// edit returns a fresh record from fresh, changed by change.
func edit[R record](fresh func() R, change func(R)) R {
	r := fresh()
	change(r)
	return r
}

// fixtures name the golden JSON files in testdata and their builders.
var fixtures = []struct {
	file  string
	build func() record
}{
	{"partner.json", func() record { return validPartner() }},
	{"case.json", func() record { return validCase() }},
	{"appointment.json", func() record { return validAppointment() }},
}

// TestFixtures checks that the builders' records are valid and normalized
// and match testdata byte for byte (go test -update rewrites the files,
// which also seed the fuzzers).
func TestFixtures(t *testing.T) {
	t.Parallel()
	for _, tt := range fixtures {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			r := tt.build()
			if err := r.Validate(); err != nil {
				t.Fatalf("Validate(%s) = %v; want nil", tt.file, err)
			}
			want := mustJSON(t, r)
			r.Normalize()
			if got := mustJSON(t, r); !bytes.Equal(got, want) {
				t.Errorf("Normalize(%s) = %s; want unchanged %s", tt.file, got, want)
			}
			path := filepath.Join("testdata", tt.file)
			if *update {
				if err := os.WriteFile(path, want, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s = %s (%v); want %s (run go test -update)", path, got, err, want)
			}
		})
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "\t")
	if err != nil {
		t.Fatalf("json.Marshal(%T) = %v", v, err)
	}
	return append(b, '\n')
}

// fieldPaths returns the Field of every *FieldError in err, in order, and
// fails t unless every error err joins is a *FieldError with a reason.
func fieldPaths(t testing.TB, err error) []string {
	t.Helper()
	fes := alongside.FieldErrors(err)
	var leaves int
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		leaves = len(j.Unwrap())
	} else if err != nil {
		leaves = 1
	}
	if len(fes) != leaves {
		t.Errorf("error %v joins %d errors, %d of them *FieldError", err, leaves, len(fes))
	}
	var out []string
	for _, fe := range fes {
		if fe.Field == "" || fe.Reason == "" {
			t.Errorf("FieldError %+v lacks a field or reason", *fe)
		}
		out = append(out, fe.Field)
	}
	return out
}
