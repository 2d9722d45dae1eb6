package boltstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// kind describes one kind of roster record for the shared create, update,
// get and list code.
type kind[T any] struct {
	name             string // audit ObjectKind and error noun
	created, updated string // audit actions
	bucket           func(o *orgTx) *bolt.Bucket
	ident            func(*T) (alongside.OrgID, string)
	stamps           func(*T) (version *int64, createdAt, updatedAt *time.Time)
	validate         func(*T) error
	// check, if set, returns a domain error before anything is written;
	// old is nil on create.
	check func(o *orgTx, old, rec *T) error
	// index, if set, updates indexes after rec is written.
	index func(o *orgTx, old, rec *T) error
}

func partnerKind() kind[alongside.Partner] {
	return kind[alongside.Partner]{
		name: "partner", created: audit.PartnerCreated, updated: audit.PartnerUpdated,
		bucket: func(o *orgTx) *bolt.Bucket { return o.partners },
		ident:  func(p *alongside.Partner) (alongside.OrgID, string) { return p.Org, string(p.ID) },
		stamps: func(p *alongside.Partner) (*int64, *time.Time, *time.Time) {
			return &p.Version, &p.CreatedAt, &p.UpdatedAt
		},
		validate: (*alongside.Partner).Validate,
	}
}

func caseKind() kind[alongside.Case] {
	return kind[alongside.Case]{
		name: "case", created: audit.CaseCreated, updated: audit.CaseUpdated,
		bucket: func(o *orgTx) *bolt.Bucket { return o.cases },
		ident:  func(c *alongside.Case) (alongside.OrgID, string) { return c.Org, string(c.ID) },
		stamps: func(c *alongside.Case) (*int64, *time.Time, *time.Time) {
			return &c.Version, &c.CreatedAt, &c.UpdatedAt
		},
		validate: (*alongside.Case).Validate,
		check: func(o *orgTx, _, c *alongside.Case) error {
			if id := o.caseRefs.Get([]byte(c.ExternalRef)); id != nil && string(id) != string(c.ID) {
				return fmt.Errorf("external reference: %w", store.ErrAlreadyExists)
			}
			return nil
		},
		index: func(o *orgTx, old, c *alongside.Case) error {
			if old != nil && old.ExternalRef != c.ExternalRef {
				if err := o.caseRefs.Delete([]byte(old.ExternalRef)); err != nil {
					return err
				}
			}
			return o.caseRefs.Put([]byte(c.ExternalRef), []byte(c.ID))
		},
	}
}

func appointmentKind() kind[alongside.Appointment] {
	return kind[alongside.Appointment]{
		name: "appointment", created: audit.AppointmentCreated, updated: audit.AppointmentUpdated,
		bucket: func(o *orgTx) *bolt.Bucket { return o.appointments },
		ident:  func(a *alongside.Appointment) (alongside.OrgID, string) { return a.Org, string(a.ID) },
		stamps: func(a *alongside.Appointment) (*int64, *time.Time, *time.Time) {
			return &a.Version, &a.CreatedAt, &a.UpdatedAt
		},
		validate: (*alongside.Appointment).Validate,
	}
}

// create stores a new record: Version 1, both stamps now.
func (k kind[T]) create(ctx context.Context, s *Store, by audit.Actor, rec *T) error {
	org, id := k.ident(rec)
	op := "create " + k.name + " " + id
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := errors.Join(checkIDs(org, id), k.validate(rec)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	var (
		out    T
		outErr error
	)
	err := s.commits.update(func(tx *bolt.Tx) error {
		out, outErr = *rec, nil
		now := s.clock()
		if o := openOrg(tx, org); o != nil {
			if k.bucket(o).Get([]byte(id)) != nil {
				outErr = store.ErrAlreadyExists
				return nil
			}
			if k.check != nil {
				if outErr = k.check(o, nil, rec); outErr != nil {
					return nil
				}
			}
		}
		o, err := createOrg(tx, org)
		if err != nil {
			return err
		}
		v, c, u := k.stamps(&out)
		*v, *c, *u = 1, now, now
		if err := putJSON(k.bucket(o), []byte(id), &out); err != nil {
			return err
		}
		if k.index != nil {
			if err := k.index(o, nil, &out); err != nil {
				return err
			}
		}
		return o.record(audit.Event{Time: now, Actor: by, Action: k.created, ObjectKind: k.name, ObjectID: id})
	})
	if err = errors.Join(driverErr(err), outErr); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	*rec = out
	return nil
}

// update replaces the record whose Version equals rec's.
func (k kind[T]) update(ctx context.Context, s *Store, by audit.Actor, rec *T) error {
	org, id := k.ident(rec)
	op := "update " + k.name + " " + id
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := errors.Join(checkIDs(org, id), k.validate(rec)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	var (
		out    T
		outErr error
	)
	err := s.commits.update(func(tx *bolt.Tx) error {
		out, outErr = *rec, nil
		now := s.clock()
		o := openOrg(tx, org)
		if o == nil {
			outErr = store.ErrNotFound
			return nil
		}
		var old T
		found, err := getJSON(k.bucket(o), []byte(id), &old)
		switch {
		case err != nil:
			return err
		case !found:
			outErr = store.ErrNotFound
			return nil
		}
		oldV, oldC, _ := k.stamps(&old)
		v, c, u := k.stamps(&out)
		if *oldV != *v {
			outErr = store.ErrConflict
			return nil
		}
		if k.check != nil {
			if outErr = k.check(o, &old, rec); outErr != nil {
				return nil
			}
		}
		*v, *c, *u = *oldV+1, *oldC, now
		if err := putJSON(k.bucket(o), []byte(id), &out); err != nil {
			return err
		}
		if k.index != nil {
			if err := k.index(o, &old, &out); err != nil {
				return err
			}
		}
		return o.record(audit.Event{Time: now, Actor: by, Action: k.updated, ObjectKind: k.name, ObjectID: id})
	})
	if err = errors.Join(driverErr(err), outErr); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	*rec = out
	return nil
}

// get reads one record.
func (k kind[T]) get(ctx context.Context, s *Store, org alongside.OrgID, id string) (*T, error) {
	op := "get " + k.name + " " + id
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var rec *T
	err := s.db.View(func(tx *bolt.Tx) error {
		rec = nil
		o := openOrg(tx, org)
		if o == nil {
			return nil
		}
		var v T
		found, err := getJSON(k.bucket(o), []byte(id), &v)
		if found && err == nil {
			rec = &v
		}
		return err
	})
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: %w", op, driverErr(err))
	case rec == nil:
		return nil, fmt.Errorf("%s: %w", op, store.ErrNotFound)
	}
	return rec, nil
}

// CreatePartner stores a new partner; see store.RosterStore.
func (s *Store) CreatePartner(ctx context.Context, by audit.Actor, p *alongside.Partner) error {
	return partnerKind().create(ctx, s, by, p)
}

// UpdatePartner replaces a partner; see store.RosterStore.
func (s *Store) UpdatePartner(ctx context.Context, by audit.Actor, p *alongside.Partner) error {
	return partnerKind().update(ctx, s, by, p)
}

// GetPartner returns a partner or store.ErrNotFound.
func (s *Store) GetPartner(ctx context.Context, org alongside.OrgID, id alongside.PartnerID) (*alongside.Partner, error) {
	return partnerKind().get(ctx, s, org, string(id))
}

// ListPartners lists partners in ID order.
func (s *Store) ListPartners(ctx context.Context, org alongside.OrgID, q store.PartnerQuery) (store.Page[*alongside.Partner], error) {
	return list(ctx, s, "list partners", org, q.Cursor, func(o *orgTx) *bolt.Bucket { return o.partners }, q.Match)
}

// CreateCase stores a new case; its ExternalRef must be unused in the
// organization.
func (s *Store) CreateCase(ctx context.Context, by audit.Actor, c *alongside.Case) error {
	return caseKind().create(ctx, s, by, c)
}

// UpdateCase replaces a case; see store.RosterStore.
func (s *Store) UpdateCase(ctx context.Context, by audit.Actor, c *alongside.Case) error {
	return caseKind().update(ctx, s, by, c)
}

// GetCase returns a case or store.ErrNotFound.
func (s *Store) GetCase(ctx context.Context, org alongside.OrgID, id alongside.CaseID) (*alongside.Case, error) {
	return caseKind().get(ctx, s, org, string(id))
}

// ListCases lists cases in ID order.
func (s *Store) ListCases(ctx context.Context, org alongside.OrgID, q store.CaseQuery) (store.Page[*alongside.Case], error) {
	return list(ctx, s, "list cases", org, q.Cursor, func(o *orgTx) *bolt.Bucket { return o.cases }, q.Match)
}

// CreateAppointment stores a new appointment; see store.RosterStore.
func (s *Store) CreateAppointment(ctx context.Context, by audit.Actor, a *alongside.Appointment) error {
	return appointmentKind().create(ctx, s, by, a)
}

// UpdateAppointment replaces an appointment; see store.RosterStore.
func (s *Store) UpdateAppointment(ctx context.Context, by audit.Actor, a *alongside.Appointment) error {
	return appointmentKind().update(ctx, s, by, a)
}

// GetAppointment returns an appointment or store.ErrNotFound.
func (s *Store) GetAppointment(ctx context.Context, org alongside.OrgID, id alongside.AppointmentID) (*alongside.Appointment, error) {
	return appointmentKind().get(ctx, s, org, string(id))
}

// ListAppointments lists appointments in ID order.
func (s *Store) ListAppointments(ctx context.Context, org alongside.OrgID, q store.AppointmentQuery) (store.Page[*alongside.Appointment], error) {
	return list(ctx, s, "list appointments", org, q.Cursor, func(o *orgTx) *bolt.Bucket { return o.appointments }, q.Match)
}

// scanFactor bounds a list call: it examines at most this many records per
// item of the page size, then returns a short page with a Next.
const scanFactor = 10

// list scans a bucket in ID order after cur.After and returns the records
// that match.
func list[T any](ctx context.Context, s *Store, op string, org alongside.OrgID, cur store.Cursor,
	bucket func(*orgTx) *bolt.Bucket, match func(*T) bool) (store.Page[*T], error) {
	if err := ctx.Err(); err != nil {
		return store.Page[*T]{}, fmt.Errorf("%s: %w", op, err)
	}
	size := cur.Size()
	var page store.Page[*T]
	err := s.db.View(func(tx *bolt.Tx) error {
		page = store.Page[*T]{}
		o := openOrg(tx, org)
		if o == nil {
			return nil
		}
		c := bucket(o).Cursor()
		k, v := c.First()
		if cur.After != "" {
			k, v = c.Seek([]byte(cur.After))
			if k != nil && string(k) == cur.After {
				k, v = c.Next()
			}
		}
		var last []byte
		for examined := 0; k != nil && len(page.Items) < size && examined < scanFactor*size; k, v = c.Next() {
			examined++
			last = k
			rec := new(T)
			if err := decode(v, rec); err != nil {
				return err
			}
			if match(rec) {
				page.Items = append(page.Items, rec)
			}
		}
		if k != nil && last != nil {
			page.Next = string(last)
		}
		return nil
	})
	if err != nil {
		return store.Page[*T]{}, fmt.Errorf("%s: %w", op, driverErr(err))
	}
	return page, nil
}
