// Package storetest is the contract suite every [store.Store] passes, like
// testing/fstest for fs.FS: one [Run] that an implementation's test calls
// with a [Harness] that opens its stores, and one [BenchmarkReserve].
//
// # What the suite checks
//
//   - Roster: create, get, update with optimistic versions, validation,
//     listing in ID order with cursors and filters, for partners, cases and
//     appointments; case external references unique per organization.
//   - Organization isolation of every read, list, transition and the audit
//     log.
//   - Holds: reservation outcomes and refusal reasons, capacity accounting
//     ([store.Load]), the transition table of confirm, decline and release,
//     expiry at exactly ExpiresAt by the store's clock, sweeps that record
//     each expiry once, and one audit event per change with Seq 1..n.
//   - Idempotency (rows B1–B3, B6 of the reliability plan): replays, 16
//     concurrent callers with one key, a key reused with another request,
//     scoping by organization and principal, retention.
//   - The A1 race (ReserveRace): 64 goroutines, 2,000 requests, 10 %
//     retries, a concurrent load watcher; never over capacity.
//   - Concurrent transitions, confirm racing expiry, and durability across
//     [Harness.Reopen].
//
// # Conventions the suite relies on
//
// A store reads its time from the clock the harness passes (a [FakeClock]
// in most subtests), so expiry is tested at exact instants without
// sleeping. Only RealClock uses the implementation's own clock, polling in
// a bounded loop. Subtests do not run in parallel: each opens its own
// store with [Harness.Open], which must return an empty store.
//
// Besides the [store.Store] documentation, the suite fixes these choices:
//
//   - ListAssignments with State held lists live holds only
//     ([store.AssignmentQuery.MatchAt]); an expired hold that no sweep has
//     recorded is not listed as held.
//   - Audit events of a hold (hold.placed, .confirmed, .declined, .expired,
//     .released, and replays of a placed hold) name the assignment
//     (ObjectKind "assignment", ObjectID the hold's ID) with Related
//     "case" and "partner"; hold.expired is by [audit.System].
//     hold.refused and hold.replayed carry the (first) outcome in Outcome.
//   - Repeating a transition that already happened (confirm a confirmed
//     assignment, ...) changes nothing and records no event.
//   - Replay only reads: it records no event.
//   - Cursor.After and Page.Next are record IDs: a listing resumes after
//     the given ID, whether or not it is stored.
//   - An invalid Org or ID on create or update is a *alongside.FieldError
//     for "org" or "id".
//   - An idempotency record is live while the store's clock reads before
//     its creation plus [store.IdempotencyRetention].
package storetest
