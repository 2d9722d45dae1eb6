package cascade_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/cascade"
	"github.com/alongside/alongside/store"
	"github.com/alongside/alongside/store/boltstore"
	"github.com/alongside/alongside/store/storetest"
)

// TestSweepOnce drives the sweeper over a real store with a fake clock:
// holds of two organizations expire in batches smaller than their number,
// each exactly once.
func TestSweepOnce(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clock := storetest.NewFakeClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"), boltstore.Options{Clock: clock.Now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	by := audit.Actor{Principal: "svc:test"}
	for _, org := range []alongside.OrgID{"org-a", "org-b"} {
		if err := st.CreatePartner(ctx, by, storetest.NewPartner(org, "p1", 100)); err != nil {
			t.Fatalf("CreatePartner: %v", err)
		}
		for i := range 7 {
			c := storetest.NewCase(org, fmt.Sprintf("c%d", i))
			if err := st.CreateCase(ctx, by, c); err != nil {
				t.Fatalf("CreateCase: %v", err)
			}
			res, err := st.Reserve(ctx, store.Reservation{Org: org, Case: c.ID, Partner: "p1", ExpiresAt: clock.Now().Add(time.Hour), By: by, Key: string(c.ID)})
			if err != nil || res.Outcome != store.OutcomeHeld {
				t.Fatalf("Reserve = %+v, %v; want held", res, err)
			}
		}
	}
	var seen []alongside.AssignmentID
	sw := &cascade.Sweeper{Store: st, Batch: 3, OnExpired: func(a *alongside.Assignment) { seen = append(seen, a.ID) }}

	if n, err := sw.SweepOnce(ctx); n != 0 || err != nil {
		t.Fatalf("SweepOnce before expiry = %d, %v; want 0, nil", n, err)
	}
	clock.Advance(time.Hour)
	if n, err := sw.SweepOnce(ctx); n != 14 || err != nil {
		t.Fatalf("SweepOnce at expiry = %d, %v; want 14, nil", n, err)
	}
	if n, err := sw.SweepOnce(ctx); n != 0 || err != nil {
		t.Fatalf("SweepOnce again = %d, %v; want 0, nil", n, err)
	}
	if len(seen) != 14 || sw.Expired() != 14 {
		t.Errorf("OnExpired saw %d holds, Expired() = %d; want 14 each", len(seen), sw.Expired())
	}
}
