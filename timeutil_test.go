package alongside_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/alongside/alongside"
)

// TestCaseDeadline is reliability row C2: the 48-hour match window is 48
// real hours across a daylight-saving change, shown in the case's zone.
func TestCaseDeadline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		tz       string
		opened   time.Time // given in UTC; Normalize shows it in tz
		want     time.Time
		wantWall string
	}{
		{"Denver spring forward", "America/Denver", time.Date(2026, 3, 7, 17, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 9, 17, 0, 0, 0, time.UTC), "2026-03-09 11:00 MDT"},
		{"Phoenix same instant", "America/Phoenix", time.Date(2026, 3, 7, 17, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 9, 17, 0, 0, 0, time.UTC), "2026-03-09 10:00 MST"},
		{"Denver fall back", "America/Denver", time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC),
			time.Date(2026, 11, 2, 16, 0, 0, 0, time.UTC), "2026-11-02 09:00 MST"},
		{"Navajo Nation keeps DST", "America/Denver", time.Date(2026, 7, 1, 15, 0, 0, 0, time.UTC),
			time.Date(2026, 7, 3, 15, 0, 0, 0, time.UTC), "2026-07-03 09:00 MDT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := edit(validCase, func(c kase) { c.TimeZone, c.OpenedAt = tt.tz, tt.opened })
			c.Normalize()
			got := c.Deadline()
			if !got.Equal(tt.want) || got.Format("2006-01-02 15:04 MST") != tt.wantWall {
				t.Errorf("Deadline(%s %v) = %v; want %v (%s)", tt.tz, tt.opened, got, tt.want, tt.wantWall)
			}
			if d := got.Sub(c.OpenedAt); d != alongside.MatchWindow {
				t.Errorf("Deadline(%s) - OpenedAt = %v; want %v", tt.tz, d, alongside.MatchWindow)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	runParse(t, "ParseDate", alongside.ParseDate, alongside.Date.String, []parseTest[alongside.Date]{
		{"2024-01-10", date(2024, 1, 10), false},
		{"2024-02-29", date(2024, 2, 29), false},
		{"2023-02-29", alongside.Date{}, true},
		{"2024-13-01", alongside.Date{}, true},
		{"2024-01-00", alongside.Date{}, true},
		{"2024-1-10", alongside.Date{}, true},
		{"24-01-10", alongside.Date{}, true},
		{"2024-01-10T00:00:00Z", alongside.Date{}, true},
		{" 2024-01-10", alongside.Date{}, true},
		{"", alongside.Date{}, true},
	})
}

func TestDateJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   alongside.Credential
		want string
	}{
		{"no expiry omitted", alongside.Credential{Kind: "safety", Completed: date(2024, 2, 29)},
			`{"kind":"safety","completed":"2024-02-29"}`},
		{"expiry", alongside.Credential{Kind: "safety", Completed: date(2024, 1, 1), Expires: date(2026, 1, 1)},
			`{"kind":"safety","completed":"2024-01-01","expires":"2026-01-01"}`},
		{"zero completed", alongside.Credential{Kind: "safety"}, `{"kind":"safety","completed":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tt.in)
			var back alongside.Credential
			if err != nil || string(b) != tt.want {
				t.Fatalf("json.Marshal(%+v) = %s, %v; want %s", tt.in, b, err, tt.want)
			}
			if err := json.Unmarshal(b, &back); err != nil || back != tt.in {
				t.Errorf("json.Unmarshal(%s) = %+v, %v; want %+v", b, back, err, tt.in)
			}
		})
	}
	var c alongside.Credential
	err := json.Unmarshal([]byte(`{"completed":"2023-02-29"}`), &c)
	if fe := alongside.FieldErrors(err); len(fe) != 1 {
		t.Errorf(`json.Unmarshal("2023-02-29") = %v; want a *FieldError`, err)
	}
}

func TestDateMethods(t *testing.T) {
	t.Parallel()
	runChecks(t, []check{
		{"AddYears(2024-02-29, 1)", date(2024, 2, 29).AddYears(1), date(2025, 3, 1)},
		{"AddYears(2024-02-29, 4)", date(2024, 2, 29).AddYears(4), date(2028, 2, 29)},
		{"Compare(2024-01-10, 2024-01-11)", date(2024, 1, 10).Compare(date(2024, 1, 11)), -1},
		{"Compare(2024-01-10, 2024-01-10)", date(2024, 1, 10).Compare(date(2024, 1, 10)), 0},
		{"Before(2025-01-01, 2024-12-31)", date(2025, 1, 1).Before(date(2024, 12, 31)), false},
		{"String(zero)", alongside.Date{}.String(), ""},
		{"IsZero(zero)", alongside.Date{}.IsZero(), true},
		{"DateOf(23:30 Phoenix)", alongside.DateOf(time.Date(2026, 3, 10, 23, 30, 0, 0, phoenix)), date(2026, 3, 10)},
		{"In(Denver)", date(2026, 3, 8).In(denver).Format(time.RFC3339), "2026-03-08T00:00:00-07:00"},
	})
}

func TestParseTimeOfDay(t *testing.T) {
	t.Parallel()
	runParse(t, "ParseTimeOfDay", alongside.ParseTimeOfDay, alongside.TimeOfDay.String, []parseTest[alongside.TimeOfDay]{
		{"00:00", 0, false},
		{"09:30", 9*60 + 30, false},
		{"23:59", 23*60 + 59, false},
		{"24:00", 24 * 60, false},
		{"24:01", 0, true},
		{"23:60", 0, true},
		{"25:00", 0, true},
		{"9:30", 0, true},
		{"0930", 0, true},
		{"09:30:00", 0, true},
		{"+1:00", 0, true},
		{" 1:00", 0, true},
		{"-0:00", 0, true},
		{"01:+5", 0, true},
		{"0x:10", 0, true},
		{"", 0, true},
	})
}

func TestCheckTimeZone(t *testing.T) {
	t.Parallel()
	runReasons(t, "CheckTimeZone", alongside.CheckTimeZone, []reasonTest{
		{"America/Phoenix", true},
		{"America/Denver", true},
		{"UTC", true},
		{"", false},
		{"Local", false},
		{"localtime", false},
		{"LOCALTIME", false},
		{"posixrules", false},
		{"posix/America/Denver", false},
		{"right/UTC", false},
		{"UTC+7", false},
		{"America/Phenix", false},
		{"../../etc/passwd", false},
		{"/etc/localtime", false},
		{"America", false},
		{"zone.tab", false},
		{"America/Phoenix/", false},
		{"America//Denver", false},
		{"./UTC", false},
		{"America/./Denver", false},
		{"America/Port-au-Prince", true},
		{"America/Argentina/Buenos_Aires", true},
		{"Etc/GMT-14", true},
	})
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	safety := alongside.Credential{Kind: alongside.TrainingSafety, Completed: date(2024, 1, 11), Expires: date(2026, 1, 11)}
	runChecks(t, []check{
		{"ValidOn(day before completed)", safety.ValidOn(date(2024, 1, 10)), false},
		{"ValidOn(completed)", safety.ValidOn(date(2024, 1, 11)), true},
		{"ValidOn(day before expiry)", safety.ValidOn(date(2026, 1, 10)), true},
		{"ValidOn(expiry)", safety.ValidOn(date(2026, 1, 11)), false},
		{"ValidOn(no expiry, 2090)", alongside.Credential{Completed: date(2024, 1, 1)}.ValidOn(date(2090, 1, 1)), true},
		{"HasCredential(boundaries)", validPartner().HasCredential(alongside.TrainingBoundaries, date(2026, 3, 10)), true},
		{"HasCredential(safety, expired)", validPartner().HasCredential(alongside.TrainingSafety, date(2026, 3, 10)), false},
		{"HasCredential(safety, 2025)", validPartner().HasCredential(alongside.TrainingSafety, date(2025, 3, 10)), true},
		{"HasCredential(certification)", validPartner().HasCredential(alongside.CertificationPeerSupport, date(2026, 3, 10)), true},
		{"HasCredential(certification, before issue)", validPartner().HasCredential(alongside.CertificationPeerSupport, date(2023, 5, 31)), false},
		{"HasCredential(icwa)", validPartner().HasCredential(alongside.TrainingICWA, date(2026, 3, 10)), false},
	})
}
