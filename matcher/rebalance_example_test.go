package matcher_test

import (
	"context"
	"fmt"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/matcher"
)

// ExampleRebalance re-decides two Yuma County cases jointly. The mother,
// who speaks English, holds the one bilingual partner, which leaves the
// Spanish-speaking father with nobody; the rebalance moves her hold to an
// English-speaking partner so that both parents are matched.
func ExampleRebalance() {
	father := exampleCase()
	mother := exampleCase()
	mother.ID, mother.ParentRole, mother.Languages = "c_mother", alongside.ParentRoleMother, []string{"en"}
	mother.OpenedAt = father.OpenedAt.Add(-6 * time.Hour)
	now := father.OpenedAt.Add(time.Hour)

	full := func(p *alongside.Partner) { p.Capacity = 1 }
	roster := []*alongside.Partner{
		examplePartner("p_ana", full), // Spanish and English
		examplePartner("p_joe", func(p *alongside.Partner) { p.Languages, p.Capacity = []string{"en"}, 1 }),
	}
	hold := &alongside.Assignment{
		ID: "a_1", Case: mother.ID, Partner: "p_ana", Units: 1, State: alongside.StateHeld,
		HeldAt: now.Add(-time.Hour), ExpiresAt: now.Add(3 * time.Hour),
	}
	plan, err := matcher.Rebalance(context.Background(), matcher.RebalanceInput{
		Cases:    []*alongside.Case{mother, father},
		Holds:    []*alongside.Assignment{hold},
		Partners: roster,
		Now:      now,
	}, matcher.RebalanceOptions{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ch := range plan.Changes {
		from := ch.From
		if from == "" {
			from = "(none)"
		}
		fmt.Printf("%s: %s → %s (%.1f → %.1f)\n", ch.Case, from, ch.To, ch.ScoreBefore, ch.ScoreAfter)
	}
	fmt.Printf("matched %d/%d, %v\n", plan.Matched, len(plan.Cases), plan.Status)
	// Output:
	// c_mother: p_ana → p_joe (49.7 → 52.8)
	// c_yuma: (none) → p_ana (0.0 → 38.0)
	// matched 2/2, optimal
}

// ExampleEquity reports March's cases by the parent's role: twelve
// mothers, matched within a day, and three fathers, whose figures are
// withheld, as is the mothers' row, which would otherwise reveal them
// through the overall row.
func ExampleEquity() {
	base := exampleCase()
	var cases []*alongside.Case
	var assignments []*alongside.Assignment
	for i := range 15 {
		c := *base
		c.ID = alongside.CaseID(fmt.Sprintf("c_%02d", i))
		c.ParentRole = alongside.ParentRoleMother
		if i >= 12 {
			c.ParentRole = alongside.ParentRoleFather
		}
		cases = append(cases, &c)
		assignments = append(assignments, &alongside.Assignment{
			ID: alongside.AssignmentID(fmt.Sprintf("a_%02d", i)), Case: c.ID, Partner: "p_ana",
			State: alongside.StateConfirmed, Score: 70 + float64(i), DecidedAt: c.OpenedAt.Add(time.Duration(10+i) * time.Hour),
		})
	}
	rep, err := matcher.Equity(matcher.EquityInput{
		Period:      matcher.EquityPeriod{Start: alongside.Date{Year: 2026, Month: 3, Day: 1}, End: alongside.Date{Year: 2026, Month: 4, Day: 1}},
		GroupBy:     matcher.EquityGroupByParentRole,
		Cases:       cases,
		Assignments: assignments,
		Partners:    []*alongside.Partner{examplePartner("p_ana", nil)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range append(rep.Rows, rep.Overall) {
		name := r.Group
		if name == "" {
			name = "overall"
		}
		if r.Suppressed {
			fmt.Printf("%-8s suppressed\n", name)
			continue
		}
		fmt.Printf("%-8s %d cases, %.0f%% within 48 h, mean score %.1f, language %.0f%%, median %v\n", name, r.Cases,
			100*r.MatchedWithin48hShare, r.MeanScore, 100*r.LanguageMatchRate, *r.MedianTimeToMatch)
	}
	// Output:
	// father   suppressed
	// mother   suppressed
	// overall  15 cases, 100% within 48 h, mean score 77.0, language 100%, median 17h0m0s
}
