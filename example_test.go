package alongside_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
)

func ExampleCanonicalLanguage() {
	for _, tag := range []string{"EN-us", "en_US", "i-klingon", "es-419", "ase", "und", "xx-"} {
		c, err := alongside.CanonicalLanguage(tag)
		if err != nil {
			// The caller knows the field; the error carries the reason.
			fmt.Printf("%q: %s\n", tag, alongside.FieldErrors(err)[0].Reason)
			continue
		}
		fmt.Printf("%q → %q\n", tag, c)
	}
	// Output:
	// "EN-us" → "en-US"
	// "en_US" → "en-US"
	// "i-klingon" → "tlh"
	// "es-419" → "es-419"
	// "ase" → "ase"
	// "und": names no language
	// "xx-": is not a BCP 47 language tag
}

func ExampleCase_Deadline() {
	c := &alongside.Case{
		TimeZone: "America/Denver",
		OpenedAt: time.Date(2026, 3, 7, 17, 0, 0, 0, time.UTC),
	}
	c.Normalize() // shows OpenedAt in the case's zone
	fmt.Println("opened:  ", c.OpenedAt.Format(time.RFC1123))
	// 48 real hours, across the switch to daylight saving time.
	fmt.Println("deadline:", c.Deadline().Format(time.RFC1123))
	fmt.Println("UTC:     ", c.Deadline().UTC().Format(time.RFC3339))
	// Output:
	// opened:   Sat, 07 Mar 2026 10:00:00 MST
	// deadline: Mon, 09 Mar 2026 11:00:00 MDT
	// UTC:      2026-03-09T17:00:00Z
}

func ExamplePartner_Validate() {
	p := &alongside.Partner{
		DisplayName:    "Rosa \u202eziaD", // a bidi override hides the real text
		Languages:      []string{"en_US", "ase"},
		OwnCaseClosed:  alongside.Date{Year: 2019, Month: time.May, Day: 14},
		Home:           geo.Point{Lat: 90.0001, Lng: -114.05},
		TimeZone:       "America/Phenix",
		CountiesServed: []string{"04999"},
		Capacity:       -1,
		Status:         alongside.PartnerStatusActive,
	}
	p.Normalize() // "en_US" becomes "en-US"
	for _, fe := range alongside.FieldErrors(p.Validate()) {
		fmt.Println(fe)
	}
	// Output:
	// display_name: must not contain control or bidirectional formatting characters
	// home.lat: latitude 90.0001 is outside [-90, 90]
	// time_zone: is not an IANA time zone
	// counties_served[0]: is not a known county FIPS code
	// capacity: must be between 0 and 1000 load units
}

func ExampleFieldErrors() {
	err := fmt.Errorf("create appointment: %w", errors.Join(
		&alongside.FieldError{Field: "windows[0].end", Reason: "must not be before start"},
		&alongside.FieldError{Field: "duration", Reason: "must be more than 0 and at most 12h"},
	))
	for _, fe := range alongside.FieldErrors(err) {
		fmt.Printf("%s: %s\n", fe.Field, fe.Reason)
	}
	// Output:
	// windows[0].end: must not be before start
	// duration: must be more than 0 and at most 12h
}
