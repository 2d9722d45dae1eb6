package boltstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/store"
	"github.com/alongside/alongside/store/boltstore"
)

// ExampleOpen opens a store, adds a partner and a case, and holds the case
// for the partner until its 48-hour deadline.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "alongside")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	phoenix, _ := time.LoadLocation("America/Phoenix")
	opened := time.Date(2026, 5, 4, 9, 0, 0, 0, phoenix)
	clock := func() time.Time { return opened.Add(time.Hour) }
	s, err := boltstore.Open(filepath.Join(dir, "alongside.db"), boltstore.Options{Clock: clock})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	ctx := context.Background()
	coordinator := audit.Actor{Principal: "user:coordinator", Role: "coordinator"}
	p := &alongside.Partner{
		Org: "org-a", ID: "p1", DisplayName: "Ana",
		Languages: []string{"es", "en"}, OwnCaseClosed: alongside.Date{Year: 2019, Month: 3, Day: 14},
		Home: geo.Point{Lat: 35.19, Lng: -114.05}, TimeZone: "America/Phoenix",
		CountiesServed: []string{"04015"}, Capacity: 3, Status: alongside.PartnerStatusActive,
	}
	c := &alongside.Case{
		Org: "org-a", ID: "c1", ExternalRef: "DCS-1001", OpenedAt: opened,
		County: "04015", TimeZone: "America/Phoenix", HomeArea: geo.Point{Lat: 35.19, Lng: -114.05},
		ParentRole: alongside.ParentRoleMother, Languages: []string{"es"},
		Program: "parent_support_now", Status: alongside.CaseStatusOpen,
	}
	if err := s.CreatePartner(ctx, coordinator, p); err != nil {
		log.Fatal(err)
	}
	if err := s.CreateCase(ctx, coordinator, c); err != nil {
		log.Fatal(err)
	}

	res, err := s.Reserve(ctx, store.Reservation{
		Org: "org-a", Case: "c1", Partner: "p1", ExpiresAt: c.Deadline(), Score: 80,
		By: audit.Actor{Principal: "svc:matcher"}, Key: "match-c1-1",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Outcome, res.Hold.ExpiresAt.UTC().Format(time.RFC3339))
	fmt.Printf("load %d of %d\n", res.Load.Committed+res.Load.Held, res.Load.Capacity)

	again, err := s.Reserve(ctx, store.Reservation{
		Org: "org-a", Case: "c1", Partner: "p1", ExpiresAt: c.Deadline(), Score: 80,
		By: audit.Actor{Principal: "svc:matcher"}, Key: "match-c1-1",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("retry replayed:", again.Replayed, again.Hold.ID == res.Hold.ID)
	// Output:
	// held 2026-05-06T16:00:00Z
	// load 1 of 3
	// retry replayed: true true
}
