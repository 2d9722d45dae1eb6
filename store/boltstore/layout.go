package boltstore

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// metaBucket holds the schema version; its name is not a valid OrgID.
const metaBucket = "_meta"

// orgTx is one organization's buckets within a transaction.
type orgTx struct {
	org          alongside.OrgID
	partners     *bolt.Bucket
	cases        *bolt.Bucket
	caseRefs     *bolt.Bucket
	appointments *bolt.Bucket
	assignments  *bolt.Bucket
	active       *bolt.Bucket
	current      *bolt.Bucket
	committed    *bolt.Bucket
	expiry       *bolt.Bucket
	idem         *bolt.Bucket
	idemTime     *bolt.Bucket
	audit        *bolt.Bucket
	// itineraries is nil in an organization written before day plans
	// were stored; createOrg adds it.
	itineraries *bolt.Bucket
}

// buckets pairs each sub-bucket's name with its field.
func (o *orgTx) buckets() []struct {
	name string
	b    **bolt.Bucket
} {
	return []struct {
		name string
		b    **bolt.Bucket
	}{
		{"partners", &o.partners},
		{"cases", &o.cases},
		{"case_refs", &o.caseRefs},
		{"appointments", &o.appointments},
		{"assignments", &o.assignments},
		{"partner_active", &o.active},
		{"case_current", &o.current},
		{"committed", &o.committed},
		{"expiry", &o.expiry},
		{"idempotency", &o.idem},
		{"idempotency_time", &o.idemTime},
		{"audit", &o.audit},
	}
}

// openOrg returns org's buckets, or nil if org has none.
func openOrg(tx *bolt.Tx, org alongside.OrgID) *orgTx {
	if alongside.CheckID(string(org)) != "" {
		return nil
	}
	ob := tx.Bucket([]byte(org))
	if ob == nil {
		return nil
	}
	o := &orgTx{org: org}
	for _, sb := range o.buckets() {
		if *sb.b = ob.Bucket([]byte(sb.name)); *sb.b == nil {
			return nil // written by a partial layout: treat as absent
		}
	}
	o.itineraries = ob.Bucket([]byte(itinerariesBucket))
	return o
}

// createOrg returns org's buckets, creating them as needed.
func createOrg(tx *bolt.Tx, org alongside.OrgID) (*orgTx, error) {
	ob, err := tx.CreateBucketIfNotExists([]byte(org))
	if err != nil {
		return nil, fmt.Errorf("org bucket: %w", err)
	}
	o := &orgTx{org: org}
	for _, sb := range o.buckets() {
		if *sb.b, err = ob.CreateBucketIfNotExists([]byte(sb.name)); err != nil {
			return nil, fmt.Errorf("%s bucket: %w", sb.name, err)
		}
	}
	if o.itineraries, err = ob.CreateBucketIfNotExists([]byte(itinerariesBucket)); err != nil {
		return nil, fmt.Errorf("%s bucket: %w", itinerariesBucket, err)
	}
	return o, nil
}

// record appends an audit event with the next sequence number.
func (o *orgTx) record(ev audit.Event) error {
	seq, err := o.audit.NextSequence()
	if err != nil {
		return fmt.Errorf("audit sequence: %w", err)
	}
	ev.Seq = seq
	ev.Org = string(o.org)
	return putJSON(o.audit, seqKey(seq), &ev)
}

func decode(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode record: %w", err)
	}
	return nil
}

// getJSON decodes the record at key into v and reports whether it exists.
func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	return true, decode(data, v)
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode record: %w", err)
	}
	return b.Put(key, data)
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// appendTime appends t as 12 bytes that sort in time order: seconds since
// 1970 with the sign bit flipped, then nanoseconds.
func appendTime(b []byte, t time.Time) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(t.Unix())^(1<<63))
	return binary.BigEndian.AppendUint32(b, uint32(t.Nanosecond()))
}

func readTime(b []byte) time.Time {
	sec := int64(binary.BigEndian.Uint64(b) ^ (1 << 63))
	return time.Unix(sec, int64(binary.BigEndian.Uint32(b[8:12])))
}

// activeKey is a partner_active key: partner ID, 0x00, assignment ID.
// IDs never hold 0x00, so a partner's prefix is unambiguous.
func activeKey(p alongside.PartnerID, a alongside.AssignmentID) []byte {
	return append(append([]byte(p), 0), a...)
}

// Active entries: state byte, units (uint32), ExpiresAt (12 bytes).
const (
	activeHeld      = 'h'
	activeConfirmed = 'c'
)

func activeEntry(state byte, a *alongside.Assignment) []byte {
	b := binary.BigEndian.AppendUint32([]byte{state}, uint32(a.Units))
	return appendTime(b, a.ExpiresAt)
}

func expiryKey(a *alongside.Assignment) []byte { return append(appendTime(nil, a.ExpiresAt), a.ID...) }

// idemKey scopes an idempotency key to its principal. Keys are printable
// ASCII, so the last 0x00 separates the two.
func idemKey(principal, key string) []byte {
	return append(append([]byte(principal), 0), key...)
}

// putIdem stores rec under ikey and indexes it by creation time, replacing
// the index entry of an older record under the same key (old, when found).
func (o *orgTx) putIdem(ikey []byte, rec *idemRecord, old *idemRecord) error {
	if old != nil {
		if err := o.idemTime.Delete(append(appendTime(nil, old.Created), ikey...)); err != nil {
			return err
		}
	}
	if err := o.idemTime.Put(append(appendTime(nil, rec.Created), ikey...), nil); err != nil {
		return err
	}
	return putJSON(o.idem, ikey, rec)
}

// staleIdem returns up to limit idempotency_time keys of records created
// at or before cutoff, oldest first.
func (o *orgTx) staleIdem(cutoff time.Time, limit int) [][]byte {
	var keys [][]byte
	c := o.idemTime.Cursor()
	for k, _ := c.First(); k != nil && len(keys) < limit && len(k) > 12 && !cutoff.Before(readTime(k)); k, _ = c.Next() {
		keys = append(keys, append([]byte(nil), k...))
	}
	return keys
}

// pruneIdem deletes the records behind stale idempotency_time keys.
func (o *orgTx) pruneIdem(keys [][]byte) error {
	for _, k := range keys {
		if err := o.idem.Delete(k[12:]); err != nil {
			return err
		}
		if err := o.idemTime.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// idemRecord is a reservation's stored idempotency record.
type idemRecord struct {
	Fingerprint string       `json:"fingerprint"`
	Created     time.Time    `json:"created"`
	Result      resultRecord `json:"result"`
}

// resultRecord is a stored store.ReserveResult.
type resultRecord struct {
	Outcome   store.Outcome         `json:"outcome"`
	Hold      *alongside.Assignment `json:"hold,omitempty"`
	Reason    string                `json:"reason,omitempty"`
	Partner   alongside.PartnerID   `json:"partner"`
	Capacity  alongside.LoadUnits   `json:"capacity"`
	Committed alongside.LoadUnits   `json:"committed"`
	Held      alongside.LoadUnits   `json:"held"`
}

func toRecord(r *store.ReserveResult) resultRecord {
	return resultRecord{Outcome: r.Outcome, Hold: r.Hold, Reason: r.Reason,
		Partner: r.Load.Partner, Capacity: r.Load.Capacity, Committed: r.Load.Committed, Held: r.Load.Held}
}

func (r resultRecord) result() *store.ReserveResult {
	return &store.ReserveResult{Outcome: r.Outcome, Hold: r.Hold, Reason: r.Reason,
		Load: store.Load{Partner: r.Partner, Capacity: r.Capacity, Committed: r.Committed, Held: r.Held}}
}

// load computes a partner's load at now: committed units plus the units
// of its live holds.
func (o *orgTx) load(p *alongside.Partner, now time.Time) store.Load {
	l := store.Load{Partner: p.ID, Capacity: p.Capacity}
	if v := o.committed.Get([]byte(p.ID)); v != nil {
		l.Committed = alongside.LoadUnits(int64(binary.BigEndian.Uint64(v)))
	}
	prefix := append([]byte(p.ID), 0)
	c := o.active.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) == 17 && v[0] == activeHeld && now.Before(readTime(v[5:])) {
			l.Held += alongside.LoadUnits(binary.BigEndian.Uint32(v[1:5]))
		}
	}
	return l
}

// addCommitted adds units (possibly negative) to a partner's committed
// load.
func (o *orgTx) addCommitted(p alongside.PartnerID, units alongside.LoadUnits) error {
	var n int64
	if v := o.committed.Get([]byte(p)); v != nil {
		n = int64(binary.BigEndian.Uint64(v))
	}
	n += int64(units)
	if n == 0 {
		return o.committed.Delete([]byte(p))
	}
	return o.committed.Put([]byte(p), binary.BigEndian.AppendUint64(nil, uint64(n)))
}

func (o *orgTx) getPartner(id alongside.PartnerID) (*alongside.Partner, error) {
	var p alongside.Partner
	ok, err := getJSON(o.partners, []byte(id), &p)
	if err != nil || !ok {
		return nil, err
	}
	return &p, nil
}

func (o *orgTx) getCase(id alongside.CaseID) (*alongside.Case, error) {
	var c alongside.Case
	ok, err := getJSON(o.cases, []byte(id), &c)
	if err != nil || !ok {
		return nil, err
	}
	return &c, nil
}

func (o *orgTx) getAssignment(id alongside.AssignmentID) (*alongside.Assignment, error) {
	var a alongside.Assignment
	ok, err := getJSON(o.assignments, []byte(id), &a)
	if err != nil || !ok {
		return nil, err
	}
	return &a, nil
}

// caseTaken reports whether the case has a live hold or a confirmed
// assignment at now.
func (o *orgTx) caseTaken(id alongside.CaseID, now time.Time) (bool, error) {
	cur := o.current.Get([]byte(id))
	if cur == nil {
		return false, nil
	}
	a, err := o.getAssignment(alongside.AssignmentID(cur))
	if err != nil || a == nil {
		return false, err
	}
	return a.State == alongside.StateConfirmed || a.LiveAt(now), nil
}

// place writes a new hold and its indexes.
func (o *orgTx) place(a *alongside.Assignment) error {
	return firstErr(
		putJSON(o.assignments, []byte(a.ID), a),
		o.active.Put(activeKey(a.Partner, a.ID), activeEntry(activeHeld, a)),
		o.current.Put([]byte(a.Case), []byte(a.ID)),
		o.expiry.Put(expiryKey(a), nil),
	)
}

// confirm writes a hold turned confirmed and commits its units.
func (o *orgTx) confirm(a *alongside.Assignment) error {
	return firstErr(
		putJSON(o.assignments, []byte(a.ID), a),
		o.active.Put(activeKey(a.Partner, a.ID), activeEntry(activeConfirmed, a)),
		o.expiry.Delete(expiryKey(a)),
		o.addCommitted(a.Partner, a.Units),
	)
}

// end writes an assignment that left state prev for a terminal state and
// drops it from the indexes.
func (o *orgTx) end(a *alongside.Assignment, prev alongside.AssignmentState) error {
	errs := []error{
		putJSON(o.assignments, []byte(a.ID), a),
		o.active.Delete(activeKey(a.Partner, a.ID)),
	}
	if cur := o.current.Get([]byte(a.Case)); string(cur) == string(a.ID) {
		errs = append(errs, o.current.Delete([]byte(a.Case)))
	}
	switch prev {
	case alongside.StateHeld:
		errs = append(errs, o.expiry.Delete(expiryKey(a)))
	case alongside.StateConfirmed:
		errs = append(errs, o.addCommitted(a.Partner, -a.Units))
	}
	return firstErr(errs...)
}

// expire records a hold's expiry, by the system.
func (o *orgTx) expire(a *alongside.Assignment, now time.Time) error {
	a.State = alongside.StateExpired
	a.DecidedAt = a.ExpiresAt
	a.DecidedBy = audit.System.Principal
	if err := o.end(a, alongside.StateHeld); err != nil {
		return err
	}
	return o.record(holdEvent(audit.HoldExpired, a, audit.System, now))
}

// holdEvent is the audit event of a change to assignment a.
func holdEvent(action string, a *alongside.Assignment, by audit.Actor, now time.Time) audit.Event {
	return audit.Event{
		Time: now, Actor: by, Action: action,
		ObjectKind: "assignment", ObjectID: string(a.ID),
		Related: map[string]string{"case": string(a.Case), "partner": string(a.Partner)},
	}
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
