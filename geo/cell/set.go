package cell

import (
	"github.com/alongside/alongside/geo"
	"github.com/uber/h3-go/v4"
)

// Set is a fixed set of cells at one resolution: a precomputed cover of an
// area (say, the urban cells of a service region) that answers "is this
// point in the area" with one H3 lookup and one map read. Its Contains
// method fits geo.GreatCircle's Urban field. A Set is immutable and safe
// for concurrent use.
type Set struct {
	res   int
	cells map[Cell]struct{}
}

// NewSet returns the set of cells at resolution res covering cells: a
// finer cell adds its parent at res, a coarser one its children at res
// (7 per level: keep coarse cells within a few levels of res). Invalid
// cells are skipped. It panics if res is outside [0, MaxResolution].
func NewSet(res int, cells ...Cell) *Set {
	checkRes(res)
	s := &Set{res: res, cells: make(map[Cell]struct{}, len(cells))}
	for _, c := range cells {
		r := c.Resolution()
		switch {
		case r < 0:
		case r >= res:
			s.cells[c.Parent(res)] = struct{}{}
		default:
			for _, child := range children(c, res) {
				s.cells[child] = struct{}{}
			}
		}
	}
	return s
}

// Resolution returns the set's resolution.
func (s *Set) Resolution() int { return s.res }

// Len returns the number of cells in the set.
func (s *Set) Len() int { return len(s.cells) }

// Has reports whether c, or its H3 parent at the set's resolution if c is
// finer (see [Cell.Parent]), is in the set. A cell coarser than the set is
// never in it.
func (s *Set) Has(c Cell) bool {
	r := c.Resolution()
	if r < s.res {
		return false
	}
	_, ok := s.cells[c.Parent(s.res)]
	return ok
}

// Contains reports whether p's cell is in the set; false for an invalid p.
func (s *Set) Contains(p geo.Point) bool {
	c := Of(p, s.res)
	if c == 0 {
		return false
	}
	_, ok := s.cells[c]
	return ok
}

func children(c Cell, res int) []Cell {
	hs := h3.Cell(c).Children(res)
	out := make([]Cell, len(hs))
	for i, h := range hs {
		out[i] = Cell(h)
	}
	return out
}
