package dayplan_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/scheduler/dayplan"
)

// BenchmarkPlanDay200x8 is the day-planning scale figure: 200
// partners in one region (around Kingman) with 8 stops each, 1,600
// appointments, planned with the default options (each engine run limited
// to 2 s of wall-clock time) and cover allowed, so that any qualified
// partner may take any stop. The day is feasible by construction: each
// partner's own eight stops follow one another in 80-minute slots from
// 07:30, 40 minutes each, visits with a window from 30 minutes before to
// 90 minutes after their slot and every fourth a court hearing fixed at its
// slot, inside a 07:00–18:30 shift with a lunch break. It reports the time
// per plan (ns/op, also s/plan) and in the engine (s/solve), the stops left unserved, the partners
// used and their summed driving hours.
//
//	go test ./scheduler/dayplan -run - -bench PlanDay200x8 -benchtime 3x
func BenchmarkPlanDay200x8(b *testing.B) {
	req := scaleDay(b, rand.New(rand.NewPCG(200, 8)), 200, 8)
	b.ReportAllocs()
	var p *dayplan.Plan
	for b.Loop() {
		var err error
		p, err = dayplan.Make(b.Context(), req, dayplan.Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
	}
	drive := time.Duration(0)
	stops := 0
	for _, it := range p.Itineraries {
		for _, s := range it.Stops {
			drive += s.TravelTime
			stops++
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/plan")
	b.ReportMetric(p.Stats.Elapsed.Seconds(), "s/solve")
	b.ReportMetric(float64(len(p.Unserved)), "unserved")
	b.ReportMetric(float64(stops), "served")
	b.ReportMetric(float64(len(p.Itineraries)), "partners")
	b.ReportMetric(drive.Hours(), "drive-h")
}

// scaleDay makes a day of n partners with k stops each around Kingman,
// every case owned by one partner and cover allowed.
func scaleDay(tb testing.TB, rng *rand.Rand, n, k int) *dayplan.Request {
	phx := zone(tb, "America/Phoenix")
	near := func(p geo.Point) geo.Point {
		return geo.Point{Lat: p.Lat + (rng.Float64()-0.5)*0.16, Lng: p.Lng + (rng.Float64()-0.5)*0.16}
	}
	req := &dayplan.Request{Org: "o", Date: day, TimeZone: "America/Phoenix", AllowCover: true,
		Owners: map[alongside.CaseID]alongside.PartnerID{}}
	for i := range n {
		pa := partner(fmt.Sprintf("p%03d", i), near(kingmanHome), 7*60, 18*60+30)
		req.Partners = append(req.Partners, pa)
		for s := range k {
			id := fmt.Sprintf("p%03d-%d", i, s)
			c := kase("c" + id)
			req.Cases = append(req.Cases, c)
			req.Owners[c.ID] = pa.ID
			slot := time.Date(2026, 5, 5, 7, 30, 0, 0, phx).Add(time.Duration(s) * 80 * time.Minute)
			var a *alongside.Appointment
			if s%4 == 3 {
				a = hearing(tb, "a"+id, string(c.ID), slot, near(kingmanCourt))
			} else {
				a = visit("a"+id, string(c.ID), slot.Add(-30*time.Minute), slot.Add(90*time.Minute), near(kingmanHome))
			}
			a.Duration = 40 * time.Minute
			req.Appointments = append(req.Appointments, a)
		}
	}
	return req
}
