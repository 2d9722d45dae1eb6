package alongside

import (
	"log/slog"
	"time"

	"github.com/alongside/alongside/geo"
)

// MatchWindow is how long after a case opens its parent must be matched
// with a partner (one state program's rule): 48 hours.
const MatchWindow = 48 * time.Hour

// ParentRole is the parent's role in the case.
type ParentRole string

// Parent roles.
const (
	ParentRoleUnspecified ParentRole = ""
	ParentRoleMother      ParentRole = "mother"
	ParentRoleFather      ParentRole = "father"
	ParentRoleOther       ParentRole = "other" // another caregiver
)

// ReferralSource is who referred the parent to the program.
type ReferralSource string

// Referral sources.
const (
	ReferralUnspecified ReferralSource = ""
	ReferralCourt       ReferralSource = "court"
	ReferralAgency      ReferralSource = "agency"
	ReferralAttorney    ReferralSource = "attorney" // the parent's attorney
	ReferralSelf        ReferralSource = "self"
)

// CaseStatus is where a case is in the program. Matching progress (held,
// confirmed) is not a case status: it is the state of the case's current
// [Assignment], kept by the store's atomic hold transitions.
type CaseStatus string

// Case statuses: open → post_closure → closed (or open → closed).
const (
	CaseStatusUnspecified CaseStatus = ""
	CaseStatusOpen        CaseStatus = "open"         // in the program: being matched or supported
	CaseStatusPostClosure CaseStatus = "post_closure" // the dependency case closed; lighter support
	CaseStatusClosed      CaseStatus = "closed"       // support ended; no new holds
)

func (s CaseStatus) valid() bool {
	switch s {
	case CaseStatusOpen, CaseStatusPostClosure, CaseStatusClosed:
		return true
	}
	return false
}

// Preferences are what the parent asked for in a partner. They are soft:
// the matcher weighs them, never requires them.
type Preferences struct {
	PartnerGender Gender `json:"partner_gender,omitempty"` // "" for no preference
	Evenings      bool   `json:"evenings,omitempty"`       // meets after work hours
	Weekends      bool   `json:"weekends,omitempty"`
}

// Case is one parent's dependency case as the program sees it. It holds
// the minimum: an agency reference instead of a name, and a coarse home
// area instead of an address.
type Case struct {
	Org     OrgID  `json:"org"`
	ID      CaseID `json:"id"`
	Version int64  `json:"version"` // set by the store; increments on every write

	// ExternalRef is the agency's case reference, unique within the
	// organization. It is not a name.
	ExternalRef string `json:"external_ref"`
	// OpenedAt is when the case opened (the removal), with its zone.
	OpenedAt time.Time `json:"opened_at"`
	County   string    `json:"county"` // FIPS code of the county of the dependency court
	Court    string    `json:"court"`  // court name, e.g. "Mohave County Juvenile Court, Kingman"
	TimeZone string    `json:"time_zone"`
	// HomeArea is the parent's home rounded to two decimals (about 1 km):
	// enough to estimate travel, not enough to find the house.
	HomeArea geo.Point `json:"home_area"`

	ParentRole ParentRole `json:"parent_role"`
	// Languages are BCP 47 tags the parent speaks, first language first.
	Languages []string `json:"languages"`
	// InterpreterOK means an interpreter is arranged, so a partner without a
	// shared language may be offered.
	InterpreterOK bool     `json:"interpreter_ok,omitempty"`
	Identity      Identity `json:"identity"`
	ICWA          bool     `json:"icwa,omitempty"` // the Indian Child Welfare Act applies
	Needs         []Tag    `json:"needs,omitempty"`

	Program          string         `json:"program"` // program key, e.g. "parent_support_now"
	MedicaidEligible bool           `json:"medicaid_eligible,omitempty"`
	Referral         ReferralSource `json:"referral,omitempty"`
	Preferences      Preferences    `json:"preferences"`

	KnownConflicts []PartnerID `json:"known_conflicts,omitempty"` // partners who must not be offered
	// PriorPartners served this parent in a re-opened case, or a related
	// parent (siblings' parents): continuity prefers them.
	PriorPartners []PartnerID `json:"prior_partners,omitempty"`

	Load   LoadUnits  `json:"load"` // units of capacity the case costs; 0 means 1
	Status CaseStatus `json:"status"`
	// Escalation is the latest time coordinators were told the case needs
	// them; nil when never. The service sets it (the 48-hour cascade and
	// MatchCase); API updates of the case keep it.
	Escalation *Escalation `json:"escalation,omitempty"`

	CreatedAt time.Time `json:"created_at"` // set by the store
	UpdatedAt time.Time `json:"updated_at"` // set by the store
}

// Escalation tells coordinators that a case cannot be matched
// automatically, or that its 48-hour deadline is near or past.
type Escalation struct {
	// Code is what to branch on: one of the matcher's escalation codes
	// ("no_eligible_partner", "case_ineligible", "no_capacity",
	// "candidates_exhausted", "deadline_near", "deadline_passed").
	Code string `json:"code"`
	// Reason says why in words for coordinators. It may rest on the
	// parent's needs (42 CFR Part 2 data): show it only to roles that may
	// see them.
	Reason string `json:"reason"`
	// At is when it was recorded, by the store's clock.
	At time.Time `json:"at"`
}

// Deadline returns the instant by which the case must be matched: OpenedAt
// plus [MatchWindow], an instant whatever the zone (48 real hours, even
// across a daylight-saving change in America/Denver).
func (c *Case) Deadline() time.Time { return c.OpenedAt.Add(MatchWindow) }

// Units returns the load the case puts on its partner: Load, or 1 when
// Load is unset.
func (c *Case) Units() LoadUnits {
	if c.Load <= 0 {
		return 1
	}
	return c.Load
}

// LogValue implements slog.LogValuer: a case logs as its IDs only, never
// its reference, area or needs.
func (c *Case) LogValue() slog.Value {
	return slog.GroupValue(slog.String("org", string(c.Org)), slog.String("case", string(c.ID)))
}

// Normalize rewrites c's inputs into canonical form: language tags
// canonicalized and de-duplicated (order kept), sets sorted, the home area
// coarsened to two decimals and OpenedAt shown in TimeZone when it names
// a zone. Call it before Validate.
func (c *Case) Normalize() {
	c.Languages = canonicalLanguages(c.Languages)
	c.Needs = sortedSet(c.Needs)
	c.KnownConflicts = sortedSet(c.KnownConflicts)
	c.PriorPartners = sortedSet(c.PriorPartners)
	if c.HomeArea.Valid() {
		c.HomeArea = c.HomeArea.Round(2)
	}
	if loc, err := LoadZone(c.TimeZone); err == nil && !c.OpenedAt.IsZero() {
		c.OpenedAt = c.OpenedAt.In(loc)
	}
}

// Validate reports every invalid field of c as a *FieldError (joined).
func (c *Case) Validate() error {
	var pr problems
	pr.add("external_ref", CheckID(c.ExternalRef))
	if c.OpenedAt.IsZero() {
		pr.add("opened_at", "must be set")
	} else if y := c.OpenedAt.Year(); y < 2000 || y > 2200 {
		pr.add("opened_at", "must be between the years 2000 and 2200")
	}
	pr.add("county", checkCounty(c.County))
	if c.Court != "" {
		pr.add("court", CheckText(c.Court, 120))
	}
	pr.add("time_zone", CheckTimeZone(c.TimeZone))
	pr.add("home_area.lat", geo.CheckLat(c.HomeArea.Lat))
	pr.add("home_area.lng", geo.CheckLng(c.HomeArea.Lng))
	switch c.ParentRole {
	case ParentRoleMother, ParentRoleFather, ParentRoleOther:
	default:
		pr.add("parent_role", "must be mother, father or other")
	}
	checkLanguages(&pr, "languages", c.Languages, true)
	c.Identity.check(&pr, "identity")
	checkTags(&pr, "needs", c.Needs)
	pr.add("program", CheckKey(c.Program))
	switch c.Referral {
	case ReferralUnspecified, ReferralCourt, ReferralAgency, ReferralAttorney, ReferralSelf:
	default:
		pr.addf("referral", "%q is not a known referral source", string(c.Referral))
	}
	if !c.Preferences.PartnerGender.valid() {
		pr.addf("preferences.partner_gender", "%q is not a known gender", string(c.Preferences.PartnerGender))
	}
	checkPartnerIDs(&pr, "known_conflicts", c.KnownConflicts)
	checkPartnerIDs(&pr, "prior_partners", c.PriorPartners)
	if c.Load < 0 || c.Load > MaxCapacity {
		pr.addf("load", "must be between 0 and %d load units", MaxCapacity)
	}
	if !c.Status.valid() {
		pr.add("status", "must be open, post_closure or closed")
	}
	return pr.err()
}

func checkPartnerIDs(p *problems, field string, ids []PartnerID) {
	if len(ids) > maxListLen {
		p.addf(field, "must list at most %d partners", maxListLen)
		return
	}
	for i, id := range ids {
		p.add(IndexField(field, i), CheckID(string(id)))
	}
}
