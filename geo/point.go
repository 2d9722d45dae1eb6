package geo

import (
	"fmt"
	"math"

	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"
)

// EarthRadius is the mean radius of the Earth used for great-circle
// distances (IUGG mean radius R1).
const EarthRadius Distance = 6_371_008.8

// Distance is a length in metres.
type Distance float64

// Common lengths.
const (
	Meter     Distance = 1
	Kilometer Distance = 1000
	Mile      Distance = 1609.344
)

// Kilometers returns d in kilometres.
func (d Distance) Kilometers() float64 { return float64(d / Kilometer) }

// Miles returns d in statute miles.
func (d Distance) Miles() float64 { return float64(d / Mile) }

// String formats d in kilometres with one decimal.
func (d Distance) String() string { return fmt.Sprintf("%.1fkm", d.Kilometers()) }

// Point is a location on the WGS84 sphere in decimal degrees.
// The zero Point is 0°N 0°E, a valid point; callers that need "no location"
// keep a separate flag.
type Point struct {
	Lat float64 `json:"lat"` // degrees north, in [-90, 90]
	Lng float64 `json:"lng"` // degrees east, in [-180, 180]
}

// Valid reports whether p's coordinates are finite and in range.
func (p Point) Valid() bool {
	return !math.IsNaN(p.Lat) && !math.IsNaN(p.Lng) &&
		p.Lat >= -90 && p.Lat <= 90 && p.Lng >= -180 && p.Lng <= 180
}

// CheckLat returns a reason why lat is not a latitude, or "" if it is one.
func CheckLat(lat float64) string {
	switch {
	case math.IsNaN(lat) || math.IsInf(lat, 0):
		return "latitude must be a finite number"
	case lat < -90 || lat > 90:
		return fmt.Sprintf("latitude %v is outside [-90, 90]", lat)
	}
	return ""
}

// CheckLng returns a reason why lng is not a longitude, or "" if it is one.
func CheckLng(lng float64) string {
	switch {
	case math.IsNaN(lng) || math.IsInf(lng, 0):
		return "longitude must be a finite number"
	case lng < -180 || lng > 180:
		return fmt.Sprintf("longitude %v is outside [-180, 180]", lng)
	}
	return ""
}

// LatLng returns p as an s2.LatLng.
func (p Point) LatLng() s2.LatLng { return s2.LatLngFromDegrees(p.Lat, p.Lng) }

// DistanceTo returns the great-circle distance from p to q.
func (p Point) DistanceTo(q Point) Distance {
	return angleDistance(p.LatLng().Distance(q.LatLng()))
}

// Round returns p with both coordinates rounded to the given number of
// decimal places. Two decimals is about 1.1 km of latitude: coarse enough
// that a stored point does not pinpoint a home.
func (p Point) Round(decimals int) Point {
	f := math.Pow(10, float64(decimals))
	return Point{Lat: math.Round(p.Lat*f) / f, Lng: math.Round(p.Lng*f) / f}
}

// String formats p as "lat,lng" with five decimals.
func (p Point) String() string { return fmt.Sprintf("%.5f,%.5f", p.Lat, p.Lng) }

func angleDistance(a s1.Angle) Distance { return Distance(a.Radians()) * EarthRadius }
