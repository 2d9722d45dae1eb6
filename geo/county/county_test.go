package county_test

import (
	"fmt"
	"testing"

	"github.com/alongside/alongside/geo/county"
)

func TestLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fips string
		name string
		ok   bool
	}{
		{"04015", "Mohave", true},
		{"04013", "Maricopa", true},
		{"04027", "Yuma", true},
		{"04999", "", false},
		{"", "", false},
		{"4015", "", false},
	}
	for _, tt := range tests {
		c, ok := county.Lookup(tt.fips)
		if ok != tt.ok || c.Name != tt.name {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.fips, c.Name, ok, tt.name, tt.ok)
		}
	}
}

func TestAll(t *testing.T) {
	t.Parallel()
	all := county.All()
	if len(all) != 15 {
		t.Fatalf("len(All()) = %d; want 15 Arizona counties", len(all))
	}
	for _, c := range all {
		if !c.SeatPoint.Valid() || c.SeatPoint.Lat < 31 || c.SeatPoint.Lat > 37.1 {
			t.Errorf("%s seat %v is not in Arizona", c.Name, c.SeatPoint)
		}
	}
}

func ExampleLookup() {
	c, _ := county.Lookup("04015")
	fmt.Println(c.Name, c.Seat)
	fmt.Println(c.Court())
	// Output:
	// Mohave Kingman
	// Mohave County Juvenile Court, Kingman
}
