package audit

import "time"

// Actor is who asked for a change.
type Actor struct {
	Principal string `json:"principal"`            // stable subject, e.g. an OIDC sub or a service-token name
	Role      string `json:"role,omitempty"`       // the role the principal acted in
	RequestID string `json:"request_id,omitempty"` // correlates with access logs
}

// System is the actor for changes the service makes by itself (the
// expiry sweeper, the cascade).
var System = Actor{Principal: "system:alongside", Role: "system"}

// Actions recorded by the store.
const (
	PartnerCreated     = "partner.created"
	PartnerUpdated     = "partner.updated"
	CaseCreated        = "case.created"
	CaseUpdated        = "case.updated"
	AppointmentCreated = "appointment.created"
	AppointmentUpdated = "appointment.updated"
	HoldPlaced         = "hold.placed"
	HoldRefused        = "hold.refused"
	HoldReplayed       = "hold.replayed"
	HoldConfirmed      = "hold.confirmed"
	HoldDeclined       = "hold.declined"
	HoldExpired        = "hold.expired"
	HoldReleased       = "hold.released"
	PlanSaved          = "plan.saved" // a day plan replaced partners' itineraries
)

// Event is one audited change.
type Event struct {
	Seq        uint64    `json:"seq"` // per organization, from 1, assigned by the store
	Org        string    `json:"org"`
	Time       time.Time `json:"time"` // the store's clock
	Actor      Actor     `json:"actor"`
	Action     string    `json:"action"`      // one of the action constants
	ObjectKind string    `json:"object_kind"` // "partner", "case", "appointment", "assignment", "plan"
	ObjectID   string    `json:"object_id"`
	// Related holds other identifiers the change touched, such as the case
	// and partner of an assignment.
	Related map[string]string `json:"related,omitempty"`
	Outcome string            `json:"outcome,omitempty"` // e.g. "full" for a refused hold
}
