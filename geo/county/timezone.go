package county

import (
	"sync"

	"github.com/alongside/alongside/geo"
)

// IANA time zones of Arizona.
const (
	// ZoneArizona is Mountain Standard Time all year: Arizona outside the
	// Navajo Nation, and the Hopi Reservation inside it.
	ZoneArizona = "America/Phoenix"
	// ZoneNavajo is Mountain Time with daylight saving time, which the
	// Navajo Nation keeps in all three of its states.
	ZoneNavajo = "America/Denver"
)

// TimeZone returns the IANA time zone of p: [ZoneNavajo] inside the
// Navajo Nation as approximated below, [ZoneArizona] elsewhere in Arizona,
// and "" for a point [Locate] does not place in a county.
//
// No Navajo Nation boundary file is embedded. The Nation is approximated by
// a coarse hand-drawn polygon (about twenty vertices, placed from public
// knowledge of which towns lie inside: Window Rock, Chinle, Kayenta, Tuba
// City, Cameron, Leupp, LeChee; and outside: Page, Flagstaff, Winslow,
// Holbrook), and the Hopi Reservation it surrounds, which keeps
// America/Phoenix, by a coarser hexagon around the Hopi mesas. Expect
// errors up to 10–20 km from the real boundaries. Known ones: the Hopi
// village of Moenkopi beside Tuba City (really America/Phoenix) reads
// America/Denver; the Navajo enclave of Jeddito inside the Hopi Reservation
// reads America/Phoenix; Navajo trust land off the reservation (e.g. the
// Twin Arrows area) reads America/Phoenix. A deployment that schedules
// there should load the Census AIANNH boundaries the way county.Locate
// loads county lines.
func TimeZone(p geo.Point) string {
	if _, ok := Locate(p); !ok {
		return ""
	}
	z := mustZones()
	if z.navajo.contains(p.Lng, p.Lat) && !z.hopi.contains(p.Lng, p.Lat) {
		return ZoneNavajo
	}
	return ZoneArizona
}

// navajoNation approximates the Arizona part of the Navajo Nation as
// (longitude, latitude) vertices. It reaches past the Utah and New Mexico
// lines, where TimeZone never looks (Locate clips it to Arizona).
var navajoNation = [][2]float64{
	{-108.90, 37.10}, // past the Four Corners
	{-108.90, 35.10}, // past the New Mexico line, south of Lupton
	{-109.40, 35.10}, // south of Houck and Sanders
	{-109.75, 35.12}, // north of Petrified Forest National Park
	{-110.20, 35.12}, // north of Holbrook
	{-110.75, 35.15}, // north of Winslow
	{-111.25, 35.20}, // south-west of Leupp
	{-111.50, 35.45},
	{-111.60, 35.70}, // south of Gray Mountain
	{-111.78, 36.02}, // east of Desert View (Grand Canyon National Park)
	{-111.80, 36.19}, // Little Colorado River confluence
	{-111.85, 36.45}, // along Marble Canyon
	{-111.72, 36.65},
	{-111.63, 36.82},  // Navajo Bridge
	{-111.59, 36.865}, // Lees Ferry
	{-111.50, 36.89},
	{-111.42, 36.89}, // between LeChee (inside) and Page (outside)
	{-111.42, 36.95},
	{-111.40, 37.10}, // past Lake Powell and the Utah line
}

// hopiReservation approximates the Hopi Reservation around First, Second
// and Third Mesa and Keams Canyon (not the Moenkopi district).
var hopiReservation = [][2]float64{
	{-110.95, 35.55},
	{-110.25, 35.55},
	{-110.10, 35.75},
	{-110.25, 36.00},
	{-110.55, 36.25},
	{-110.95, 36.20},
}

type zones struct{ navajo, hopi polygon }

var mustZones = sync.OnceValue(func() *zones {
	return &zones{
		navajo: newPolygon([][][2]float64{navajoNation}),
		hopi:   newPolygon([][][2]float64{hopiReservation}),
	}
})
