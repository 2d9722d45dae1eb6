// Package cascade is the service's matching engine over the store: it
// matches a case at the shelter hearing ([Engine.Match]), explains a pair
// ([Engine.Explain]), re-solves open holds as one assignment problem
// ([Engine.Rebalance]), and runs the background loops that carry a case
// through its 48 hours: the 48-hour offer cascade ([Engine.Run]) and the
// hold-expiry [Sweeper]. The decisions are the matcher's (pure, time as an
// input); this package reads the store, writes holds and escalations, and
// never reads the wall clock: time is the store's ([Store].Now), so a
// simulator drives the same code with a store on a fake clock.
//
// # The view
//
// Ranking needs the organization's partners by county and program, their
// loads, and each case's offers so far. Reading them from the store on
// every match would scan the roster; instead each replica keeps a view per
// organization. The first use loads a snapshot (the audit log's head, then
// every partner, every assignment and the open cases inside their window);
// from then on the view follows the organization's audit log — the change
// feed every replica shares, written in the same atomic unit as every
// change. Before each match and each cascade pass the view reads the
// events written since its last read (concurrent callers share one read)
// and refetches the partners and assignments they name. A write through
// any replica is therefore seen by every replica's next match.
//
// The view steers ranking only. Whether a partner has room is decided
// inside the store's atomic Reserve, from live holds by the store's clock:
// a stale view can cost a refused reservation, never an overbooked
// partner.
//
// # Matching a case
//
// [Engine.Match] ranks the case's candidates (matcher.Index.Rank over the
// view's index, which the view charges with every held and confirmed
// assignment it reads, so loads come without a lookup per candidate; a
// program that serves by distance rather than county draws them from an
// H3 index of homes, geo/cell; drives come from the engine's travel model
// in one matrix per ranking, or the policy's straight-line estimate),
// then reserves the best eligible partner: one store reservation names
// the five best in rank order (a partner and four alternates), and the
// store places the hold on the first with room in one atomic unit. When
// all five were full (the view was behind), the engine catches up with
// the store and offers the next five of a fresh ranking. Reservation i
// uses the caller's idempotency key suffixed "#i", and both share one
// fingerprint (the case), so a retried request, on any replica, replays
// the first request's reservations and gets its answer and hold, and the
// key sent for another case is refused. (A replica also runs the requests
// that share a key one at a time rather than let them race to the store.)
// A case nobody can take is escalated: the escalation
// (code, reason, time) is recorded on the case with a version-checked
// update, once per code.
//
// # The 48-hour cascade
//
// [Engine.Run] wakes every Interval (and at once on [Engine.Kick], which
// the service calls after a decline, a release or an expiry). It follows
// the cases the audit log shows changing — created, a hold placed,
// declined, expired, released, confirmed — and steps each when it is due
// ([Engine.Step]): matcher.NextOffer decides to offer the best partner not
// yet tried, to wait for an open offer (due again when it ends, or when the
// deadline comes within the policy's escalation margin), to escalate, or
// that the case is done. A new case is left to the intake worker's own
// match for NewCaseGrace.
//
// Several replicas run the cascade on one store without a leader: an offer
// is a reservation under the key cascade:<case>:<offers so far>:<partner>,
// so replicas that take the same decision place one hold, and the store's
// rule of one live hold per case refuses a second offer from a replica
// that decided otherwise; an escalation is recorded once by the case's
// version check.
//
// # The sweeper
//
// A hold stops counting against a partner's capacity the instant the
// store's clock passes its expires_at, whether or not anything here runs:
// the store recomputes capacity from live holds inside every reservation.
// The [Sweeper] only records what has already happened: it asks the store
// to mark passed holds expired (each transition, with its hold.expired
// audit event, happens exactly once inside the store's atomic unit, so
// several service replicas may sweep the same Redis safely) and reports
// them to its callback.
package cascade
