package county

import (
	"math"
	"sync"

	"github.com/alongside/alongside/geo"
	"github.com/golang/geo/s2"
)

// Urban reports whether p lies in one of Arizona's larger urban areas, as
// approximated by the circles in urbanAreas. It has the shape of
// geo.GreatCircle's Urban field:
//
//	model := geo.GreatCircle{Urban: county.Urban}
//
// The circles are hand-set from public knowledge of the 2020 Census urban
// areas (centres within about 2 km, radii rounded to whole kilometres):
// coarse, meant only to pick a travel speed. They count parks and desert
// inside a metro as urban and small towns (Show Low, Payson, Page,
// Cottonwood, Safford, Holbrook, Window Rock, …) as rural. A deployment
// wanting better should load the Census urban-area polygons the way
// [Locate] loads county lines, or use a cell.Set. Urban is safe for
// concurrent use.
func Urban(p geo.Point) bool {
	if !p.Valid() {
		return false
	}
	v := s2.PointFromLatLng(p.LatLng())
	for _, c := range urbanCircles() {
		if v.Dot(c.center.Vector) >= c.cosRadius {
			return true
		}
	}
	return false
}

// urbanArea is a circle standing for (part of) an urban area.
type urbanArea struct {
	name     string
	lat, lng float64
	radiusKm float64
}

var urbanAreas = []urbanArea{
	// Phoenix–Mesa–Scottsdale, as overlapping circles.
	{"Phoenix (central)", 33.48, -112.07, 20},
	{"Phoenix (north)", 33.68, -112.08, 12},
	{"Glendale–Peoria", 33.58, -112.22, 10},
	{"Surprise–Sun City", 33.64, -112.35, 10},
	{"Goodyear–Avondale", 33.44, -112.37, 10},
	{"Scottsdale", 33.58, -111.90, 10},
	{"Tempe–Mesa", 33.41, -111.83, 15},
	{"Chandler–Gilbert", 33.30, -111.80, 10},
	{"Apache Junction–east Mesa", 33.41, -111.57, 8},
	{"Queen Creek–San Tan Valley", 33.20, -111.58, 8},
	// Tucson.
	{"Tucson", 32.25, -110.95, 16},
	{"Oro Valley–Marana", 32.40, -111.02, 8},
	// Other urban areas of roughly 25,000 people or more.
	{"Yuma", 32.67, -114.60, 9},
	{"Prescott–Prescott Valley", 34.58, -112.40, 10},
	{"Flagstaff", 35.20, -111.63, 7},
	{"Lake Havasu City", 34.50, -114.33, 7},
	{"Bullhead City", 35.10, -114.58, 7},
	{"Kingman", 35.21, -114.03, 6},
	{"Sierra Vista", 31.55, -110.28, 7},
	{"Casa Grande", 32.88, -111.74, 6},
	{"Maricopa", 33.06, -112.03, 5},
	{"Nogales", 31.35, -110.94, 4},
}

type urbanCircle struct {
	center    s2.Point
	cosRadius float64
}

var urbanCircles = sync.OnceValue(func() []urbanCircle {
	out := make([]urbanCircle, len(urbanAreas))
	for i, a := range urbanAreas {
		out[i] = urbanCircle{
			center:    s2.PointFromLatLng(s2.LatLngFromDegrees(a.lat, a.lng)),
			cosRadius: math.Cos(a.radiusKm * 1000 / float64(geo.EarthRadius)),
		}
	}
	return out
})
