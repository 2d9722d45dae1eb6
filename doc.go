// Package alongside holds Alongside's domain model: parent partners, cases,
// appointments, holds and itineraries, and the validation that guards them.
//
// # Model
//
// A [Partner] is a parent partner: a parent who went through a dependency
// case, is trained, and walks alongside a parent in a new one. A [Case] is
// that new parent's dependency case, held to the minimum (an agency
// reference, a coarse home area). An [Assignment] is a case held for or
// assigned to a partner; it moves held → confirmed | declined | expired and
// confirmed → released. An [Appointment] is a stop in a partner's day, and
// an [Itinerary] is one partner's planned day of stops.
//
// Every record belongs to one organization ([OrgID]).
//
// # Validation
//
// Each record has Normalize, which canonicalizes input (BCP 47 tags, sorted
// sets, a coarse home area), and Validate, which reports every invalid field
// as a [*FieldError] whose Field is the API's field path ("home.lat",
// "availability[2].end"). Validation is pure: no I/O, no clock.
//
// # Time
//
// Instants are time.Time values that carry their zone; a case's 48-hour
// deadline ([Case.Deadline]) is an instant, the same in America/Phoenix and
// America/Denver (the Navajo Nation keeps daylight saving time). Civil dates
// are [Date]; weekly availability is [WeeklyWindow] in the partner's zone.
//
// # Personal data
//
// Partner, Case and Appointment implement slog.LogValuer and log as their
// identifiers only.
package alongside
