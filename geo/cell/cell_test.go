package cell_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/geo/cell"
)

var (
	phoenix   = geo.Point{Lat: 33.4484, Lng: -112.0740}
	tempe     = geo.Point{Lat: 33.4255, Lng: -111.9400}
	mesa      = geo.Point{Lat: 33.4152, Lng: -111.8315}
	tucson    = geo.Point{Lat: 32.2226, Lng: -110.9747}
	flagstaff = geo.Point{Lat: 35.1983, Lng: -111.6513}
)

func TestOf(t *testing.T) {
	t.Parallel()
	for res := 0; res <= cell.MaxResolution; res++ {
		c := cell.Of(phoenix, res)
		if !c.Valid() || c.Resolution() != res {
			t.Fatalf("Of(Phoenix, %d) = %v: valid %v, resolution %d", res, c, c.Valid(), c.Resolution())
		}
		// The centre lies in the cell, within about an edge of the point.
		center := c.Center()
		if cell.Of(center, res) != c {
			t.Errorf("res %d: centre of %v is not in it", res, c)
		}
		if d := phoenix.DistanceTo(center); d > 1.3*cell.EdgeLength(res) {
			t.Errorf("res %d: centre %v from the point; edge is %v", res, d, cell.EdgeLength(res))
		}
	}
	if c := cell.Of(geo.Point{Lat: math.NaN()}, 7); c != 0 || c.Valid() {
		t.Errorf("Of(NaN) = %v; want the zero Cell", c)
	}
	var zero cell.Cell
	if zero.Valid() || zero.Resolution() != -1 || zero.Center().Valid() {
		t.Errorf("zero Cell: valid %v, resolution %d, centre %v", zero.Valid(), zero.Resolution(), zero.Center())
	}
}

func TestResolutionPanics(t *testing.T) {
	t.Parallel()
	for _, f := range map[string]func(){
		"Of(16)":         func() { cell.Of(phoenix, 16) },
		"Of(-1)":         func() { cell.Of(phoenix, -1) },
		"NewIndex(16)":   func() { cell.NewIndex[int](16) },
		"EdgeLength(99)": func() { cell.EdgeLength(99) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Error("no panic")
				} else if s := fmt.Sprint(r); strings.Contains(s, "33.4") {
					t.Errorf("panic %q holds a coordinate", s)
				}
			}()
			f()
		}()
	}
}

func TestTextRoundTrip(t *testing.T) {
	t.Parallel()
	c := cell.Of(phoenix, 7)
	s := c.String()
	if len(s) != 15 {
		t.Errorf("String() = %q; want 15 hex digits", s)
	}
	for _, in := range []string{s, "0x" + s, strings.ToUpper(s)} {
		got, err := cell.Parse(in)
		if err != nil || got != c {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, c)
		}
	}
	for _, in := range []string{"", "0", "zz", "ffffffffffffffff", "0x"} {
		if got, err := cell.Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v; want an error", in, got)
		}
	}
	type home struct {
		Cell cell.Cell `json:"cell"`
	}
	b, err := json.Marshal(home{c})
	if err != nil || string(b) != `{"cell":"`+s+`"}` {
		t.Fatalf("json.Marshal = %s, %v", b, err)
	}
	var h home
	if err := json.Unmarshal(b, &h); err != nil || h.Cell != c {
		t.Errorf("json.Unmarshal = %v, %v; want %v", h.Cell, err, c)
	}
	if err := json.Unmarshal([]byte(`{"cell":"nothex"}`), &h); err == nil {
		t.Error("json.Unmarshal of a bad cell: no error")
	}
}

func TestParent(t *testing.T) {
	t.Parallel()
	c := cell.Of(phoenix, 9)
	if c.Parent(9) != c {
		t.Errorf("Parent(own resolution) = %v; want %v", c.Parent(9), c)
	}
	for res := 0; res < 9; res++ {
		p := c.Parent(res)
		if p.Resolution() != res || c.Parent(res+1).Parent(res) != p {
			t.Errorf("Parent(%d) = %v: resolution %d, not the parent of Parent(%d)", res, p, p.Resolution(), res+1)
		}
	}
	if got := c.Parent(10); got != 0 {
		t.Errorf("Parent(finer) = %v; want 0", got)
	}
}

func TestDisk(t *testing.T) {
	t.Parallel()
	c := cell.Of(phoenix, 8)
	for k, want := range []int{1, 7, 19, 37} {
		d := cell.Disk(c, k)
		if len(d) != want {
			t.Errorf("len(Disk(c, %d)) = %d; want %d", k, len(d), want)
		}
		seen := map[cell.Cell]bool{}
		for _, x := range d {
			if seen[x] || x.Resolution() != 8 {
				t.Errorf("Disk(c, %d): duplicate or wrong resolution %v", k, x)
			}
			seen[x] = true
		}
		if !seen[c] {
			t.Errorf("Disk(c, %d) lacks c", k)
		}
	}
	if cell.Disk(0, 1) != nil || cell.Disk(c, -1) != nil {
		t.Error("Disk of an invalid cell or negative k is not nil")
	}
}

func TestCoarsen(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 5))
	for _, p := range randomPoints(r, 200) {
		q := cell.Coarsen(p, 8)
		if d := p.DistanceTo(q); d > 1.3*cell.EdgeLength(8) {
			t.Errorf("Coarsen moved %v by %v", p, d)
		}
		if again := cell.Coarsen(q, 8); again != q {
			t.Errorf("Coarsen is not idempotent at %v: %v then %v", p, q, again)
		}
	}
	if q := cell.Coarsen(geo.Point{Lat: 99}, 8); q.Valid() {
		t.Errorf("Coarsen(invalid) = %v; want an invalid point", q)
	}
}

func randomPoints(r *rand.Rand, n int) []geo.Point {
	ps := make([]geo.Point, n)
	for i := range ps {
		ps[i] = geo.Point{Lat: 31.4 + 5.5*r.Float64(), Lng: -114.7 + 5.6*r.Float64()}
	}
	return ps
}

// TestNearMatchesBruteForce is the check on RingsFor: at several
// resolutions and radii, Near finds exactly what a scan finds.
func TestNearMatchesBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 13))
	pts := randomPoints(r, 3000)
	for _, res := range []int{4, 5, 6, 7} {
		idx := cell.NewIndex[int](res)
		for i, p := range pts {
			if err := idx.Add(i, p); err != nil {
				t.Fatal(err)
			}
		}
		for _, radius := range []geo.Distance{0, 2 * geo.Kilometer, 15 * geo.Kilometer, 40 * geo.Kilometer, 120 * geo.Kilometer} {
			if res == 7 && radius > 40*geo.Kilometer {
				continue // a 3,000-cell disk: the scan path, covered below
			}
			for _, q := range randomPoints(r, 25) {
				got := idx.Near(q, radius)
				var want []int
				for i, p := range pts {
					if q.DistanceTo(p) <= radius {
						want = append(want, i)
					}
				}
				if len(got) != len(want) {
					t.Fatalf("res %d, radius %v: Near found %d; brute force %d", res, radius, len(got), len(want))
				}
				for i := range got {
					if got[i].Distance > radius || (i > 0 && got[i].Distance < got[i-1].Distance) {
						t.Fatalf("res %d, radius %v: hit %d at %v out of order or range", res, radius, i, got[i].Distance)
					}
				}
			}
		}
	}
}

func TestNearScansForHugeRadius(t *testing.T) {
	t.Parallel()
	idx := cell.NewIndex[string](9) // a 1,000 km disk at res 9 would be millions of cells
	for name, p := range map[string]geo.Point{"phoenix": phoenix, "tucson": tucson, "flagstaff": flagstaff} {
		_ = idx.Add(name, p)
	}
	hits := idx.Near(phoenix, 1000*geo.Kilometer)
	if len(hits) != 3 || hits[0].ID != "phoenix" || hits[1].ID != "tucson" || hits[2].ID != "flagstaff" {
		t.Errorf("Near(Phoenix, 1000 km) = %v; want phoenix, tucson, flagstaff", hits)
	}
}

func TestIndexAddRemove(t *testing.T) {
	t.Parallel()
	idx := cell.NewIndex[string](7)
	if idx.Resolution() != 7 {
		t.Errorf("Resolution() = %d", idx.Resolution())
	}
	_ = idx.Add("a", phoenix)
	_ = idx.Add("b", tempe)
	_ = idx.Add("c", tempe) // same point as b: a tie, insertion order
	_ = idx.Add("a", mesa)  // moves a
	if n := idx.Len(); n != 3 {
		t.Errorf("Len() = %d; want 3", n)
	}
	ids := func(hs []cell.Hit[string]) string {
		var s []string
		for _, h := range hs {
			s = append(s, h.ID)
		}
		return strings.Join(s, ",")
	}
	if got := ids(idx.Near(phoenix, 30*geo.Kilometer)); got != "b,c,a" {
		t.Errorf("Near = %s; want b,c,a", got)
	}
	if got := ids(idx.Near(phoenix, 5*geo.Kilometer)); got != "" {
		t.Errorf("Near(5 km) = %s; want none (a moved away)", got)
	}
	if !idx.Remove("b") || idx.Remove("b") || idx.Len() != 2 {
		t.Error("Remove(b) twice: want true then false, Len 2")
	}
	if got := ids(idx.Near(phoenix, 30*geo.Kilometer)); got != "c,a" {
		t.Errorf("Near after Remove = %s; want c,a", got)
	}
	if err := idx.Add("d", geo.Point{Lat: math.NaN()}); err == nil || idx.Len() != 2 {
		t.Errorf("Add(invalid) = %v, Len %d; want an error and no change", err, idx.Len())
	}
	if idx.Near(geo.Point{Lat: 100}, geo.Kilometer) != nil || idx.Near(phoenix, -1) != nil {
		t.Error("Near with an invalid point or negative radius is not nil")
	}
}

func TestIndexConcurrent(t *testing.T) {
	t.Parallel()
	idx := cell.NewIndex[int](6)
	r := rand.New(rand.NewPCG(1, 1))
	pts := randomPoints(r, 400)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(pts); i += 4 {
				_ = idx.Add(i, pts[i])
				if i%10 == 0 {
					idx.Remove(i)
				}
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			for _, q := range pts[:50] {
				for _, h := range idx.Near(q, 50*geo.Kilometer) {
					if h.Distance > 50*geo.Kilometer {
						t.Errorf("hit at %v beyond the radius", h.Distance)
					}
				}
			}
		})
	}
	wg.Wait()
	if n := idx.Len(); n != 360 {
		t.Errorf("Len() = %d; want 360", n)
	}
}

func TestSet(t *testing.T) {
	t.Parallel()
	metro := cell.NewSet(6,
		cell.Of(phoenix, 6),
		cell.Of(tempe, 9),  // finer: its parent is added
		cell.Of(tucson, 5), // coarser: its 7 children are added
		0,                  // invalid: skipped
	)
	if metro.Resolution() != 6 || metro.Len() != 2+7 && metro.Len() != 1+7 {
		t.Errorf("Resolution %d, Len %d", metro.Resolution(), metro.Len())
	}
	for _, tt := range []struct {
		p    geo.Point
		want bool
	}{
		{phoenix, true}, {tempe, true}, {tucson, true}, {flagstaff, false}, {geo.Point{Lat: math.NaN()}, false},
	} {
		if got := metro.Contains(tt.p); got != tt.want {
			t.Errorf("Contains(%v) = %v; want %v", tt.p, got, tt.want)
		}
	}
	if !metro.Has(cell.Of(phoenix, 10)) || metro.Has(cell.Of(phoenix, 5)) || metro.Has(cell.Of(flagstaff, 8)) {
		t.Error("Has: want a finer Phoenix cell in, a coarser one and Flagstaff out")
	}

	// As the urban predicate of the default travel model.
	model := geo.GreatCircle{Urban: metro.Contains}
	urban, _ := model.Leg(phoenix, tempe)
	rural, _ := geo.GreatCircle{}.Leg(phoenix, tempe)
	if urban.Duration <= rural.Duration {
		t.Errorf("urban leg %v not slower than rural %v", urban.Duration, rural.Duration)
	}
}

func ExampleIndex_Near() {
	partners := cell.NewIndex[string](6)
	_ = partners.Add("P-1 (Tempe)", tempe)
	_ = partners.Add("P-2 (Mesa)", mesa)
	_ = partners.Add("P-3 (Tucson)", tucson)
	for _, h := range partners.Near(phoenix, 25*geo.Kilometer) {
		fmt.Printf("%s %.1f km\n", h.ID, h.Distance.Kilometers())
	}
	// Output:
	// P-1 (Tempe) 12.7 km
	// P-2 (Mesa) 22.8 km
}

func ExampleCoarsen() {
	home := geo.Point{Lat: 33.45123, Lng: -112.07456}
	c := cell.Of(home, 8)
	fmt.Println(c, c.Resolution())
	fmt.Println(cell.Coarsen(home, 8), home.DistanceTo(cell.Coarsen(home, 8)) < cell.EdgeLength(8))
	// Output:
	// 8829b6d357fffff 8
	// 33.45040,-112.07628 true
}

func ExampleDisk() {
	c := cell.Of(phoenix, 7)
	fmt.Println(len(cell.Disk(c, 1)), len(cell.Disk(c, 2)))
	// Output: 7 19
}

func BenchmarkOf(b *testing.B) {
	for b.Loop() {
		cell.Of(phoenix, 8)
	}
}

func BenchmarkIndexNear(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 3))
	idx := cell.NewIndex[int](6)
	for i, p := range randomPoints(r, 5000) {
		_ = idx.Add(i, p)
	}
	qs := randomPoints(r, 256)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		idx.Near(qs[i&255], 30*geo.Kilometer)
		i++
	}
}
