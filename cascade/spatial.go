package cascade

import (
	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/geo/cell"
	"github.com/alongside/alongside/matcher"
)

// spatialRes is the H3 resolution of a view's neighbourhood index:
// cells about 10 km across, so the disks a travel limit asks for hold a
// few hundred cells.
const spatialRes = 5

// homes is geo/cell's H3 index of partners' homes as a matcher.Spatial:
// the neighbourhood a program that serves by distance (county rule off)
// draws its candidates from.
type homes struct {
	x *cell.Index[alongside.PartnerID]
}

var _ matcher.Spatial = homes{}

func newHomes() homes { return homes{cell.NewIndex[alongside.PartnerID](spatialRes)} }

// Insert implements matcher.Spatial. A home that is not a valid point
// (validated records have none) is left out: it is near nothing.
func (h homes) Insert(id alongside.PartnerID, home geo.Point) {
	if h.x.Add(id, home) != nil {
		h.x.Remove(id)
	}
}

// Remove implements matcher.Spatial.
func (h homes) Remove(id alongside.PartnerID) { h.x.Remove(id) }

// Near implements matcher.Spatial.
func (h homes) Near(p geo.Point, radius geo.Distance, dst []alongside.PartnerID) []alongside.PartnerID {
	for _, hit := range h.x.Near(p, radius) {
		dst = append(dst, hit.ID)
	}
	return dst
}
