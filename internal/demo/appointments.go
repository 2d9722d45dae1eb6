package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/alongside/alongside"
)

// perCase is how many appointments an active case has on Day when
// Options.Appointments is 0: one to five, three on average.
var perCase = []weighted[int]{{1, 1}, {2, 2}, {3, 3}, {4, 2}, {5, 1}}

// appointments generates the stops on Day of the cases active then: open
// or in post-closure support, and opened before Day starts.
func (g *gen) appointments(n int) {
	dayStart := g.day.In(g.phx)
	var active []int
	for i, c := range g.ds.Cases {
		if c.Status != alongside.CaseStatusClosed && c.OpenedAt.Before(dayStart) {
			active = append(active, i)
		}
	}
	if n < 0 || len(active) == 0 {
		return
	}
	per := make([]int, len(active))
	total := 0
	for j := range per {
		if n == 0 {
			per[j] = pick(g.r, perCase)
		} else {
			per[j] = n / len(active)
			if j < n%len(active) {
				per[j]++
			}
		}
		total += per[j]
	}
	for j, ci := range active {
		var day caseDay
		for range per[j] {
			a := g.appointment(id("a", len(g.ds.Appointments), total), ci, &day, n > 0)
			if a == nil {
				break
			}
			g.ds.Appointments = append(g.ds.Appointments, a)
		}
	}
}

// caseDay is what a case already has on Day.
type caseDay struct {
	kinds []alongside.AppointmentKind
	busy  []alongside.TimeWindow // fixed and narrow stops, with a quarter hour either side
}

// appointment draws one stop for case ci, of a kind the case does not have
// yet that day. The first stop of an open case is often its court
// hearing. A parent cannot be in two places at once: a stop whose time
// meets one in day.busy is drawn again, and after a few tries becomes a
// home visit, whose windows leave the time to the planner. If the case
// has one already, appointment returns a second only when exact is set
// (an exact count was asked for), else nil: the case's day is full.
func (g *gen) appointment(aid string, ci int, day *caseDay, exact bool) *alongside.Appointment {
	c := g.ds.Cases[ci]
	for try := 0; ; try++ {
		spec := homeVisit
		switch {
		case try >= 12:
			if !exact && slices.Contains(day.kinds, alongside.KindHomeVisit) {
				return nil
			}
		case len(day.kinds) == 0 && try == 0 && c.Status == alongside.CaseStatusOpen && g.chance(0.6):
			spec = hearing
		default:
			spec = g.stopKind(c, day.kinds)
		}
		a, occupied := g.stop(aid, ci, spec)
		if spec.width < 0 || !overlaps(day.busy, occupied) {
			day.kinds = append(day.kinds, spec.kind)
			if spec.width >= 0 {
				day.busy = append(day.busy, occupied)
			}
			return a
		}
	}
}

// stopKind draws a kind of stop the case does not have yet, weighting
// evening stops by the parent's preference; a home visit when every kind
// is taken.
func (g *gen) stopKind(c *alongside.Case, taken []alongside.AppointmentKind) stopSpec {
	var ws []weighted[stopSpec]
	for _, s := range stops {
		if slices.Contains(taken, s.kind) {
			continue
		}
		w := s.weight
		if s.evening {
			w *= either(c.Preferences.Evenings, 3, 0.5)
		}
		ws = append(ws, weighted[stopSpec]{s, w})
	}
	if len(ws) == 0 {
		return homeVisit
	}
	return pick(g.r, ws)
}

// stop returns an appointment of the given kind for case ci and the
// interval it keeps the parent busy (zero for a flexible stop).
func (g *gen) stop(aid string, ci int, spec stopSpec) (*alongside.Appointment, alongside.TimeWindow) {
	c, rg, town := g.ds.Cases[ci], g.caseRg[ci], g.caseAt[ci]
	a := &alongside.Appointment{Org: g.org, ID: alongside.AppointmentID(aid), Case: c.ID, Kind: spec.kind,
		County: c.County, Status: alongside.AppointmentScheduled}
	switch spec.at {
	case atCourt:
		a.Place, a.Location, a.TimeZone = c.Court, rg.SeatPoint, zonePhoenix
	case atTown:
		a.Place, a.Location, a.TimeZone = fmt.Sprintf(spec.place, town.name), g.near(town, min(town.km, 5)), town.tz
	case atHome:
		a.Location, a.TimeZone = c.HomeArea, c.TimeZone
	}
	loc := g.loc(a.TimeZone)
	at := func(t alongside.TimeOfDay) time.Time {
		return time.Date(g.day.Year, g.day.Month, g.day.Day, int(t)/60, int(t)%60, 0, 0, loc)
	}
	dur := alongside.TimeOfDay(15 * g.between(spec.dur[0]/15, spec.dur[1]/15))
	a.Duration = time.Duration(dur) * time.Minute
	sp := oneOf(g.r, spec.spans)
	var occupied alongside.TimeWindow
	if spec.width < 0 {
		spans := []span{sp}
		if len(spec.spans) > 1 && g.chance(0.3) {
			spans = spec.spans
		}
		for _, s := range spans {
			a.Windows = append(a.Windows, alongside.TimeWindow{Start: at(s.from), End: at(s.to - dur)})
		}
	} else {
		start := sp.from + alongside.TimeOfDay(30*g.r.IntN(int(sp.to-sp.from)/30+1))
		width := alongside.TimeOfDay(spec.width)
		if width == 0 {
			a.FixedStart = at(start)
		} else {
			a.Windows = []alongside.TimeWindow{{Start: at(start), End: at(start + width)}}
		}
		occupied = alongside.TimeWindow{Start: at(start - 15), End: at(start + width + dur + 15)}
	}
	if serving := rg.serving; len(serving) > 0 && g.chance(0.05) {
		a.CoverPartners = []alongside.PartnerID{g.ds.Partners[oneOf(g.r, serving)].ID}
	}
	return a, occupied
}

func overlaps(busy []alongside.TimeWindow, w alongside.TimeWindow) bool {
	for _, b := range busy {
		if w.Start.Before(b.End) && b.Start.Before(w.End) {
			return true
		}
	}
	return false
}
