package gap_test

import (
	"context"
	"fmt"
	"math"

	"github.com/alongside/alongside/matcher/gap"
)

// Three cases, two partners. Partner 0 may take two load units, partner 1
// three; case 2 weighs two units with partner 1 and may not go to partner 0
// at all (a hard rule). Scores are maximised.
func ExampleSolve() {
	p := &gap.Problem{
		Sense: gap.Maximize,
		Cost: [][]float64{
			{9, 8, 0}, // partner 0's match score for cases 0, 1, 2
			{7, 4, 6}, // partner 1's
		},
		Weight: [][]float64{
			{1, 1, math.Inf(1)},
			{1, 1, 2},
		},
		Capacity: []float64{2, 3},
	}
	sol, err := gap.Solve(context.Background(), p, gap.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sol.Status, sol.Value, sol.Assign)
	// Output: optimal 23 [0 0 1]
}

// A case no partner can take stays unassigned when it has a penalty.
func ExampleProblem_penalty() {
	p := &gap.Problem{
		Cost:     [][]float64{{3, 1}},
		Weight:   [][]float64{{1, 5}},
		Capacity: []float64{4},
		Penalty:  []float64{math.Inf(1), 10}, // case 0 is mandatory
	}
	sol, _ := gap.Solve(context.Background(), p, gap.Options{})
	fmt.Println(sol.Status, sol.Value, sol.Assign)
	// Output: optimal 13 [0 -1]
}
