package alongside_test

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alongside/alongside"
)

// check is a row of a table of computed values.
type check struct {
	name      string
	got, want any
}

func runChecks(t *testing.T, tests []check) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.got != tt.want {
				t.Errorf("%s = %v; want %v", tt.name, tt.got, tt.want)
			}
		})
	}
}

// reasonTest is a row for a checker that returns a reason, "" when ok.
type reasonTest struct {
	in     string
	wantOK bool
}

func runReasons(t *testing.T, fname string, f func(string) string, tests []reasonTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := f(tt.in); (got == "") != tt.wantOK {
				t.Errorf("%s(%q) = %q; want ok %v", fname, tt.in, got, tt.wantOK)
			}
		})
	}
}

// parseTest is a row for a parser that reports bad input as one
// *FieldError.
type parseTest[T comparable] struct {
	in      string
	want    T
	wantErr bool
}

// runParse runs parser rows; format, if set, must print an accepted value
// back as its input.
func runParse[T comparable](t *testing.T, fname string, parse func(string) (T, error), format func(T) string, tests []parseTest[T]) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := parse(tt.in)
			if got != tt.want || (err != nil) != tt.wantErr || (err != nil && len(alongside.FieldErrors(err)) != 1) {
				t.Errorf("%s(%.40q) = %v, %v; want %v, error %v", fname, tt.in, got, err, tt.want, tt.wantErr)
			}
			if err == nil && format != nil && format(got) != tt.in {
				t.Errorf("%s(%q) formats as %q; want %q", fname, tt.in, format(got), tt.in)
			}
		})
	}
}

func TestFieldErrors(t *testing.T) {
	t.Parallel()
	a := &alongside.FieldError{Field: "home.lat", Reason: "a"}
	b := &alongside.FieldError{Field: "languages[0]", Reason: "b"}
	c := &alongside.FieldError{Field: "windows[1].end", Reason: "c"}
	tests := []struct {
		name string
		in   error
		want []*alongside.FieldError
	}{
		{"nil", nil, nil},
		{"plain", io.EOF, nil},
		{"one", a, []*alongside.FieldError{a}},
		{"joined", errors.Join(a, io.EOF, b), []*alongside.FieldError{a, b}},
		{"wrapped", fmt.Errorf("create partner: %w", a), []*alongside.FieldError{a}},
		{"nested joins", errors.Join(a, fmt.Errorf("x: %w", errors.Join(b, errors.Join(c)))), []*alongside.FieldError{a, b, c}},
		{"multi %w", fmt.Errorf("%w and %w", c, fmt.Errorf("y: %w", a)), []*alongside.FieldError{c, a}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := alongside.FieldErrors(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("FieldErrors(%v) = %v; want %v", tt.in, got, tt.want)
			}
		})
	}
	if got, want := a.Error(), "home.lat: a"; got != want {
		t.Errorf("FieldError.Error() = %q; want %q", got, want)
	}
}

func TestCheckID(t *testing.T) {
	t.Parallel()
	runReasons(t, "CheckID", alongside.CheckID, []reasonTest{
		{"a", true},
		{"p_7hd2k", true},
		{"JD-2024-0117", true},
		{"A1_-.", true},
		{strings.Repeat("x", 64), true},
		{strings.Repeat("x", 65), false},
		{"", false},
		{"_a", false},
		{"-a", false},
		{".a", false},
		{"a b", false},
		{"a/b", false},
		{"../x", false},
		{"é", false},
		{"a\x00", false},
	})
}

func TestNewID(t *testing.T) {
	t.Parallel()
	format := regexp.MustCompile(`^p_[0-9a-hjkmnp-tv-z]{16}$`)
	seen := make(map[string]bool)
	for range 10_000 {
		id := alongside.NewID("p")
		if !format.MatchString(id) || alongside.CheckID(id) != "" || seen[id] {
			t.Fatalf("NewID(%q) = %q (CheckID %q, seen %v); want a fresh %s", "p", id, alongside.CheckID(id), seen[id], format)
		}
		seen[id] = true
	}
}

func TestCanonicalLanguage(t *testing.T) {
	t.Parallel()
	runParse(t, "CanonicalLanguage", alongside.CanonicalLanguage, nil, []parseTest[string]{
		{"en", "en", false},
		{"en_US", "en-US", false},
		{"EN-us", "en-US", false},
		{"i-klingon", "tlh", false},
		{"es-419", "es-419", false},
		{"ase", "ase", false},
		{"sgn-BE-FR", "sfb", false},
		{"zh-min-nan", "nan", false},
		{"iw", "he", false},
		{"nv", "nv", false},
		{"", "", true},
		{"xx-", "", true},
		{"xx", "", true},
		{"und", "", true},
		{"und-US", "", true},
		{"und-Latn", "", true},
		{"x-klingon", "", true},
		{"en--US", "", true},
		{strings.Repeat("a-", 1001) + "a", "", true},
		{"en-" + strings.Repeat("x", 33), "", true},
	})
}

func TestPredicates(t *testing.T) {
	t.Parallel()
	kinds := []alongside.AppointmentKind{
		alongside.KindCourtHearing, alongside.KindTeamMeeting, alongside.KindSupervisedVisit, alongside.KindClinic,
		alongside.KindSchoolMeeting, alongside.KindClass, alongside.KindSupportGroup, alongside.KindServiceIntake,
		alongside.KindHomeVisit, alongside.KindOther, alongside.KindUnspecified,
	}
	priorities := make([]int, len(kinds))
	for i, k := range kinds {
		priorities[i] = alongside.DefaultPriority(k)
	}
	p, c, a := validPartner(), validCase(), validAppointment()
	fixed := edit(validAppointment, func(a appointment) { a.Windows, a.FixedStart, a.Kind = nil, at(9, 0), alongside.KindCourtHearing })
	held := &alongside.Assignment{State: alongside.StateHeld, ExpiresAt: at(12, 0)}
	runChecks(t, []check{
		{"DefaultPriority(court_hearing)", priorities[0], 100},
		{"DefaultPriority(team_meeting)", priorities[1], 80},
		{"DefaultPriority(other)", alongside.DefaultPriority(alongside.KindOther), 20},
		{"DefaultPriority ordered court first", slices.IsSortedFunc(priorities, func(x, y int) int { return y - x }), true},
		{"DefaultPriority court above all", slices.Max(priorities[1:]) < priorities[0], true},
		{"EffectivePriority(unset visit)", a.EffectivePriority(), 60},
		{"EffectivePriority(set)", edit(validAppointment, func(a appointment) { a.Priority = 7 }).EffectivePriority(), 7},
		{"Fixed(windows)", a.Fixed(), false},
		{"Fixed(fixed_start)", fixed.Fixed(), true},
		{"StartWindows(fixed_start)", fixed.StartWindows()[0], alongside.TimeWindow{Start: at(9, 0), End: at(9, 0)}},
		{"StartWindows(windows)", len(a.StartWindows()), 2},
		{"Tag(substance_use).Part2", alongside.TagSubstanceUse.Part2(), true},
		{"Tag(alcohol).Part2", alongside.TagAlcohol.Part2(), true},
		{"Tag(opioids).Part2", alongside.TagOpioids.Part2(), true},
		{"Tag(methamphetamine).Part2", alongside.TagMethamphetamine.Part2(), true},
		{"Tag(cannabis).Part2", alongside.TagCannabis.Part2(), true},
		{"Tag(domestic_violence).Part2", alongside.TagDomesticViolence.Part2(), false},
		{"Tag(mental_health).Part2", alongside.TagMentalHealth.Part2(), false},
		{"Tag(unknown).Part2", alongside.Tag("drugs").Part2(), false},
		{"Tag(grief).Known", alongside.TagGrief.Known(), true},
		{"Tag(Grief).Known", alongside.Tag("Grief").Known(), false},
		{"Tags() is a copy", func() bool { tags := alongside.Tags(); tags[0] = "x"; return alongside.Tags()[0] != "x" }(), true},
		{"len(CoreTrainings())", len(alongside.CoreTrainings()), 4},
		{"Partner.Serves(04015)", p.Serves("04015"), true},
		{"Partner.Serves(04013)", p.Serves("04013"), false},
		{"Identity.Empty()", alongside.Identity{}.Empty(), true},
		{"Identity.Empty(partner)", p.Identity.Empty(), false},
		{"WeeklyWindow.Evening(9-17)", p.Availability[0].Evening(), false},
		{"WeeklyWindow.Evening(10-24)", p.Availability[1].Evening(), true},
		{"WeeklyWindow.Weekend(Saturday)", p.Availability[1].Weekend(), true},
		{"TimeWindow.Contains(start)", a.Windows[0].Contains(at(9, 0)), true},
		{"TimeWindow.Contains(end)", a.Windows[0].Contains(at(11, 0)), true},
		{"TimeWindow.Contains(after)", a.Windows[0].Contains(at(11, 0).Add(time.Nanosecond)), false},
		{"Case.Units(1)", c.Units(), alongside.LoadUnits(1)},
		{"Case.Units(unset)", edit(validCase, func(c kase) { c.Load = 0 }).Units(), alongside.LoadUnits(1)},
		{"Case.Units(3)", edit(validCase, func(c kase) { c.Load = 3 }).Units(), alongside.LoadUnits(3)},
		{"AssignmentState(released).Terminal", alongside.StateReleased.Terminal(), true},
		{"AssignmentState(held).Terminal", alongside.StateHeld.Terminal(), false},
		{"Assignment.LiveAt(before expiry)", held.LiveAt(at(11, 59)), true},
		{"Assignment.LiveAt(at expiry)", held.LiveAt(at(12, 0)), false},
		{"Partner.LogValue hides the name", strings.Contains(p.LogValue().String(), "Rosa"), false},
		{"Case.LogValue hides the reference", strings.Contains(c.LogValue().String(), c.ExternalRef), false},
		{"Appointment.LogValue shows the ID", strings.Contains(a.LogValue().String(), "a_1"), true},
	})
}
