// Package redisstore is a [store.Store] on Redis, shared by every replica
// of the service: each state transition is one Lua script that checks,
// changes, appends its audit event and writes its idempotency record
// atomically, on one Redis primary.
//
// # Key layout
//
// Every key of an organization starts with "<prefix>:{<org>}:" (prefix
// [Options.Prefix], default "al"). The braces make the organization the
// Redis Cluster hash tag, so all keys a script touches are in one slot.
// Below, keys are shown after that base:
//
//	partner:<id>     HASH  doc (JSON), ver, cns, uns (created/updated, Unix ns),
//	                       status, cap, committed (units of confirmed
//	                       assignments), held (units of the held set's members)
//	partners         ZSET  partner IDs, score 0: ID order for paging (ZRANGEBYLEX)
//	case:<id>        HASH  doc, ver, cns, uns, status, units, ref, cur (the
//	                       current assignment's ID)
//	cases            ZSET  case IDs
//	caseref:<ref>    STRING the ID of the case with that external reference
//	appt:<id>        HASH  doc, ver, cns, uns
//	appts            ZSET  appointment IDs
//	asg:<id>         HASH  doc (the hold's immutable JSON: case, partner,
//	                       score, factors, expires_at, held_by), state, case,
//	                       partner, units, exp (expiry, Unix ms), held_ns,
//	                       decided_ns, decided_by, reason
//	asgs             ZSET  assignment IDs
//	held:<partner>   ZSET  the partner's held assignment IDs, scored by expiry (ms)
//	pending          ZSET  every held assignment ID, scored by expiry (ms), for sweeps
//	idem:<p>:<key>   STRING the idempotency record (JSON: fingerprint, outcome,
//	                       load, the hold as placed), PX IdempotencyRetention;
//	                       <p> is a SHA-256 prefix of the principal
//	itin:<date>:<partner> STRING an itinerary (JSON) of a day plan
//	itins:<date>     ZSET   the partners with an itinerary that day (lex)
//	auditseq         STRING the last audit sequence number
//	audit            STREAM the audit log, entry ID "<seq>-0"; fields t (Unix
//	                       ns), a (action), k, o (object kind and ID), ac
//	                       (actor JSON), r (related JSON), out (outcome)
//
// One key lies outside the organizations' slots: "<prefix>:orgs", a SET
// of organization IDs behind [Store.Orgs]. It is only an index, added to
// before an organization's first record is created.
//
// # Scripts
//
// The scripts are in lua/ (embedded; lua/common.lua is prepended to each)
// and run with EVALSHA, falling back to EVAL after a server restart:
// reserve, confirm, decline, release, expire (a sweep), create and update
// (roster records, with version check), and two atomic reads, load and
// replay. Keys known before a script runs are passed in KEYS; keys found
// only while it runs (an expired hold in a partner's held set, the case
// and partner of an assignment) are built from KEYS[1], the organization's
// base, and so share its hash tag. A script that fails writes nothing.
//
// Reserve, in one script: read the clock; look up the idempotency record
// (same fingerprint: record a hold.replayed event and return the stored
// result; another fingerprint: [store.ErrKeyReused], nothing written);
// check that partner and case exist and ExpiresAt is after now; record
// the partner's holds whose expiry has passed as expired (each with a
// hold.expired event); decide the outcome — case closed, case taken (a
// confirmed assignment or a live hold), partner not active, full
// (committed + live held + units > capacity) or held; write the hold and
// its indexes or the refusal, its audit event and the idempotency record.
// Refusals are stored under the key like holds. No transition's cost grows
// with a partner's number of holds, apart from the passed holds it records
// as expired: a partner's held units are a counter kept with its held
// set, and after the purge every member of the set is live. Load, which writes nothing, subtracts
// the passed but unrecorded holds from the counter instead.
//
// # Clock
//
// A hold is live while the store's clock reads before its ExpiresAt,
// compared in whole milliseconds; key TTLs play no part. With
// [Options.Clock] nil the clock is Redis TIME, read inside each script:
// one clock for every replica of the service. Tests pass a clock whose
// reading goes to the scripts as an argument. Times the store sets
// (CreatedAt, HeldAt, DecidedAt, audit event times) have the clock's
// full precision (microseconds for Redis TIME).
//
// # Errors
//
// The client never retries (MaxRetries -1): a client-side error leaves
// the outcome unknown, and because every write's idempotency or version
// check is inside its script, the caller's own retry is safe. A dial
// error, connection reset, I/O or pool timeout, or a LOADING / BUSY /
// READONLY / MISCONF reply is [store.ErrUnavailable]; an operation is
// bounded by [Options.OpTimeout] (1 s) and dials by 250 ms; the caller's
// own deadline or cancellation comes back as context.DeadlineExceeded or
// context.Canceled. Errors never carry the URL's credentials. The package
// does not log (go-redis itself may print pool dial failures through its
// own logger, which the program can replace with redis.SetLogger).
//
// # Durability
//
// The promise is for one Redis primary with the AOF on (Open warns when
// appendonly is no, and refuses a maxmemory-policy other than noeviction,
// which could evict holds and idempotency records). Redis writes the AOF
// before it replies, so a crash of redis-server (kill -9) loses no
// acknowledged write with appendfsync everysec or always; an OS crash or
// power loss can lose about the last second of acknowledged writes unless
// appendfsync is always. Replication is asynchronous: a Sentinel or
// Cluster failover can lose acknowledged writes, confirmed assignments
// included.
//
//	Redis store: OS-crash durability needs appendfsync always; the
//	promise is for a single primary; a failover can lose acknowledged
//	writes.
package redisstore
