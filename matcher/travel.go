package matcher

import (
	"time"

	"github.com/golang/geo/s2"

	"github.com/alongside/alongside/geo"
)

// TravelEstimator estimates one-way driving times. The service answers it
// from a geo.TravelModel (cascade asks the model for one matrix per
// ranking); without one the matcher uses [GreatCircle] with the policy's
// circuity and speed.
type TravelEstimator interface {
	// TravelTime returns the drive from one point to another. ok is false
	// when the estimator has no estimate for the pair; the matcher then
	// falls back to the policy's great-circle estimate and says so in the
	// reason. It is called once per candidate, so it must be cheap (a
	// lookup, not a network call).
	TravelTime(from, to geo.Point) (d time.Duration, ok bool)
}

// GreatCircle estimates driving time as great-circle distance × Circuity ÷
// SpeedMPH. The zero GreatCircle estimates nothing (ok is false).
type GreatCircle struct {
	Circuity float64 // road distance over straight-line distance, ≥ 1
	SpeedMPH float64 // average speed in miles per hour
}

// TravelTime implements [TravelEstimator].
func (g GreatCircle) TravelTime(from, to geo.Point) (time.Duration, bool) {
	if !from.Valid() || !to.Valid() {
		return 0, false
	}
	return g.between(unit(from), unit(to))
}

// between is TravelTime between two valid points as unit vectors, which
// profiles keep so a ranking does no trigonometry on coordinates.
func (g GreatCircle) between(a, b s2.Point) (time.Duration, bool) {
	if !(g.SpeedMPH > 0) || !(g.Circuity > 0) {
		return 0, false
	}
	miles := (geo.Distance(a.Distance(b).Radians()) * geo.EarthRadius).Miles()
	hours := miles * g.Circuity / g.SpeedMPH
	return time.Duration(hours * float64(time.Hour)), true
}

// unit returns p as a unit vector.
func unit(p geo.Point) s2.Point { return s2.PointFromLatLng(p.LatLng()) }

// Reach returns the great-circle distance that takes d to drive.
func (g GreatCircle) Reach(d time.Duration) geo.Distance {
	if !(g.Circuity > 0) {
		return 0
	}
	return geo.Distance(d.Hours()*g.SpeedMPH/g.Circuity) * geo.Mile
}

func (p *Policy) greatCircle() GreatCircle {
	return GreatCircle{Circuity: p.Travel.Circuity, SpeedMPH: p.Travel.SpeedMPH}
}
