package cascade

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/matcher"
	"github.com/alongside/alongside/store"
)

// auditPage is how many audit events a view reads per store call.
const auditPage = store.MaxPageSize

// view is one replica's picture of an organization for matching: the
// partners (in a matcher.Index, for candidate generation), the assignments
// that may count against capacity (held and confirmed), and the cases the
// cascade follows with the instant each is next due. It loads a snapshot
// once, then follows the organization's audit log, the change feed every
// replica shares, so a write through any replica reaches every view at its
// next sync.
//
// The view only steers ranking. Capacity is decided inside the store's
// atomic Reserve; a stale view can cost a refused reservation, never an
// overbooked partner.
type view struct {
	org alongside.OrgID

	syncMu  sync.Mutex   // one sync at a time
	tickets atomic.Int64 // counts sync requests
	synced  int64        // the ticket the last completed sync started at; under syncMu

	mu     sync.RWMutex
	loaded bool   // the snapshot is loaded
	seq    uint64 // the last audit event applied
	// idx holds the partners (by county and program, and by home in an
	// H3 index for programs that serve by distance) and, charged with
	// every assignment, their loads.
	idx *matcher.Index
	// byCase holds every assignment of each case, any state: the history
	// the matcher's previous-offer rule and the cascade read.
	byCase map[alongside.CaseID][]*alongside.Assignment
	due    map[alongside.CaseID]dueAt // cases the cascade follows
	gen    uint64                     // bumped whenever an event marks a case due
}

// dueAt is when the cascade next looks at a case (zero: now) and the
// generation of the event that last marked it due.
type dueAt struct {
	at  time.Time
	gen uint64
}

func newView(org alongside.OrgID) *view {
	return &view{
		org:    org,
		idx:    matcher.NewIndex(newHomes()),
		byCase: map[alongside.CaseID][]*alongside.Assignment{},
		due:    map[alongside.CaseID]dueAt{},
	}
}

// sync applies the audit events written since the last sync. It fetches
// each changed partner and assignment once per page of events.
//
// Concurrent callers share syncs: a caller that finds a sync completed
// which started after the caller arrived returns at once, since that sync
// read every event written before the caller arrived.
func (v *view) sync(ctx context.Context, st Store) error {
	ticket := v.tickets.Add(1)
	v.syncMu.Lock()
	defer v.syncMu.Unlock()
	if v.synced > ticket {
		return nil
	}
	start := v.tickets.Add(1)
	if err := v.read(ctx, st); err != nil {
		return err
	}
	v.synced = start
	return nil
}

// read applies the audit events after v.seq, after loading a snapshot
// the first time; v.syncMu must be held.
func (v *view) read(ctx context.Context, st Store) error {
	if !v.loaded {
		if err := v.load(ctx, st); err != nil {
			return err
		}
	}
	for {
		v.mu.RLock()
		after := v.seq
		v.mu.RUnlock()
		evs, err := st.ListAudit(ctx, v.org, after, auditPage)
		if err != nil {
			return fmt.Errorf("read audit log: %w", err)
		}
		if len(evs) == 0 {
			return nil
		}
		partners := map[alongside.PartnerID]*alongside.Partner{}
		assignments := map[alongside.AssignmentID]*alongside.Assignment{}
		cases := map[alongside.CaseID]bool{}
		v.mu.RLock()
		for _, ev := range evs {
			switch ev.ObjectKind {
			case "partner":
				partners[alongside.PartnerID(ev.ObjectID)] = nil
			case "assignment":
				id, c := alongside.AssignmentID(ev.ObjectID), alongside.CaseID(ev.Related["case"])
				// A hold this replica placed is in the view already (note);
				// placing or replaying it changes nothing, and any later
				// change has an event of its own.
				if ev.Action != audit.HoldPlaced && ev.Action != audit.HoldReplayed || !v.knows(c, id) {
					assignments[id] = nil
				}
				cases[c] = true
			case "case":
				if ev.Action == audit.CaseCreated {
					cases[alongside.CaseID(ev.ObjectID)] = true
				}
			}
		}
		v.mu.RUnlock()
		for id := range partners {
			p, err := st.GetPartner(ctx, v.org, id)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("read partner: %w", err)
			}
			partners[id] = p
		}
		for id := range assignments {
			a, err := st.GetAssignment(ctx, v.org, id)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("read assignment: %w", err)
			}
			assignments[id] = a
		}
		v.mu.Lock()
		for id, p := range partners {
			if p == nil {
				v.idx.Remove(id)
			} else {
				v.idx.Put(p)
			}
		}
		for _, a := range assignments {
			if a != nil {
				v.putAssignment(a)
			}
		}
		for id := range cases {
			if id != "" {
				v.gen++
				v.due[id] = dueAt{gen: v.gen}
			}
		}
		v.seq = evs[len(evs)-1].Seq
		v.mu.Unlock()
		if len(evs) < auditPage {
			return nil
		}
	}
}

// load reads the view's snapshot: the audit log's head first, then every
// partner, every assignment, and the open cases still inside their match
// window (followed by the cascade); events after the head are applied by
// read. v.syncMu must be held.
func (v *view) load(ctx context.Context, st Store) error {
	head, err := st.AuditHead(ctx, v.org)
	if err != nil {
		return fmt.Errorf("read audit head: %w", err)
	}
	now, err := st.Now(ctx)
	if err != nil {
		return err
	}
	var partners []*alongside.Partner
	pq := store.PartnerQuery{Cursor: store.Cursor{PageSize: store.MaxPageSize}}
	if err := store.Walk(ctx, &pq.Cursor, func() (store.Page[*alongside.Partner], error) { return st.ListPartners(ctx, v.org, pq) },
		func(p *alongside.Partner) { partners = append(partners, p) }); err != nil {
		return fmt.Errorf("list partners: %w", err)
	}
	var assignments []*alongside.Assignment
	aq := store.AssignmentQuery{Cursor: store.Cursor{PageSize: store.MaxPageSize}}
	if err := store.Walk(ctx, &aq.Cursor, func() (store.Page[*alongside.Assignment], error) { return st.ListAssignments(ctx, v.org, aq) },
		func(a *alongside.Assignment) { assignments = append(assignments, a) }); err != nil {
		return fmt.Errorf("list assignments: %w", err)
	}
	var open []alongside.CaseID
	cq := store.CaseQuery{Status: alongside.CaseStatusOpen, OpenedAfter: now.Add(-alongside.MatchWindow),
		Cursor: store.Cursor{PageSize: store.MaxPageSize}}
	if err := store.Walk(ctx, &cq.Cursor, func() (store.Page[*alongside.Case], error) { return st.ListCases(ctx, v.org, cq) },
		func(c *alongside.Case) { open = append(open, c.ID) }); err != nil {
		return fmt.Errorf("list cases: %w", err)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.idx.Reset(partners)
	for _, a := range assignments {
		v.putAssignment(a)
	}
	for _, id := range open {
		v.gen++
		v.due[id] = dueAt{gen: v.gen}
	}
	v.seq, v.loaded = head, true
	return nil
}

// putAssignment records a's current state; v.mu must be held.
func (v *view) putAssignment(a *alongside.Assignment) {
	h := v.byCase[a.Case]
	i := slices.IndexFunc(h, func(b *alongside.Assignment) bool { return b.ID == a.ID })
	if i < 0 {
		v.byCase[a.Case] = append(h, a)
	} else {
		h[i] = a
	}
	v.idx.Charge(a)
}

// knows reports whether the view has assignment id of case c; v.mu must
// be held.
func (v *view) knows(c alongside.CaseID, id alongside.AssignmentID) bool {
	return slices.ContainsFunc(v.byCase[c], func(a *alongside.Assignment) bool { return a.ID == id })
}

// note records a hold this replica has just placed, as the store
// returned it, unless the view knows it already (then it knows it as new
// or newer): the next sync need not fetch it.
func (v *view) note(a *alongside.Assignment) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.knows(a.Case, a.ID) {
		v.putAssignment(a)
	}
}

// history returns a copy of case id's assignments.
func (v *view) history(id alongside.CaseID) []*alongside.Assignment {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return slices.Clone(v.byCase[id])
}

// dueCase is a followed case due now, with the generation it was read at.
type dueCase struct {
	id  alongside.CaseID
	gen uint64
}

// dueCases returns up to limit followed cases due at now, in no
// particular order.
func (v *view) dueCases(now time.Time, limit int) []dueCase {
	v.mu.RLock()
	defer v.mu.RUnlock()
	var out []dueCase
	for id, d := range v.due {
		if len(out) == limit {
			break
		}
		if !d.at.After(now) {
			out = append(out, dueCase{id, d.gen})
		}
	}
	return out
}

// follow sets when the cascade next looks at case dc (stop: never again),
// unless an event marked it due after dc was read: then it stays due now.
func (v *view) follow(dc dueCase, at time.Time, stop bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	cur, ok := v.due[dc.id]
	if !ok || cur.gen != dc.gen {
		return
	}
	if stop {
		delete(v.due, dc.id)
		return
	}
	v.due[dc.id] = dueAt{at: at, gen: dc.gen}
}
