package cascade_test

import (
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/cascade"
	"github.com/alongside/alongside/internal/demo"
	"github.com/alongside/alongside/store/boltstore"
)

// The online match benchmark's scale (the matcher issue): 10,000 partners
// and 100,000 open cases on the embedded store.
const (
	benchPartners = 10_000
	benchCases    = 100_000
)

// benchStore fills an embedded store in a temporary directory with the
// Arizona sample at benchmark scale and returns the open cases still
// inside their 48-hour window: the cases an intake worker matches at a
// hearing. (The sample's open cases opened over the last 72 hours; those
// past their deadline stay in the store but take the escalation path, not
// a match.)
func benchStore(b *testing.B) (*boltstore.Store, []alongside.CaseID) {
	now := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
	ds, err := demo.Generate(demo.Options{Org: "bench", Seed: 1, Partners: benchPartners, Cases: benchCases, Appointments: -1, Now: now})
	if err != nil {
		b.Fatalf("demo: %v", err)
	}
	// The store's clock runs from the sample's now, so most cases are
	// inside their 48-hour window.
	epoch := time.Now()
	st, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"), boltstore.Options{Clock: func() time.Time { return now.Add(time.Since(epoch)) }})
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	b.Cleanup(func() { st.Close() })
	var next atomic.Int64
	var wg sync.WaitGroup
	n := len(ds.Partners) + len(ds.Cases)
	for range 64 {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				var err error
				if i < len(ds.Partners) {
					err = st.CreatePartner(b.Context(), intake, ds.Partners[i])
				} else {
					err = st.CreateCase(b.Context(), intake, ds.Cases[i-len(ds.Partners)])
				}
				if err != nil {
					b.Errorf("load: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	var cases []alongside.CaseID
	for _, c := range ds.Cases {
		if c.Status == alongside.CaseStatusOpen && now.Before(c.Deadline()) {
			cases = append(cases, c.ID)
		}
	}
	return st, cases
}

// BenchmarkMatch measures Engine.Match at 10,000 partners and 100,000 open
// cases on the embedded store: each iteration matches a new case and
// places its hold (one durable write). "serial" reports latency
// percentiles of one caller; "parallel64" reports throughput with 64
// concurrent callers; "dryrun" ranks without writing. The view's first
// build (reading the audit log) happens before the timer.
func BenchmarkMatch(b *testing.B) {
	st, cases := benchStore(b)
	e := &cascade.Engine{Store: st}
	start := time.Now()
	if _, err := e.Match(b.Context(), cascade.MatchRequest{Org: "bench", Case: cases[0], DryRun: true, By: intake}); err != nil {
		b.Fatalf("warm-up: %v", err)
	}
	b.Logf("view built from the audit log in %v", time.Since(start))
	var mem runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&mem)
	b.Logf("heap in use after the view: %.0f MiB", float64(mem.HeapInuse)/(1<<20))

	var next atomic.Int64
	nextCase := func() alongside.CaseID { return cases[int(next.Add(1))%len(cases)] }
	outcomes := map[cascade.Outcome]int{}
	var mu sync.Mutex
	match := func(b *testing.B, dry bool) time.Duration {
		id := nextCase()
		t0 := time.Now()
		res, err := e.Match(b.Context(), cascade.MatchRequest{Org: "bench", Case: id, Key: "bench-" + string(id), DryRun: dry, By: intake})
		d := time.Since(t0)
		if err != nil {
			b.Fatalf("Match: %v", err)
		}
		mu.Lock()
		outcomes[res.Outcome]++
		mu.Unlock()
		return d
	}
	for _, dry := range []bool{true, false} {
		name := "serial"
		if dry {
			name = "dryrun"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var lat []time.Duration
			for b.Loop() {
				lat = append(lat, match(b, dry))
			}
			slices.Sort(lat)
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
		})
	}
	b.Run("parallel64", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				match(b, false)
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "matches/s")
	})
	b.Logf("outcomes: %v", outcomes)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
