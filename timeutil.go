package alongside

import (
	"fmt"
	"strings"
	"time"
)

// maxListLen bounds every repeated field of a record.
const maxListLen = 64

// Date is a civil date without a time or zone, such as the day a partner's
// own case closed. The zero Date means "not set".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses "YYYY-MM-DD". It rejects dates that do not exist.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, &FieldError{Reason: "must be a date YYYY-MM-DD"}
	}
	return DateOf(t), nil
}

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// In returns the instant d starts (00:00) in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddYears returns d moved by n years; 29 February becomes 1 March in a
// common year, as time.AddDate does.
func (d Date) AddYears(n int) Date { return DateOf(d.In(time.UTC).AddDate(n, 0, 0)) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	return d.In(time.UTC).Compare(e.In(time.UTC))
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; "" is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// valid reports whether d is a real calendar date in a plausible range.
func (d Date) valid() bool {
	t := d.In(time.UTC)
	return DateOf(t) == d && d.Year >= 1900 && d.Year <= 2200
}

// CheckTimeZone returns a reason why name is not an IANA time zone that can
// be stored, or "" if it is one. time.LoadLocation accepts "" (UTC) and
// "Local" (the host's zone) without error; both are rejected here because a
// stored zone must mean the same on every machine.
func CheckTimeZone(name string) string {
	switch {
	case name == "":
		return "must name an IANA time zone such as America/Phoenix"
	case name == "Local":
		return `"Local" depends on the server; name an IANA time zone such as America/Phoenix`
	case len(name) > 64 || strings.Contains(name, ".."):
		return "is not an IANA time zone"
	}
	if _, err := time.LoadLocation(name); err != nil {
		return "is not an IANA time zone"
	}
	return ""
}

// TimeOfDay is a wall-clock time as minutes after midnight, in [0, 1440].
// 1440 means the end of the day (24:00) and is valid only as an end.
type TimeOfDay int

// ParseTimeOfDay parses "HH:MM" (00:00–24:00).
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, &FieldError{Reason: "must be a time HH:MM"}
	}
	if _, err := fmt.Sscanf(s, "%2d:%2d", &h, &m); err != nil || h < 0 || h > 24 || m < 0 || m > 59 || h == 24 && m != 0 {
		return 0, &FieldError{Reason: "must be a time HH:MM between 00:00 and 24:00"}
	}
	return TimeOfDay(h*60 + m), nil
}

// String formats t as "HH:MM".
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", int(t)/60, int(t)%60) }

// WeeklyWindow is a recurring slot of availability on one weekday, in the
// partner's time zone. A slot that crosses midnight is written as two.
type WeeklyWindow struct {
	Day   time.Weekday `json:"day"`
	Start TimeOfDay    `json:"start"`
	End   TimeOfDay    `json:"end"`
}

// Evening reports whether w reaches past 17:00.
func (w WeeklyWindow) Evening() bool { return w.End > 17*60 }

// Weekend reports whether w falls on a Saturday or Sunday.
func (w WeeklyWindow) Weekend() bool { return w.Day == time.Saturday || w.Day == time.Sunday }

func (w WeeklyWindow) check(p *problems, field string) {
	if w.Day < time.Sunday || w.Day > time.Saturday {
		p.add(field+".day", "must be a weekday Sunday–Saturday")
	}
	if w.Start < 0 || w.Start >= 24*60 {
		p.add(field+".start", "must be between 00:00 and 23:59")
	}
	if w.End <= 0 || w.End > 24*60 {
		p.add(field+".end", "must be between 00:01 and 24:00")
	}
	if w.End <= w.Start {
		p.add(field+".end", "must be after start")
	}
}

// TimeWindow is an interval of instants [Start, End]. Both ends carry a
// location, and the window is the same instants whatever zone they show.
type TimeWindow struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Contains reports whether t is within w, ends included.
func (w TimeWindow) Contains(t time.Time) bool { return !t.Before(w.Start) && !t.After(w.End) }

func (w TimeWindow) check(p *problems, field string) {
	if w.Start.IsZero() {
		p.add(field+".start", "must be set")
	}
	if w.End.IsZero() {
		p.add(field+".end", "must be set")
	}
	if !w.Start.IsZero() && !w.End.IsZero() && w.End.Before(w.Start) {
		p.add(field+".end", "must not be before start")
	}
}
