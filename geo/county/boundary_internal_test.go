package county

import (
	"math"
	"testing"

	"github.com/alongside/alongside/geo"
)

// bruteForce returns the indexes of every polygon containing (x, y), by an
// even-odd test over every ring with no bounding box and no grid.
func bruteForce(b *bounds, x, y float64) []int {
	var in []int
	for k, p := range b.polys {
		odd := false
		for _, e := range p.edges {
			if y >= e.y0 && y < e.y1 && x < e.x0+(y-e.y0)*e.slope {
				odd = !odd
			}
		}
		if odd {
			in = append(in, k)
		}
	}
	return in
}

// checkPoint fails if Locate disagrees with the brute-force test at p or
// if p lies in more than one county.
func checkPoint(t *testing.T, b *bounds, p geo.Point) {
	t.Helper()
	c, ok := Locate(p)
	if !p.Valid() {
		if ok {
			t.Fatalf("Locate(invalid %v) = %q", p, c.Name)
		}
		return
	}
	in := bruteForce(b, p.Lng, p.Lat)
	switch {
	case len(in) > 1:
		t.Fatalf("%v is in %d counties: %v", p, len(in), in)
	case len(in) == 0 && ok:
		t.Fatalf("Locate(%v) = %s; brute force finds no county", p, c.Name)
	case len(in) == 1 && (!ok || c != b.counties[in[0]]):
		t.Fatalf("Locate(%v) = %q, %v; brute force finds %s", p, c.Name, ok, b.counties[in[0]].Name)
	}
}

// TestGridMatchesBruteForce checks a dense sample, including points exactly
// on grid cell sides and on every boundary vertex and edge midpoint.
func TestGridMatchesBruteForce(t *testing.T) {
	t.Parallel()
	b := mustBounds()
	g := &b.grid
	for j := 0; j <= g.ny; j++ {
		for i := 0; i <= g.nx; i++ {
			x := g.minX + float64(i)*gridStep
			y := g.minY + float64(j)*gridStep
			checkPoint(t, b, geo.Point{Lat: y, Lng: x})
			if (i+j)%4 == 0 {
				checkPoint(t, b, geo.Point{Lat: y + gridStep/3, Lng: x + gridStep/7})
			}
		}
	}
	for _, p := range b.polys {
		for _, e := range p.edges {
			checkPoint(t, b, geo.Point{Lat: e.y0, Lng: e.x0})
			checkPoint(t, b, geo.Point{Lat: e.y1, Lng: e.x1})
			checkPoint(t, b, geo.Point{Lat: (e.y0 + e.y1) / 2, Lng: (e.x0 + e.x1) / 2})
		}
	}
}

func TestGridIsMostlyPure(t *testing.T) {
	t.Parallel()
	g := &mustBounds().grid
	mixed := 0
	for _, c := range g.cells {
		if c == cellMixed {
			mixed++
		}
	}
	// The fast path is the point of the grid: most cells must be pure.
	if frac := float64(mixed) / float64(len(g.cells)); frac > 0.25 {
		t.Errorf("%.0f%% of %d grid cells are mixed; want under 25%%", 100*frac, len(g.cells))
	}
}

func TestParseBoundsErrors(t *testing.T) {
	t.Parallel()
	tbl := mustTable()
	for _, doc := range []string{
		`not json`,
		`{"type":"Feature"}`,
		`{"type":"FeatureCollection","features":[]}`,
		`{"type":"FeatureCollection","features":[{"id":"99999","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"id":"04001","geometry":{"type":"Point","coordinates":[0,0]}}]}`,
		`{"type":"FeatureCollection","features":[{"id":"04001","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"id":"04001","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"id":"04001","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,95],[0,0]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"id":"04001","geometry":{"type":"Polygon","coordinates":"x"}}]}`,
	} {
		if _, err := parseBounds([]byte(doc), tbl); err == nil {
			t.Errorf("parseBounds(%s): no error", doc)
		}
	}
}

// TestParseBoundsMultiPolygon checks a county made of two squares, one
// with a hole.
func TestParseBoundsMultiPolygon(t *testing.T) {
	t.Parallel()
	doc := `{"type":"FeatureCollection","features":[{"id":"04001","geometry":{"type":"MultiPolygon","coordinates":[
		[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[2,1],[2,2],[1,2],[1,1]]],
		[[[10,0],[11,0],[11,1],[10,1],[10,0]]]]}}]}`
	b, err := parseBounds([]byte(doc), mustTable())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		x, y float64
		want int
	}{
		{0.5, 0.5, 0}, {1.5, 1.5, -1}, {3, 3, 0}, {10.5, 0.5, 0}, {7, 0.5, -1}, {-1, 2, -1},
	} {
		if got := b.locate(tt.x, tt.y); got != tt.want {
			t.Errorf("locate(%v, %v) = %d; want %d", tt.x, tt.y, got, tt.want)
		}
	}
}

// FuzzLocate checks that Locate never panics, agrees with the brute-force
// test, and never places a point in two counties.
func FuzzLocate(f *testing.F) {
	b := mustBounds()
	f.Add(33.4484, -112.0740)
	f.Add(33.204637, -111.686035) // shared Maricopa/Pinal vertex
	f.Add(32.9, -112.203719)
	f.Add(37.0, -114.05)
	f.Add(math.NaN(), 0.0)
	f.Add(math.Inf(1), -112.0)
	f.Add(b.grid.minY, b.grid.minX)
	f.Fuzz(func(t *testing.T, lat, lng float64) {
		checkPoint(t, b, geo.Point{Lat: lat, Lng: lng})
		// Fold arbitrary inputs into Arizona's box so most runs test the
		// interesting region.
		if !math.IsNaN(lat) && !math.IsInf(lat, 0) && !math.IsNaN(lng) && !math.IsInf(lng, 0) {
			checkPoint(t, b, geo.Point{
				Lat: 31.3 + math.Mod(math.Abs(lat), 5.8),
				Lng: -114.9 + math.Mod(math.Abs(lng), 6.0),
			})
		}
	})
}

func BenchmarkLocateExact(b *testing.B) {
	bd := mustBounds()
	pts := make([][2]float64, 4096)
	for i := range pts {
		// A deterministic spread over Arizona's box.
		pts[i] = [2]float64{-114.82 + 5.78*math.Mod(float64(i)*0.618034, 1), 31.33 + 5.67*math.Mod(float64(i)*0.414214, 1)}
	}
	i := 0
	for b.Loop() {
		p := pts[i&4095]
		bd.locateExact(p[0], p[1])
		i++
	}
}
