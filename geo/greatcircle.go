package geo

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/golang/geo/s2"
)

// Defaults of [GreatCircle].
const (
	// DefaultCircuity is the ratio of road distance to great-circle
	// distance. Published estimates for US road networks run from about 1.2
	// (dense grids) to 1.4 and more (rural, mountainous); 1.3 is a middle
	// value for Arizona's mix.
	DefaultCircuity = 1.3
	// DefaultUrbanSpeed is the average speed in urban areas: signals,
	// arterials, parking.
	DefaultUrbanSpeed = 40 * KilometerPerHour
	// DefaultRuralSpeed is the average speed outside urban areas:
	// highways, but also unpaved roads.
	DefaultRuralSpeed = 80 * KilometerPerHour
	// DefaultUrbanReach is how far a trip drives at urban speed at each
	// urban end.
	DefaultUrbanReach = 10 * Kilometer
)

// GreatCircle is the default [TravelModel]: no road network, only geometry.
//
// The road distance of a leg is its great-circle distance times Circuity.
// Each urban trip end (as Urban says) contributes up to UrbanReach of that
// road distance driven at UrbanSpeed — getting out of and into town; the
// rest is driven at RuralSpeed. So a trip across town runs wholly at
// UrbanSpeed, a trip between two towns mostly at RuralSpeed. A leg from a
// point to itself is zero.
//
// The zero GreatCircle is ready to use: every field documents its default.
// It never reports an unreachable leg. It ignores rivers, canyons, closed
// roads and freeways: estimates are rough where the road network is sparse
// (across the Grand Canyon) and pessimistic between cities joined by an
// interstate (Phoenix–Tucson: about 3 h against about 1 h 50 min by road). Use an OSRM client (package geo/osrm) where that matters.
type GreatCircle struct {
	// Circuity multiplies great-circle distances; 0 means
	// DefaultCircuity. Must be at least 1.
	Circuity float64
	// UrbanSpeed is the speed near urban trip ends; 0 means
	// DefaultUrbanSpeed. Must be positive and finite.
	UrbanSpeed Speed
	// RuralSpeed is the speed elsewhere; 0 means DefaultRuralSpeed. Must be
	// positive and finite.
	RuralSpeed Speed
	// UrbanReach is the road distance driven at UrbanSpeed at each urban
	// trip end; 0 means DefaultUrbanReach. Must be positive and finite.
	UrbanReach Distance
	// Urban reports whether a point is in an urban area; it is called once
	// per point and Matrix call, and must be safe for concurrent use. Nil
	// means every point is rural. Packages above geo supply one, e.g.
	// county.Urban (approximate Arizona urban areas) or the Contains method
	// of a cell.Set (a precomputed H3 cover).
	Urban func(Point) bool
}

var _ TravelModel = GreatCircle{}

// settings returns g with defaults filled in, or an error naming the
// invalid field.
func (g GreatCircle) settings() (GreatCircle, error) {
	if g.Circuity == 0 {
		g.Circuity = DefaultCircuity
	}
	if g.UrbanSpeed == 0 {
		g.UrbanSpeed = DefaultUrbanSpeed
	}
	if g.RuralSpeed == 0 {
		g.RuralSpeed = DefaultRuralSpeed
	}
	if g.UrbanReach == 0 {
		g.UrbanReach = DefaultUrbanReach
	}
	switch {
	case !(g.Circuity >= 1) || math.IsInf(g.Circuity, 0):
		return g, fmt.Errorf("geo: GreatCircle.Circuity %v: must be finite and at least 1", g.Circuity)
	case !(g.UrbanSpeed > 0) || math.IsInf(float64(g.UrbanSpeed), 0):
		return g, fmt.Errorf("geo: GreatCircle.UrbanSpeed %v: must be positive and finite", g.UrbanSpeed)
	case !(g.RuralSpeed > 0) || math.IsInf(float64(g.RuralSpeed), 0):
		return g, fmt.Errorf("geo: GreatCircle.RuralSpeed %v: must be positive and finite", g.RuralSpeed)
	case !(g.UrbanReach > 0) || math.IsInf(float64(g.UrbanReach), 0):
		return g, fmt.Errorf("geo: GreatCircle.UrbanReach %v: must be positive and finite", float64(g.UrbanReach))
	}
	return g, nil
}

// end is one trip end prepared for the matrix loop: its unit vector and
// whether it is urban.
type end struct {
	v     s2.Point
	urban bool
}

func (g GreatCircle) ends(ps []Point) []end {
	out := make([]end, len(ps))
	for i, p := range ps {
		out[i] = end{v: s2.PointFromLatLng(p.LatLng()), urban: g.Urban != nil && g.Urban(p)}
	}
	return out
}

func (g GreatCircle) leg(a, b end) Leg {
	road := float64(angleDistance(a.v.Distance(b.v))) * g.Circuity
	urban := 0.0
	if a.urban {
		urban += float64(g.UrbanReach)
	}
	if b.urban {
		urban += float64(g.UrbanReach)
	}
	urban = min(urban, road)
	secs := urban/float64(g.UrbanSpeed) + (road-urban)/float64(g.RuralSpeed)
	return Leg{Duration: time.Duration(secs * float64(time.Second)), Distance: Distance(road)}
}

// Matrix implements [TravelModel]. It returns an error if a field of g is
// invalid (see the field docs), a point is invalid, or ctx is done.
func (g GreatCircle) Matrix(ctx context.Context, from, to []Point) (*Matrix, error) {
	g, err := g.settings()
	if err != nil {
		return nil, err
	}
	if err := CheckPoints(from, to); err != nil {
		return nil, err
	}
	m := NewMatrix(len(from), len(to))
	src, dst := g.ends(from), g.ends(to)
	for i, a := range src {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("geo: great-circle matrix: %w", err)
			}
		}
		row := m.Legs[i*m.Cols : (i+1)*m.Cols]
		for j, b := range dst {
			row[j] = g.leg(a, b)
		}
	}
	return m, nil
}

// Leg returns the leg from a to b under g. It returns an error where
// [GreatCircle.Matrix] would.
func (g GreatCircle) Leg(a, b Point) (Leg, error) {
	g, err := g.settings()
	if err != nil {
		return Leg{}, err
	}
	if err := CheckPoints([]Point{a}, []Point{b}); err != nil {
		return Leg{}, err
	}
	e := g.ends([]Point{a, b})
	return g.leg(e[0], e[1]), nil
}
