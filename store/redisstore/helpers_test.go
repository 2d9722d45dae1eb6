package redisstore_test

import (
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/geo"
)

var (
	actor        = audit.Actor{Principal: "user:coordinator", Role: "coordinator"}
	matcherActor = audit.Actor{Principal: "svc:matcher", Role: "matcher"}
)

// exampleURL is the package test server's URL.
func exampleURL() string { return shared.URL() }

func testCase(id string) *alongside.Case {
	c := &alongside.Case{
		Org: "org-a", ID: alongside.CaseID(id), ExternalRef: "DCS-" + id,
		OpenedAt: time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC), County: "04015", TimeZone: "America/Phoenix",
		HomeArea: geo.Point{Lat: 35.19, Lng: -114.05}, ParentRole: alongside.ParentRoleMother,
		Languages: []string{"en"}, Program: "parent_support_now", Status: alongside.CaseStatusOpen,
	}
	c.Normalize()
	return c
}

func testPartner(id string) *alongside.Partner {
	p := &alongside.Partner{
		Org: "org-a", ID: alongside.PartnerID(id), DisplayName: "Partner " + id,
		Languages: []string{"en"}, OwnCaseClosed: alongside.Date{Year: 2019, Month: time.March, Day: 14},
		Home: geo.Point{Lat: 35.19, Lng: -114.05}, TimeZone: "America/Phoenix", CountiesServed: []string{"04015"},
		Capacity: 3, Status: alongside.PartnerStatusActive,
	}
	p.Normalize()
	return p
}
