// Package cascade runs the service's background loops over the store: today
// the hold-expiry sweeper; with the matcher, the 48-hour cascade that moves
// a declined or expired offer to the next candidate and escalates cases
// that run out of time.
//
// # Model
//
// A hold stops counting against a partner's capacity the instant the
// store's clock passes its expires_at, whether or not anything here runs:
// the store recomputes capacity from live holds inside every reservation.
// The [Sweeper] only records what has already happened: it asks the store
// to mark passed holds expired (each transition, with its hold.expired
// audit event, happens exactly once inside the store's atomic unit, so
// several service replicas may sweep the same Redis safely) and reports
// them to its callback, which later issues use to send the next offer.
//
// Nothing here reads the wall clock: the sweeper waits on a ticker, and
// expiry is decided by the store's clock, so a simulator can drive the
// same code with a fake store clock.
package cascade
