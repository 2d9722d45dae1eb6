package matcher

import (
	"slices"
	"sync"
	"time"

	"github.com/golang/geo/s2"

	"github.com/alongside/alongside"
)

// entry is a partner with its profile: what the hard rules and the soft
// factors read of the partner, prepared once. An [Index] prepares the
// profile when a partner is put and keeps it as long as the partner, so a
// ranking reads compact integers and bit sets instead of walking the
// partner's credential and tag lists for every case. Partners passed
// directly to [Rank] or [Score] get a profile on the spot.
type entry struct {
	p    *alongside.Partner
	slot int32 // in the index's charges; -1: not from an index
	profile
}

type profile struct {
	// The fields the hard rules read, copied so a ranking rarely touches
	// the partner itself; langs and creds point into langBuf and credBuf
	// when they fit, keeping a candidate in a few adjacent cache lines.
	capacity     alongside.LoadUnits
	maxTravel    time.Duration
	caseRefs     bool       // the partner excluded specific cases
	langs        []uint32   // the partner's languages, interned, in order
	creds        []credSpan // trainings and certifications
	langBuf      [3]uint32
	credBuf      [8]credSpan
	closed       int64  // day key of the partner's own case closing; 0: none on record
	recovery     int64  // day key of the recovery start; 0: none
	lived        tagSet // lived experience in the vocabulary
	anySubstance bool   // some lived experience is a substance-use history
	excluded     tagSet // needs the partner declared off limits, in the vocabulary
	evenings     bool
	weekends     bool
	home         s2.Point // the home as a unit vector, when homeOK
	homeOK       bool
}

// credSpan is a credential valid on the day keys [from, to).
type credSpan struct {
	kind     kindKey
	from, to int64
}

// kindKey is a credential kind as a small integer, so a lookup compares
// integers, not strings.
type kindKey uint32

// interner numbers strings 1, 2, … in the order it first sees them. The
// matcher interns credential kinds and language tags: they are as many as
// the distinct values in the rosters and policies (dozens), so the tables
// live as long as the process.
type interner struct {
	mu  sync.RWMutex
	ids map[string]uint32
}

var kindIDs, langIDs = interner{ids: map[string]uint32{}}, interner{ids: map[string]uint32{}}

func (in *interner) id(s string) uint32 {
	in.mu.RLock()
	id, ok := in.ids[s]
	in.mu.RUnlock()
	if ok {
		return id
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if id, ok := in.ids[s]; ok {
		return id
	}
	id = uint32(len(in.ids) + 1)
	in.ids[s] = id
	return id
}

func keyOf(kind string) kindKey { return kindKey(kindIDs.id(kind)) }

func keysOf(ks []string) []kindKey {
	out := make([]kindKey, len(ks))
	for i, k := range ks {
		out[i] = keyOf(k)
	}
	return out
}

// Credential kinds the soft factors look for.
var (
	keyFatherhood = keyOf(alongside.TrainingFatherhood)
	keyICWA       = keyOf(alongside.TrainingICWA)
)

// noExpiry is the day key of a credential that does not expire.
const noExpiry = int64(1) << 62

// dayKey orders dates as alongside.Date.Compare does, in one integer: the
// year, then the month, then the day. Months and days of valid dates fit
// their fields; others are clamped (validated records have none).
func dayKey(d alongside.Date) int64 {
	return int64(d.Year)<<9 | int64(min(max(d.Month, 0), 15))<<5 | int64(min(max(d.Day, 0), 31))
}

func newEntry(p *alongside.Partner) *entry {
	e := &entry{p: p, slot: -1}
	e.capacity, e.maxTravel, e.caseRefs = p.Capacity, p.MaxTravel, len(p.Exclusions.CaseRefs) > 0
	e.langs = e.langBuf[:0]
	for _, l := range p.Languages {
		e.langs = append(e.langs, langIDs.id(l))
	}
	e.creds = e.credBuf[:0]
	for _, c := range slices.Concat(p.Trainings, p.Certifications) {
		to := noExpiry
		if !c.Expires.IsZero() {
			to = dayKey(c.Expires)
		}
		e.creds = append(e.creds, credSpan{kind: keyOf(c.Kind), from: dayKey(c.Completed), to: to})
	}
	if !p.OwnCaseClosed.IsZero() {
		e.closed = dayKey(p.OwnCaseClosed)
	}
	if !p.RecoverySince.IsZero() {
		e.recovery = dayKey(p.RecoverySince)
	}
	for _, t := range p.LivedExperience {
		e.lived |= bitOf(t)
		e.anySubstance = e.anySubstance || t.Part2()
	}
	for _, t := range p.Exclusions.Needs {
		e.excluded |= bitOf(t)
	}
	e.evenings = slices.ContainsFunc(p.Availability, alongside.WeeklyWindow.Evening)
	e.weekends = slices.ContainsFunc(p.Availability, alongside.WeeklyWindow.Weekend)
	if e.homeOK = p.Home.Valid(); e.homeOK {
		e.home = unit(p.Home)
	}
	return e
}

func entriesOf(ps []*alongside.Partner) []*entry {
	out := make([]*entry, len(ps))
	for i, p := range ps {
		out[i] = newEntry(p)
	}
	return out
}

// holds reports whether the partner holds a training or certification of
// kind k valid on day key d.
func (f *profile) holds(k kindKey, d int64) bool {
	for _, c := range f.creds {
		if c.kind == k && c.from <= d && d < c.to {
			return true
		}
	}
	return false
}

func (f *profile) holdsAll(ks []kindKey, d int64) bool {
	for _, k := range ks {
		if !f.holds(k, d) {
			return false
		}
	}
	return true
}

func (f *profile) holdsAny(ks []kindKey, d int64) bool {
	for _, k := range ks {
		if f.holds(k, d) {
			return true
		}
	}
	return false
}

// tagSet is a set of vocabulary tags, one bit each.
type tagSet uint64

var tagBits = func() map[alongside.Tag]tagSet {
	tags := alongside.Tags()
	if len(tags) > 64 {
		panic("matcher: the tag vocabulary outgrew a 64-bit set")
	}
	m := make(map[alongside.Tag]tagSet, len(tags))
	for i, t := range tags {
		m[t] = 1 << i
	}
	return m
}()

// bitOf returns t's bit, or 0 for a tag outside the vocabulary (which
// the rules then look up in the partner's lists).
func bitOf(t alongside.Tag) tagSet { return tagBits[t] }

// livedThrough reports whether the partner lived through need t (bit:
// t's bit, 0 outside the vocabulary).
func (e *entry) livedThrough(t alongside.Tag, bit tagSet) bool {
	if bit != 0 {
		return e.lived&bit != 0
	}
	return slices.Contains(e.p.LivedExperience, t)
}
