package county

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sync"

	"github.com/alongside/alongside/geo"
)

//go:embed az_counties.geojson
var azGeoJSON []byte

// Locate returns the county containing p, or false if p is outside every
// loaded county (outside Arizona) or not a valid point.
//
// The boundaries are the coarse 1:20,000,000 Census cartographic file (see
// SOURCE.md): a point within a few kilometres of a county line can be
// placed on the wrong side of it, and a point near the state border
// (notably along the Colorado River) can fall outside. Between two counties
// the answer is consistent: the embedded counties share their common edges
// exactly, so every point inside Arizona is in exactly one county, a point
// on a shared edge included.
//
// Locate is fast (tens of nanoseconds for most points, see the package
// documentation) and safe for concurrent use. The boundaries are parsed
// and indexed on first use.
func Locate(p geo.Point) (County, bool) {
	b := mustBounds()
	if !p.Valid() {
		return County{}, false
	}
	k := b.locate(p.Lng, p.Lat)
	if k < 0 {
		return County{}, false
	}
	return b.counties[k], true
}

// gridStep is the side of an index cell in degrees (about 3.5 km × 2.9 km
// in Arizona).
const gridStep = 1.0 / 32

// Index cell states besides a county index.
const (
	cellOutside int8 = -1 // wholly outside every county
	cellMixed   int8 = -2 // an edge passes near: test the polygons
)

// bounds is the parsed boundary file with its index.
type bounds struct {
	counties []County // counties[i] is polys[i]'s county
	polys    []polygon
	grid     grid
}

// grid is a uniform lat/lng grid over the counties' bounding box. A cell no
// boundary edge comes near lies wholly in one county (or none), which it
// records; other cells are mixed and fall back to the exact test.
type grid struct {
	minX, minY float64
	nx, ny     int
	cells      []int8 // row-major, ny rows of nx
}

// cell returns the grid cell of (x, y) and whether it lies in the grid.
func (g *grid) cell(x, y float64) (i, j int, ok bool) {
	fx, fy := math.Floor((x-g.minX)/gridStep), math.Floor((y-g.minY)/gridStep)
	if !(fx >= 0 && fy >= 0 && fx < float64(g.nx) && fy < float64(g.ny)) {
		return 0, 0, false
	}
	return int(fx), int(fy), true
}

func (b *bounds) locate(x, y float64) int {
	i, j, ok := b.grid.cell(x, y)
	if !ok {
		return -1
	}
	switch c := b.grid.cells[j*b.grid.nx+i]; c {
	case cellOutside:
		return -1
	case cellMixed:
		return b.locateExact(x, y)
	default:
		return int(c)
	}
}

// locateExact tests every polygon whose bounding box holds (x, y).
func (b *bounds) locateExact(x, y float64) int {
	for k := range b.polys {
		if b.polys[k].contains(x, y) {
			return k
		}
	}
	return -1
}

// polygon is a set of rings (outer rings and holes alike) tested with the
// even-odd rule in the plane of longitude and latitude, the plane the
// Census draws its boundary lines in.
type polygon struct {
	minX, minY, maxX, maxY float64
	edges                  []edge
}

// edge is one boundary segment, stored with y0 <= y1 so that an edge two
// counties share is the same four numbers in both and every point gets the
// same answer from both (exactly one of them contains a point on it).
type edge struct {
	x0, y0, x1, y1 float64
	slope          float64 // dx/dy, 0 for a horizontal edge
}

func newEdge(ax, ay, bx, by float64) edge {
	if ay > by || (ay == by && ax > bx) {
		ax, ay, bx, by = bx, by, ax, ay
	}
	e := edge{x0: ax, y0: ay, x1: bx, y1: by}
	if by != ay {
		e.slope = (bx - ax) / (by - ay)
	}
	return e
}

func newPolygon(rings [][][2]float64) polygon {
	p := polygon{minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	for _, r := range rings {
		for i, a := range r {
			p.minX, p.maxX = min(p.minX, a[0]), max(p.maxX, a[0])
			p.minY, p.maxY = min(p.minY, a[1]), max(p.maxY, a[1])
			b := r[(i+1)%len(r)]
			if a != b {
				p.edges = append(p.edges, newEdge(a[0], a[1], b[0], b[1]))
			}
		}
	}
	return p
}

// contains reports whether (x, y) is inside p: a ray towards +x crosses
// an odd number of edges, each edge counted on the half-open span
// y0 <= y < y1.
func (p *polygon) contains(x, y float64) bool {
	if x < p.minX || x > p.maxX || y < p.minY || y > p.maxY {
		return false
	}
	in := false
	for i := range p.edges {
		e := &p.edges[i]
		if y >= e.y0 && y < e.y1 && x < e.x0+(y-e.y0)*e.slope {
			in = !in
		}
	}
	return in
}

var loadBounds = sync.OnceValues(func() (*bounds, error) { return parseBounds(azGeoJSON, mustTable()) })

func mustBounds() *bounds {
	b, err := loadBounds()
	if err != nil {
		// The file is embedded at build time; a parse failure is a build defect.
		panic(err)
	}
	return b
}

// geoJSON is the subset of RFC 7946 the boundary file uses.
type geoJSON struct {
	Type     string `json:"type"`
	Features []struct {
		ID       string `json:"id"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// parseBounds reads a FeatureCollection whose feature ids are county FIPS
// codes in t, and indexes it.
func parseBounds(data []byte, t *table) (*bounds, error) {
	var fc geoJSON
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, fmt.Errorf("county boundaries: %w", err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) == 0 {
		return nil, fmt.Errorf("county boundaries: not a non-empty FeatureCollection")
	}
	b := &bounds{}
	for i, f := range fc.Features {
		c, ok := t.byFIPS[f.ID]
		if !ok {
			return nil, fmt.Errorf("county boundaries: feature %d: id %q is not a county in the table", i, f.ID)
		}
		var polys [][][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var rings [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &rings); err != nil {
				return nil, fmt.Errorf("county boundaries: %s: %w", f.ID, err)
			}
			polys = [][][][2]float64{rings}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, fmt.Errorf("county boundaries: %s: %w", f.ID, err)
			}
		default:
			return nil, fmt.Errorf("county boundaries: %s: geometry %q, want Polygon or MultiPolygon", f.ID, f.Geometry.Type)
		}
		var rings [][][2]float64
		for _, p := range polys {
			for _, r := range p {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					return nil, fmt.Errorf("county boundaries: %s: a ring is not closed or has under 4 positions", f.ID)
				}
				for _, pt := range r {
					if !(geo.Point{Lat: pt[1], Lng: pt[0]}).Valid() {
						return nil, fmt.Errorf("county boundaries: %s: position out of range", f.ID)
					}
				}
				rings = append(rings, r)
			}
		}
		b.counties = append(b.counties, c)
		b.polys = append(b.polys, newPolygon(rings))
	}
	b.grid = buildGrid(b)
	return b, nil
}

// buildGrid marks every cell an edge's bounding box touches as mixed, then
// classifies each run of unmarked cells along a row by one exact test: no
// boundary passes through such a run, so all of it lies in one county or
// none.
func buildGrid(b *bounds) grid {
	g := grid{minX: math.Inf(1), minY: math.Inf(1)}
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range b.polys {
		g.minX, g.minY = min(g.minX, p.minX), min(g.minY, p.minY)
		maxX, maxY = max(maxX, p.maxX), max(maxY, p.maxY)
	}
	g.nx = int(math.Floor((maxX-g.minX)/gridStep)) + 1
	g.ny = int(math.Floor((maxY-g.minY)/gridStep)) + 1
	g.cells = make([]int8, g.nx*g.ny)
	const margin = 1e-9 // degrees: guards the floor() at cell sides
	clampX := func(v float64) int { return min(max(int(math.Floor((v-g.minX)/gridStep)), 0), g.nx-1) }
	clampY := func(v float64) int { return min(max(int(math.Floor((v-g.minY)/gridStep)), 0), g.ny-1) }
	for _, p := range b.polys {
		for _, e := range p.edges {
			i0, i1 := clampX(min(e.x0, e.x1)-margin), clampX(max(e.x0, e.x1)+margin)
			j0, j1 := clampY(e.y0-margin), clampY(e.y1+margin)
			for j := j0; j <= j1; j++ {
				for i := i0; i <= i1; i++ {
					g.cells[j*g.nx+i] = cellMixed
				}
			}
		}
	}
	for j := range g.ny {
		run := false
		var v int8
		for i := range g.nx {
			c := &g.cells[j*g.nx+i]
			if *c == cellMixed {
				run = false
				continue
			}
			if !run {
				x := g.minX + (float64(i)+0.5)*gridStep
				y := g.minY + (float64(j)+0.5)*gridStep
				v, run = int8(b.locateExact(x, y)), true
			}
			*c = v
		}
	}
	return g
}
