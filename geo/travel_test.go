package geo_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alongside/alongside/geo"
)

var (
	phoenix   = geo.Point{Lat: 33.4484, Lng: -112.0740}
	tucson    = geo.Point{Lat: 32.2226, Lng: -110.9747}
	flagstaff = geo.Point{Lat: 35.1983, Lng: -111.6513}
	kingman   = geo.Point{Lat: 35.1894, Lng: -114.0530}
)

// near reports whether a and b differ by at most a relative 1e-9.
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }

func TestGreatCircleLeg(t *testing.T) {
	t.Parallel()
	gc := phoenix.DistanceTo(tucson)
	road := gc * 1.3
	reach := geo.DefaultUrbanReach
	rural, urban := geo.DefaultRuralSpeed, geo.DefaultUrbanSpeed
	secs := func(d geo.Distance, s geo.Speed) float64 { return float64(d) / float64(s) }
	all := func(geo.Point) bool { return true }
	type legCase struct {
		name  string
		model geo.GreatCircle
		a, b  geo.Point
		dist  geo.Distance
		secs  float64
	}
	tests := []legCase{
		{"defaults, rural", geo.GreatCircle{}, phoenix, tucson, road, secs(road, rural)},
		{"urban both ends", geo.GreatCircle{Urban: all}, phoenix, tucson, road,
			secs(2*reach, urban) + secs(road-2*reach, rural)},
		{"urban origin only", geo.GreatCircle{Urban: func(p geo.Point) bool { return p == phoenix }}, phoenix, tucson, road,
			secs(reach, urban) + secs(road-reach, rural)},
		{"urban destination only", geo.GreatCircle{Urban: func(p geo.Point) bool { return p == phoenix }}, tucson, phoenix, road,
			secs(reach, urban) + secs(road-reach, rural)},
		{"custom", geo.GreatCircle{Circuity: 1.1, RuralSpeed: 100 * geo.KilometerPerHour}, phoenix, tucson, gc * 1.1,
			secs(gc*1.1, 100*geo.KilometerPerHour)},
	}
	// Across town: shorter than two reaches, all at urban speed.
	east := geo.Point{Lat: phoenix.Lat, Lng: phoenix.Lng + 0.1}
	across := phoenix.DistanceTo(east) * 1.3
	tests = append(tests, legCase{"across town", geo.GreatCircle{Urban: all}, phoenix, east, across, secs(across, urban)})

	for _, tt := range tests {
		l, err := tt.model.Leg(tt.a, tt.b)
		if err != nil {
			t.Fatalf("%s: Leg: %v", tt.name, err)
		}
		if !near(float64(l.Distance), float64(tt.dist)) {
			t.Errorf("%s: distance = %v; want %v", tt.name, l.Distance, tt.dist)
		}
		if got := l.Duration.Seconds(); math.Abs(got-tt.secs) > 1e-6 {
			t.Errorf("%s: duration = %.3fs; want %.3fs", tt.name, got, tt.secs)
		}
		if !l.Reachable() {
			t.Errorf("%s: leg is unreachable", tt.name)
		}
	}
}

func TestGreatCircleMatrix(t *testing.T) {
	t.Parallel()
	pts := []geo.Point{phoenix, tucson, flagstaff, kingman}
	var model geo.GreatCircle
	m, err := model.Matrix(t.Context(), pts, pts)
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != 4 || m.Cols != 4 || len(m.Legs) != 16 {
		t.Fatalf("matrix is %d×%d with %d legs; want 4×4, 16", m.Rows, m.Cols, len(m.Legs))
	}
	for i, a := range pts {
		for j, b := range pts {
			l, _ := model.Leg(a, b)
			if got := m.At(i, j); got != l {
				t.Errorf("At(%d,%d) = %v; want %v", i, j, got, l)
			}
			if i == j && m.At(i, j) != (geo.Leg{}) {
				t.Errorf("At(%d,%d) = %v; want zero leg to self", i, j, m.At(i, j))
			}
		}
	}

	empty, err := model.Matrix(t.Context(), nil, pts)
	if err != nil || empty.Rows != 0 || empty.Cols != 4 || len(empty.Legs) != 0 {
		t.Errorf("Matrix(nil, 4 points) = %+v, %v; want empty 0×4", empty, err)
	}
}

func TestGreatCircleErrors(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	bad := geo.Point{Lat: 33.123456, Lng: math.NaN()}
	_, err := geo.GreatCircle{}.Matrix(ctx, []geo.Point{phoenix}, []geo.Point{tucson, bad})
	if !errors.Is(err, geo.ErrInvalidPoint) || !strings.Contains(err.Error(), "to[1]") {
		t.Errorf("invalid point: err = %v; want ErrInvalidPoint naming to[1]", err)
	}
	if err != nil && strings.Contains(err.Error(), "33.12") {
		t.Errorf("error %q contains a coordinate", err)
	}

	for _, g := range []geo.GreatCircle{
		{Circuity: 0.9},
		{Circuity: math.Inf(1)},
		{UrbanSpeed: -1},
		{RuralSpeed: geo.Speed(math.NaN())},
	} {
		if _, err := g.Matrix(ctx, []geo.Point{phoenix}, []geo.Point{tucson}); err == nil {
			t.Errorf("%+v: no error", g)
		}
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := (geo.GreatCircle{}).Matrix(cancelled, []geo.Point{phoenix}, []geo.Point{tucson}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: err = %v; want context.Canceled", err)
	}
}

func TestSpeed(t *testing.T) {
	t.Parallel()
	if got := (36 * geo.KilometerPerHour).KilometersPerHour(); !near(got, 36) {
		t.Errorf("36 km/h = %v km/h", got)
	}
	if got := (36 * geo.KilometerPerHour); !near(float64(got), 10) {
		t.Errorf("36 km/h = %v m/s; want 10", float64(got))
	}
	if got := (60 * geo.MilePerHour).MilesPerHour(); !near(got, 60) {
		t.Errorf("60 mph = %v mph", got)
	}
}

// countingModel records the size of every request it answers.
type countingModel struct {
	inner geo.TravelModel
	mu    sync.Mutex
	calls [][2]int
	err   error
}

func (c *countingModel) Matrix(ctx context.Context, from, to []geo.Point) (*geo.Matrix, error) {
	c.mu.Lock()
	c.calls = append(c.calls, [2]int{len(from), len(to)})
	err := c.err
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return c.inner.Matrix(ctx, from, to)
}

func (c *countingModel) reset() [][2]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	calls := c.calls
	c.calls = nil
	return calls
}

func randomPoints(r *rand.Rand, n int) []geo.Point {
	ps := make([]geo.Point, n)
	for i := range ps {
		ps[i] = geo.Point{Lat: 31.5 + 5*r.Float64(), Lng: -114.5 + 5*r.Float64()}
	}
	return ps
}

func sameMatrix(t *testing.T, got, want *geo.Matrix) {
	t.Helper()
	if got.Rows != want.Rows || got.Cols != want.Cols {
		t.Fatalf("matrix is %d×%d; want %d×%d", got.Rows, got.Cols, want.Rows, want.Cols)
	}
	for k := range want.Legs {
		if got.Legs[k] != want.Legs[k] {
			t.Fatalf("leg %d = %v; want %v", k, got.Legs[k], want.Legs[k])
		}
	}
}

func TestCachedModel(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	r := rand.New(rand.NewPCG(1, 2))
	a, b := randomPoints(r, 6), randomPoints(r, 5)
	inner := &countingModel{inner: geo.GreatCircle{}}
	cm := geo.NewCachedModel(inner, 1000)

	want, _ := geo.GreatCircle{}.Matrix(ctx, a, b)
	got, err := cm.Matrix(ctx, a, b)
	if err != nil {
		t.Fatal(err)
	}
	sameMatrix(t, got, want)
	if calls := inner.reset(); len(calls) != 1 || calls[0] != [2]int{6, 5} {
		t.Errorf("cold cache: inner calls %v; want one 6×5", calls)
	}

	got, _ = cm.Matrix(ctx, a, b)
	sameMatrix(t, got, want)
	if calls := inner.reset(); len(calls) != 0 {
		t.Errorf("warm cache: inner calls %v; want none", calls)
	}

	// Two new origins and one new destination: every row misses at least
	// the new column, so the covering block (rows with a miss × columns
	// with a miss) is the whole 8×6.
	a2 := append(append([]geo.Point{}, a...), randomPoints(r, 2)...)
	b2 := append(append([]geo.Point{}, b...), randomPoints(r, 1)...)
	want2, _ := geo.GreatCircle{}.Matrix(ctx, a2, b2)
	got2, _ := cm.Matrix(ctx, a2, b2)
	sameMatrix(t, got2, want2)
	if calls := inner.reset(); len(calls) != 1 || calls[0] != [2]int{8, 6} {
		t.Errorf("partial hit: inner calls %v; want one 8×6", calls)
	}
	// Only the new rows now: a block of 2 rows, all columns cached.
	got3, _ := cm.Matrix(ctx, a2[6:], b2)
	sameMatrix(t, got3, &geo.Matrix{Rows: 2, Cols: 6, Legs: want2.Legs[6*6:]})
	if calls := inner.reset(); len(calls) != 0 {
		t.Errorf("cached rows: inner calls %v; want none", calls)
	}

	// Points closer than the rounding share a key.
	jiggled := []geo.Point{{Lat: a[0].Lat + 1e-7, Lng: a[0].Lng - 1e-7}}
	if _, err := cm.Matrix(ctx, jiggled, b); err != nil {
		t.Fatal(err)
	}
	if calls := inner.reset(); len(calls) != 0 {
		t.Errorf("point within rounding: inner calls %v; want none", calls)
	}

	inner.err = errors.New("routing down")
	if _, err := cm.Matrix(ctx, randomPoints(r, 1), b); err == nil || err.Error() != "routing down" {
		t.Errorf("inner error: err = %v; want it passed through", err)
	}
	if _, err := cm.Matrix(ctx, []geo.Point{{Lat: 91}}, b); !errors.Is(err, geo.ErrInvalidPoint) {
		t.Errorf("invalid point: err = %v; want ErrInvalidPoint", err)
	}
	if _, err := (&geo.CachedModel{}).Matrix(ctx, a, b); err == nil {
		t.Error("CachedModel without Model and Cache: no error")
	}
}

// failingCache fails every call.
type failingCache struct{}

func (failingCache) GetLegs(context.Context, []geo.LegKey, []geo.Leg, []bool) error {
	return errors.New("cache down")
}

func (failingCache) PutLegs(context.Context, []geo.LegKey, []geo.Leg) error {
	return errors.New("cache down")
}

func TestCachedModelCacheErrors(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []error
	cm := &geo.CachedModel{Model: geo.GreatCircle{}, Cache: failingCache{}, OnCacheError: func(err error) {
		mu.Lock()
		seen = append(seen, err)
		mu.Unlock()
	}}
	want, _ := geo.GreatCircle{}.Matrix(t.Context(), []geo.Point{phoenix}, []geo.Point{tucson})
	got, err := cm.Matrix(t.Context(), []geo.Point{phoenix}, []geo.Point{tucson})
	if err != nil {
		t.Fatalf("a failing cache failed the call: %v", err)
	}
	sameMatrix(t, got, want)
	if len(seen) != 2 {
		t.Errorf("OnCacheError saw %v; want a lookup and a store error", seen)
	}
}

func TestLRUEviction(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c := geo.NewLRU(3)
	key := func(i int) geo.LegKey { return geo.LegKey{From: geo.Point{Lat: float64(i)}} }
	leg := func(i int) geo.Leg { return geo.Leg{Duration: time.Duration(i)} }
	put := func(is ...int) {
		for _, i := range is {
			_ = c.PutLegs(ctx, []geo.LegKey{key(i)}, []geo.Leg{leg(i)})
		}
	}
	has := func(i int) bool {
		legs, found := make([]geo.Leg, 1), make([]bool, 1)
		_ = c.GetLegs(ctx, []geo.LegKey{key(i)}, legs, found)
		if found[0] && legs[0] != leg(i) {
			t.Errorf("key %d holds %v; want %v", i, legs[0], leg(i))
		}
		return found[0]
	}
	put(1, 2, 3)
	if !has(1) { // 1 becomes the most recent: order 1, 3, 2
		t.Fatal("1 missing")
	}
	put(4) // evicts 2
	if has(2) || !has(3) || !has(4) || !has(1) {
		t.Errorf("after put(4): want 1, 3, 4 held and 2 evicted")
	}
	put(5, 6, 7)
	if c.Len() != 3 || !has(5) || !has(6) || !has(7) {
		t.Errorf("Len = %d; want 3 holding 5, 6, 7", c.Len())
	}
	put(7) // update in place
	if c.Len() != 3 {
		t.Errorf("re-put changed Len to %d", c.Len())
	}
}

func TestCachedModelConcurrent(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	pool := randomPoints(r, 40)
	cm := geo.NewCachedModel(geo.GreatCircle{}, 500) // smaller than the 1600 pairs: evictions happen
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 9))
			for range 30 {
				from := []geo.Point{pool[r.IntN(40)], pool[r.IntN(40)], pool[r.IntN(40)]}
				to := []geo.Point{pool[r.IntN(40)], pool[r.IntN(40)]}
				got, err := cm.Matrix(t.Context(), from, to)
				if err != nil {
					t.Error(err)
					return
				}
				want, _ := geo.GreatCircle{}.Matrix(t.Context(), from, to)
				for k := range want.Legs {
					if got.Legs[k] != want.Legs[k] {
						t.Errorf("leg %d = %v; want %v", k, got.Legs[k], want.Legs[k])
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

func TestCheckPoints(t *testing.T) {
	t.Parallel()
	if err := geo.CheckPoints([]geo.Point{phoenix}, []geo.Point{tucson}); err != nil {
		t.Errorf("valid points: %v", err)
	}
	err := geo.CheckPoints([]geo.Point{phoenix, {Lat: 100}}, nil)
	if !errors.Is(err, geo.ErrInvalidPoint) || err.Error() != "geo: from[1]: invalid point" {
		t.Errorf("CheckPoints = %v; want geo: from[1]: invalid point", err)
	}
}

func ExampleGreatCircle() {
	// Phoenix and Tucson are urban, Flagstaff is taken as rural here.
	model := geo.GreatCircle{Urban: func(p geo.Point) bool { return p == phoenix || p == tucson }}
	m, err := model.Matrix(context.Background(), []geo.Point{phoenix}, []geo.Point{tucson, flagstaff})
	if err != nil {
		panic(err)
	}
	for j, name := range []string{"Tucson", "Flagstaff"} {
		l := m.At(0, j)
		fmt.Printf("Phoenix → %s: %.0f km, %v\n", name, l.Distance.Kilometers(), l.Duration.Round(time.Minute))
	}
	// Output:
	// Phoenix → Tucson: 222 km, 3h1m0s
	// Phoenix → Flagstaff: 258 km, 3h21m0s
}

func ExampleCachedModel() {
	model := geo.NewCachedModel(geo.GreatCircle{}, 10_000)
	ctx := context.Background()
	pts := []geo.Point{phoenix, tucson, flagstaff}
	first, _ := model.Matrix(ctx, pts, pts)  // computed
	second, _ := model.Matrix(ctx, pts, pts) // answered from the cache
	fmt.Println(first.At(0, 1) == second.At(0, 1), model.Cache.(*geo.LRU).Len())
	// Output: true 9
}

func benchmarkPoints(n int) []geo.Point {
	return randomPoints(rand.New(rand.NewPCG(7, 7)), n)
}

func BenchmarkGreatCircleMatrix100(b *testing.B) {
	pts := benchmarkPoints(100)
	model := geo.GreatCircle{Urban: func(p geo.Point) bool { return p.Lat > 33 }}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := model.Matrix(ctx, pts, pts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCachedModelMatrix100Hit(b *testing.B) {
	pts := benchmarkPoints(100)
	model := geo.NewCachedModel(geo.GreatCircle{}, 20_000)
	ctx := context.Background()
	if _, err := model.Matrix(ctx, pts, pts); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := model.Matrix(ctx, pts, pts); err != nil {
			b.Fatal(err)
		}
	}
}
