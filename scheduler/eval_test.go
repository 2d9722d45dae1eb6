package scheduler

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSegmentsMatchSimulation checks the O(1) segment algebra against the
// step-by-step simulation on random single-window routes: same time warp,
// duration, travel, cost and load.
func TestSegmentsMatchSimulation(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 11))
	for trial := range 300 {
		n := 2 + rng.IntN(10)
		mat := NewMatrix(n)
		for i := range n {
			for j := range n {
				if i != j {
					d := 1 + rng.Float64()*50
					mat.Set(i, j, d, d*2)
				}
			}
		}
		p := &Problem{Matrix: mat, Vehicles: []Vehicle{{Start: rng.IntN(n), End: rng.IntN(n), Shift: TimeWindow{Start: rng.Float64() * 20, End: 100 + rng.Float64()*300}}}}
		k := 1 + rng.IntN(8)
		for range k {
			s := rng.Float64() * 200
			p.Jobs = append(p.Jobs, Job{Location: rng.IntN(n), Service: rng.Float64() * 10, Demand: int64(rng.IntN(4)),
				Windows: []TimeWindow{{Start: s, End: s + rng.Float64()*60}}})
		}
		m := compile(p, Objective{})
		if !m.fast {
			t.Fatal("want fast mode")
		}
		jobs := make([]int32, k)
		for i := range jobs {
			jobs[i] = int32(i)
		}
		rng.Shuffle(k, func(a, b int) { jobs[a], jobs[b] = jobs[b], jobs[a] })
		sg := m.nodes[m.veh[0].startNode].seg
		for _, j := range jobs {
			sg = m.merge(&sg, &m.nodes[j].seg)
		}
		sg = m.merge(&sg, &m.nodes[m.veh[0].endNode].seg)
		sim := m.simulate(0, jobs, nil)
		near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*max(1, math.Abs(a)) }
		if !near(sg.warp, sim.warp) || !near(sg.travel, sim.travel) || !near(sg.cost, sim.cost) || sg.load != sim.load {
			t.Fatalf("trial %d: segments %+v, simulation %+v", trial, sg, sim)
		}
		if sg.warp == 0 && !near(sg.dur, sim.dur) {
			t.Fatalf("trial %d: duration: segments %v, simulation %v", trial, sg.dur, sim.dur)
		}
	}
}
