package geo_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/alongside/alongside/geo"
)

func TestDistance(t *testing.T) {
	t.Parallel()
	phoenix := geo.Point{Lat: 33.4484, Lng: -112.0740}
	tucson := geo.Point{Lat: 32.2226, Lng: -110.9747}
	// Great-circle Phoenix–Tucson is about 106 miles (116 by road).
	if got := phoenix.DistanceTo(tucson).Miles(); math.Abs(got-106.0) > 1 {
		t.Errorf("Phoenix→Tucson = %.1f mi; want ≈106", got)
	}
	if got := phoenix.DistanceTo(phoenix); got != 0 {
		t.Errorf("distance to self = %v; want 0", got)
	}
}

func TestCheckLatLng(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lat, lng     float64
		latOK, lngOK bool
	}{
		{0, 0, true, true},
		{90, 180, true, true},
		{-90, -180, true, true},
		{90.0001, 180.0001, false, false},
		{-90.0001, -180.0001, false, false},
		{math.NaN(), math.NaN(), false, false},
		{math.Inf(1), math.Inf(-1), false, false},
	}
	for _, tt := range tests {
		if got := geo.CheckLat(tt.lat) == ""; got != tt.latOK {
			t.Errorf("CheckLat(%v) ok = %v; want %v", tt.lat, got, tt.latOK)
		}
		if got := geo.CheckLng(tt.lng) == ""; got != tt.lngOK {
			t.Errorf("CheckLng(%v) ok = %v; want %v", tt.lng, got, tt.lngOK)
		}
		p := geo.Point{Lat: tt.lat, Lng: tt.lng}
		if got := p.Valid(); got != (tt.latOK && tt.lngOK) {
			t.Errorf("%v.Valid() = %v; want %v", p, got, tt.latOK && tt.lngOK)
		}
	}
}

func ExamplePoint_DistanceTo() {
	kingman := geo.Point{Lat: 35.1894, Lng: -114.0530}
	flagstaff := geo.Point{Lat: 35.1983, Lng: -111.6513}
	fmt.Printf("%.0f miles\n", kingman.DistanceTo(flagstaff).Miles())
	// Output: 136 miles
}
