package alongside

import (
	"cmp"
	"fmt"
	"strings"
	"sync"
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
	return cmp.Or(cmp.Compare(d.Year, e.Year), cmp.Compare(d.Month, e.Month), cmp.Compare(d.Day, e.Day))
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

// LoadZone returns the location of a time zone name that CheckTimeZone
// accepts, or a *FieldError (with an empty Field) giving the reason.
// Locations are loaded once and cached for the life of the process: there
// are a few hundred zones, and loading one reads and parses tz data.
func LoadZone(name string) (*time.Location, error) {
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if reason := checkZoneName(name); reason != "" {
		return nil, &FieldError{Reason: reason}
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, &FieldError{Reason: "is not an IANA time zone"}
	}
	zoneCache.Store(name, loc)
	return loc, nil
}

// zoneCache maps accepted zone names to their locations. It only grows with
// names that exist in the tz database, so it stays small.
var zoneCache sync.Map

// CheckTimeZone returns a reason why name is not an IANA time zone that can
// be stored, or "" if it is one. time.LoadLocation accepts "" (UTC) and
// "Local" (the host's zone) without error; both are rejected here because a
// stored zone must mean the same on every machine. For the same reason the
// name must be spelled as in the tz database: no host-only entries of a
// zoneinfo directory ("localtime", "posix/…", "right/…") and no path
// spellings ("./UTC", "America//Denver") that a directory resolves but Go's
// embedded time/tzdata does not.
func CheckTimeZone(name string) string {
	if _, err := LoadZone(name); err != nil {
		return err.(*FieldError).Reason
	}
	return ""
}

// checkZoneName returns a reason why name cannot be a stored zone name
// before the tz database is consulted, or "".
func checkZoneName(name string) string {
	switch {
	case name == "":
		return "must name an IANA time zone such as America/Phoenix"
	case name == "Local" || strings.EqualFold(name, "localtime") || strings.EqualFold(name, "posixrules"):
		return fmt.Sprintf("%q depends on the server; name an IANA time zone such as America/Phoenix", name)
	case len(name) > 64 || !zoneNameSyntax(name) || strings.HasPrefix(name, "posix/") || strings.HasPrefix(name, "right/"):
		return "is not an IANA time zone"
	}
	return ""
}

// zoneNameSyntax reports whether name is spelled like a tz database name:
// '/'-separated parts, each an ASCII letter followed by ASCII letters,
// digits, '_', '-' or '+' ("America/Port-au-Prince", "Etc/GMT+7").
func zoneNameSyntax(name string) bool {
	for part := range strings.SplitSeq(name, "/") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '_' || c == '-' || c == '+')) {
				return false
			}
		}
	}
	return true
}

// TimeOfDay is a wall-clock time as minutes after midnight, in [0, 1440].
// 1440 means the end of the day (24:00) and is valid only as an end.
type TimeOfDay int

// ParseTimeOfDay parses "HH:MM" (00:00–24:00): exactly two digits, a
// colon and two digits.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	if len(s) != 5 || s[2] != ':' || !isDigits(s[:2]) || !isDigits(s[3:]) {
		return 0, &FieldError{Reason: "must be a time HH:MM"}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if h > 24 || m > 59 || h == 24 && m != 0 {
		return 0, &FieldError{Reason: "must be a time HH:MM between 00:00 and 24:00"}
	}
	return TimeOfDay(h*60 + m), nil
}

func isDigits(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
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
	} else {
		p.add(field+".start", checkYears(w.Start))
	}
	if w.End.IsZero() {
		p.add(field+".end", "must be set")
	} else {
		p.add(field+".end", checkYears(w.End))
	}
	if !w.Start.IsZero() && !w.End.IsZero() && w.End.Before(w.Start) {
		p.add(field+".end", "must not be before start")
	}
}

// checkYears returns a reason why t, in its own zone, is outside the years
// 2000–2200 (beyond 9999 it could not even be written as JSON), or "".
func checkYears(t time.Time) string {
	if y := t.Year(); y < 2000 || y > 2200 {
		return "must be between the years 2000 and 2200"
	}
	return ""
}
