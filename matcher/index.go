package matcher

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
)

// Spatial is a neighbourhood index of partners' homes. The H3 k-ring
// index of geo/cell is meant to satisfy it; [Index] keeps it in step with
// its partners.
type Spatial interface {
	// Insert adds or moves a partner's home.
	Insert(id alongside.PartnerID, home geo.Point)
	// Remove forgets a partner.
	Remove(id alongside.PartnerID)
	// Near appends to dst every partner whose home may lie within radius
	// of p (false positives are allowed, misses are not) and returns it.
	Near(p geo.Point, radius geo.Distance, dst []alongside.PartnerID) []alongside.PartnerID
}

// spatialSpeedMPH is the speed that turns a program's travel limit into a
// search radius. It is deliberately high (no circuity, highway speed) so
// no travel model can reach a partner the radius leaves out.
const spatialSpeedMPH = 75

// Index holds an organization's partners for candidate generation: by
// county served and, optionally, by home location, so a match looks at a
// county's roster rather than the whole one, and, when charged with
// assignments ([Index.Charge]), each partner's load. It is safe for
// concurrent use; readers never wait for each other.
//
// The index stores the *alongside.Partner it is given, with the profile
// ranking reads (credentials, tags and dates in compact form) prepared
// once: callers must not modify a partner after Put (put a new value
// instead). Each partner ID it has seen keeps a slot for its charges,
// also after Remove (IDs are not reused, and slots are a few words each).
type Index struct {
	mu       sync.RWMutex
	byID     map[alongside.PartnerID]*entry
	byCounty map[string][]*entry // sorted by ID; replaced, never modified in place
	// ready holds the active partners of each (county, program): the
	// candidates when the default rules are in force.
	ready   map[countyProgram][]*entry
	all     []*entry // sorted by ID; replaced, never modified in place
	spatial Spatial

	// slots numbers every partner ID the index has seen, put or charged,
	// so capacity charges sit in a slice a ranking indexes directly.
	slots   map[alongside.PartnerID]int32
	charges [][]charge // by slot
}

// charge is one assignment's claim on its partner's capacity: confirmed,
// or held until an instant.
type charge struct {
	id        alongside.AssignmentID
	units     alongside.LoadUnits
	confirmed bool
	until     time.Time // a hold's expiry
}

type countyProgram struct{ county, program string }

// NewIndex returns an empty index. spatial may be nil: candidates then
// come from county lists alone.
func NewIndex(spatial Spatial) *Index {
	return &Index{
		byID:     map[alongside.PartnerID]*entry{},
		byCounty: map[string][]*entry{},
		ready:    map[countyProgram][]*entry{},
		spatial:  spatial,
		slots:    map[alongside.PartnerID]int32{},
	}
}

// Reset replaces the index's partners with ps (later duplicates of an ID
// win), building the lists in one pass: use it to load a roster, Put to
// follow changes. It keeps the capacity charges.
func (x *Index) Reset(ps []*alongside.Partner) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.spatial != nil {
		for id := range x.byID {
			x.spatial.Remove(id)
		}
	}
	x.byID = make(map[alongside.PartnerID]*entry, len(ps))
	for _, p := range ps {
		x.byID[p.ID] = x.newEntry(p)
	}
	x.all = make([]*entry, 0, len(x.byID))
	for _, e := range x.byID {
		x.all = append(x.all, e)
	}
	slices.SortFunc(x.all, func(a, b *entry) int { return strings.Compare(string(a.p.ID), string(b.p.ID)) })
	x.byCounty = map[string][]*entry{}
	x.ready = map[countyProgram][]*entry{}
	for _, e := range x.all { // in ID order, so every list is sorted
		p := e.p
		for _, fips := range p.CountiesServed {
			x.byCounty[fips] = append(x.byCounty[fips], e)
			if p.Status == alongside.PartnerStatusActive {
				for _, prog := range p.Programs {
					k := countyProgram{fips, prog}
					x.ready[k] = append(x.ready[k], e)
				}
			}
		}
		if x.spatial != nil {
			x.spatial.Insert(p.ID, p.Home)
		}
	}
}

// Put adds p or replaces the partner with p's ID.
func (x *Index) Put(p *alongside.Partner) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if old, ok := x.byID[p.ID]; ok {
		x.drop(old.p)
	}
	e := x.newEntry(p)
	x.byID[p.ID] = e
	for _, fips := range p.CountiesServed {
		x.byCounty[fips] = withPartner(x.byCounty[fips], e)
		if p.Status == alongside.PartnerStatusActive {
			for _, prog := range p.Programs {
				k := countyProgram{fips, prog}
				x.ready[k] = withPartner(x.ready[k], e)
			}
		}
	}
	x.all = withPartner(x.all, e)
	if x.spatial != nil {
		x.spatial.Insert(p.ID, p.Home)
	}
}

// Remove deletes the partner with id and reports whether it was there.
func (x *Index) Remove(id alongside.PartnerID) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	old, ok := x.byID[id]
	if !ok {
		return false
	}
	x.drop(old.p)
	delete(x.byID, id)
	if x.spatial != nil {
		x.spatial.Remove(id)
	}
	return true
}

func (x *Index) drop(old *alongside.Partner) {
	for _, fips := range old.CountiesServed {
		if l := withoutPartner(x.byCounty[fips], old.ID); len(l) > 0 {
			x.byCounty[fips] = l
		} else {
			delete(x.byCounty, fips)
		}
		for _, prog := range old.Programs {
			k := countyProgram{fips, prog}
			if l := withoutPartner(x.ready[k], old.ID); len(l) > 0 {
				x.ready[k] = l
			} else {
				delete(x.ready, k)
			}
		}
	}
	x.all = withoutPartner(x.all, old.ID)
}

// newEntry prepares p with its slot; x.mu must be held for writing.
func (x *Index) newEntry(p *alongside.Partner) *entry {
	e := newEntry(p)
	e.slot = x.slot(p.ID)
	return e
}

// slot returns id's slot, numbering it if new; x.mu must be held for
// writing.
func (x *Index) slot(id alongside.PartnerID) int32 {
	s, ok := x.slots[id]
	if !ok {
		s = int32(len(x.charges))
		x.slots[id] = s
		x.charges = append(x.charges, nil)
	}
	return s
}

// Charge records assignment a against its partner's capacity: held and
// confirmed assignments count (a hold until its ExpiresAt), any other
// state removes a's charge. [Index.Rank] reads the charges when its Env
// has no Loads, with no map lookup per candidate; callers that follow
// assignments (the service's view of an organization) charge each one
// as it changes.
func (x *Index) Charge(a *alongside.Assignment) {
	x.mu.Lock()
	defer x.mu.Unlock()
	s := x.slot(a.Partner)
	l := slices.DeleteFunc(x.charges[s], func(c charge) bool { return c.id == a.ID })
	if a.State == alongside.StateHeld || a.State == alongside.StateConfirmed {
		l = append(l, charge{id: a.ID, units: a.Units, confirmed: a.State == alongside.StateConfirmed, until: a.ExpiresAt})
	}
	x.charges[s] = l
}

// Load returns partner id's load at now by the index's charges:
// confirmed units plus the units of holds live at now.
func (x *Index) Load(id alongside.PartnerID, now time.Time) alongside.LoadUnits {
	x.mu.RLock()
	defer x.mu.RUnlock()
	s, ok := x.slots[id]
	if !ok {
		return 0
	}
	return x.loadAt(s, now)
}

// loadAt is Load by slot; x.mu must be held.
func (x *Index) loadAt(slot int32, now time.Time) alongside.LoadUnits {
	var n alongside.LoadUnits
	for _, c := range x.charges[slot] {
		if c.confirmed || now.Before(c.until) {
			n += c.units
		}
	}
	return n
}

func cmpPartner(e *entry, id alongside.PartnerID) int {
	return strings.Compare(string(e.p.ID), string(id))
}

// withPartner returns a new list with e inserted in ID order.
func withPartner(list []*entry, e *entry) []*entry {
	i, _ := slices.BinarySearchFunc(list, e.p.ID, cmpPartner)
	out := make([]*entry, 0, len(list)+1)
	out = append(out, list[:i]...)
	out = append(out, e)
	return append(out, list[i:]...)
}

// withoutPartner returns a new list without id.
func withoutPartner(list []*entry, id alongside.PartnerID) []*entry {
	i, found := slices.BinarySearchFunc(list, id, cmpPartner)
	if !found {
		return list
	}
	out := make([]*entry, 0, len(list)-1)
	out = append(out, list[:i]...)
	return append(out, list[i+1:]...)
}

// Get returns the partner with id.
func (x *Index) Get(id alongside.PartnerID) (*alongside.Partner, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	e, ok := x.byID[id]
	if !ok {
		return nil, false
	}
	return e.p, true
}

// Len returns the number of partners.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.byID)
}

// Candidates returns the partners worth scoring for case c under pol (nil:
// the default policy of c's program), sorted by ID:
//
//   - with [RuleCounty] in force, the partners serving c's county — no scan
//     of the roster — and with [RuleActive] and [RuleProgram] in force too
//     (the default), only the active ones working for c's program;
//   - with a [Spatial] index, a program travel limit ([Travel].Max) and
//     [RuleMaxTravel] in force, only partners whose home lies within the
//     distance that limit could cover (at a generous 75 mph, so no travel
//     model reaches a partner left out). The neighbourhood is asked when
//     the county rule is off (a program that serves by distance), or when
//     the county's list is long (over 1,024) and the radius short (under
//     150 km) enough to cut it;
//   - otherwise every partner.
//
// The remaining hard rules, the cheap ones first, are applied by [Rank];
// [Index.Rank] does both and uses the profiles the index prepared.
func (x *Index) Candidates(c *alongside.Case, pol *Policy) []*alongside.Partner {
	es, _ := x.pool(c, pol)
	out := make([]*alongside.Partner, len(es))
	for i, e := range es {
		out[i] = e.p
	}
	return out
}

// Rank ranks the candidates of case c ([Index.Candidates]) as [Rank]
// does, with the profiles the index prepared when the partners were put
// and without checking again the rules its lists guarantee: the fast path
// for a roster of thousands. When env.Loads is nil, loads come from the
// index's charges ([Index.Charge]) at env.Now.
func (x *Index) Rank(c *alongside.Case, pol *Policy, env Env, k int) *Ranking {
	charged := env.Loads == nil
	if charged {
		env.Loads = func(id alongside.PartnerID) alongside.LoadUnits { return x.Load(id, env.Now) }
	}
	s := NewScorer(c, pol, env)
	x.mu.RLock()
	defer x.mu.RUnlock()
	es, given := x.poolLocked(c, s.pol)
	if charged {
		// While the lock is held, candidates read their charges by slot;
		// explanations asked for later go through env.Loads.
		s.slotLoad = func(slot int32) alongside.LoadUnits { return x.loadAt(slot, env.Now) }
		defer func() { s.slotLoad = nil }()
	}
	return s.rank(es, given, k)
}

// pool returns the candidate entries of [Index.Candidates] and the rules
// every one of them passes by construction. The list may be shared with
// the index: the caller must not modify it.
func (x *Index) pool(c *alongside.Case, pol *Policy) ([]*entry, RuleSet) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.poolLocked(c, pol)
}

// poolLocked is pool; x.mu must be held.
func (x *Index) poolLocked(c *alongside.Case, pol *Policy) ([]*entry, RuleSet) {
	if pol == nil {
		pol = defaultSet().For(c.Program)
	}
	byCounty := pol.Rules.Has(RuleCounty)
	ready := byCounty && pol.Rules.Has(RuleActive) && pol.Rules.Has(RuleProgram)
	list, given := x.all, RuleSet(0)
	switch {
	case ready:
		list = x.ready[countyProgram{c.County, c.Program}]
		given = given.With(RuleCounty).With(RuleActive).With(RuleProgram)
	case byCounty:
		list = x.byCounty[c.County]
		given = given.With(RuleCounty)
	}
	if x.spatial == nil || pol.Travel.Max <= 0 || !pol.Rules.Has(RuleMaxTravel) {
		return list, given
	}
	radius := geo.Distance(pol.Travel.Max.Hours()*spatialSpeedMPH) * geo.Mile
	if byCounty && (len(list) <= spatialMinList || radius >= spatialMaxRadius) {
		return list, given
	}
	ids := x.spatial.Near(c.HomeArea, radius, nil)
	out := make([]*entry, 0, len(ids))
	for _, id := range ids {
		e, ok := x.byID[id]
		if ok && (!byCounty || e.p.Serves(c.County)) &&
			(!ready || e.p.Status == alongside.PartnerStatusActive && slices.Contains(e.p.Programs, c.Program)) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *entry) int { return strings.Compare(string(a.p.ID), string(b.p.ID)) })
	return slices.CompactFunc(out, func(a, b *entry) bool { return a.p.ID == b.p.ID }), given
}

// When a county list is worth cutting by neighbourhood: long lists, short
// radii.
const (
	spatialMinList   = 1024
	spatialMaxRadius = 150 * geo.Kilometer
)
