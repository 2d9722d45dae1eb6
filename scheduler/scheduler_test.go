package scheduler_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alongside/alongside/scheduler"
)

// line builds a problem on points of a line: location i sits at xs[i],
// travel time and distance are |xs[i]-xs[j]|.
func line(xs ...float64) scheduler.Matrix {
	m := scheduler.NewMatrix(len(xs))
	for i := range xs {
		for j := range xs {
			d := math.Abs(xs[i] - xs[j])
			m.Set(i, j, d, d)
		}
	}
	return m
}

func solve(t *testing.T, p *scheduler.Problem, obj scheduler.Objective) *scheduler.Solution {
	t.Helper()
	sol, err := scheduler.Solve(context.Background(), p, scheduler.Options{Iterations: 200, Seed: 1, Objective: obj})
	if err != nil {
		t.Fatalf("Solve: %v", err)
	}
	if err := scheduler.Check(p, sol); err != nil {
		t.Fatalf("Check: %v", err)
	}
	return sol
}

func stopOf(sol *scheduler.Solution, job int) (scheduler.Route, scheduler.Stop, bool) {
	for _, r := range sol.Routes {
		for _, s := range r.Stops {
			if s.Kind == scheduler.JobStop && s.Job == job {
				return r, s, true
			}
		}
	}
	return scheduler.Route{}, scheduler.Stop{}, false
}

func reasonOf(sol *scheduler.Solution, job int) scheduler.Reason {
	for _, u := range sol.Unserved {
		if u.Job == job {
			return u.Reason
		}
	}
	return -1
}

func TestFixedStartHolds(t *testing.T) {
	t.Parallel()
	// A hearing at location 2 fixed at 100, and two visits with wide windows.
	p := &scheduler.Problem{
		Matrix:   line(0, 10, 30, 50),
		Vehicles: []scheduler.Vehicle{{Shift: scheduler.TimeWindow{Start: 0, End: 500}}},
		Jobs: []scheduler.Job{
			{Location: 1, Service: 5, Windows: []scheduler.TimeWindow{{Start: 0, End: 400}}},
			{Location: 2, Service: 60, Windows: []scheduler.TimeWindow{{Start: 100, End: 100}}},
			{Location: 3, Service: 5, Windows: []scheduler.TimeWindow{{Start: 0, End: 400}}},
		},
	}
	sol := solve(t, p, scheduler.Objective{})
	_, s, ok := stopOf(sol, 1)
	if !ok {
		t.Fatalf("hearing unserved: %+v", sol.Unserved)
	}
	if s.Start != 100 {
		t.Errorf("hearing starts at %v; want 100", s.Start)
	}
	if len(sol.Unserved) != 0 {
		t.Errorf("unserved %+v; want none", sol.Unserved)
	}
}

func TestUnreachableWindowReported(t *testing.T) {
	t.Parallel()
	p := &scheduler.Problem{
		Matrix:   line(0, 10, 500),
		Vehicles: []scheduler.Vehicle{{Shift: scheduler.TimeWindow{Start: 0, End: 2000}}},
		Jobs: []scheduler.Job{
			{Location: 1, Service: 5, Windows: []scheduler.TimeWindow{{Start: 0, End: 100}}},
			{Location: 2, Service: 5, Windows: []scheduler.TimeWindow{{Start: 0, End: 100}}}, // 500 away
			{Location: 1, Service: 5, Skills: []string{"spanish"}},
			{Location: 1, Service: 5, Demand: 5},
		},
	}
	p.Vehicles[0].Capacity = 4
	sol := solve(t, p, scheduler.Objective{})
	for _, tc := range []struct {
		job  int
		want scheduler.Reason
	}{
		{1, scheduler.WindowUnreachable},
		{2, scheduler.NoAllowedVehicle},
		{3, scheduler.OverCapacity},
	} {
		if got := reasonOf(sol, tc.job); got != tc.want {
			t.Errorf("reason for job %d = %v; want %v", tc.job, got, tc.want)
		}
	}
	if _, _, ok := stopOf(sol, 0); !ok {
		t.Errorf("job 0 unserved; want served")
	}
}

func TestBreakPlaced(t *testing.T) {
	t.Parallel()
	p := &scheduler.Problem{
		Matrix: line(0, 20, 40, 60),
		Vehicles: []scheduler.Vehicle{{
			Shift:  scheduler.TimeWindow{Start: 0, End: 600},
			Breaks: []scheduler.Break{{Window: scheduler.TimeWindow{Start: 120, End: 150}, Duration: 30}},
		}},
		Jobs: []scheduler.Job{
			{Location: 1, Service: 60, Windows: []scheduler.TimeWindow{{Start: 0, End: 100}}},
			{Location: 2, Service: 60, Windows: []scheduler.TimeWindow{{Start: 80, End: 200}}},
			{Location: 3, Service: 60, Windows: []scheduler.TimeWindow{{Start: 100, End: 400}}},
		},
	}
	sol := solve(t, p, scheduler.Objective{})
	if len(sol.Unserved) != 0 || len(sol.Routes) != 1 {
		t.Fatalf("unserved %+v, routes %d; want all served on one route", sol.Unserved, len(sol.Routes))
	}
	breaks := 0
	for _, s := range sol.Routes[0].Stops {
		if s.Kind == scheduler.BreakStop {
			breaks++
			if s.Start < 120 || s.Start > 150 || s.End-s.Start != 30 {
				t.Errorf("break at [%v, %v]; want a 30-long break starting in [120, 150]", s.Start, s.End)
			}
		}
	}
	if breaks != 1 {
		t.Errorf("%d breaks; want 1", breaks)
	}
}

func TestSkillsRespected(t *testing.T) {
	t.Parallel()
	p := &scheduler.Problem{
		Matrix: line(0, 5, 10),
		Vehicles: []scheduler.Vehicle{
			{Shift: scheduler.TimeWindow{End: 1000}},
			{Shift: scheduler.TimeWindow{End: 1000}, Skills: []string{"spanish"}},
		},
		Jobs: []scheduler.Job{
			{Location: 1, Service: 5, Skills: []string{"spanish"}},
			{Location: 2, Service: 5, Vehicles: []int{0}},
		},
	}
	sol := solve(t, p, scheduler.Objective{})
	if r, _, ok := stopOf(sol, 0); !ok || r.Vehicle != 1 {
		t.Errorf("job 0 on vehicle %d (served %v); want vehicle 1", r.Vehicle, ok)
	}
	if r, _, ok := stopOf(sol, 1); !ok || r.Vehicle != 0 {
		t.Errorf("job 1 on vehicle %d (served %v); want vehicle 0", r.Vehicle, ok)
	}
}

func TestPriorityServedFirst(t *testing.T) {
	t.Parallel()
	// Two hearings at the same fixed time in different places, one
	// partner: the higher priority one is served.
	p := &scheduler.Problem{
		Matrix:   line(0, 10, -10),
		Vehicles: []scheduler.Vehicle{{Shift: scheduler.TimeWindow{End: 1000}}},
		Jobs: []scheduler.Job{
			{Location: 1, Service: 30, Windows: []scheduler.TimeWindow{{Start: 100, End: 100}}},
			{Location: 2, Service: 30, Windows: []scheduler.TimeWindow{{Start: 100, End: 100}}, Priority: 2},
		},
	}
	sol := solve(t, p, scheduler.Objective{})
	if _, _, ok := stopOf(sol, 1); !ok {
		t.Fatalf("priority job unserved: %+v", sol.Unserved)
	}
	if got := reasonOf(sol, 0); got != scheduler.DisplacedByPriority {
		t.Errorf("reason for job 0 = %v; want %v", got, scheduler.DisplacedByPriority)
	}
}

func TestVehiclesFirst(t *testing.T) {
	t.Parallel()
	// Four jobs on a line; two vehicles. Distance alone prefers two short
	// routes out each side; vehicles first takes one route.
	p := &scheduler.Problem{
		Matrix:   line(0, -10, -20, 10, 20),
		Vehicles: []scheduler.Vehicle{{Shift: scheduler.TimeWindow{End: 1000}}, {Shift: scheduler.TimeWindow{End: 1000}}},
		Jobs:     []scheduler.Job{{Location: 1}, {Location: 2}, {Location: 3}, {Location: 4}},
	}
	if sol := solve(t, p, scheduler.Objective{MinimizeVehicles: true}); sol.Vehicles != 1 || sol.Distance != 80 {
		t.Errorf("vehicles first: %d vehicles, distance %v; want 1, 80", sol.Vehicles, sol.Distance)
	}
	if sol := solve(t, p, scheduler.Objective{}); sol.Distance != 80 {
		t.Errorf("distance: %v; want 80", sol.Distance)
	}
}

func TestInvalidProblem(t *testing.T) {
	t.Parallel()
	p := &scheduler.Problem{
		Matrix:   line(0, 1),
		Vehicles: []scheduler.Vehicle{{Start: 5}},
		Jobs:     []scheduler.Job{{Location: 2, Windows: []scheduler.TimeWindow{{Start: 5, End: 1}}}},
	}
	_, err := scheduler.Solve(context.Background(), p, scheduler.Options{Iterations: 1})
	var ie *scheduler.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("Solve(invalid) error = %v; want an *InputError", err)
	}
	if _, err := scheduler.Solve(context.Background(), &scheduler.Problem{Matrix: line(0), Vehicles: []scheduler.Vehicle{{}}}, scheduler.Options{}); !errors.Is(err, scheduler.ErrNoLimit) {
		t.Errorf("Solve(no limit) error = %v; want ErrNoLimit", err)
	}
}

// randomProblem builds a small random instance with the features the
// engine supports.
func randomProblem(rng *rand.Rand, general bool) *scheduler.Problem {
	nLoc := 3 + rng.IntN(12)
	xs, ys := make([]float64, nLoc), make([]float64, nLoc)
	for i := range nLoc {
		xs[i], ys[i] = rng.Float64()*100, rng.Float64()*100
	}
	m := scheduler.NewMatrix(nLoc)
	for i := range nLoc {
		for j := range nLoc {
			d := math.Hypot(xs[i]-xs[j], ys[i]-ys[j])
			m.Set(i, j, d*1.5, d)
		}
	}
	p := &scheduler.Problem{Matrix: m}
	nVeh := 1 + rng.IntN(4)
	for range nVeh {
		v := scheduler.Vehicle{Start: rng.IntN(nLoc), End: rng.IntN(nLoc),
			Shift: scheduler.TimeWindow{Start: 0, End: 400 + rng.Float64()*400}, Capacity: int64(5 + rng.IntN(20))}
		if rng.IntN(5) == 0 {
			v.End = scheduler.NoLocation
		}
		if rng.IntN(3) == 0 {
			v.MaxWorkingTime = 200 + rng.Float64()*300
		}
		if rng.IntN(3) == 0 {
			v.MaxDrivingTime = 100 + rng.Float64()*200
		}
		if rng.IntN(2) == 0 {
			v.Skills = []string{"a"}
		}
		if general && rng.IntN(2) == 0 {
			s := 100 + rng.Float64()*200
			v.Breaks = []scheduler.Break{{Window: scheduler.TimeWindow{Start: s, End: s + rng.Float64()*60}, Duration: 10 + rng.Float64()*30}}
		}
		v.FixedCost = float64(rng.IntN(3)) * 10
		p.Vehicles = append(p.Vehicles, v)
	}
	nJobs := 1 + rng.IntN(25)
	for range nJobs {
		j := scheduler.Job{Location: rng.IntN(nLoc), Service: rng.Float64() * 30, Demand: int64(rng.IntN(6)), Priority: rng.IntN(3)}
		switch k := rng.IntN(4); {
		case k == 0:
		case k == 1 || !general:
			s := rng.Float64() * 500
			j.Windows = []scheduler.TimeWindow{{Start: s, End: s + rng.Float64()*150}}
		default:
			s := rng.Float64() * 200
			j.Windows = []scheduler.TimeWindow{{Start: s, End: s + 30}, {Start: s + 150, End: s + 200}}
		}
		if rng.IntN(6) == 0 {
			j.Skills = []string{"a"}
		}
		if rng.IntN(8) == 0 {
			j.Vehicles = []int{rng.IntN(nVeh)}
		}
		p.Jobs = append(p.Jobs, j)
	}
	return p
}

func TestRandomSolutionsPassCheck(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 48 {
		p := randomProblem(rng, i%2 == 1)
		obj := scheduler.Objective{MinimizeVehicles: i%3 == 0, Cost: scheduler.Measure(i % 3)}
		sol, err := scheduler.Solve(context.Background(), p, scheduler.Options{Iterations: 30, Seed: uint64(i), Objective: obj})
		if err != nil {
			t.Fatalf("instance %d: Solve: %v", i, err)
		}
		if err := scheduler.Check(p, sol); err != nil {
			t.Errorf("instance %d (%+v): Check: %v", i, obj, err)
		}
		for _, u := range sol.Unserved {
			if u.Reason == scheduler.ReasonUnknown {
				t.Errorf("instance %d: job %d unserved without a reason", i, u.Job)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 3))
	for i := range 4 {
		p := randomProblem(rng, i%2 == 1)
		opts := scheduler.Options{Iterations: 60, Seed: 42, Objective: scheduler.Objective{MinimizeVehicles: i == 3}}
		a, err := scheduler.Solve(context.Background(), p, opts)
		if err != nil {
			t.Fatal(err)
		}
		b, err := scheduler.Solve(context.Background(), p, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a.Routes, b.Routes) || !reflect.DeepEqual(a.Unserved, b.Unserved) || a.Stats.Iterations != b.Stats.Iterations {
			t.Errorf("instance %d: two runs with seed 42 differ:\n%+v\n%+v", i, a.Routes, b.Routes)
		}
		if a.Status != scheduler.IterationLimit {
			t.Errorf("instance %d: status %v; want %v", i, a.Status, scheduler.IterationLimit)
		}
	}
}

func TestContextCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := randomProblem(rand.New(rand.NewPCG(1, 2)), false)
	sol, err := scheduler.Solve(ctx, p, scheduler.Options{Iterations: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if sol.Status != scheduler.ContextDone {
		t.Errorf("status %v; want %v", sol.Status, scheduler.ContextDone)
	}
	if err := scheduler.Check(p, sol); err != nil {
		t.Errorf("Check: %v", err)
	}
}

// TestVehiclesFirstReachesCapacityBound has 20 unit-demand jobs and
// vehicles of capacity 5: vehicles first (the ejection pool, since there
// is one window per job and no break) must use exactly 4 of the 8.
func TestVehiclesFirstReachesCapacityBound(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 5))
	xs := []float64{0}
	for range 20 {
		xs = append(xs, rng.Float64()*200-100)
	}
	p := &scheduler.Problem{Matrix: line(xs...)}
	for range 8 {
		p.Vehicles = append(p.Vehicles, scheduler.Vehicle{Shift: scheduler.TimeWindow{End: 2000}, Capacity: 5})
	}
	for i := range 20 {
		s := rng.Float64() * 1000
		p.Jobs = append(p.Jobs, scheduler.Job{Location: i + 1, Service: 10, Demand: 1, Windows: []scheduler.TimeWindow{{Start: s, End: s + 400}}})
	}
	sol := solve(t, p, scheduler.Objective{MinimizeVehicles: true})
	if sol.Vehicles != 4 || len(sol.Unserved) != 0 {
		t.Errorf("%d vehicles, %d unserved; want 4, 0", sol.Vehicles, len(sol.Unserved))
	}
	// The ejection pool draws on the run's one random source: the same
	// seed gives the same routes.
	if again := solve(t, p, scheduler.Objective{MinimizeVehicles: true}); !reflect.DeepEqual(sol.Routes, again.Routes) {
		t.Errorf("two runs with one seed differ:\n%+v\n%+v", sol.Routes, again.Routes)
	}
}

// TestClockBoundsRun gives Solve a clock that advances a millisecond per
// reading: the run ends on its TimeLimit, by that clock, whatever the wall
// clock says.
func TestClockBoundsRun(t *testing.T) {
	t.Parallel()
	p := randomProblem(rand.New(rand.NewPCG(9, 9)), false)
	var ticks atomic.Int64
	clock := func() time.Time { return time.UnixMilli(ticks.Add(1)) }
	for _, obj := range []scheduler.Objective{{}, {MinimizeVehicles: true}} {
		ticks.Store(0)
		sol, err := scheduler.Solve(context.Background(), p, scheduler.Options{TimeLimit: 200 * time.Millisecond, Clock: clock, Seed: 1, Objective: obj})
		if err != nil {
			t.Fatal(err)
		}
		if sol.Status != scheduler.TimeLimit {
			t.Errorf("%+v: status %v; want %v", obj, sol.Status, scheduler.TimeLimit)
		}
		if n := ticks.Load(); n < 200 || n > 1000 {
			t.Errorf("%+v: clock read %d times; want the run to end soon after 200", obj, n)
		}
		if err := scheduler.Check(p, sol); err != nil {
			t.Errorf("%+v: Check: %v", obj, err)
		}
	}
}
