package storetest

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/store"
)

// BenchmarkReserve measures reservations by 64 concurrent callers against
// partners with ample capacity, on a store opened with the
// implementation's own clock. It reports reservations/s (holds placed per
// second of the timed part) besides the usual figures.
func BenchmarkReserve(b *testing.B, h Harness) {
	const callers = 64
	s := h.Open(b, nil)
	ctx := b.Context()
	n := b.N
	partners := 64 + n/int(alongside.MaxCapacity)
	e := &env{tb: b, ctx: ctx, h: h, s: s}
	e.populate(orgA, partners, alongside.MaxCapacity, n)
	now, err := s.Now(ctx)
	if err != nil {
		b.Fatalf("Now = %v", err)
	}
	expires := now.Add(alongside.MatchWindow)

	var (
		next   atomic.Int64
		placed atomic.Int64
		failed atomic.Value
	)
	b.SetParallelism((callers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	began := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1)) - 1
			r := reservation(orgA, fmt.Sprintf("bench-%d", i), alongside.CaseID(raceC(i%n)), alongside.PartnerID(raceP(i%partners)))
			r.ExpiresAt = expires
			res, err := s.Reserve(ctx, r)
			switch {
			case err != nil:
				failed.CompareAndSwap(nil, err)
			case res.Outcome == store.OutcomeHeld:
				placed.Add(1)
			}
		}
	})
	elapsed := time.Since(began)
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatalf("Reserve = %v", err)
	}
	if p := placed.Load(); p < int64(n)*9/10 {
		b.Fatalf("%d of %d reservations held; want most", p, n)
	}
	b.ReportMetric(float64(placed.Load())/elapsed.Seconds(), "reservations/s")
}
