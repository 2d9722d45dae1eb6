package county_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/geo/county"
)

var towns = []struct {
	name string
	p    geo.Point
	fips string // "" for outside Arizona
}{
	{"Kingman", geo.Point{Lat: 35.1894, Lng: -114.0530}, "04015"},
	{"Flagstaff", geo.Point{Lat: 35.1983, Lng: -111.6513}, "04005"},
	{"Yuma", geo.Point{Lat: 32.6927, Lng: -114.6277}, "04027"},
	{"Tucson", geo.Point{Lat: 32.2226, Lng: -110.9747}, "04019"},
	{"Phoenix", geo.Point{Lat: 33.4484, Lng: -112.0740}, "04013"},
	{"Window Rock", geo.Point{Lat: 35.6806, Lng: -109.0526}, "04001"},
	{"Mesa", geo.Point{Lat: 33.4152, Lng: -111.8315}, "04013"},
	{"Casa Grande", geo.Point{Lat: 32.8795, Lng: -111.7574}, "04021"},
	{"Sedona (Yavapai side)", geo.Point{Lat: 34.8560, Lng: -111.8350}, "04025"},
	{"Tuba City", geo.Point{Lat: 36.1350, Lng: -111.2399}, "04005"},
	{"Kayenta", geo.Point{Lat: 36.7278, Lng: -110.2546}, "04017"},
	{"Chinle", geo.Point{Lat: 36.1544, Lng: -109.5526}, "04001"},
	{"Show Low", geo.Point{Lat: 34.2542, Lng: -110.0298}, "04017"},
	{"Payson", geo.Point{Lat: 34.2309, Lng: -111.3251}, "04007"},
	{"Sierra Vista", geo.Point{Lat: 31.5455, Lng: -110.2773}, "04003"},
	{"Lake Havasu City", geo.Point{Lat: 34.4839, Lng: -114.3225}, "04015"},
	{"Las Vegas, NV", geo.Point{Lat: 36.1699, Lng: -115.1398}, ""},
	{"Albuquerque, NM", geo.Point{Lat: 35.0844, Lng: -106.6504}, ""},
	{"Hermosillo, Sonora", geo.Point{Lat: 29.0729, Lng: -110.9559}, ""},
	{"St. George, UT", geo.Point{Lat: 37.0965, Lng: -113.5684}, ""},
	{"Null Island", geo.Point{}, ""},
}

func TestLocateTowns(t *testing.T) {
	t.Parallel()
	for _, tt := range towns {
		c, ok := county.Locate(tt.p)
		if ok != (tt.fips != "") || c.FIPS != tt.fips {
			t.Errorf("Locate(%s %v) = %q, %v; want %q", tt.name, tt.p, c.FIPS, ok, tt.fips)
		}
	}
}

func TestLocateSeats(t *testing.T) {
	t.Parallel()
	for _, want := range county.All() {
		got, ok := county.Locate(want.SeatPoint)
		if !ok || got != want {
			t.Errorf("Locate(seat of %s, %s) = %q, %v; want %q", want.Name, want.Seat, got.Name, ok, want.Name)
		}
	}
}

// TestLocateCountyLine checks points 200–250 m either side of two straight
// stretches of the Maricopa/Pinal line as drawn in the embedded 1:20M file
// (an east–west stretch near latitude 33.2047 south of Gilbert, and the
// north–south stretch at longitude −112.2037). Against the real line the
// coarse file can be off by more than that; see Locate.
func TestLocateCountyLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p    geo.Point
		want string
	}{
		{geo.Point{Lat: 33.2067, Lng: -111.79}, "Maricopa"},
		{geo.Point{Lat: 33.2027, Lng: -111.79}, "Pinal"},
		{geo.Point{Lat: 33.2066, Lng: -111.62}, "Maricopa"},
		{geo.Point{Lat: 33.2030, Lng: -111.62}, "Pinal"},
		{geo.Point{Lat: 32.9, Lng: -112.2063}, "Maricopa"},
		{geo.Point{Lat: 32.9, Lng: -112.2011}, "Pinal"},
	}
	for _, tt := range tests {
		c, ok := county.Locate(tt.p)
		if !ok || c.Name != tt.want {
			t.Errorf("Locate(%v) = %q, %v; want %q", tt.p, c.Name, ok, tt.want)
		}
	}

	// A shared vertex and the midpoint of a shared edge lie in exactly one
	// of the two counties: Locate must answer, and with one of them.
	for _, p := range []geo.Point{
		{Lat: 33.204637, Lng: -111.686035},
		{Lat: (33.204637 + 33.204811) / 2, Lng: (-111.686035 + -111.893085) / 2},
	} {
		c, ok := county.Locate(p)
		if !ok || (c.Name != "Maricopa" && c.Name != "Pinal") {
			t.Errorf("Locate(%v on the line) = %q, %v; want Maricopa or Pinal", p, c.Name, ok)
		}
	}
}

func TestLocateInvalid(t *testing.T) {
	t.Parallel()
	for _, p := range []geo.Point{
		{Lat: math.NaN(), Lng: -112},
		{Lat: 33, Lng: math.Inf(-1)},
		{Lat: 95, Lng: -112},
	} {
		if c, ok := county.Locate(p); ok {
			t.Errorf("Locate(%v) = %q; want false", p, c.Name)
		}
	}
}

func TestLocateCoversArizona(t *testing.T) {
	t.Parallel()
	// Every county is hit by a regular sample, in proportion to its area.
	counts := map[string]int{}
	for lat := 31.35; lat < 37.0; lat += 0.05 {
		for lng := -114.8; lng < -109.05; lng += 0.05 {
			if c, ok := county.Locate(geo.Point{Lat: lat, Lng: lng}); ok {
				counts[c.Name]++
			}
		}
	}
	for _, c := range county.All() {
		if counts[c.Name] == 0 {
			t.Errorf("no sample point in %s", c.Name)
		}
	}
	// Coconino (18,661 sq mi) is the largest, Santa Cruz (1,238) the smallest.
	if counts["Coconino"] < 10*counts["Santa Cruz"] {
		t.Errorf("Coconino %d samples, Santa Cruz %d: areas look wrong", counts["Coconino"], counts["Santa Cruz"])
	}
}

func ExampleLocate() {
	c, ok := county.Locate(geo.Point{Lat: 35.1983, Lng: -111.6513}) // Flagstaff
	fmt.Println(c.FIPS, c.Name, ok)
	_, ok = county.Locate(geo.Point{Lat: 36.1699, Lng: -115.1398}) // Las Vegas
	fmt.Println(ok)
	// Output:
	// 04005 Coconino true
	// false
}

// arizonaPoints returns n points uniform over Arizona's bounding box.
func arizonaPoints(n int) []geo.Point {
	r := rand.New(rand.NewPCG(42, 42))
	ps := make([]geo.Point, n)
	for i := range ps {
		ps[i] = geo.Point{Lat: 31.33 + 5.67*r.Float64(), Lng: -114.82 + 5.78*r.Float64()}
	}
	return ps
}

func BenchmarkLocate(b *testing.B) {
	ps := arizonaPoints(4096)
	county.Locate(ps[0]) // parse outside the timing
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		county.Locate(ps[i&4095])
		i++
	}
}
