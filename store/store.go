package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
)

// Errors callers branch on. Implementations wrap them (errors.Is works);
// they never return a driver's error unwrapped.
var (
	// ErrNotFound: no such record in the organization.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a record with that ID (or a case with that
	// external reference) exists in the organization.
	ErrAlreadyExists = errors.New("already exists")
	// ErrConflict: an update named a Version that is not the stored one.
	ErrConflict = errors.New("version conflict")
	// ErrHoldExpired: a confirm arrived at or after the hold's ExpiresAt.
	ErrHoldExpired = errors.New("hold expired")
	// ErrBadTransition: the assignment's state does not allow the change
	// (for example confirming a declined hold).
	ErrBadTransition = errors.New("assignment state does not allow this change")
	// ErrKeyReused: an idempotency key was used again with a different
	// request fingerprint.
	ErrKeyReused = errors.New("idempotency key reused with a different request")
	// ErrUnavailable: the store could not be reached or timed out. The
	// outcome of a write that returns it is unknown: retry with the same
	// idempotency key.
	ErrUnavailable = errors.New("store unavailable")
)

// IdempotencyRetention is how long a reservation's idempotency record is
// kept: longer than the 48-hour match window, so any retry within a case's
// life replays.
const IdempotencyRetention = 72 * time.Hour

// MaxPageSize bounds a list page.
const MaxPageSize = 500

// Store is Alongside's system of record. Every method is scoped by an
// organization: records of one organization are invisible to another.
// Every write is one atomic unit (a bbolt transaction, a Redis script)
// that also appends its audit event.
//
// Implementations: boltstore (embedded, the default) and redisstore
// (shared by service replicas). Both pass storetest.Run.
type Store interface {
	RosterStore
	HoldStore
	PlanStore

	// ListAudit returns up to limit audit events of org with Seq > after,
	// in Seq order.
	ListAudit(ctx context.Context, org alongside.OrgID, after uint64, limit int) ([]audit.Event, error)
	// AuditHead returns the Seq of org's latest audit event, 0 when it has
	// none: a reader that loads a snapshot after reading the head and then
	// follows ListAudit from it misses no change.
	AuditHead(ctx context.Context, org alongside.OrgID) (uint64, error)
	// Orgs returns every organization that has records, sorted.
	Orgs(ctx context.Context) ([]alongside.OrgID, error)
	// Close releases the store's resources.
	Close() error
}

// RosterStore holds partners, cases and appointments.
//
// Create methods store a new record whose Org and ID the caller set (IDs
// come from alongside.NewID); they set Version to 1 and CreatedAt and
// UpdatedAt to the store's clock, and return ErrAlreadyExists when the ID
// (or a case's ExternalRef) is taken. Update methods replace the record
// whose Version equals the given one, or return ErrConflict (ErrNotFound
// if absent); on success the record's Version is incremented and
// UpdatedAt set, in the caller's value too. CreatedAt is kept.
// Records are validated by the caller; a store never stores a record that
// fails Validate (it checks and returns the *alongside.FieldError).
type RosterStore interface {
	CreatePartner(ctx context.Context, by audit.Actor, p *alongside.Partner) error
	UpdatePartner(ctx context.Context, by audit.Actor, p *alongside.Partner) error
	GetPartner(ctx context.Context, org alongside.OrgID, id alongside.PartnerID) (*alongside.Partner, error)
	ListPartners(ctx context.Context, org alongside.OrgID, q PartnerQuery) (Page[*alongside.Partner], error)

	CreateCase(ctx context.Context, by audit.Actor, c *alongside.Case) error
	UpdateCase(ctx context.Context, by audit.Actor, c *alongside.Case) error
	GetCase(ctx context.Context, org alongside.OrgID, id alongside.CaseID) (*alongside.Case, error)
	ListCases(ctx context.Context, org alongside.OrgID, q CaseQuery) (Page[*alongside.Case], error)

	CreateAppointment(ctx context.Context, by audit.Actor, a *alongside.Appointment) error
	UpdateAppointment(ctx context.Context, by audit.Actor, a *alongside.Appointment) error
	GetAppointment(ctx context.Context, org alongside.OrgID, id alongside.AppointmentID) (*alongside.Appointment, error)
	ListAppointments(ctx context.Context, org alongside.OrgID, q AppointmentQuery) (Page[*alongside.Appointment], error)
}

// HoldStore places and moves holds: the matcher's atomic primitive.
//
// A hold is live while the store's clock reads before its ExpiresAt
// (never by key TTL). A partner's load is Committed (confirmed
// assignments) + Held (live holds); a reservation is placed only if load +
// units ≤ Capacity. A case has at most one live hold or confirmed
// assignment at a time.
type HoldStore interface {
	// Reserve places a hold of r.Case on r.Partner if capacity allows,
	// else on the first of r.Alternates that has room, in one atomic unit
	// with its idempotency record and audit events (one per partner
	// passed over). A refusal is a result (Outcome and Reason), not an
	// error, and is recorded under the key too: a retry with the same key
	// and fingerprint returns the first result with Replayed set, never a
	// second hold; the same key with another fingerprint is ErrKeyReused.
	// Errors: ErrNotFound (no such partner, r.Partner, or case; a missing
	// alternate is passed over), *FieldError (invalid reservation),
	// ErrKeyReused, ErrUnavailable.
	Reserve(ctx context.Context, r Reservation) (*ReserveResult, error)
	// Replay returns the stored result for an idempotency key of the
	// principal, with Replayed set, or ErrNotFound.
	Replay(ctx context.Context, org alongside.OrgID, principal, key string) (*ReserveResult, error)

	// Confirm turns a live hold into a confirmed assignment, committing its
	// units. Confirming a confirmed assignment returns it unchanged.
	// Errors: ErrHoldExpired (at or after ExpiresAt), ErrBadTransition,
	// ErrNotFound.
	Confirm(ctx context.Context, t Transition) (*alongside.Assignment, error)
	// Decline ends a hold (live or expired-but-unswept) as declined,
	// freeing its units. Declining a declined hold returns it unchanged.
	Decline(ctx context.Context, t Transition) (*alongside.Assignment, error)
	// Release ends a confirmed assignment (or a live hold), freeing its
	// units. Releasing a released assignment returns it unchanged.
	Release(ctx context.Context, t Transition) (*alongside.Assignment, error)
	// ExpireHolds marks up to limit holds of org whose ExpiresAt has passed
	// as expired, each with its hold.expired event, and returns them.
	// Capacity never depends on it having run.
	ExpireHolds(ctx context.Context, org alongside.OrgID, limit int) ([]*alongside.Assignment, error)

	GetAssignment(ctx context.Context, org alongside.OrgID, id alongside.AssignmentID) (*alongside.Assignment, error)
	ListAssignments(ctx context.Context, org alongside.OrgID, q AssignmentQuery) (Page[*alongside.Assignment], error)
	// Load returns a partner's capacity and load in one atomic read.
	Load(ctx context.Context, org alongside.OrgID, id alongside.PartnerID) (Load, error)
	// Now returns the store's clock, the one that decides hold expiry.
	Now(ctx context.Context) (time.Time, error)
}

// MaxPlanItineraries bounds the itineraries (and the partners) of one
// [PlanStore.SavePlan].
const MaxPlanItineraries = 5000

// PlanStore holds day plans: each partner's itinerary for a date, which
// the partner pulls.
//
// Itineraries come back with every time (Start, End, PlannedAt, the
// stops' and breaks' times) in the itinerary's TimeZone, whatever zone
// the saved values used.
type PlanStore interface {
	// SavePlan atomically replaces the stored itineraries of the listed
	// partners for date in org, with one plan.saved audit event
	// (ObjectKind "plan", ObjectID the date, Related "partners" the count
	// of partners). A listed partner without an itinerary in its has its
	// stored itinerary deleted (it has no stops now); partners not listed
	// keep theirs. Errors: *alongside.FieldError when [CheckPlan] refuses
	// the plan (nothing is stored), ErrUnavailable.
	SavePlan(ctx context.Context, by audit.Actor, org alongside.OrgID, date alongside.Date,
		its []*alongside.Itinerary, partners []alongside.PartnerID) error
	// GetItinerary returns a partner's itinerary for date, or ErrNotFound.
	GetItinerary(ctx context.Context, org alongside.OrgID, partner alongside.PartnerID, date alongside.Date) (*alongside.Itinerary, error)
	// ListItineraries lists the itineraries of date in partner ID order;
	// Cursor.After and Page.Next are partner IDs.
	ListItineraries(ctx context.Context, org alongside.OrgID, date alongside.Date, q Cursor) (Page[*alongside.Itinerary], error)
}

// CheckPlan reports why a [PlanStore.SavePlan] of its for partners on
// date in org cannot be stored, as *alongside.FieldError values (joined),
// or nil: org and every partner must be valid IDs, with no partner listed
// twice; date must be a real date; there must be at most
// [MaxPlanItineraries] of each; every itinerary must be non-nil, have Org
// org, Date date, a valid TimeZone and a listed Partner, at most one per
// partner.
func CheckPlan(org alongside.OrgID, date alongside.Date, its []*alongside.Itinerary, partners []alongside.PartnerID) error {
	var errs []error
	bad := func(field, reason string) {
		errs = append(errs, &alongside.FieldError{Field: field, Reason: reason})
	}
	if r := alongside.CheckID(string(org)); r != "" {
		bad("org", r)
	}
	switch {
	case date.IsZero():
		bad("date", "must be set")
	case alongside.DateOf(date.In(time.UTC)) != date || date.Year < 1900 || date.Year > 2200:
		bad("date", "must be a real date")
	}
	limit := "must hold at most " + strconv.Itoa(MaxPlanItineraries)
	if len(partners) > MaxPlanItineraries {
		bad("partners", limit)
	}
	if len(its) > MaxPlanItineraries {
		bad("itineraries", limit)
	}
	if len(partners) > MaxPlanItineraries || len(its) > MaxPlanItineraries {
		return errors.Join(errs...) // too large to report item by item
	}
	listed := make(map[alongside.PartnerID]bool, len(partners))
	for i, p := range partners {
		field := alongside.IndexField("partners", i)
		if r := alongside.CheckID(string(p)); r != "" {
			bad(field, r)
		} else if listed[p] {
			bad(field, "is listed twice")
		}
		listed[p] = true
	}
	planned := make(map[alongside.PartnerID]bool, len(its))
	for i, it := range its {
		field := alongside.IndexField("itineraries", i)
		if it == nil {
			bad(field, "must not be nil")
			continue
		}
		if it.Org != org {
			bad(alongside.JoinField(field, "org"), "must be the plan's organization")
		}
		if it.Date != date {
			bad(alongside.JoinField(field, "date"), "must be the plan's date")
		}
		switch {
		case !listed[it.Partner] || alongside.CheckID(string(it.Partner)) != "":
			bad(alongside.JoinField(field, "partner"), "must be one of the plan's partners")
		case planned[it.Partner]:
			bad(alongside.JoinField(field, "partner"), "has another itinerary in the plan")
		}
		planned[it.Partner] = true
		if r := alongside.CheckTimeZone(it.TimeZone); r != "" {
			bad(alongside.JoinField(field, "time_zone"), r)
		}
	}
	return errors.Join(errs...)
}

// Reservation asks for a hold.
type Reservation struct {
	Org     alongside.OrgID
	Case    alongside.CaseID
	Partner alongside.PartnerID
	// Units is the load to reserve; 0 takes the case's Units().
	Units alongside.LoadUnits
	// ExpiresAt ends the offer window. It must be after the store's now;
	// a hold is never placed already expired.
	ExpiresAt time.Time
	Score     float64
	Factors   []alongside.Factor
	By        audit.Actor
	// Key is the caller's idempotency key (1–255 printable ASCII
	// characters), scoped to (Org, By.Principal).
	Key string
	// Fingerprint identifies the request the key was first used for (for
	// example a hash of the API request). Empty: the store uses Case,
	// Partner, the alternates and Units.
	Fingerprint string
	// Alternates are further partners, best first, tried in the same
	// atomic unit when Partner, and each alternate before, is full or not
	// active: the first with room gets the hold. A closed or taken case
	// ends the reservation at once. At most MaxAlternates, distinct, none
	// of them Partner. The idempotency key covers the whole list.
	Alternates []Alternate
}

// MaxAlternates bounds Reservation.Alternates.
const MaxAlternates = 9

// Alternate is a further partner of a reservation, with the score its
// hold would record.
type Alternate struct {
	Partner alongside.PartnerID
	Score   float64
	Factors []alongside.Factor
}

// Candidates returns the partners r tries, in order: Partner, then the
// alternates.
func (r *Reservation) Candidates() []Alternate {
	return append([]Alternate{{Partner: r.Partner, Score: r.Score, Factors: r.Factors}}, r.Alternates...)
}

// Outcome is the result of a reservation.
type Outcome string

// Reservation outcomes.
const (
	OutcomeHeld               Outcome = "held"                // the hold was placed
	OutcomeFull               Outcome = "full"                // the partner has no room for the units
	OutcomeCaseTaken          Outcome = "case_taken"          // the case has a live hold or a confirmed partner
	OutcomePartnerUnavailable Outcome = "partner_unavailable" // the partner is not active
	OutcomeCaseClosed         Outcome = "case_closed"         // the case is closed
)

// ReserveResult is what a reservation did.
type ReserveResult struct {
	// Outcome is held, or the refusal of the last partner tried (a closed
	// or taken case is refused before any partner).
	Outcome Outcome
	// Hold is the placed hold (Outcome held), or nil. Its Partner says
	// which of the reservation's candidates got it.
	Hold *alongside.Assignment
	// Reason says why a reservation was refused, in words for a person.
	Reason string
	// Load is the load, right after the reservation, of the partner that
	// got the hold or else of the last partner tried.
	Load Load
	// Replayed is set when the result comes from an earlier request with
	// the same idempotency key.
	Replayed bool
}

// Transition moves an assignment.
type Transition struct {
	Org    alongside.OrgID
	ID     alongside.AssignmentID
	By     audit.Actor
	Reason string // why declined or released; optional
}

// Load is a partner's capacity and use, in load units.
type Load struct {
	Partner   alongside.PartnerID
	Capacity  alongside.LoadUnits
	Committed alongside.LoadUnits // confirmed assignments
	Held      alongside.LoadUnits // live holds
}

// Free returns the units still available.
func (l Load) Free() alongside.LoadUnits { return l.Capacity - l.Committed - l.Held }

// Page is one page of a list. Next is the cursor for the next page, "" at
// the end. A page may hold fewer than PageSize items (filters are applied
// to a bounded scan) and still have a Next.
type Page[T any] struct {
	Items []T
	Next  string
}

// Cursor is the paging part of every query.
type Cursor struct {
	// After resumes a listing: the Next of the previous page, "" to start.
	After string
	// PageSize is the most items to return; 0 means 50, values above
	// MaxPageSize are clamped.
	PageSize int
}

// Size returns the effective page size.
func (c Cursor) Size() int {
	switch {
	case c.PageSize <= 0:
		return 50
	case c.PageSize > MaxPageSize:
		return MaxPageSize
	}
	return c.PageSize
}

// PartnerQuery filters partners; zero fields match everything. Results are
// in ID order.
type PartnerQuery struct {
	Cursor
	Status  alongside.PartnerStatus
	County  string // serves this county (FIPS)
	Program string
}

// Match reports whether p passes the filters.
func (q PartnerQuery) Match(p *alongside.Partner) bool {
	return (q.Status == "" || p.Status == q.Status) &&
		(q.County == "" || p.Serves(q.County)) &&
		(q.Program == "" || contains(p.Programs, q.Program))
}

// CaseQuery filters cases; zero fields match everything. Results are in ID
// order.
type CaseQuery struct {
	Cursor
	Status       alongside.CaseStatus
	County       string
	Program      string
	OpenedAfter  time.Time // inclusive
	OpenedBefore time.Time // exclusive
}

// Match reports whether c passes the filters.
func (q CaseQuery) Match(c *alongside.Case) bool {
	return (q.Status == "" || c.Status == q.Status) &&
		(q.County == "" || c.County == q.County) &&
		(q.Program == "" || c.Program == q.Program) &&
		(q.OpenedAfter.IsZero() || !c.OpenedAt.Before(q.OpenedAfter)) &&
		(q.OpenedBefore.IsZero() || c.OpenedAt.Before(q.OpenedBefore))
}

// AppointmentQuery filters appointments; zero fields match everything.
// Results are in ID order.
type AppointmentQuery struct {
	Cursor
	Case   alongside.CaseID
	Status alongside.AppointmentStatus
	// From and To select appointments that may start in [From, To): a fixed
	// start in it, or a window overlapping it.
	From, To time.Time
}

// Match reports whether a passes the filters.
func (q AppointmentQuery) Match(a *alongside.Appointment) bool {
	if (q.Case != "" && a.Case != q.Case) || (q.Status != "" && a.Status != q.Status) {
		return false
	}
	if q.From.IsZero() && q.To.IsZero() {
		return true
	}
	for _, w := range a.StartWindows() {
		if (q.To.IsZero() || w.Start.Before(q.To)) && (q.From.IsZero() || !w.End.Before(q.From)) {
			return true
		}
	}
	return false
}

// AssignmentQuery filters assignments; zero fields match everything.
// Results are in ID order.
//
// State held selects live holds only, by the store's clock: a hold whose
// ExpiresAt has passed is not listed as held, although it keeps State
// held in storage until an expiry sweep (or a transition that finds it
// expired) records it as expired. So a pending-holds listing never shows
// a hold that no longer reserves capacity. See [AssignmentQuery.MatchAt].
type AssignmentQuery struct {
	Cursor
	State   alongside.AssignmentState
	Case    alongside.CaseID
	Partner alongside.PartnerID
}

// Match reports whether a passes the filters.
func (q AssignmentQuery) Match(a *alongside.Assignment) bool {
	return (q.State == "" || a.State == q.State) &&
		(q.Case == "" || a.Case == q.Case) &&
		(q.Partner == "" || a.Partner == q.Partner)
}

// MatchAt reports whether a passes the filters at the store's time now:
// Match, except that State held matches only holds live at now
// ([alongside.Assignment.LiveAt]). Stores list by MatchAt.
func (q AssignmentQuery) MatchAt(a *alongside.Assignment, now time.Time) bool {
	return q.Match(a) && (q.State != alongside.StateHeld || a.LiveAt(now))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Walk pages through a list until its end: list reads the page at
// cursor.After (the caller's query holds cursor), and every item goes to
// fn. It stops at the first error, or when ctx is done.
func Walk[T any](ctx context.Context, cursor *Cursor, list func() (Page[T], error), fn func(T)) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := list()
		if err != nil {
			return err
		}
		for _, it := range p.Items {
			fn(it)
		}
		if p.Next == "" {
			return nil
		}
		cursor.After = p.Next
	}
}
