package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/internal/demo"
	"github.com/alongside/alongside/store"
)

// loadDemo writes the sample data for seed into an empty organization and
// returns how many records it wrote; an organization that already has
// partners is left as it is (0, nil), so restarting with --demo keeps
// what was changed.
func loadDemo(ctx context.Context, st store.Store, org alongside.OrgID, seed uint64, now time.Time) (int, error) {
	page, err := st.ListPartners(ctx, org, store.PartnerQuery{Cursor: store.Cursor{PageSize: 1}})
	if err != nil {
		return 0, err
	}
	if len(page.Items) > 0 {
		return 0, nil
	}
	ds, err := demo.Generate(demo.Options{Org: org, Seed: seed, Now: now})
	if err != nil {
		return 0, err
	}
	by := audit.Actor{Principal: "system:demo", Role: "system"}
	n := 0
	put := func(err error) error {
		if err != nil && !errors.Is(err, store.ErrAlreadyExists) {
			return err
		}
		n++
		return nil
	}
	for _, p := range ds.Partners {
		if err := put(st.CreatePartner(ctx, by, p)); err != nil {
			return n, fmt.Errorf("partner %s: %w", p.ID, err)
		}
	}
	for _, c := range ds.Cases {
		if err := put(st.CreateCase(ctx, by, c)); err != nil {
			return n, fmt.Errorf("case %s: %w", c.ID, err)
		}
	}
	for _, a := range ds.Appointments {
		if err := put(st.CreateAppointment(ctx, by, a)); err != nil {
			return n, fmt.Errorf("appointment %s: %w", a.ID, err)
		}
	}
	return n, nil
}
