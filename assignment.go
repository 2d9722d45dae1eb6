package alongside

import (
	"log/slog"
	"time"

	"github.com/alongside/alongside/geo"
)

// AssignmentState is where a hold of a case on a partner is:
// held → confirmed | declined | expired; confirmed → released.
type AssignmentState string

// Assignment states.
const (
	StateUnspecified AssignmentState = ""
	StateHeld        AssignmentState = "held"      // capacity reserved; offer open until ExpiresAt
	StateConfirmed   AssignmentState = "confirmed" // the partner accepted; load committed
	StateDeclined    AssignmentState = "declined"  // the partner or a coordinator said no
	StateExpired     AssignmentState = "expired"   // the offer window passed unanswered
	StateReleased    AssignmentState = "released"  // a confirmed assignment ended or was undone
)

// Terminal reports whether no further transition is possible.
func (s AssignmentState) Terminal() bool {
	return s == StateDeclined || s == StateExpired || s == StateReleased
}

// Factor is one part of a match score: a factor's value in [0, 1], its
// weight under the program's policy and a short reason a coordinator can
// read to a judge.
type Factor struct {
	Name   string  `json:"name"`   // e.g. "language"
	Value  float64 `json:"value"`  // in [0, 1]
	Weight float64 `json:"weight"` // the policy's weight for this factor
	Reason string  `json:"reason"`
}

// Assignment is a case held for or assigned to a partner. A hold reserves
// the partner's capacity until ExpiresAt; the store counts it while its
// clock reads before ExpiresAt, whatever a sweeper has done.
type Assignment struct {
	Org     OrgID           `json:"org"`
	ID      AssignmentID    `json:"id"`
	Case    CaseID          `json:"case"`
	Partner PartnerID       `json:"partner"`
	Units   LoadUnits       `json:"units"`
	State   AssignmentState `json:"state"`

	Score   float64  `json:"score"`             // 0–100
	Factors []Factor `json:"factors,omitempty"` // the score's parts

	HeldAt    time.Time `json:"held_at"`
	ExpiresAt time.Time `json:"expires_at"` // end of the offer window; never past the case deadline
	DecidedAt time.Time `json:"decided_at,omitzero"`
	// ConfirmedAt is when the partner accepted; it is kept when a confirmed
	// assignment is later released (DecidedAt then moves on). Zero for a
	// hold that was never confirmed.
	ConfirmedAt time.Time `json:"confirmed_at,omitzero"`
	HeldBy      string    `json:"held_by,omitempty"`    // principal that placed the hold
	DecidedBy   string    `json:"decided_by,omitempty"` // principal that confirmed, declined or released
	Reason      string    `json:"reason,omitempty"`     // why declined or released
}

// LiveAt reports whether a is a hold that still reserves capacity at now.
func (a *Assignment) LiveAt(now time.Time) bool {
	return a.State == StateHeld && now.Before(a.ExpiresAt)
}

// LogValue implements slog.LogValuer.
func (a *Assignment) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("org", string(a.Org)), slog.String("assignment", string(a.ID)),
		slog.String("case", string(a.Case)), slog.String("partner", string(a.Partner)),
		slog.String("state", string(a.State)),
	)
}

// Stop is one served appointment in an itinerary.
type Stop struct {
	Appointment AppointmentID   `json:"appointment"`
	Case        CaseID          `json:"case"`
	Kind        AppointmentKind `json:"kind"`
	Place       string          `json:"place,omitempty"` // display name, e.g. a court; never a home address
	Location    geo.Point       `json:"location"`
	Arrival     time.Time       `json:"arrival"`
	Start       time.Time       `json:"start"`
	End         time.Time       `json:"end"`
	TravelTime  time.Duration   `json:"travel_time"`  // the leg that reaches this stop
	TravelMiles float64         `json:"travel_miles"` // the leg that reaches this stop
	Slack       time.Duration   `json:"slack"`        // how much later the stop could start
}

// Itinerary is one partner's planned day.
type Itinerary struct {
	Org      OrgID     `json:"org"`
	Partner  PartnerID `json:"partner"`
	Date     Date      `json:"date"`
	TimeZone string    `json:"time_zone"`
	Stops    []Stop    `json:"stops"`
	// Breaks are the partner's planned breaks (a lunch break on a long
	// day), in time order.
	Breaks []TimeWindow `json:"breaks,omitempty"`

	Start      time.Time     `json:"start"`       // leaving home
	End        time.Time     `json:"end"`         // back home
	DriveTime  time.Duration `json:"drive_time"`  // total, home to home
	DriveMiles float64       `json:"drive_miles"` // total, for mileage reimbursement
	PlannedAt  time.Time     `json:"planned_at"`
}

// Localize shows every time of it in its TimeZone, as decoding from JSON
// or a store loses the zone name (an offset remains). It leaves it as it
// is when TimeZone names no zone.
func (it *Itinerary) Localize() {
	loc, err := LoadZone(it.TimeZone)
	if err != nil {
		return
	}
	in := func(t *time.Time) {
		if !t.IsZero() {
			*t = t.In(loc)
		}
	}
	in(&it.Start)
	in(&it.End)
	in(&it.PlannedAt)
	for i := range it.Stops {
		in(&it.Stops[i].Arrival)
		in(&it.Stops[i].Start)
		in(&it.Stops[i].End)
	}
	for i := range it.Breaks {
		in(&it.Breaks[i].Start)
		in(&it.Breaks[i].End)
	}
}
