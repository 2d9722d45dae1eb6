package matcher

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alongside/alongside"
	"golang.org/x/text/language"
)

// EquityGroupBy is how an equity report groups cases. Its values are those
// of the API's EquityGroupBy enum.
type EquityGroupBy int

// Equity groupings. The zero EquityGroupBy is not a grouping.
const (
	EquityGroupByUnspecified EquityGroupBy = iota
	EquityGroupByLanguage                  // the parent's first language (BCP 47 tag)
	EquityGroupByParentRole                // mother, father, other
	EquityGroupByCounty                    // the court county's FIPS code
	EquityGroupByProgram                   // the program key
	EquityGroupByRace                      // each self-identified race: a case with two counts in both
	EquityGroupByEthnicity                 // each self-identified ethnicity
	EquityGroupByICWA                      // "icwa" or "not_icwa"
)

var equityGroupNames = [...]string{"unspecified", "language", "parent_role", "county", "program", "race", "ethnicity", "icwa"}

// String returns the grouping's name, e.g. "parent_role".
func (g EquityGroupBy) String() string {
	if g < 0 || int(g) >= len(equityGroupNames) {
		return "EquityGroupBy(" + strconv.Itoa(int(g)) + ")"
	}
	return equityGroupNames[g]
}

// EquityMinCases is the reporting threshold: a group of fewer cases is
// suppressed, its figures withheld, to protect the families in it.
const EquityMinCases = 11

// EquityMaxDays is the longest period an equity report covers.
const EquityMaxDays = 366

// EquityPeriod is a range of civil dates [Start, End): cases opened on
// these dates, each read in the case's own time zone.
type EquityPeriod struct {
	Start alongside.Date // first date, inclusive
	End   alongside.Date // the date after the last one, exclusive
}

// EquityInput is what an equity report summarizes.
type EquityInput struct {
	// Period selects the cases opened on its dates. Required; at most
	// [EquityMaxDays] days.
	Period EquityPeriod
	// GroupBy is how to group the cases. Required.
	GroupBy EquityGroupBy
	// Cases are the organization's cases; those opened in Period are
	// reported, whatever their status now.
	Cases []*alongside.Case
	// Assignments are the cases' assignments, any state and order. A case
	// counts as matched by its earliest confirmed assignment — confirmed
	// now, or confirmed and later released — at its ConfirmedAt (DecidedAt
	// for a confirmed assignment stored without one). Assignments of other
	// cases are ignored.
	Assignments []*alongside.Assignment
	// Partners are looked up by the confirmed assignments for the
	// language-match rate; a confirmed partner not among them is left out
	// of that rate.
	Partners []*alongside.Partner
}

// EquityReport is the matching outcome of a period's cases, by group.
// It maps one to one onto the API's GetEquityReportResponse.
type EquityReport struct {
	// Rows has one row per group: groups shown largest first (then by
	// group), then suppressed groups by group.
	Rows []EquityRow
	// Overall is every case of the period together (Group empty); it is
	// suppressed too when there are fewer than [EquityMinCases] cases.
	Overall EquityRow
}

// EquityRow is the matching outcome of one group of cases. It maps one to
// one onto the API's EquityRow.
type EquityRow struct {
	// Group is the group's value, e.g. "es", "father", "04015", "icwa";
	// empty for cases without a value (nothing self-identified). Race and
	// ethnicity groups are the self-identified words in lower case.
	Group string
	// Cases counts the group's cases opened in the period; 0 when
	// suppressed.
	Cases int
	// MatchedWithin48hShare is the share of the group's cases confirmed
	// within 48 hours of opening ([alongside.Case.Deadline]), in [0, 1].
	MatchedWithin48hShare float64
	// MeanScore is the mean match score of the confirmed assignments,
	// 0–100; 0 when none.
	MeanScore float64
	// LanguageMatchRate is the share of confirmed assignments whose partner
	// speaks the parent's first language (BCP 47 confidence High or Exact,
	// as the matcher's language rule), in [0, 1]; 0 when none.
	LanguageMatchRate float64
	// MedianTimeToMatch is the median time from opening to confirmation
	// among confirmed cases (the mean of the middle two for an even
	// count); nil when none or suppressed.
	MedianTimeToMatch *time.Duration
	// Suppressed reports that the group is too small to show, or is
	// withheld so that a small group's figures cannot be recovered from
	// the others and the overall row: Cases, the rates and the median are
	// then zero.
	Suppressed bool
}

// equityGroup accumulates one group's outcomes.
type equityGroup struct {
	key                   string
	cases, within, scored int
	scoreSum              float64
	langNum, langDen      int
	ttm                   []time.Duration
}

// equityCase is one reported case's outcome.
type equityCase struct {
	c         *alongside.Case
	confirmed *alongside.Assignment
}

// Equity reports, for the cases opened in in.Period and grouped by
// in.GroupBy, how many there are, the share confirmed within 48 hours,
// the mean score of confirmed matches, the language-match rate and the
// median time to confirmation. Groups of fewer than [EquityMinCases]
// cases are suppressed; when exactly one group is, the next smallest is
// too (complementary suppression), as its figures could otherwise be
// recovered from the overall row.
//
// Equity is pure; invalid input returns *alongside.FieldError values
// (joined) naming "period.start", "period.end", "group_by", or a nil
// record such as "cases[3]".
func Equity(in EquityInput) (*EquityReport, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	partners := make(map[alongside.PartnerID]*alongside.Partner, len(in.Partners))
	for _, p := range in.Partners {
		partners[p.ID] = p
	}
	var cases []equityCase
	index := map[alongside.CaseID]int{}
	for _, c := range in.Cases {
		if _, dup := index[c.ID]; dup || !inPeriod(c, in.Period) {
			continue
		}
		index[c.ID] = len(cases)
		cases = append(cases, equityCase{c: c})
	}
	for _, a := range in.Assignments {
		j, ok := index[a.Case]
		if !ok || confirmedAt(a).IsZero() && a.State != alongside.StateConfirmed {
			continue
		}
		if cur := cases[j].confirmed; cur == nil || confirmedBefore(a, cur) {
			cases[j].confirmed = a
		}
	}

	groups := map[string]*equityGroup{}
	overall := &equityGroup{}
	for _, ec := range cases {
		overall.add(ec, partners)
		for _, key := range groupKeys(ec.c, in.GroupBy) {
			g := groups[key]
			if g == nil {
				g = &equityGroup{key: key}
				groups[key] = g
			}
			g.add(ec, partners)
		}
	}

	rep := &EquityReport{Overall: overall.row()}
	for _, g := range groups {
		rep.Rows = append(rep.Rows, g.row())
	}
	// Largest first; ties and suppressed rows by group.
	slices.SortFunc(rep.Rows, func(a, b EquityRow) int {
		return cmp.Or(-cmp.Compare(groups[a.Group].cases, groups[b.Group].cases), cmp.Compare(a.Group, b.Group))
	})
	suppressed := 0
	for i := range rep.Rows {
		if rep.Rows[i].Suppressed {
			suppressed++
		}
	}
	if suppressed == 1 && !rep.Overall.Suppressed {
		// The smallest shown group: the last one not suppressed.
		for i := len(rep.Rows) - 1; i >= 0; i-- {
			if !rep.Rows[i].Suppressed {
				rep.Rows[i] = EquityRow{Group: rep.Rows[i].Group, Suppressed: true}
				break
			}
		}
	}
	slices.SortStableFunc(rep.Rows, func(a, b EquityRow) int {
		switch {
		case a.Suppressed && b.Suppressed:
			return cmp.Compare(a.Group, b.Group)
		case a.Suppressed:
			return 1
		case b.Suppressed:
			return -1
		}
		return 0
	})
	return rep, nil
}

// confirmedBefore reports whether a was confirmed before b (unknown times
// last, then by assignment ID).
func confirmedBefore(a, b *alongside.Assignment) bool {
	ta, tb := confirmedAt(a), confirmedAt(b)
	switch {
	case ta.IsZero() != tb.IsZero():
		return !ta.IsZero()
	case !ta.Equal(tb):
		return ta.Before(tb)
	}
	return a.ID < b.ID
}

// confirmedAt is when a was confirmed: its ConfirmedAt, or its DecidedAt
// when it is confirmed and was stored without one; zero when never.
func confirmedAt(a *alongside.Assignment) time.Time {
	if a.ConfirmedAt.IsZero() && a.State == alongside.StateConfirmed {
		return a.DecidedAt
	}
	return a.ConfirmedAt
}

// add counts one case in g.
func (g *equityGroup) add(ec equityCase, partners map[alongside.PartnerID]*alongside.Partner) {
	g.cases++
	a := ec.confirmed
	if a == nil {
		return
	}
	g.scored++
	g.scoreSum += a.Score
	if at := confirmedAt(a); !at.IsZero() {
		if !at.After(ec.c.Deadline()) {
			g.within++
		}
		g.ttm = append(g.ttm, max(0, at.Sub(ec.c.OpenedAt)))
	}
	if p, ok := partners[a.Partner]; ok {
		g.langDen++
		if speaksFirstLanguage(p, ec.c) {
			g.langNum++
		}
	}
}

// row returns g's figures, suppressed when g is small.
func (g *equityGroup) row() EquityRow {
	r := EquityRow{Group: g.key}
	if g.cases < EquityMinCases {
		r.Suppressed = true
		return r
	}
	r.Cases = g.cases
	r.MatchedWithin48hShare = float64(g.within) / float64(g.cases)
	if g.scored > 0 {
		r.MeanScore = g.scoreSum / float64(g.scored)
	}
	if g.langDen > 0 {
		r.LanguageMatchRate = float64(g.langNum) / float64(g.langDen)
	}
	if n := len(g.ttm); n > 0 {
		slices.Sort(g.ttm)
		m := g.ttm[n/2]
		if n%2 == 0 {
			lo := g.ttm[n/2-1]
			m = lo + (m-lo)/2
		}
		r.MedianTimeToMatch = &m
	}
	return r
}

// speaksFirstLanguage reports whether p speaks c's first language: some
// language of p that a speaker of it comprehends with confidence High or
// Exact, as [RuleLanguage] decides.
func speaksFirstLanguage(p *alongside.Partner, c *alongside.Case) bool {
	if len(c.Languages) == 0 {
		return false
	}
	for _, tag := range p.Languages {
		if comprehends(c.Languages[0], tag) >= language.High {
			return true
		}
	}
	return false
}

// groupKeys returns the groups case c falls in under g.
func groupKeys(c *alongside.Case, g EquityGroupBy) []string {
	switch g {
	case EquityGroupByLanguage:
		if len(c.Languages) == 0 {
			return []string{""}
		}
		return []string{c.Languages[0]}
	case EquityGroupByParentRole:
		return []string{string(c.ParentRole)}
	case EquityGroupByCounty:
		return []string{c.County}
	case EquityGroupByProgram:
		return []string{c.Program}
	case EquityGroupByRace:
		return words(c.Identity.Races)
	case EquityGroupByEthnicity:
		return words(c.Identity.Ethnicities)
	case EquityGroupByICWA:
		if c.ICWA {
			return []string{"icwa"}
		}
		return []string{"not_icwa"}
	}
	return nil
}

// words returns self-identified words as group keys: trimmed, in lower
// case, each once; [""] when there are none.
func words(ws []string) []string {
	var out []string
	for _, w := range ws {
		w = strings.ToLower(strings.TrimSpace(w))
		if w != "" && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// inPeriod reports whether c opened on a date of p, read in c's zone.
func inPeriod(c *alongside.Case, p EquityPeriod) bool {
	t := c.OpenedAt
	if loc, err := alongside.LoadZone(c.TimeZone); err == nil {
		t = t.In(loc)
	}
	d := alongside.DateOf(t)
	return !d.Before(p.Start) && d.Before(p.End)
}

// realDate reports whether d is a calendar date.
func realDate(d alongside.Date) bool {
	return !d.IsZero() && alongside.DateOf(d.In(time.UTC)) == d
}

// Validate reports every invalid field of in as an *alongside.FieldError
// (joined): the period must be real dates, End after Start and at most
// [EquityMaxDays] days later; GroupBy must be a grouping; no record may be
// nil.
func (in EquityInput) Validate() error {
	var errs []error
	bad := func(field, reason string) { errs = append(errs, &alongside.FieldError{Field: field, Reason: reason}) }
	p := in.Period
	okStart, okEnd := realDate(p.Start), realDate(p.End)
	if !okStart {
		bad("period.start", "must be a date")
	}
	switch {
	case !okEnd:
		bad("period.end", "must be a date")
	case okStart && !p.Start.Before(p.End):
		bad("period.end", "must be after start")
	case okStart && p.End.In(time.UTC).Sub(p.Start.In(time.UTC)) > EquityMaxDays*24*time.Hour:
		bad("period.end", "must be at most 366 days after start")
	}
	if in.GroupBy <= EquityGroupByUnspecified || int(in.GroupBy) >= len(equityGroupNames) {
		bad("group_by", "must be language, parent_role, county, program, race, ethnicity or icwa")
	}
	for i, c := range in.Cases {
		if c == nil {
			bad(alongside.IndexField("cases", i), "must not be nil")
		}
	}
	for i, a := range in.Assignments {
		if a == nil {
			bad(alongside.IndexField("assignments", i), "must not be nil")
		}
	}
	for i, p := range in.Partners {
		if p == nil {
			bad(alongside.IndexField("partners", i), "must not be nil")
		}
	}
	return errors.Join(errs...)
}
