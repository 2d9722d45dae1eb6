package county_test

import (
	"fmt"
	"testing"

	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/geo/county"
)

func TestTimeZone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    geo.Point
		want string
	}{
		// Navajo Nation: daylight saving time.
		{"Window Rock", geo.Point{Lat: 35.6806, Lng: -109.0526}, county.ZoneNavajo},
		{"Chinle", geo.Point{Lat: 36.1544, Lng: -109.5526}, county.ZoneNavajo},
		{"Kayenta", geo.Point{Lat: 36.7278, Lng: -110.2546}, county.ZoneNavajo},
		{"Tuba City", geo.Point{Lat: 36.1350, Lng: -111.2399}, county.ZoneNavajo},
		{"Cameron", geo.Point{Lat: 35.8758, Lng: -111.4129}, county.ZoneNavajo},
		{"Leupp", geo.Point{Lat: 35.2981, Lng: -110.9743}, county.ZoneNavajo},
		{"Ganado", geo.Point{Lat: 35.7114, Lng: -109.5421}, county.ZoneNavajo},
		{"Kaibito", geo.Point{Lat: 36.5972, Lng: -111.0743}, county.ZoneNavajo},
		{"LeChee", geo.Point{Lat: 36.8614, Lng: -111.4340}, county.ZoneNavajo},
		{"Piñon", geo.Point{Lat: 36.1008, Lng: -110.2154}, county.ZoneNavajo},
		{"Dilkon", geo.Point{Lat: 35.3878, Lng: -110.3218}, county.ZoneNavajo},
		// Hopi Reservation, inside the Navajo Nation: standard time.
		{"Kykotsmovi", geo.Point{Lat: 35.8703, Lng: -110.6254}, county.ZoneArizona},
		{"Second Mesa", geo.Point{Lat: 35.7986, Lng: -110.4990}, county.ZoneArizona},
		{"Polacca", geo.Point{Lat: 35.8297, Lng: -110.3800}, county.ZoneArizona},
		{"Hotevilla", geo.Point{Lat: 35.9242, Lng: -110.6674}, county.ZoneArizona},
		{"Keams Canyon", geo.Point{Lat: 35.8117, Lng: -110.1960}, county.ZoneArizona},
		// The rest of Arizona, including towns just outside the Nation.
		{"Phoenix", geo.Point{Lat: 33.4484, Lng: -112.0740}, county.ZoneArizona},
		{"Flagstaff", geo.Point{Lat: 35.1983, Lng: -111.6513}, county.ZoneArizona},
		{"Page", geo.Point{Lat: 36.9147, Lng: -111.4558}, county.ZoneArizona},
		{"Winslow", geo.Point{Lat: 35.0242, Lng: -110.6974}, county.ZoneArizona},
		{"Holbrook", geo.Point{Lat: 34.9022, Lng: -110.1582}, county.ZoneArizona},
		{"St. Johns", geo.Point{Lat: 34.5058, Lng: -109.3609}, county.ZoneArizona},
		{"Grand Canyon Village", geo.Point{Lat: 36.0544, Lng: -112.1401}, county.ZoneArizona},
		// Outside Arizona: unknown, even inside the Navajo Nation.
		{"Shiprock, NM", geo.Point{Lat: 36.7856, Lng: -108.6870}, ""},
		{"Gallup, NM", geo.Point{Lat: 35.5281, Lng: -108.7426}, ""},
		{"Las Vegas, NV", geo.Point{Lat: 36.1699, Lng: -115.1398}, ""},
	}
	for _, tt := range tests {
		if got := county.TimeZone(tt.p); got != tt.want {
			t.Errorf("TimeZone(%s) = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestUrban(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    geo.Point
		want bool
	}{
		{"Phoenix", geo.Point{Lat: 33.4484, Lng: -112.0740}, true},
		{"Mesa", geo.Point{Lat: 33.4152, Lng: -111.8315}, true},
		{"Glendale", geo.Point{Lat: 33.5387, Lng: -112.1860}, true},
		{"Tucson", geo.Point{Lat: 32.2226, Lng: -110.9747}, true},
		{"Yuma", geo.Point{Lat: 32.6927, Lng: -114.6277}, true},
		{"Flagstaff", geo.Point{Lat: 35.1983, Lng: -111.6513}, true},
		{"Prescott", geo.Point{Lat: 34.5400, Lng: -112.4685}, true},
		{"Gila Bend", geo.Point{Lat: 32.9478, Lng: -112.7168}, false},
		{"Winslow", geo.Point{Lat: 35.0242, Lng: -110.6974}, false},
		{"Window Rock", geo.Point{Lat: 35.6806, Lng: -109.0526}, false},
		{"Tuba City", geo.Point{Lat: 36.1350, Lng: -111.2399}, false},
		{"Florence", geo.Point{Lat: 33.0314, Lng: -111.3873}, false},
		{"invalid", geo.Point{Lat: 200}, false},
	}
	for _, tt := range tests {
		if got := county.Urban(tt.p); got != tt.want {
			t.Errorf("Urban(%s) = %v; want %v", tt.name, got, tt.want)
		}
	}
}

func ExampleTimeZone() {
	for _, p := range []geo.Point{
		{Lat: 33.4484, Lng: -112.0740}, // Phoenix
		{Lat: 35.6806, Lng: -109.0526}, // Window Rock, Navajo Nation
		{Lat: 35.8703, Lng: -110.6254}, // Kykotsmovi, Hopi Reservation
	} {
		fmt.Println(county.TimeZone(p))
	}
	// Output:
	// America/Phoenix
	// America/Denver
	// America/Phoenix
}

func ExampleUrban() {
	model := geo.GreatCircle{Urban: county.Urban}
	phoenix := geo.Point{Lat: 33.4484, Lng: -112.0740}
	tempe := geo.Point{Lat: 33.4255, Lng: -111.9400}
	leg, _ := model.Leg(phoenix, tempe)
	fmt.Printf("%.1f km in %.0f min\n", leg.Distance.Kilometers(), leg.Duration.Minutes())
	// Output: 16.5 km in 25 min
}
