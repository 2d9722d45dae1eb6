package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// header points at the fields a store sets on a roster record.
type header struct {
	org       alongside.OrgID
	id        string
	version   *int64
	createdAt *time.Time
	updatedAt *time.Time
}

// rosterKind is one kind of roster record and the store methods for it:
// the roster tests run once per kind.
type rosterKind[T any] struct {
	kind             string // audit ObjectKind
	created, updated string // audit actions
	fresh            func(org alongside.OrgID, id string) *T
	change           func(*T)        // a valid edit
	invalidate       func(*T) string // breaks a field; returns its name
	hdr              func(*T) header
	create, update   func(context.Context, store.Store, audit.Actor, *T) error
	get              func(context.Context, store.Store, alongside.OrgID, string) (*T, error)
	list             func(context.Context, store.Store, alongside.OrgID, store.Cursor) (store.Page[*T], error)
}

func partnerKind() rosterKind[alongside.Partner] {
	return rosterKind[alongside.Partner]{
		kind: "partner", created: audit.PartnerCreated, updated: audit.PartnerUpdated,
		fresh:      func(org alongside.OrgID, id string) *alongside.Partner { return NewPartner(org, id, 3) },
		change:     func(p *alongside.Partner) { p.Capacity = 5; p.Status = alongside.PartnerStatusOnLeave },
		invalidate: func(p *alongside.Partner) string { p.CountiesServed = []string{"99999"}; return "counties_served[0]" },
		hdr: func(p *alongside.Partner) header {
			return header{p.Org, string(p.ID), &p.Version, &p.CreatedAt, &p.UpdatedAt}
		},
		create: func(ctx context.Context, s store.Store, by audit.Actor, p *alongside.Partner) error {
			return s.CreatePartner(ctx, by, p)
		},
		update: func(ctx context.Context, s store.Store, by audit.Actor, p *alongside.Partner) error {
			return s.UpdatePartner(ctx, by, p)
		},
		get: func(ctx context.Context, s store.Store, org alongside.OrgID, id string) (*alongside.Partner, error) {
			return s.GetPartner(ctx, org, alongside.PartnerID(id))
		},
		list: func(ctx context.Context, s store.Store, org alongside.OrgID, c store.Cursor) (store.Page[*alongside.Partner], error) {
			return s.ListPartners(ctx, org, store.PartnerQuery{Cursor: c})
		},
	}
}

func caseKind() rosterKind[alongside.Case] {
	return rosterKind[alongside.Case]{
		kind: "case", created: audit.CaseCreated, updated: audit.CaseUpdated,
		fresh:      NewCase,
		change:     func(c *alongside.Case) { c.Status = alongside.CaseStatusPostClosure; c.Load = 2 },
		invalidate: func(c *alongside.Case) string { c.TimeZone = "Mars/Olympus_Mons"; return "time_zone" },
		hdr: func(c *alongside.Case) header {
			return header{c.Org, string(c.ID), &c.Version, &c.CreatedAt, &c.UpdatedAt}
		},
		create: func(ctx context.Context, s store.Store, by audit.Actor, c *alongside.Case) error {
			return s.CreateCase(ctx, by, c)
		},
		update: func(ctx context.Context, s store.Store, by audit.Actor, c *alongside.Case) error {
			return s.UpdateCase(ctx, by, c)
		},
		get: func(ctx context.Context, s store.Store, org alongside.OrgID, id string) (*alongside.Case, error) {
			return s.GetCase(ctx, org, alongside.CaseID(id))
		},
		list: func(ctx context.Context, s store.Store, org alongside.OrgID, c store.Cursor) (store.Page[*alongside.Case], error) {
			return s.ListCases(ctx, org, store.CaseQuery{Cursor: c})
		},
	}
}

func appointmentKind() rosterKind[alongside.Appointment] {
	return rosterKind[alongside.Appointment]{
		kind: "appointment", created: audit.AppointmentCreated, updated: audit.AppointmentUpdated,
		fresh: func(org alongside.OrgID, id string) *alongside.Appointment {
			return newAppointment(org, id, "c1")
		},
		change:     func(a *alongside.Appointment) { a.Status = alongside.AppointmentCancelled; a.Priority = 90 },
		invalidate: func(a *alongside.Appointment) string { a.Duration = 0; return "duration" },
		hdr: func(a *alongside.Appointment) header {
			return header{a.Org, string(a.ID), &a.Version, &a.CreatedAt, &a.UpdatedAt}
		},
		create: func(ctx context.Context, s store.Store, by audit.Actor, a *alongside.Appointment) error {
			return s.CreateAppointment(ctx, by, a)
		},
		update: func(ctx context.Context, s store.Store, by audit.Actor, a *alongside.Appointment) error {
			return s.UpdateAppointment(ctx, by, a)
		},
		get: func(ctx context.Context, s store.Store, org alongside.OrgID, id string) (*alongside.Appointment, error) {
			return s.GetAppointment(ctx, org, alongside.AppointmentID(id))
		},
		list: func(ctx context.Context, s store.Store, org alongside.OrgID, c store.Cursor) (store.Page[*alongside.Appointment], error) {
			return s.ListAppointments(ctx, org, store.AppointmentQuery{Cursor: c})
		},
	}
}

// run returns the roster subtests of the kind.
func (k rosterKind[T]) run(h Harness) func(t *testing.T) {
	return func(t *testing.T) {
		t.Run("Create", func(t *testing.T) { k.testCreate(t, h) })
		t.Run("Update", func(t *testing.T) { k.testUpdate(t, h) })
		t.Run("Invalid", func(t *testing.T) { k.testInvalid(t, h) })
		t.Run("Paging", func(t *testing.T) { k.testPaging(t, h) })
	}
}

// all lists every record of org.
func (k rosterKind[T]) all(e *env, org alongside.OrgID, size int) []*T {
	e.tb.Helper()
	return pages(e.tb, size, func(c store.Cursor) (store.Page[*T], error) { return k.list(e.ctx, e.s, org, c) })
}

func (k rosterKind[T]) testCreate(t *testing.T, h Harness) {
	e := newEnv(t, h)
	e.kase(orgA, "c1") // appointments name it
	before := len(e.audit(orgA))

	r := k.fresh(orgA, "r1")
	if err := k.create(e.ctx, e.s, coordinator(), r); err != nil {
		t.Fatalf("create %s = %v", k.kind, err)
	}
	hd := k.hdr(r)
	now := e.clock.Now()
	if *hd.version != 1 || !hd.createdAt.Equal(now) || !hd.updatedAt.Equal(now) {
		t.Errorf("after create: Version %d, CreatedAt %v, UpdatedAt %v; want 1, %v, %v",
			*hd.version, *hd.createdAt, *hd.updatedAt, now, now)
	}
	got, err := k.get(e.ctx, e.s, orgA, "r1")
	if err != nil {
		t.Fatalf("get %s = %v", k.kind, err)
	}
	if d := diff(r, got); d != "" {
		t.Errorf("get after create (-want +got):\n%s", d)
	}

	evs := e.audit(orgA)[before:]
	if len(evs) != 1 || evs[0].Action != k.created || evs[0].ObjectKind != k.kind || evs[0].ObjectID != "r1" ||
		evs[0].Actor != coordinator() || !evs[0].Time.Equal(now) {
		t.Errorf("audit after create = %+v; want one %s of %s r1 by %v at %v", evs, k.created, k.kind, coordinator(), now)
	}

	// A second create with the ID fails and changes nothing.
	e.clock.Advance(time.Minute)
	dup := k.fresh(orgA, "r1")
	k.change(dup)
	isErr(t, "create duplicate", k.create(e.ctx, e.s, coordinator(), dup), store.ErrAlreadyExists)
	got, err = k.get(e.ctx, e.s, orgA, "r1")
	if err != nil {
		t.Fatalf("get %s = %v", k.kind, err)
	}
	if d := diff(r, got); d != "" {
		t.Errorf("get after duplicate create (-want +got):\n%s", d)
	}

	_, err = k.get(e.ctx, e.s, orgA, "missing")
	isErr(t, "get missing", err, store.ErrNotFound)
	_, err = k.get(e.ctx, e.s, orgB, "r1")
	isErr(t, "get in another org", err, store.ErrNotFound)
}

func (k rosterKind[T]) testUpdate(t *testing.T, h Harness) {
	e := newEnv(t, h)
	r := k.fresh(orgA, "r1")
	if err := k.create(e.ctx, e.s, coordinator(), r); err != nil {
		t.Fatalf("create = %v", err)
	}
	created := e.clock.Now()

	e.clock.Advance(90 * time.Minute)
	k.change(r)
	hd := k.hdr(r)
	*hd.createdAt = time.Time{} // the store keeps its own
	if err := k.update(e.ctx, e.s, coordinator(), r); err != nil {
		t.Fatalf("update = %v", err)
	}
	if *hd.version != 2 || !hd.createdAt.Equal(created) || !hd.updatedAt.Equal(e.clock.Now()) {
		t.Errorf("after update: Version %d, CreatedAt %v, UpdatedAt %v; want 2, %v, %v",
			*hd.version, *hd.createdAt, *hd.updatedAt, created, e.clock.Now())
	}
	got, err := k.get(e.ctx, e.s, orgA, "r1")
	if err != nil {
		t.Fatalf("get = %v", err)
	}
	if d := diff(r, got); d != "" {
		t.Errorf("get after update (-want +got):\n%s", d)
	}

	// A stale version conflicts and changes nothing.
	stale := k.fresh(orgA, "r1")
	*k.hdr(stale).version = 1
	isErr(t, "update with stale version", k.update(e.ctx, e.s, coordinator(), stale), store.ErrConflict)
	*k.hdr(stale).version = 3
	isErr(t, "update with future version", k.update(e.ctx, e.s, coordinator(), stale), store.ErrConflict)
	got, err = k.get(e.ctx, e.s, orgA, "r1")
	if err != nil {
		t.Fatalf("get = %v", err)
	}
	if d := diff(r, got); d != "" {
		t.Errorf("get after conflicting update (-want +got):\n%s", d)
	}

	missing := k.fresh(orgA, "r2")
	*k.hdr(missing).version = 1
	isErr(t, "update missing", k.update(e.ctx, e.s, coordinator(), missing), store.ErrNotFound)
	other := k.fresh(orgB, "r1")
	*k.hdr(other).version = 2
	isErr(t, "update in another org", k.update(e.ctx, e.s, coordinator(), other), store.ErrNotFound)

	// Versions keep counting.
	e.clock.Advance(time.Second)
	if err := k.update(e.ctx, e.s, coordinator(), r); err != nil {
		t.Fatalf("second update = %v", err)
	}
	if *hd.version != 3 {
		t.Errorf("Version after two updates = %d; want 3", *hd.version)
	}

	n := e.actions(orgA, "r1")
	if n[k.created] != 1 || n[k.updated] != 2 {
		t.Errorf("audit of r1 = %v; want 1 %s and 2 %s", n, k.created, k.updated)
	}
}

func (k rosterKind[T]) testInvalid(t *testing.T, h Harness) {
	e := newEnv(t, h)
	bad := k.fresh(orgA, "r1")
	field := k.invalidate(bad)
	fieldErr(t, "create invalid", k.create(e.ctx, e.s, coordinator(), bad), field)
	for _, id := range []string{"", "has space", "-lead"} {
		r := k.fresh(orgA, id)
		fieldErr(t, fmt.Sprintf("create with ID %q", id), k.create(e.ctx, e.s, coordinator(), r), "id")
	}
	r := k.fresh("bad org", "r1")
	fieldErr(t, "create with org \"bad org\"", k.create(e.ctx, e.s, coordinator(), r), "org")
	_, err := k.get(e.ctx, e.s, orgA, "r1")
	isErr(t, "get after invalid create", err, store.ErrNotFound)
	if got := k.all(e, orgA, 0); len(got) != 0 {
		t.Errorf("list after invalid creates has %d records; want 0", len(got))
	}
	if evs := e.audit(orgA); len(evs) != 0 {
		t.Errorf("audit after invalid creates = %+v; want none", evs)
	}

	good := k.fresh(orgA, "r1")
	if err := k.create(e.ctx, e.s, coordinator(), good); err != nil {
		t.Fatalf("create = %v", err)
	}
	want, err := k.get(e.ctx, e.s, orgA, "r1")
	if err != nil {
		t.Fatalf("get = %v", err)
	}
	e.clock.Advance(time.Minute)
	field = k.invalidate(good)
	fieldErr(t, "update invalid", k.update(e.ctx, e.s, coordinator(), good), field)
	if *k.hdr(good).version != 1 {
		t.Errorf("Version after invalid update = %d; want 1", *k.hdr(good).version)
	}
	got, err := k.get(e.ctx, e.s, orgA, "r1")
	if err != nil {
		t.Fatalf("get = %v", err)
	}
	if d := diff(want, got); d != "" {
		t.Errorf("get after invalid update (-want +got):\n%s", d)
	}
}

// testPaging lists 120 records in pages of 7: every record once, in ID
// order.
func (k rosterKind[T]) testPaging(t *testing.T, h Harness) {
	e := newEnv(t, h)
	const n = 120
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("r%03d", i)
	}
	order := slices.Clone(want)
	rand.New(rand.NewPCG(1, 2)).Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	err := parallel(n, 32, func(i int) error {
		return k.create(e.ctx, e.s, coordinator(), k.fresh(orgA, order[i]))
	})
	if err != nil {
		t.Fatalf("create %d records: %v", n, err)
	}
	// Another organization's records never show.
	if err := k.create(e.ctx, e.s, coordinator(), k.fresh(orgB, "r0005")); err != nil {
		t.Fatalf("create in org B: %v", err)
	}

	got := k.all(e, orgA, 7)
	if d := diff(want, ids(got, func(r *T) string { return k.hdr(r).id })); d != "" {
		t.Errorf("IDs listed in pages of 7 (-want +got):\n%s", d)
	}
	for _, r := range got {
		if hd := k.hdr(r); hd.org != orgA {
			t.Errorf("record %s listed in %s has Org %s", hd.id, orgA, hd.org)
		}
	}
	// Resuming after an ID that is not stored starts at the next one.
	p, err := k.list(e.ctx, e.s, orgA, store.Cursor{After: "r0595", PageSize: 3})
	if err != nil {
		t.Fatalf("list after r0595 = %v", err)
	}
	if len(p.Items) == 0 || k.hdr(p.Items[0]).id != "r060" {
		t.Errorf("list after r0595 starts at %v; want r060", ids(p.Items, func(r *T) string { return k.hdr(r).id }))
	}
}
