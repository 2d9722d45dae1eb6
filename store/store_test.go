package store_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

var t0 = time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)

func hours(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }

// check is a row of a table of computed values.
type check struct {
	name      string
	got, want any
}

func runChecks(t *testing.T, tests []check) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.got != tt.want {
				t.Errorf("%s = %v; want %v", tt.name, tt.got, tt.want)
			}
		})
	}
}

func TestCursorSize(t *testing.T) {
	t.Parallel()
	var rows []check
	for _, tt := range []struct{ in, want int }{
		{-1, 50}, {0, 50}, {1, 1}, {50, 50}, {store.MaxPageSize, store.MaxPageSize},
		{store.MaxPageSize + 1, store.MaxPageSize}, {10_001, store.MaxPageSize}, {math.MaxInt, store.MaxPageSize},
	} {
		rows = append(rows, check{fmt.Sprintf("Cursor{PageSize: %d}.Size()", tt.in), store.Cursor{PageSize: tt.in}.Size(), tt.want})
	}
	runChecks(t, rows)
}

func TestQueryMatch(t *testing.T) {
	t.Parallel()
	p := &alongside.Partner{Status: alongside.PartnerStatusActive, CountiesServed: []string{"04015", "04025"}, Programs: []string{"psn"}}
	c := &alongside.Case{Status: alongside.CaseStatusOpen, County: "04015", Program: "psn", OpenedAt: t0}
	flex := &alongside.Appointment{Case: "c1", Status: alongside.AppointmentScheduled,
		Windows: []alongside.TimeWindow{{Start: hours(0), End: hours(2)}, {Start: hours(5), End: hours(6)}}}
	fixed := &alongside.Appointment{Case: "c1", Status: alongside.AppointmentScheduled, FixedStart: hours(3)}
	asg := &alongside.Assignment{State: alongside.StateHeld, Case: "c1", Partner: "p1"}
	type pq = store.PartnerQuery
	type cq = store.CaseQuery
	type aq = store.AppointmentQuery
	type sq = store.AssignmentQuery
	runChecks(t, []check{
		{"PartnerQuery{}", pq{}.Match(p), true},
		{"PartnerQuery{Status: active}", pq{Status: alongside.PartnerStatusActive}.Match(p), true},
		{"PartnerQuery{Status: on_leave}", pq{Status: alongside.PartnerStatusOnLeave}.Match(p), false},
		{"PartnerQuery{County: 04025}", pq{County: "04025"}.Match(p), true},
		{"PartnerQuery{County: 04013}", pq{County: "04013"}.Match(p), false},
		{"PartnerQuery{Program: psn}", pq{Program: "psn"}.Match(p), true},
		{"PartnerQuery{Program: other}", pq{Program: "other"}.Match(p), false},
		{"PartnerQuery{all match}", pq{Status: alongside.PartnerStatusActive, County: "04015", Program: "psn"}.Match(p), true},
		{"PartnerQuery{one fails}", pq{Status: alongside.PartnerStatusActive, County: "04015", Program: "x"}.Match(p), false},

		{"CaseQuery{}", cq{}.Match(c), true},
		{"CaseQuery{Status: closed}", cq{Status: alongside.CaseStatusClosed}.Match(c), false},
		{"CaseQuery{County: 04015}", cq{County: "04015"}.Match(c), true},
		{"CaseQuery{County: 04025}", cq{County: "04025"}.Match(c), false},
		{"CaseQuery{Program: x}", cq{Program: "x"}.Match(c), false},
		{"CaseQuery{OpenedAfter: opened} inclusive", cq{OpenedAfter: t0}.Match(c), true},
		{"CaseQuery{OpenedAfter: opened+1ns}", cq{OpenedAfter: t0.Add(1)}.Match(c), false},
		{"CaseQuery{OpenedBefore: opened} exclusive", cq{OpenedBefore: t0}.Match(c), false},
		{"CaseQuery{OpenedBefore: opened+1ns}", cq{OpenedBefore: t0.Add(1)}.Match(c), true},
		{"CaseQuery{OpenedAfter in another zone}", cq{OpenedAfter: t0.In(time.FixedZone("MST", -7*3600))}.Match(c), true},

		{"AppointmentQuery{}", aq{}.Match(flex), true},
		{"AppointmentQuery{Case: c2}", aq{Case: "c2"}.Match(flex), false},
		{"AppointmentQuery{Status: done}", aq{Status: alongside.AppointmentDone}.Match(flex), false},
		{"AppointmentQuery{From: window end} inclusive", aq{From: hours(2)}.Match(flex), true},
		{"AppointmentQuery{From: after last window}", aq{From: hours(6).Add(1)}.Match(flex), false},
		{"AppointmentQuery{To: first start} exclusive", aq{To: hours(0)}.Match(flex), false},
		{"AppointmentQuery{To: first start+1ns}", aq{To: hours(0).Add(1)}.Match(flex), true},
		{"AppointmentQuery{gap between windows}", aq{From: hours(3), To: hours(4)}.Match(flex), false},
		{"AppointmentQuery{overlaps second window}", aq{From: hours(4), To: hours(5).Add(1)}.Match(flex), true},
		{"AppointmentQuery{fixed start inside}", aq{From: hours(3), To: hours(4)}.Match(fixed), true},
		{"AppointmentQuery{fixed start = To}", aq{From: hours(2), To: hours(3)}.Match(fixed), false},
		{"AppointmentQuery{fixed start = From}", aq{From: hours(3)}.Match(fixed), true},
		{"AppointmentQuery{fixed, case and status}", aq{Case: "c1", Status: alongside.AppointmentScheduled, To: hours(4)}.Match(fixed), true},

		{"AssignmentQuery{}", sq{}.Match(asg), true},
		{"AssignmentQuery{State: held}", sq{State: alongside.StateHeld}.Match(asg), true},
		{"AssignmentQuery{State: confirmed}", sq{State: alongside.StateConfirmed}.Match(asg), false},
		{"AssignmentQuery{Case: c1, Partner: p1}", sq{Case: "c1", Partner: "p1"}.Match(asg), true},
		{"AssignmentQuery{Partner: p2}", sq{Partner: "p2"}.Match(asg), false},
		{"AssignmentQuery{Case: c2}", sq{Case: "c2"}.Match(asg), false},
	})
}

func validReservation() store.Reservation {
	return store.Reservation{
		Org: "org_az", Case: "c_1", Partner: "p_rosa", Units: 1, ExpiresAt: hours(24), Score: 87.5,
		By: audit.Actor{Principal: "coordinator@example.org"}, Key: "match-c_1-1",
	}
}

func TestReservationValidate(t *testing.T) {
	t.Parallel()
	edit := func(change func(*store.Reservation)) store.Reservation {
		r := validReservation()
		change(&r)
		return r
	}
	tests := []struct {
		name string
		in   store.Reservation
		want []string
	}{
		{"valid", validReservation(), nil},
		{"units 0 takes the case's", edit(func(r *store.Reservation) { r.Units = 0 }), nil},
		{"org", edit(func(r *store.Reservation) { r.Org = "" }), []string{"org"}},
		{"case", edit(func(r *store.Reservation) { r.Case = "../c" }), []string{"case"}},
		{"partner", edit(func(r *store.Reservation) { r.Partner = "p 1" }), []string{"partner"}},
		{"units -1", edit(func(r *store.Reservation) { r.Units = -1 }), []string{"units"}},
		{"units 1e9", edit(func(r *store.Reservation) { r.Units = 1e9 }), []string{"units"}},
		{"expires_at", edit(func(r *store.Reservation) { r.ExpiresAt = time.Time{} }), []string{"expires_at"}},
		{"score NaN", edit(func(r *store.Reservation) { r.Score = math.NaN() }), []string{"score"}},
		{"score +Inf", edit(func(r *store.Reservation) { r.Score = math.Inf(1) }), []string{"score"}},
		{"score -0.1", edit(func(r *store.Reservation) { r.Score = -0.1 }), []string{"score"}},
		{"factors 10000", edit(func(r *store.Reservation) { r.Factors = make([]alongside.Factor, 10_000) }), []string{"factors"}},
		{"by.principal", edit(func(r *store.Reservation) { r.By.Principal = "" }), []string{"by.principal"}},
		{"idempotency_key", edit(func(r *store.Reservation) { r.Key = "" }), []string{"idempotency_key"}},
		{"fingerprint", edit(func(r *store.Reservation) { r.Fingerprint = strings.Repeat("f", 129) }), []string{"fingerprint"}},
		{"every bad field", edit(func(r *store.Reservation) { r.Org, r.Units, r.Key = "", -1, "a b" }), []string{"org", "units", "idempotency_key"}},
		{"alternates", edit(func(r *store.Reservation) {
			r.Alternates = []store.Alternate{{Partner: "p_ana", Score: 80}, {Partner: "p_luis", Score: 70}}
		}), nil},
		{"alternates 10", edit(func(r *store.Reservation) {
			for i := range 10 {
				r.Alternates = append(r.Alternates, store.Alternate{Partner: alongside.PartnerID(fmt.Sprint("p_", i))})
			}
		}), []string{"alternates"}},
		{"alternate is the partner", edit(func(r *store.Reservation) {
			r.Alternates = []store.Alternate{{Partner: "p_ana"}, {Partner: "p_rosa"}}
		}), []string{"alternates[1].partner"}},
		{"alternate twice", edit(func(r *store.Reservation) {
			r.Alternates = []store.Alternate{{Partner: "p_ana"}, {Partner: "p_ana"}}
		}), []string{"alternates[1].partner"}},
		{"alternate bad", edit(func(r *store.Reservation) {
			r.Alternates = []store.Alternate{{Partner: "p ana", Score: 101, Factors: make([]alongside.Factor, 33)}}
		}), []string{"alternates[0].partner", "alternates[0].score", "alternates[0].factors"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.in.Validate()
			var got []string
			for _, fe := range alongside.FieldErrors(err) {
				got = append(got, fe.Field)
			}
			if !slices.Equal(got, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("Validate(%s) fields = %q; want %q (err %v)", tt.name, got, tt.want, err)
			}
		})
	}
}

func TestReservationHelpers(t *testing.T) {
	t.Parallel()
	r := validReservation()
	fp := r.EffectiveFingerprint()
	again, other := validReservation(), validReservation()
	other.Units = 2
	withFP := validReservation()
	withFP.Fingerprint = "req-sha256"
	withAlt := validReservation()
	withAlt.Alternates = []store.Alternate{{Partner: "p_ana"}}
	load := store.Load{Capacity: 3, Committed: 2, Held: 2}
	runChecks(t, []check{
		{"EffectiveFingerprint() is 32 hex digits", len(fp), 32},
		{"EffectiveFingerprint() is stable", again.EffectiveFingerprint(), fp},
		{"EffectiveFingerprint() is sha256(case NUL partner NUL units), as stored records expect", fp, "33228964797d17d2247a5ccf001e6a73"},
		{"EffectiveFingerprint() covers the alternates", withAlt.EffectiveFingerprint() != fp, true},
		{"EffectiveFingerprint() depends on units", other.EffectiveFingerprint() != fp, true},
		{"EffectiveFingerprint() keeps a set one", withFP.EffectiveFingerprint(), "req-sha256"},
		{"Load.Free()", load.Free(), alongside.LoadUnits(-1)},
		{"RefusalReason(full)", store.RefusalReason(store.OutcomeFull, load, 1), "partner has 0 of 3 load units free; the case needs 1"},
		{"RefusalReason(held)", store.RefusalReason(store.OutcomeHeld, load, 1), ""},
		{"RefusalReason(case_closed)", store.RefusalReason(store.OutcomeCaseClosed, load, 1), "the case is closed"},
	})
}

func TestCheckKey(t *testing.T) {
	t.Parallel()
	var rows []check
	for _, tt := range []struct {
		in     string
		wantOK bool
	}{
		{"a", true}, {"match-c_1-1", true}, {"!~{}[]", true}, {strings.Repeat("k", store.MaxKeyLen), true},
		{strings.Repeat("k", store.MaxKeyLen+1), false}, {"", false}, {"a b", false}, {"a\tb", false},
		{"a\x7f", false}, {"é", false}, {"\x00", false},
	} {
		rows = append(rows, check{fmt.Sprintf("CheckKey(%.20q) ok", tt.in), store.CheckKey(tt.in) == "", tt.wantOK})
	}
	runChecks(t, rows)
}

// FuzzIdempotencyKey checks CheckKey against its definition (1–255 bytes
// '!'–'~') and that a reservation reports a bad key at idempotency_key.
func FuzzIdempotencyKey(f *testing.F) {
	for _, s := range []string{"match-c_1-1", "", " ", "a b", "\x00", "é", "~", strings.Repeat("k", 255), strings.Repeat("k", 256)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		want := len(key) >= 1 && len(key) <= store.MaxKeyLen &&
			!strings.ContainsFunc(key, func(r rune) bool { return r < '!' || r > '~' })
		reason := store.CheckKey(key)
		if (reason == "") != want {
			t.Fatalf("CheckKey(%q) = %q; want ok %v", key, reason, want)
		}
		r := validReservation()
		r.Key = key
		err := r.Validate()
		var fe *alongside.FieldError
		if (err == nil) != want || (err != nil && (!errors.As(err, &fe) || fe.Field != "idempotency_key" || fe.Reason != reason)) {
			t.Fatalf("Validate(reservation with key %q) = %v; want ok %v", key, err, want)
		}
	})
}

func ExampleCursor_Size() {
	for _, size := range []int{0, 20, 10_000} {
		fmt.Println(size, "→", store.Cursor{PageSize: size}.Size())
	}
	// Output:
	// 0 → 50
	// 20 → 20
	// 10000 → 500
}

func ExampleCheckKey() {
	fmt.Printf("%q\n", store.CheckKey("match-c_1-1"))
	fmt.Printf("%q\n", store.CheckKey("two words"))
	// Output:
	// ""
	// "must be printable ASCII without spaces"
}

// FuzzReservationAlternates: whatever the alternates, Validate names each
// bad one by its index, and a list it accepts has at most MaxAlternates
// distinct partners, none of them Partner.
func FuzzReservationAlternates(f *testing.F) {
	f.Add("p_ana,p_luis", 80.0)
	f.Add("p_rosa", 50.0)
	f.Add("p_a,p_a", 101.0)
	f.Add("p_1,p_2,p_3,p_4,p_5,p_6,p_7,p_8,p_9,p_10", 0.0)
	f.Add("p x,,p_b", -1.0)
	f.Fuzz(func(t *testing.T, ids string, score float64) {
		r := validReservation()
		for _, id := range strings.Split(ids, ",") {
			r.Alternates = append(r.Alternates, store.Alternate{Partner: alongside.PartnerID(id), Score: score})
		}
		err := r.Validate()
		for _, fe := range alongside.FieldErrors(err) {
			if fe.Field != "alternates" && !strings.HasPrefix(fe.Field, "alternates[") {
				t.Fatalf("Validate names field %q; only alternates were changed", fe.Field)
			}
		}
		if err != nil {
			return
		}
		seen := map[alongside.PartnerID]bool{r.Partner: true}
		if len(r.Alternates) > store.MaxAlternates {
			t.Fatalf("accepted %d alternates", len(r.Alternates))
		}
		for _, a := range r.Alternates {
			if seen[a.Partner] || alongside.CheckID(string(a.Partner)) != "" {
				t.Fatalf("accepted alternate %q twice or invalid", a.Partner)
			}
			seen[a.Partner] = true
		}
	})
}
