// Package store defines Alongside's system of record: the [Store]
// interface, its query and result types, and the errors callers branch on.
//
// # Model
//
// Every record belongs to one organization ([alongside.OrgID]); every key,
// index and list is scoped by it, and the organization is the unit of
// atomicity: one write touches one organization's records only (in Redis,
// one Cluster hash slot).
//
// The matcher's primitive is the hold: [HoldStore.Reserve] places a hold of
// a case on a partner only if the partner's committed plus live held load
// stays within capacity, and writes the hold, its idempotency record and
// its audit event in one atomic unit. A hold is live while the store's
// clock reads before its ExpiresAt — one clock per store (Redis TIME in
// its scripts, the process clock for the embedded store, a fake clock in
// tests), never key TTLs. Expiry sweeps ([HoldStore.ExpireHolds]) only
// record what has already happened; capacity never waits for them.
//
// Idempotency follows Stripe's rules: a key is scoped to (organization,
// principal), kept for [IdempotencyRetention], and replays the first
// result — refusals included — for the same request fingerprint, while
// another fingerprint under the same key is [ErrKeyReused]. Because a
// client-side error from a remote store means "outcome unknown"
// ([ErrUnavailable]), this check lives inside the atomic unit, which makes
// a blind retry safe.
//
// # Implementations
//
//   - store/boltstore: the embedded default, one bbolt file; concurrent
//     writes share a commit and its fsync (group commit).
//   - store/redisstore: shared by service replicas; one Lua script per
//     transition.
//
// Both pass the contract suite in store/storetest.
package store
