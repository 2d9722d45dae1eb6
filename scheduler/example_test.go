package scheduler_test

import (
	"context"
	"fmt"

	"github.com/alongside/alongside/scheduler"
)

// A partner's day: a court hearing fixed at 9:00 and two home visits with
// windows, starting and ending at home. Times are minutes after midnight,
// travel in minutes, distances in kilometres.
func Example() {
	// Locations: 0 home, 1 court, 2 and 3 families.
	m := scheduler.NewMatrix(4)
	km := [4][4]float64{
		{0, 10, 4, 8},
		{10, 0, 9, 5},
		{4, 9, 0, 6},
		{8, 5, 6, 0},
	}
	for i := range 4 {
		for j := range 4 {
			m.Set(i, j, 2*km[i][j], km[i][j]) // 30 km/h
		}
	}
	p := &scheduler.Problem{
		Matrix: m,
		Vehicles: []scheduler.Vehicle{{
			Start: 0, End: 0,
			Shift:  scheduler.TimeWindow{Start: 7 * 60, End: 17 * 60},
			Breaks: []scheduler.Break{{Window: scheduler.TimeWindow{Start: 12 * 60, End: 13 * 60}, Duration: 30}},
		}},
		Jobs: []scheduler.Job{
			{Location: 1, Service: 90, Windows: []scheduler.TimeWindow{{Start: 9 * 60, End: 9 * 60}}, Priority: 1},
			{Location: 2, Service: 60, Windows: []scheduler.TimeWindow{{Start: 13 * 60, End: 15 * 60}}},
			{Location: 3, Service: 60, Windows: []scheduler.TimeWindow{{Start: 10 * 60, End: 12 * 60}}},
		},
	}
	sol, err := scheduler.Solve(context.Background(), p, scheduler.Options{Iterations: 50, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	clock := func(t float64) string { return fmt.Sprintf("%02d:%02d", int(t)/60, int(t)%60) }
	for _, r := range sol.Routes {
		fmt.Printf("leave home %s\n", clock(r.Start))
		for _, s := range r.Stops {
			if s.Kind == scheduler.BreakStop {
				fmt.Printf("  break      %s-%s\n", clock(s.Start), clock(s.End))
				continue
			}
			fmt.Printf("  job %d      %s-%s\n", s.Job, clock(s.Start), clock(s.End))
		}
		fmt.Printf("home %s, %.0f km\n", clock(r.End), r.Distance)
	}
	fmt.Println("unserved:", len(sol.Unserved), "status:", sol.Status)
	fmt.Println("check:", scheduler.Check(p, sol))
	// Output:
	// leave home 08:40
	//   job 0      09:00-10:30
	//   job 2      10:40-11:40
	//   break      12:00-12:30
	//   job 1      13:00-14:00
	// home 14:08, 25 km
	// unserved: 0 status: iteration limit
	// check: <nil>
}
