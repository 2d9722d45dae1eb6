package matcher_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/matcher"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// equityData builds an equity report's input case by case.
type equityData struct {
	in matcher.EquityInput
	n  int
}

// add adds count cases opened at `opened` (Phoenix time) with mod applied;
// when partner is set each is confirmed with it after ttm at score.
func (d *equityData) add(count int, mod func(*alongside.Case), partner alongside.PartnerID, ttm time.Duration, score float64) {
	for range count {
		d.n++
		c := newCase(func(c *alongside.Case) { c.ID = alongside.CaseID(fmt.Sprintf("c_%03d", d.n)) }, mod)
		d.in.Cases = append(d.in.Cases, c)
		if partner == "" {
			continue
		}
		d.in.Assignments = append(d.in.Assignments, &alongside.Assignment{
			ID: alongside.AssignmentID(fmt.Sprintf("a_%03d", d.n)), Case: c.ID, Partner: partner,
			State: alongside.StateConfirmed, Score: score, HeldAt: c.OpenedAt, DecidedAt: c.OpenedAt.Add(ttm),
		})
	}
}

func lang(tags ...string) func(*alongside.Case) {
	return func(c *alongside.Case) { c.Languages = tags }
}

func dur(d time.Duration) *time.Duration { return &d }

func TestEquity(t *testing.T) {
	t.Parallel()
	period := matcher.EquityPeriod{Start: date("2026-03-01"), End: date("2026-04-01")}
	partners := []*alongside.Partner{newPartner("p_en"), newPartner("p_es", func(p *alongside.Partner) { p.Languages = []string{"es-MX", "en"} })}

	var byLang equityData
	byLang.add(15, lang("en"), "p_en", 10*time.Hour, 70)
	byLang.add(6, lang("es", "en"), "p_es", 24*time.Hour, 80) // es-MX speaks es: High
	byLang.add(3, lang("es", "en"), "p_en", 60*time.Hour, 60) // late, and not in Spanish
	byLang.add(3, lang("es", "en"), "", 0, 0)
	byLang.add(11, lang("ase"), "", 0, 0)
	byLang.add(4, lang("nv"), "", 0, 0)
	// Outside the period: opened at 23:30 on 28 February in Arizona (06:30
	// UTC on 1 March), and on its end date.
	byLang.add(1, func(c *alongside.Case) { c.OpenedAt = time.Date(2026, 3, 1, 6, 30, 0, 0, time.UTC) }, "p_en", time.Hour, 70)
	byLang.add(1, func(c *alongside.Case) { c.OpenedAt = time.Date(2026, 4, 1, 0, 0, 0, 0, phoenix) }, "", 0, 0)
	// A later confirmation and a released one do not change a case's outcome.
	byLang.in.Assignments = append(byLang.in.Assignments,
		&alongside.Assignment{ID: "a_late", Case: "c_001", Partner: "p_es", State: alongside.StateConfirmed, Score: 1, DecidedAt: opened.Add(90 * time.Hour)},
		&alongside.Assignment{ID: "a_rel", Case: "c_040", Partner: "p_es", State: alongside.StateReleased, Score: 99, DecidedAt: opened.Add(time.Hour)},
	)
	byLang.in.GroupBy = matcher.EquityGroupByLanguage

	var byRace equityData
	byRace.add(11, func(c *alongside.Case) { c.Identity.Races = []string{"White"} }, "p_en", time.Hour, 50)
	byRace.add(11, func(c *alongside.Case) { c.Identity.Races = []string{" white ", "Navajo", "WHITE"} }, "", 0, 0)
	byRace.add(12, nil, "p_en", 3*time.Hour, 90)
	byRace.in.GroupBy = matcher.EquityGroupByRace

	var icwa equityData
	icwa.add(11, func(c *alongside.Case) { c.ICWA = true }, "p_en", 50*time.Hour, 40)
	icwa.add(3, nil, "p_en", time.Hour, 40)
	icwa.in.GroupBy = matcher.EquityGroupByICWA

	var small equityData
	small.add(5, nil, "p_en", time.Hour, 40)
	small.add(4, func(c *alongside.Case) { c.ParentRole = alongside.ParentRoleFather }, "", 0, 0)
	small.in.GroupBy = matcher.EquityGroupByParentRole

	var single equityData
	single.add(11, nil, "p_en", time.Hour, 40)
	single.add(2, nil, "p_en", 2*time.Hour, 50)
	single.add(1, nil, "p_en", 3*time.Hour, 50)
	single.in.GroupBy = matcher.EquityGroupByCounty

	tests := []struct {
		name string
		in   matcher.EquityInput
		want *matcher.EquityReport
	}{
		{
			name: "language, with complementary suppression",
			in:   byLang.in,
			want: &matcher.EquityReport{
				Rows: []matcher.EquityRow{
					{Group: "en", Cases: 15, MatchedWithin48hShare: 1, MeanScore: 70, LanguageMatchRate: 1, MedianTimeToMatch: dur(10 * time.Hour)},
					{Group: "es", Cases: 12, MatchedWithin48hShare: 0.5, MeanScore: (6*80 + 3*60) / 9.0, LanguageMatchRate: 6 / 9.0, MedianTimeToMatch: dur(24 * time.Hour)},
					{Group: "ase", Suppressed: true}, // 11 cases, withheld with nv's 4
					{Group: "nv", Suppressed: true},
				},
				Overall: matcher.EquityRow{Cases: 42, MatchedWithin48hShare: 21 / 42.0, MeanScore: (15*70 + 6*80 + 3*60) / 24.0,
					LanguageMatchRate: 21 / 24.0, MedianTimeToMatch: dur(10 * time.Hour)},
			},
		},
		{
			name: "race: each value, case folded; none is the empty group",
			in:   byRace.in,
			want: &matcher.EquityReport{
				Rows: []matcher.EquityRow{
					{Group: "white", Cases: 22, MatchedWithin48hShare: 0.5, MeanScore: 50, LanguageMatchRate: 1, MedianTimeToMatch: dur(time.Hour)},
					{Group: "", Cases: 12, MatchedWithin48hShare: 1, MeanScore: 90, LanguageMatchRate: 1, MedianTimeToMatch: dur(3 * time.Hour)},
					{Group: "navajo", Cases: 11},
				},
				Overall: matcher.EquityRow{Cases: 34, MatchedWithin48hShare: 23 / 34.0, MeanScore: (11*50 + 12*90) / 23.0,
					LanguageMatchRate: 1, MedianTimeToMatch: dur(3 * time.Hour)},
			},
		},
		{
			name: "icwa: late matches; the one small group takes the other with it",
			in:   icwa.in,
			want: &matcher.EquityReport{
				Rows: []matcher.EquityRow{{Group: "icwa", Suppressed: true}, {Group: "not_icwa", Suppressed: true}},
				Overall: matcher.EquityRow{Cases: 14, MatchedWithin48hShare: 3 / 14.0, MeanScore: 40, LanguageMatchRate: 1,
					MedianTimeToMatch: dur(50 * time.Hour)},
			},
		},
		{
			name: "few cases: everything suppressed",
			in:   small.in,
			want: &matcher.EquityReport{
				Rows:    []matcher.EquityRow{{Group: "father", Suppressed: true}, {Group: "mother", Suppressed: true}},
				Overall: matcher.EquityRow{Suppressed: true},
			},
		},
		{
			name: "one group: even median",
			in:   single.in,
			want: &matcher.EquityReport{
				Rows: []matcher.EquityRow{{Group: mohave, Cases: 14, MatchedWithin48hShare: 1, MeanScore: (11*40 + 3*50) / 14.0,
					LanguageMatchRate: 1, MedianTimeToMatch: dur(time.Hour)}},
				Overall: matcher.EquityRow{Cases: 14, MatchedWithin48hShare: 1, MeanScore: (11*40 + 3*50) / 14.0,
					LanguageMatchRate: 1, MedianTimeToMatch: dur(time.Hour)},
			},
		},
		{
			name: "no cases",
			in:   matcher.EquityInput{GroupBy: matcher.EquityGroupByProgram},
			want: &matcher.EquityReport{Overall: matcher.EquityRow{Suppressed: true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.in
			in.Period, in.Partners = period, partners
			got, err := matcher.Equity(in)
			if err != nil {
				t.Fatalf("Equity: %v", err)
			}
			if d := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-12)); d != "" {
				t.Errorf("Equity (-want +got):\n%s", d)
			}
		})
	}
}

func TestEquityMedianEven(t *testing.T) {
	t.Parallel()
	var d equityData
	d.add(6, nil, "p_en", time.Hour, 40)
	d.add(6, nil, "p_en", 3*time.Hour, 40)
	d.in.GroupBy = matcher.EquityGroupByProgram
	d.in.Period = matcher.EquityPeriod{Start: date("2026-03-07"), End: date("2026-03-08")}
	got, err := matcher.Equity(d.in)
	if err != nil {
		t.Fatal(err)
	}
	if m := got.Overall.MedianTimeToMatch; m == nil || *m != 2*time.Hour {
		t.Errorf("median = %v; want 2h", m)
	}
	// No partners given: the language rate has nothing to count.
	if r := got.Overall.LanguageMatchRate; r != 0 {
		t.Errorf("language match rate = %g; want 0", r)
	}
}

// TestEquityReleasedAfterConfirmation: a case whose partner confirmed in
// time and was released later still counts as matched within 48 hours,
// at its confirmation.
func TestEquityReleasedAfterConfirmation(t *testing.T) {
	t.Parallel()
	var d equityData
	d.add(11, nil, "p_en", 2*time.Hour, 40)
	for _, a := range d.in.Assignments {
		a.ConfirmedAt = a.DecidedAt
		a.State, a.DecidedAt = alongside.StateReleased, a.DecidedAt.Add(100*time.Hour)
	}
	d.in.GroupBy = matcher.EquityGroupByProgram
	d.in.Period = matcher.EquityPeriod{Start: date("2026-03-07"), End: date("2026-03-08")}
	got, err := matcher.Equity(d.in)
	if err != nil {
		t.Fatal(err)
	}
	if o := got.Overall; o.MatchedWithin48hShare != 1 || o.MedianTimeToMatch == nil || *o.MedianTimeToMatch != 2*time.Hour {
		t.Errorf("overall = %+v; want every case matched within 48 h, median 2h", o)
	}
}

func TestEquityInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   matcher.EquityInput
		want []string
	}{
		{"nothing set", matcher.EquityInput{}, []string{"period.start", "period.end", "group_by"}},
		{"end before start", matcher.EquityInput{
			Period: matcher.EquityPeriod{Start: date("2026-03-02"), End: date("2026-03-02")}, GroupBy: matcher.EquityGroupByICWA,
		}, []string{"period.end"}},
		{"too long", matcher.EquityInput{
			Period: matcher.EquityPeriod{Start: date("2026-01-01"), End: date("2027-01-03")}, GroupBy: matcher.EquityGroupByICWA,
		}, []string{"period.end"}},
		{"not a date, unknown grouping, nil records", matcher.EquityInput{
			Period: matcher.EquityPeriod{Start: alongside.Date{Year: 2026, Month: 2, Day: 30}, End: date("2026-03-02")}, GroupBy: 8,
			Cases: []*alongside.Case{nil}, Assignments: []*alongside.Assignment{nil}, Partners: []*alongside.Partner{nil},
		}, []string{"period.start", "group_by", "cases[0]", "assignments[0]", "partners[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := matcher.Equity(tt.in)
			var got []string
			for _, fe := range alongside.FieldErrors(err) {
				got = append(got, fe.Field)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Equity fields (-want +got):\n%s\n%v", d, err)
			}
		})
	}
	// 366 days (a leap year's worth) is allowed.
	if _, err := matcher.Equity(matcher.EquityInput{
		Period: matcher.EquityPeriod{Start: date("2028-01-01"), End: date("2029-01-01")}, GroupBy: matcher.EquityGroupByICWA,
	}); err != nil {
		t.Errorf("Equity(366 days) = %v", err)
	}
}

func TestEquityGroupByString(t *testing.T) {
	t.Parallel()
	for g, want := range map[matcher.EquityGroupBy]string{
		matcher.EquityGroupByParentRole: "parent_role", matcher.EquityGroupByICWA: "icwa", 9: "EquityGroupBy(9)",
	} {
		if got := g.String(); got != want {
			t.Errorf("%d.String() = %q; want %q", int(g), got, want)
		}
	}
}
