package alongside

import (
	"log/slog"
	"time"

	"github.com/alongside/alongside/geo"
)

// AppointmentKind is what a stop in a partner's day is.
type AppointmentKind string

// Appointment kinds.
const (
	KindUnspecified     AppointmentKind = ""
	KindCourtHearing    AppointmentKind = "court_hearing"
	KindTeamMeeting     AppointmentKind = "team_meeting" // child-family team, team decision meeting
	KindSupervisedVisit AppointmentKind = "supervised_visit"
	KindClinic          AppointmentKind = "clinic" // clinic, prenatal, hospital, psychiatric
	KindSchoolMeeting   AppointmentKind = "school_meeting"
	KindClass           AppointmentKind = "class" // parenting class
	KindSupportGroup    AppointmentKind = "support_group"
	KindHomeVisit       AppointmentKind = "home_visit"
	KindServiceIntake   AppointmentKind = "service_intake" // treatment, housing, benefits
	KindOther           AppointmentKind = "other"
)

var appointmentKinds = []AppointmentKind{
	KindCourtHearing, KindTeamMeeting, KindSupervisedVisit, KindClinic, KindSchoolMeeting,
	KindClass, KindSupportGroup, KindHomeVisit, KindServiceIntake, KindOther,
}

// AppointmentStatus is where an appointment is on its day.
type AppointmentStatus string

// Appointment statuses. Re-planning keeps done and in-progress stops fixed.
const (
	AppointmentStatusUnspecified AppointmentStatus = ""
	AppointmentScheduled         AppointmentStatus = "scheduled"
	AppointmentInProgress        AppointmentStatus = "in_progress"
	AppointmentDone              AppointmentStatus = "done"
	AppointmentCancelled         AppointmentStatus = "cancelled"
)

// Appointment is a stop in a partner's day: a place, a time and a parent.
// A hearing has a fixed start (FixedStart) that cannot move; a flexible
// stop has one or more windows its start must fall in.
type Appointment struct {
	Org     OrgID         `json:"org"`
	ID      AppointmentID `json:"id"`
	Version int64         `json:"version"` // set by the store

	Case     CaseID          `json:"case"` // the parent the stop is for
	Kind     AppointmentKind `json:"kind"`
	Place    string          `json:"place,omitempty"` // display name, e.g. a court; not a home address
	Location geo.Point       `json:"location"`
	County   string          `json:"county,omitempty"` // FIPS; "" when unknown
	TimeZone string          `json:"time_zone"`

	// FixedStart, when set, is the only start allowed (court hearings).
	FixedStart time.Time `json:"fixed_start,omitzero"`
	// Windows are the intervals the start may fall in when FixedStart is
	// zero; at least one is then required.
	Windows  []TimeWindow  `json:"windows,omitempty"`
	Duration time.Duration `json:"duration"`
	// Priority orders what is served first when not everything fits:
	// 0–100, higher first. Zero takes the kind's default ([DefaultPriority]).
	Priority int `json:"priority,omitempty"`
	// CoverPartners are partners a coordinator allows to cover the stop
	// besides the case's confirmed partner.
	CoverPartners []PartnerID       `json:"cover_partners,omitempty"`
	Status        AppointmentStatus `json:"status"`

	CreatedAt time.Time `json:"created_at"` // set by the store
	UpdatedAt time.Time `json:"updated_at"` // set by the store
}

// DefaultPriority is the priority of a stop of the given kind when the
// appointment sets none. Courts come first.
func DefaultPriority(k AppointmentKind) int {
	switch k {
	case KindCourtHearing:
		return 100
	case KindTeamMeeting:
		return 80
	case KindSupervisedVisit, KindClinic, KindSchoolMeeting:
		return 60
	case KindClass, KindSupportGroup, KindServiceIntake:
		return 40
	}
	return 20
}

// EffectivePriority returns Priority, or the kind's default when unset.
func (a *Appointment) EffectivePriority() int {
	if a.Priority == 0 {
		return DefaultPriority(a.Kind)
	}
	return a.Priority
}

// Fixed reports whether the appointment's start cannot move.
func (a *Appointment) Fixed() bool { return !a.FixedStart.IsZero() }

// StartWindows returns the windows the start may fall in: the single
// instant FixedStart, or Windows.
func (a *Appointment) StartWindows() []TimeWindow {
	if a.Fixed() {
		return []TimeWindow{{Start: a.FixedStart, End: a.FixedStart}}
	}
	return a.Windows
}

// LogValue implements slog.LogValuer: an appointment logs as its IDs only.
func (a *Appointment) LogValue() slog.Value {
	return slog.GroupValue(slog.String("org", string(a.Org)), slog.String("appointment", string(a.ID)))
}

// Normalize sorts the cover partners and shows times in TimeZone when it
// names a zone. Call it before Validate.
func (a *Appointment) Normalize() {
	a.CoverPartners = sortedSet(a.CoverPartners)
	loc, err := LoadZone(a.TimeZone)
	if err != nil {
		return
	}
	if !a.FixedStart.IsZero() {
		a.FixedStart = a.FixedStart.In(loc)
	}
	for i := range a.Windows {
		a.Windows[i].Start = a.Windows[i].Start.In(loc)
		a.Windows[i].End = a.Windows[i].End.In(loc)
	}
}

// Validate reports every invalid field of a as a *FieldError (joined).
func (a *Appointment) Validate() error {
	var pr problems
	pr.add("case", CheckID(string(a.Case)))
	known := false
	for _, k := range appointmentKinds {
		known = known || k == a.Kind
	}
	if !known {
		pr.addf("kind", "%q is not a known appointment kind", string(a.Kind))
	}
	if a.Place != "" {
		pr.add("place", CheckText(a.Place, 120))
	}
	pr.add("location.lat", geo.CheckLat(a.Location.Lat))
	pr.add("location.lng", geo.CheckLng(a.Location.Lng))
	if a.County != "" {
		pr.add("county", checkCounty(a.County))
	}
	pr.add("time_zone", CheckTimeZone(a.TimeZone))
	if a.Fixed() {
		pr.add("fixed_start", checkYears(a.FixedStart))
	}
	switch {
	case a.Fixed() && len(a.Windows) > 0:
		pr.add("windows", "must be empty when fixed_start is set")
	case !a.Fixed() && len(a.Windows) == 0:
		pr.add("windows", "must list at least one window when fixed_start is not set")
	case len(a.Windows) > 16:
		pr.add("windows", "must list at most 16 windows")
	default:
		for i, w := range a.Windows {
			w.check(&pr, IndexField("windows", i))
			if i > 0 && !w.Start.After(a.Windows[i-1].End) {
				pr.add(IndexField("windows", i)+".start", "must be after the previous window's end")
			}
		}
	}
	if a.Duration <= 0 || a.Duration > 12*time.Hour {
		pr.add("duration", "must be more than 0 and at most 12h")
	}
	if a.Priority < 0 || a.Priority > 100 {
		pr.add("priority", "must be between 0 and 100")
	}
	checkPartnerIDs(&pr, "cover_partners", a.CoverPartners)
	switch a.Status {
	case AppointmentScheduled, AppointmentInProgress, AppointmentDone, AppointmentCancelled:
	default:
		pr.add("status", "must be scheduled, in_progress, done or cancelled")
	}
	return pr.err()
}
