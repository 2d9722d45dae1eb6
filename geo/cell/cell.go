package cell

import (
	"fmt"
	"math"
	"strconv"

	"github.com/alongside/alongside/geo"
	"github.com/uber/h3-go/v4"
)

// MaxResolution is the finest H3 resolution.
const MaxResolution = 15

// Cell is an H3 cell index. The zero Cell is invalid ("no cell"). A Cell
// stores as its 64-bit value or, as text, its 15-digit hexadecimal H3
// string (e.g. "872a1072bffffff").
type Cell uint64

// Of returns the cell of resolution res holding p, or the zero Cell if p
// is not a valid point. It panics if res is outside [0, MaxResolution].
func Of(p geo.Point, res int) Cell {
	checkRes(res)
	if !p.Valid() {
		return 0
	}
	return Cell(h3.LatLngToCell(h3.NewLatLng(p.Lat, p.Lng), res))
}

func checkRes(res int) {
	if res < 0 || res > MaxResolution {
		panic(fmt.Sprintf("cell: resolution %d outside [0, %d]", res, MaxResolution))
	}
}

// Valid reports whether c is a valid H3 cell.
func (c Cell) Valid() bool { return c != 0 && h3.Cell(c).IsValid() }

// Resolution returns c's resolution, or -1 if c is not valid.
func (c Cell) Resolution() int {
	if !c.Valid() {
		return -1
	}
	return h3.Cell(c).Resolution()
}

// Center returns the centre of c, or a point with NaN coordinates (not
// Valid) if c is not valid.
func (c Cell) Center() geo.Point {
	if !c.Valid() {
		return geo.Point{Lat: math.NaN(), Lng: math.NaN()}
	}
	ll := h3.Cell(c).LatLng()
	return geo.Point{Lat: ll.Lat, Lng: ll.Lng}
}

// Parent returns c's ancestor at resolution res in H3's hierarchy, c
// itself if res is c's resolution, or the zero Cell if c is not valid or res is finer
// than c's resolution. H3's hexagons do not nest exactly: the parent covers
// most of c, and near its edge a point of c can lie in a neighbour of the
// parent, so Of(p, res) and Of(p, finer).Parent(res) can differ. It panics
// if res is outside [0, MaxResolution].
func (c Cell) Parent(res int) Cell {
	checkRes(res)
	r := c.Resolution()
	if r < 0 || res > r {
		return 0
	}
	return Cell(h3.Cell(c).Parent(res))
}

// String returns c's H3 string: lower-case hexadecimal.
func (c Cell) String() string { return strconv.FormatUint(uint64(c), 16) }

// Parse reads an H3 string (hexadecimal, an optional "0x" prefix) and
// returns the cell, or an error if it is not a valid cell.
func Parse(s string) (Cell, error) {
	t := s
	if len(t) > 2 && (t[:2] == "0x" || t[:2] == "0X") {
		t = t[2:]
	}
	v, err := strconv.ParseUint(t, 16, 64)
	if err != nil || !Cell(v).Valid() {
		return 0, fmt.Errorf("cell: %q is not an H3 cell", s)
	}
	return Cell(v), nil
}

// MarshalText implements encoding.TextMarshaler: the H3 string.
func (c Cell) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler, accepting what
// [Parse] accepts.
func (c *Cell) UnmarshalText(text []byte) error {
	v, err := Parse(string(text))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Disk returns the cells within grid distance k of c (its k-ring,
// including c), in no particular order: 3k(k+1)+1 cells, fewer near one of
// H3's twelve pentagons. It returns nil if c is not valid or k < 0.
func Disk(c Cell, k int) []Cell {
	if k < 0 || !c.Valid() {
		return nil
	}
	hs := h3.GridDisk(h3.Cell(c), k)
	out := make([]Cell, len(hs))
	for i, h := range hs {
		out[i] = Cell(h)
	}
	return out
}

// Coarsen returns the centre of the resolution-res cell holding p: p
// moved by up to the cell's circumradius (about [EdgeLength](res)), the
// same point for every p in the cell. Use it to keep a location only as
// precisely as a task needs, e.g. a case's home at resolution 8 (edges of
// about half a kilometre) where matching needs only the neighbourhood. An
// invalid p gives a point with NaN coordinates. It panics if res is
// outside [0, MaxResolution].
func Coarsen(p geo.Point, res int) geo.Point { return Of(p, res).Center() }

// EdgeLength returns the average edge length of a hexagon at resolution
// res (for example res 6 ≈ 3.7 km, 7 ≈ 1.4 km, 8 ≈ 0.53 km, 9 ≈ 0.20 km).
// It panics if res is outside [0, MaxResolution].
func EdgeLength(res int) geo.Distance {
	checkRes(res)
	return geo.Distance(h3.HexagonEdgeLengthAvgM(res))
}

// RingsFor returns a k such that Disk(c, k) holds the cell of every point
// within radius of any point of c. It measures c and its neighbours (H3
// cells vary in size across the globe) and adds a margin of one ring for
// the variation within the disk. It returns -1 if c is not valid, and 0
// for a negative radius.
func RingsFor(c Cell, radius geo.Distance) int {
	if !c.Valid() {
		return -1
	}
	if !(radius >= 0) {
		return 0
	}
	center := c.Center()
	// circum: the farthest a point of a cell lies from its centre.
	var circum geo.Distance
	for _, v := range h3.Cell(c).Boundary() {
		circum = max(circum, center.DistanceTo(geo.Point{Lat: v.Lat, Lng: v.Lng}))
	}
	// spacing: the least distance between neighbouring centres.
	spacing := geo.Distance(math.Inf(1))
	for _, n := range Disk(c, 1) {
		if n != c {
			spacing = min(spacing, center.DistanceTo(n.Center()))
		}
	}
	// In a hexagonal grid with centre spacing s, a cell k rings away has
	// its centre at least k·s·√3/2 away. A point within radius of a point
	// of c has its cell's centre within radius + 2·circum of c's centre.
	// Allow 10% for cells in the disk being larger or closer than c's.
	reach := float64(radius) + 2*1.1*float64(circum)
	step := float64(spacing) * math.Sqrt(3) / 2 / 1.1
	return int(math.Ceil(reach/step)) + 1
}
