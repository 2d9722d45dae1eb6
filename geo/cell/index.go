package cell

import (
	"cmp"
	"fmt"
	"slices"
	"sync"

	"github.com/alongside/alongside/geo"
)

// Index finds IDs near a point: each ID is stored with a point under its
// cell at a fixed resolution, and [Index.Near] reads the k-ring of cells
// that can hold a point within the radius, then keeps the IDs whose point
// is within it. It is safe for concurrent use: many readers, or one writer.
//
// Pick the resolution so typical queries read a few hundred cells at most:
// k grows as radius ÷ [EdgeLength](res) and the disk as 3k². Resolution 6
// (edges ≈ 3.7 km) suits partner searches of 10–60 km; resolution 5
// (≈ 9.9 km) radii of 100 km and more. Whatever the resolution, a query
// whose disk would hold more cells than the index has non-empty ones scans
// the entries instead, so a huge radius costs a scan, not a huge disk.
type Index[ID comparable] struct {
	res int

	mu    sync.RWMutex
	cells map[Cell][]entry[ID]
	byID  map[ID]Cell
	seq   uint64
}

type entry[ID comparable] struct {
	id  ID
	p   geo.Point
	seq uint64 // insertion order, to break distance ties
}

// Hit is an ID found by [Index.Near] with its stored point and its
// great-circle distance from the query point.
type Hit[ID comparable] struct {
	ID       ID
	Point    geo.Point
	Distance geo.Distance
}

// NewIndex returns an empty index at resolution res. It panics if res is
// outside [0, MaxResolution].
func NewIndex[ID comparable](res int) *Index[ID] {
	checkRes(res)
	return &Index[ID]{res: res, cells: make(map[Cell][]entry[ID]), byID: make(map[ID]Cell)}
}

// Resolution returns the index's resolution.
func (x *Index[ID]) Resolution() int { return x.res }

// Len returns the number of IDs in the index.
func (x *Index[ID]) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.byID)
}

// Add stores id at p, replacing id's previous point if it has one. It
// returns an error wrapping geo.ErrInvalidPoint, and changes nothing, if p
// is not valid.
func (x *Index[ID]) Add(id ID, p geo.Point) error {
	if !p.Valid() {
		return fmt.Errorf("cell: index add: %w", geo.ErrInvalidPoint)
	}
	c := Of(p, x.res)
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(id)
	x.seq++
	x.cells[c] = append(x.cells[c], entry[ID]{id: id, p: p, seq: x.seq})
	x.byID[id] = c
	return nil
}

// Remove deletes id and reports whether it was present.
func (x *Index[ID]) Remove(id ID) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.remove(id)
}

func (x *Index[ID]) remove(id ID) bool {
	c, ok := x.byID[id]
	if !ok {
		return false
	}
	delete(x.byID, id)
	bucket := slices.DeleteFunc(x.cells[c], func(e entry[ID]) bool { return e.id == id })
	if len(bucket) == 0 {
		delete(x.cells, c)
	} else {
		x.cells[c] = bucket
	}
	return true
}

// Near returns every ID whose point is within radius of p (great-circle
// distance, inclusive), nearest first; ties keep insertion order. It
// returns nil if p is not valid or radius is negative or NaN.
func (x *Index[ID]) Near(p geo.Point, radius geo.Distance) []Hit[ID] {
	if !p.Valid() || !(radius >= 0) {
		return nil
	}
	origin := Of(p, x.res)
	k := RingsFor(origin, radius)

	x.mu.RLock()
	scan := 3*k*(k+1)+1 >= len(x.cells)
	x.mu.RUnlock()
	var disk []Cell
	if !scan {
		disk = Disk(origin, k) // cgo, outside the lock
	}

	var hits []Hit[ID]
	var seqs []uint64
	collect := func(bucket []entry[ID]) {
		for _, e := range bucket {
			if d := p.DistanceTo(e.p); d <= radius {
				hits = append(hits, Hit[ID]{ID: e.id, Point: e.p, Distance: d})
				seqs = append(seqs, e.seq)
			}
		}
	}
	x.mu.RLock()
	if scan {
		for _, bucket := range x.cells {
			collect(bucket)
		}
	} else {
		for _, c := range disk {
			collect(x.cells[c])
		}
	}
	x.mu.RUnlock()

	order := make([]int, len(hits))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(hits[a].Distance, hits[b].Distance), cmp.Compare(seqs[a], seqs[b]))
	})
	out := make([]Hit[ID], len(hits))
	for i, o := range order {
		out[i] = hits[o]
	}
	return out
}
