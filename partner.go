package alongside

import (
	"log/slog"
	"slices"
	"time"

	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/geo/county"
)

// LoadUnits measure caseload. A standard active case costs its
// [Case.Load] units (1 by default); a program may give lighter cases (post-
// closure support) fewer units by scaling: e.g. standard = 2, light = 1.
// A partner's [Partner.Capacity] is in the same units.
type LoadUnits int32

// MaxCapacity bounds a partner's capacity: far above any real caseload
// (one program reports 28 parents per partner), low enough that sums cannot
// overflow.
const MaxCapacity LoadUnits = 1000

// PartnerStatus is where a partner is in their employment.
type PartnerStatus string

// Partner statuses. Only active partners receive new matches.
const (
	PartnerStatusUnspecified PartnerStatus = ""
	PartnerStatusOnboarding  PartnerStatus = "onboarding" // hired, training not finished
	PartnerStatusActive      PartnerStatus = "active"
	PartnerStatusOnLeave     PartnerStatus = "on_leave"
	PartnerStatusInactive    PartnerStatus = "inactive" // left the program; kept for history
)

func (s PartnerStatus) valid() bool {
	switch s {
	case PartnerStatusOnboarding, PartnerStatusActive, PartnerStatusOnLeave, PartnerStatusInactive:
		return true
	}
	return false
}

// Credential is a completed training or a held certification.
type Credential struct {
	Kind      string `json:"kind"`             // e.g. "boundaries", "certified_peer_support_specialist"
	Completed Date   `json:"completed"`        // date completed or issued
	Expires   Date   `json:"expires,omitzero"` // zero: does not expire
}

// ValidOn reports whether the credential was completed on or before d and
// has not expired by d.
func (c Credential) ValidOn(d Date) bool {
	return !d.Before(c.Completed) && (c.Expires.IsZero() || d.Before(c.Expires))
}

func checkCredentials(p *problems, field string, creds []Credential) {
	if len(creds) > maxListLen {
		p.addf(field, "must list at most %d entries", maxListLen)
		return
	}
	for i, c := range creds {
		f := IndexField(field, i)
		p.add(f+".kind", CheckKey(c.Kind))
		if !c.Completed.valid() {
			p.add(f+".completed", "must be a date between 1900 and 2200")
		}
		if !c.Expires.IsZero() && (!c.Expires.valid() || !c.Completed.Before(c.Expires)) {
			p.add(f+".expires", "must be a date after completed")
		}
	}
}

// Exclusions are what a partner has declared they will not take, because a
// case too close to their own can retraumatize them or because they know
// the family. The matcher treats every exclusion as a hard rule.
type Exclusions struct {
	Needs    []Tag    `json:"needs,omitempty"`     // cases whose needs include any of these
	CaseRefs []string `json:"case_refs,omitempty"` // specific external case references
}

// Partner is a parent partner: a parent who went through a dependency case,
// trained and paid to walk alongside a parent in a new one.
//
// Identity and lived-experience fields are the partner's own self-disclosed
// data, given with consent for matching.
type Partner struct {
	Org     OrgID     `json:"org"`
	ID      PartnerID `json:"id"`
	Version int64     `json:"version"` // set by the store; increments on every write

	DisplayName string `json:"display_name"` // staff name shown to coordinators

	// Languages are BCP 47 tags in canonical form, the first the partner's
	// strongest. "ase" is American Sign Language.
	Languages []string `json:"languages"`
	Identity  Identity `json:"identity"`
	Gender    Gender   `json:"gender,omitempty"`
	// Father reports whether the partner is a father who went through a
	// case as one (men supporting men).
	Father bool `json:"father,omitempty"`

	LivedExperience []Tag `json:"lived_experience,omitempty"`
	// OwnCaseClosed is when the partner's own dependency case closed.
	OwnCaseClosed Date `json:"own_case_closed"`
	// RecoverySince is the start of the partner's recovery, zero when the
	// partner has no substance-use history.
	RecoverySince Date `json:"recovery_since,omitzero"`

	Trainings      []Credential `json:"trainings,omitempty"`
	Certifications []Credential `json:"certifications,omitempty"`
	Programs       []string     `json:"programs,omitempty"` // program keys the partner works for

	Home           geo.Point     `json:"home"`      // start and end of the partner's day
	TimeZone       string        `json:"time_zone"` // IANA, e.g. America/Phoenix
	CountiesServed []string      `json:"counties_served"`
	MaxTravel      time.Duration `json:"max_travel"` // longest one-way drive to a family; 0: no limit
	HasCar         bool          `json:"has_car,omitempty"`

	Capacity     LoadUnits      `json:"capacity"`
	Availability []WeeklyWindow `json:"availability,omitempty"`
	Exclusions   Exclusions     `json:"exclusions"`
	Status       PartnerStatus  `json:"status"`

	CreatedAt time.Time `json:"created_at"` // set by the store
	UpdatedAt time.Time `json:"updated_at"` // set by the store
}

// LogValue implements slog.LogValuer: a partner logs as its IDs only.
func (p *Partner) LogValue() slog.Value {
	return slog.GroupValue(slog.String("org", string(p.Org)), slog.String("partner", string(p.ID)))
}

// Normalize rewrites p's inputs into canonical form: language tags
// canonicalized and de-duplicated (order kept), and sets (counties,
// programs, tags) sorted and de-duplicated. Call it before Validate.
func (p *Partner) Normalize() {
	p.Languages = canonicalLanguages(p.Languages)
	p.CountiesServed = sortedSet(p.CountiesServed)
	p.Programs = sortedSet(p.Programs)
	p.LivedExperience = sortedSet(p.LivedExperience)
	p.Exclusions.Needs = sortedSet(p.Exclusions.Needs)
	p.Exclusions.CaseRefs = sortedSet(p.Exclusions.CaseRefs)
}

// Validate reports every invalid field of p as a *FieldError (joined).
// It checks p's own content; Org and ID are checked where they are
// assigned, by the store and the API.
func (p *Partner) Validate() error {
	var pr problems
	pr.add("display_name", checkName(p.DisplayName))
	checkLanguages(&pr, "languages", p.Languages, true)
	p.Identity.check(&pr, "identity")
	if !p.Gender.valid() {
		pr.addf("gender", "%q is not a known gender", string(p.Gender))
	}
	checkTags(&pr, "lived_experience", p.LivedExperience)
	if !p.OwnCaseClosed.valid() {
		pr.add("own_case_closed", "must be a date between 1900 and 2200")
	}
	if !p.RecoverySince.IsZero() && !p.RecoverySince.valid() {
		pr.add("recovery_since", "must be a date between 1900 and 2200")
	}
	checkCredentials(&pr, "trainings", p.Trainings)
	checkCredentials(&pr, "certifications", p.Certifications)
	checkKeys(&pr, "programs", p.Programs)
	pr.add("home.lat", geo.CheckLat(p.Home.Lat))
	pr.add("home.lng", geo.CheckLng(p.Home.Lng))
	pr.add("time_zone", CheckTimeZone(p.TimeZone))
	checkCounties(&pr, "counties_served", p.CountiesServed, true)
	if p.MaxTravel < 0 || p.MaxTravel > 24*time.Hour {
		pr.add("max_travel", "must be between 0 (no limit) and 24h")
	}
	if p.Capacity < 0 || p.Capacity > MaxCapacity {
		pr.addf("capacity", "must be between 0 and %d load units", MaxCapacity)
	}
	if len(p.Availability) > 7*8 {
		pr.add("availability", "must list at most 56 weekly windows")
	} else {
		for i, w := range p.Availability {
			w.check(&pr, IndexField("availability", i))
		}
	}
	checkTags(&pr, "exclusions.needs", p.Exclusions.Needs)
	checkRefs(&pr, "exclusions.case_refs", p.Exclusions.CaseRefs)
	if !p.Status.valid() {
		pr.add("status", "must be onboarding, active, on_leave or inactive")
	}
	return pr.err()
}

// HasCredential reports whether p holds the training or certification kind,
// valid on date d.
func (p *Partner) HasCredential(kind string, d Date) bool {
	has := func(c Credential) bool { return c.Kind == kind && c.ValidOn(d) }
	return slices.ContainsFunc(p.Trainings, has) || slices.ContainsFunc(p.Certifications, has)
}

// Serves reports whether p serves the county with FIPS code fips.
func (p *Partner) Serves(fips string) bool {
	return slices.Contains(p.CountiesServed, fips)
}

func checkName(s string) string {
	if s == "" {
		return "must not be empty"
	}
	return CheckText(s, 120)
}

func checkKeys(p *problems, field string, keys []string) {
	if len(keys) > maxListLen {
		p.addf(field, "must list at most %d entries", maxListLen)
		return
	}
	for i, k := range keys {
		p.add(IndexField(field, i), CheckKey(k))
	}
}

func checkRefs(p *problems, field string, refs []string) {
	if len(refs) > maxListLen {
		p.addf(field, "must list at most %d entries", maxListLen)
		return
	}
	for i, r := range refs {
		p.add(IndexField(field, i), CheckID(r))
	}
}

func checkCounties(p *problems, field string, fips []string, required bool) {
	if required && len(fips) == 0 {
		p.add(field, "must list at least one county")
	}
	if len(fips) > maxListLen {
		p.addf(field, "must list at most %d counties", maxListLen)
		return
	}
	for i, f := range fips {
		p.add(IndexField(field, i), checkCounty(f))
	}
}

func checkCounty(fips string) string {
	if _, ok := county.Lookup(fips); !ok {
		return "is not a known county FIPS code"
	}
	return ""
}

func sortedSet[S ~[]E, E ~string](s S) S {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return slices.Compact(s)
}
