// Package boltstore is Alongside's embedded system of record: a
// [store.Store] in one bbolt file (go.etcd.io/bbolt), the default when the
// service runs as a single process.
//
// # Layout
//
// The file holds one top-level bucket per organization, named by its
// [alongside.OrgID], and a "_meta" bucket (a name no organization can
// have) with the schema version. An organization's bucket holds these
// sub-buckets; records are JSON, IDs are the keys, so a bucket's cursor
// walks records in ID order:
//
//	partners        partner ID → Partner
//	cases           case ID → Case
//	case_refs       external reference → case ID (unique per organization)
//	appointments    appointment ID → Appointment
//	assignments     assignment ID → Assignment (every state)
//	partner_active  partner ID, 0x00, assignment ID → state, units, expiry
//	                (held and confirmed assignments of the partner)
//	case_current    case ID → ID of its held or confirmed assignment
//	committed       partner ID → confirmed load units (int64, big-endian)
//	expiry          expiry instant, assignment ID → nothing (held only),
//	                in time order for sweeps
//	idempotency     principal, 0x00, key → fingerprint, first result, time
//	                (a record older than store.IdempotencyRetention is
//	                ignored, overwritten when its key is used again, and
//	                deleted by the next ExpireHolds sweep)
//	idempotency_time  creation instant, principal, 0x00, key → nothing,
//	                in time order for pruning
//	itineraries     date, 0x00, partner ID → Itinerary (day plans; optional
//	                in files written before it existed)
//	audit           sequence (uint64, big-endian) → audit.Event
//
// # Holds and capacity
//
// Every write is one bbolt read-write transaction that also appends its
// audit event; the audit sequence is the bucket's own sequence, so Seq
// runs 1..n per organization with no gaps. A reservation checks its
// idempotency record, the partner and the case, recomputes the partner's
// load as committed units plus the units of its live holds (state held and
// the store's clock before ExpiresAt) from partner_active, and writes the
// hold, the indexes, the idempotency record and the event together. An
// expired hold stops counting at its ExpiresAt whatever a sweep has done;
// [Store.ExpireHolds] and a Confirm or Release that finds a hold expired
// record the expiry (state expired, a hold.expired event by
// [audit.System]) exactly once, since each runs in a transaction that
// first sees the state held.
//
// # Durability
//
// Writes go through a group commit: a write that finds no commit running
// commits at once, and the writes that arrive during a commit share the
// next transaction and its fsync. A write is acknowledged only after its
// transaction's commit has been fsynced (NoSync is never set). On a crash
// or a power failure nothing acknowledged is lost; a group whose commit
// had not finished is lost as a whole, and its callers have not been
// answered. Unlike bbolt's DB.Batch, nothing waits for company: with one
// client DB.Batch's 10 ms MaxBatchDelay set the reserve p50 at 13.7 ms
// (reliability.md §5), and even a 2 ms delay was most of a lone match's
// time.
//
// A write function may run more than once (when another function in its
// group fails, the rest run again), so every write function resets its
// results when it starts and has no effect outside its transaction.
// Refusals and domain errors (not found, conflict, key reused) are
// returned from the function as results, not errors, so they never break
// up a group; such a function writes nothing.
package boltstore
