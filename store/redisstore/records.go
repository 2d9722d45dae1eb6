package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// kind describes one kind of roster record.
type kind struct {
	name             string // audit ObjectKind
	seg              string // key segment of a record
	index            string // key of the ID index
	created, updated string // audit actions
}

func partnerKind() kind {
	return kind{"partner", "partner", "partners", audit.PartnerCreated, audit.PartnerUpdated}
}

func caseKind() kind {
	return kind{"case", "case", "cases", audit.CaseCreated, audit.CaseUpdated}
}

func appointmentKind() kind {
	return kind{"appointment", "appt", "appts", audit.AppointmentCreated, audit.AppointmentUpdated}
}

// assignmentKind lists assignments like roster records (they are written
// by the hold scripts only).
func assignmentKind() kind { return kind{name: "assignment", seg: "asg", index: "asgs"} }

// recordKey returns the key of a record of kind k.
func (s *Store) recordKey(org alongside.OrgID, k kind, id string) string {
	return s.base(org) + k.seg + ":" + id
}

// write is one create or update of a roster record.
type write struct {
	org     alongside.OrgID
	id      string
	kind    kind
	doc     any    // the record, encoded as JSON
	rel     string // related IDs as a JSON object, "" for none
	ref     string // a case's external reference, "" for other kinds
	version int64  // update: the expected version
	fields  []any  // more hash fields (status, capacity, units) the scripts read
}

// header is what the store sets on a roster record.
type header struct {
	version          int64
	created, updated time.Time
}

// validRecord checks the organization and ID a caller assigned, then the
// record's own Validate result.
func validRecord(org alongside.OrgID, id string, verr error) error {
	var errs []error
	if r := alongside.CheckID(string(org)); r != "" {
		errs = append(errs, &alongside.FieldError{Field: "org", Reason: r})
	}
	if r := alongside.CheckID(id); r != "" {
		errs = append(errs, &alongside.FieldError{Field: "id", Reason: r})
	}
	return errors.Join(append(errs, verr)...)
}

// indexOrg adds org to the set of organizations (once per process). It
// runs before the record's own script: an organization is listed at worst
// without records, never with records and unlisted.
func (s *Store) indexOrg(ctx context.Context, org alongside.OrgID) error {
	if _, ok := s.indexed.Load(org); ok {
		return nil
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	if err := s.rdb.SAdd(octx, s.orgsKey(), string(org)).Err(); err != nil {
		return s.fail(ctx, "index organization", err)
	}
	s.indexed.Store(org, struct{}{})
	return nil
}

// create runs create.lua.
func (s *Store) create(ctx context.Context, by audit.Actor, w write) (header, error) {
	op := "create " + w.kind.name
	if err := s.indexOrg(ctx, w.org); err != nil {
		return header{}, err
	}
	doc, err := json.Marshal(w.doc)
	if err != nil {
		return header{}, fmt.Errorf("redisstore: %s: %w", op, err)
	}
	keys := s.keys(w.org, s.recordKey(w.org, w.kind, w.id), s.base(w.org)+w.kind.index)
	if w.kind.name == "case" {
		keys = append(keys, s.base(w.org)+"caseref:"+w.ref)
	}
	args, err := s.args(by, append([]any{w.id, doc, w.kind.created, w.kind.name, w.rel, w.ref}, w.fields...)...)
	if err != nil {
		return header{}, err
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.sc.create.Run(octx, s.rdb, keys, args...).Slice()
	if err != nil {
		return header{}, s.fail(ctx, op, err)
	}
	if len(res) != 2 {
		return header{}, fmt.Errorf("redisstore: %s: unexpected reply %v", op, res)
	}
	t, err := nsTime(res[1])
	if err != nil {
		return header{}, fmt.Errorf("redisstore: %s: %w", op, err)
	}
	return header{version: 1, created: t, updated: t}, nil
}

// update runs update.lua.
func (s *Store) update(ctx context.Context, by audit.Actor, w write) (header, error) {
	op := "update " + w.kind.name
	doc, err := json.Marshal(w.doc)
	if err != nil {
		return header{}, fmt.Errorf("redisstore: %s: %w", op, err)
	}
	keys := s.keys(w.org, s.recordKey(w.org, w.kind, w.id), s.base(w.org)+w.kind.index)
	if w.kind.name == "case" {
		keys = append(keys, s.base(w.org)+"caseref:"+w.ref)
	}
	args, err := s.args(by, append([]any{w.id, doc, w.kind.updated, w.kind.name, w.rel, w.ref,
		strconv.FormatInt(w.version, 10)}, w.fields...)...)
	if err != nil {
		return header{}, err
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.sc.update.Run(octx, s.rdb, keys, args...).Slice()
	if err != nil {
		return header{}, s.fail(ctx, op, err)
	}
	if len(res) != 3 {
		return header{}, fmt.Errorf("redisstore: %s: unexpected reply %v", op, res)
	}
	ver, ok := res[0].(int64)
	created, err1 := nsTime(res[1])
	updated, err2 := nsTime(res[2])
	if !ok || err1 != nil || err2 != nil {
		return header{}, fmt.Errorf("redisstore: %s: unexpected reply %v", op, res)
	}
	return header{version: ver, created: created, updated: updated}, nil
}

// nsTime decodes a decimal Unix-nanosecond string ("" is the zero time).
func nsTime(v any) (time.Time, error) {
	str, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("time %v is not a string", v)
	}
	if str == "" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(str, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad stored time %q", str)
	}
	return time.Unix(0, n).UTC(), nil
}

// decodeRecord decodes a record hash into dst and returns its header.
func decodeRecord(m map[string]string, dst any) (header, error) {
	var h header
	if err := json.Unmarshal([]byte(m["doc"]), dst); err != nil {
		return h, fmt.Errorf("decode record: %w", err)
	}
	var err error
	if h.version, err = strconv.ParseInt(m["ver"], 10, 64); err != nil {
		return h, fmt.Errorf("decode record version %q", m["ver"])
	}
	if h.created, err = nsTime(m["cns"]); err != nil {
		return h, err
	}
	if h.updated, err = nsTime(m["uns"]); err != nil {
		return h, err
	}
	return h, nil
}

// get reads one record hash; a missing record (or an ID that cannot
// exist) is store.ErrNotFound.
func (s *Store) get(ctx context.Context, org alongside.OrgID, k kind, id string) (map[string]string, error) {
	op := "get " + k.name
	if alongside.CheckID(string(org)) != "" || alongside.CheckID(id) != "" {
		return nil, fmt.Errorf("redisstore: %s: %w", op, store.ErrNotFound)
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	m, err := s.rdb.HGetAll(octx, s.recordKey(org, k, id)).Result()
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("redisstore: %s %s: %w", op, id, store.ErrNotFound)
	}
	return m, nil
}

// list reads one page of records of kind k in ID order: a bounded scan of
// the ID index from cur.After, keeping those match accepts.
func list[T any](ctx context.Context, s *Store, org alongside.OrgID, k kind, cur store.Cursor,
	decode func(map[string]string) (T, error), match func(T) bool) (store.Page[T], error) {
	op := "list " + k.name
	var page store.Page[T]
	if alongside.CheckID(string(org)) != "" {
		return page, nil
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	size := cur.Size()
	maxScan := max(4*size, 200)
	index := s.base(org) + k.index
	pos, scanned := cur.After, 0
	for scanned < maxScan {
		want := min(size-len(page.Items)+1, maxScan-scanned) // one more, to see whether the listing goes on
		from := "-"
		if pos != "" {
			from = "(" + pos
		}
		ids, err := s.rdb.ZRangeArgs(octx, redis.ZRangeArgs{Key: index, Start: from, Stop: "+", ByLex: true, Count: int64(want)}).Result()
		if err != nil {
			return page, s.fail(ctx, op, err)
		}
		cmds := make([]*redis.MapStringStringCmd, len(ids))
		if len(ids) > 0 {
			_, err = s.rdb.Pipelined(octx, func(p redis.Pipeliner) error {
				for i, id := range ids {
					cmds[i] = p.HGetAll(octx, s.recordKey(org, k, id))
				}
				return nil
			})
			if err != nil {
				return page, s.fail(ctx, op, err)
			}
		}
		for i, id := range ids {
			if len(page.Items) == size {
				page.Next = pos // the page is full and id follows it
				return page, nil
			}
			pos = id
			scanned++
			m := cmds[i].Val()
			if len(m) == 0 {
				continue // indexed but gone: cannot happen, scripts write both
			}
			x, err := decode(m)
			if err != nil {
				return page, fmt.Errorf("redisstore: %s: %s: %w", op, id, err)
			}
			if match(x) {
				page.Items = append(page.Items, x)
			}
		}
		if len(ids) < want {
			return page, nil // the end
		}
	}
	page.Next = pos // scan bound reached
	return page, nil
}

// CreatePartner stores a new partner at version 1.
func (s *Store) CreatePartner(ctx context.Context, by audit.Actor, p *alongside.Partner) error {
	if err := validRecord(p.Org, string(p.ID), p.Validate()); err != nil {
		return err
	}
	w := partnerWrite(p)
	w.fields = append(w.fields, "committed", 0, "held", 0)
	h, err := s.create(ctx, by, w)
	if err != nil {
		return err
	}
	p.Version, p.CreatedAt, p.UpdatedAt = h.version, h.created, h.updated
	return nil
}

// UpdatePartner replaces the partner whose version is p.Version.
func (s *Store) UpdatePartner(ctx context.Context, by audit.Actor, p *alongside.Partner) error {
	if err := validRecord(p.Org, string(p.ID), p.Validate()); err != nil {
		return err
	}
	h, err := s.update(ctx, by, partnerWrite(p))
	if err != nil {
		return err
	}
	p.Version, p.CreatedAt, p.UpdatedAt = h.version, h.created, h.updated
	return nil
}

func partnerWrite(p *alongside.Partner) write {
	doc := *p
	doc.Version, doc.CreatedAt, doc.UpdatedAt = 0, time.Time{}, time.Time{}
	return write{org: p.Org, id: string(p.ID), kind: partnerKind(), doc: &doc, version: p.Version,
		fields: []any{"status", string(p.Status), "cap", int64(p.Capacity)}}
}

func decodePartner(m map[string]string) (*alongside.Partner, error) {
	var p alongside.Partner
	h, err := decodeRecord(m, &p)
	if err != nil {
		return nil, err
	}
	p.Version, p.CreatedAt, p.UpdatedAt = h.version, h.created, h.updated
	return &p, nil
}

// GetPartner reads a partner.
func (s *Store) GetPartner(ctx context.Context, org alongside.OrgID, id alongside.PartnerID) (*alongside.Partner, error) {
	m, err := s.get(ctx, org, partnerKind(), string(id))
	if err != nil {
		return nil, err
	}
	p, err := decodePartner(m)
	if err != nil {
		return nil, fmt.Errorf("redisstore: get partner %s: %w", id, err)
	}
	return p, nil
}

// ListPartners lists partners in ID order.
func (s *Store) ListPartners(ctx context.Context, org alongside.OrgID, q store.PartnerQuery) (store.Page[*alongside.Partner], error) {
	return list(ctx, s, org, partnerKind(), q.Cursor, decodePartner, q.Match)
}

// CreateCase stores a new case at version 1; its ExternalRef must be
// free in the organization.
func (s *Store) CreateCase(ctx context.Context, by audit.Actor, c *alongside.Case) error {
	if err := validRecord(c.Org, string(c.ID), c.Validate()); err != nil {
		return err
	}
	h, err := s.create(ctx, by, caseWrite(c))
	if err != nil {
		return err
	}
	c.Version, c.CreatedAt, c.UpdatedAt = h.version, h.created, h.updated
	return nil
}

// UpdateCase replaces the case whose version is c.Version. A changed
// ExternalRef must be free; the old one is freed.
func (s *Store) UpdateCase(ctx context.Context, by audit.Actor, c *alongside.Case) error {
	if err := validRecord(c.Org, string(c.ID), c.Validate()); err != nil {
		return err
	}
	h, err := s.update(ctx, by, caseWrite(c))
	if err != nil {
		return err
	}
	c.Version, c.CreatedAt, c.UpdatedAt = h.version, h.created, h.updated
	return nil
}

func caseWrite(c *alongside.Case) write {
	doc := *c
	doc.Version, doc.CreatedAt, doc.UpdatedAt = 0, time.Time{}, time.Time{}
	return write{org: c.Org, id: string(c.ID), kind: caseKind(), doc: &doc, ref: c.ExternalRef, version: c.Version,
		fields: []any{"status", string(c.Status), "units", int64(c.Units())}}
}

func decodeCase(m map[string]string) (*alongside.Case, error) {
	var c alongside.Case
	h, err := decodeRecord(m, &c)
	if err != nil {
		return nil, err
	}
	c.Version, c.CreatedAt, c.UpdatedAt = h.version, h.created, h.updated
	return &c, nil
}

// GetCase reads a case.
func (s *Store) GetCase(ctx context.Context, org alongside.OrgID, id alongside.CaseID) (*alongside.Case, error) {
	m, err := s.get(ctx, org, caseKind(), string(id))
	if err != nil {
		return nil, err
	}
	c, err := decodeCase(m)
	if err != nil {
		return nil, fmt.Errorf("redisstore: get case %s: %w", id, err)
	}
	return c, nil
}

// ListCases lists cases in ID order.
func (s *Store) ListCases(ctx context.Context, org alongside.OrgID, q store.CaseQuery) (store.Page[*alongside.Case], error) {
	return list(ctx, s, org, caseKind(), q.Cursor, decodeCase, q.Match)
}

// CreateAppointment stores a new appointment at version 1.
func (s *Store) CreateAppointment(ctx context.Context, by audit.Actor, a *alongside.Appointment) error {
	if err := validRecord(a.Org, string(a.ID), a.Validate()); err != nil {
		return err
	}
	w, err := appointmentWrite(a)
	if err != nil {
		return err
	}
	h, err := s.create(ctx, by, w)
	if err != nil {
		return err
	}
	a.Version, a.CreatedAt, a.UpdatedAt = h.version, h.created, h.updated
	return nil
}

// UpdateAppointment replaces the appointment whose version is a.Version.
func (s *Store) UpdateAppointment(ctx context.Context, by audit.Actor, a *alongside.Appointment) error {
	if err := validRecord(a.Org, string(a.ID), a.Validate()); err != nil {
		return err
	}
	w, err := appointmentWrite(a)
	if err != nil {
		return err
	}
	h, err := s.update(ctx, by, w)
	if err != nil {
		return err
	}
	a.Version, a.CreatedAt, a.UpdatedAt = h.version, h.created, h.updated
	return nil
}

func appointmentWrite(a *alongside.Appointment) (write, error) {
	doc := *a
	doc.Version, doc.CreatedAt, doc.UpdatedAt = 0, time.Time{}, time.Time{}
	rel, err := json.Marshal(map[string]string{"case": string(a.Case)})
	if err != nil {
		return write{}, fmt.Errorf("redisstore: %w", err)
	}
	return write{org: a.Org, id: string(a.ID), kind: appointmentKind(), doc: &doc, rel: string(rel), version: a.Version}, nil
}

func decodeAppointment(m map[string]string) (*alongside.Appointment, error) {
	var a alongside.Appointment
	h, err := decodeRecord(m, &a)
	if err != nil {
		return nil, err
	}
	a.Version, a.CreatedAt, a.UpdatedAt = h.version, h.created, h.updated
	return &a, nil
}

// GetAppointment reads an appointment.
func (s *Store) GetAppointment(ctx context.Context, org alongside.OrgID, id alongside.AppointmentID) (*alongside.Appointment, error) {
	m, err := s.get(ctx, org, appointmentKind(), string(id))
	if err != nil {
		return nil, err
	}
	a, err := decodeAppointment(m)
	if err != nil {
		return nil, fmt.Errorf("redisstore: get appointment %s: %w", id, err)
	}
	return a, nil
}

// ListAppointments lists appointments in ID order.
func (s *Store) ListAppointments(ctx context.Context, org alongside.OrgID, q store.AppointmentQuery) (store.Page[*alongside.Appointment], error) {
	return list(ctx, s, org, appointmentKind(), q.Cursor, decodeAppointment, q.Match)
}
