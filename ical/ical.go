package ical

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
)

// DefaultProdID is the PRODID of feeds whose Options name none.
const DefaultProdID = "-//Alongside//Itinerary//EN"

// Options configures a feed. The zero value is ready to use.
type Options struct {
	// Name is the calendar's display name (X-WR-CALNAME); "" omits it.
	Name string
	// ProdID identifies the producer; "" means DefaultProdID.
	ProdID string
}

// Encode writes the itineraries as one VCALENDAR to w. Itineraries whose
// TimeZone is empty or unknown are written in UTC.
func Encode(w io.Writer, its []*alongside.Itinerary, opts Options) error {
	bw := bufio.NewWriter(w)
	e := &encoder{w: bw}
	prod := opts.ProdID
	if prod == "" {
		prod = DefaultProdID
	}
	e.line("BEGIN:VCALENDAR")
	e.line("VERSION:2.0")
	e.prop("PRODID", prod)
	e.line("CALSCALE:GREGORIAN")
	e.line("METHOD:PUBLISH")
	if opts.Name != "" {
		e.prop("X-WR-CALNAME", opts.Name)
	}
	for _, z := range zonesOf(its) {
		e.timezone(z.loc, z.from, z.to)
	}
	for _, it := range its {
		loc := zone(it.TimeZone)
		for _, s := range it.Stops {
			e.event(it, s, loc)
		}
	}
	e.line("END:VCALENDAR")
	return errors.Join(e.err, bw.Flush())
}

type encoder struct {
	w   *bufio.Writer
	err error
}

// line writes one content line, folded at 75 octets without splitting a
// UTF-8 sequence, ended by CRLF.
func (e *encoder) line(s string) {
	if e.err != nil {
		return
	}
	limit := 75 // octets; a continuation line's leading space counts
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		_, e.err = e.w.WriteString(s[:cut] + "\r\n ")
		s, limit = s[cut:], 74
	}
	if e.err == nil {
		_, e.err = e.w.WriteString(s + "\r\n")
	}
}

// prop writes a property with a TEXT value, escaped.
func (e *encoder) prop(name, text string) { e.line(name + ":" + Escape(text)) }

// Escape returns text escaped as an RFC 5545 TEXT value: backslash,
// semicolon and comma are escaped, newlines become \n, and other control
// characters become spaces.
func Escape(text string) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(text, "\uFFFD") {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (e *encoder) event(it *alongside.Itinerary, s alongside.Stop, loc *time.Location) {
	e.line("BEGIN:VEVENT")
	e.line("UID:" + uid(it.Org, s.Appointment))
	e.line("DTSTAMP:" + utc(it.PlannedAt))
	e.line(stamp("DTSTART", s.Start, loc))
	e.line(stamp("DTEND", s.End, loc))
	e.prop("SUMMARY", label(s.Kind))
	if s.Place != "" {
		e.prop("LOCATION", s.Place)
	}
	if s.Location.Valid() && s.Location != (geo.Point{}) {
		e.line(fmt.Sprintf("GEO:%.6f;%.6f", s.Location.Lat, s.Location.Lng))
	}
	desc := "Case " + string(s.Case) + "."
	if s.TravelTime > 0 {
		desc += fmt.Sprintf("\nDrive %d min (%.1f mi); leave by %s.", int(s.TravelTime.Round(time.Minute)/time.Minute),
			s.TravelMiles, s.Arrival.Add(-s.TravelTime).In(loc).Format("15:04"))
	}
	e.prop("DESCRIPTION", desc)
	e.line("TRANSP:OPAQUE")
	e.line("END:VEVENT")
}

func uid(org alongside.OrgID, id alongside.AppointmentID) string {
	return Escape(string(id) + "@" + string(org) + ".alongside")
}

// stamp formats a DATE-TIME property in loc, or in UTC for the UTC zone.
func stamp(name string, t time.Time, loc *time.Location) string {
	if loc == time.UTC {
		return name + ":" + utc(t)
	}
	return name + ";TZID=" + loc.String() + ":" + t.In(loc).Format("20060102T150405")
}

func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func zone(name string) *time.Location {
	if loc, err := alongside.LoadZone(name); err == nil {
		return loc
	}
	return time.UTC
}

// label is the SUMMARY of a stop of kind k.
func label(k alongside.AppointmentKind) string {
	switch k {
	case alongside.KindCourtHearing:
		return "Court hearing"
	case alongside.KindTeamMeeting:
		return "Team meeting"
	case alongside.KindSupervisedVisit:
		return "Supervised visit"
	case alongside.KindClinic:
		return "Clinic appointment"
	case alongside.KindSchoolMeeting:
		return "School meeting"
	case alongside.KindClass:
		return "Parenting class"
	case alongside.KindSupportGroup:
		return "Support group"
	case alongside.KindHomeVisit:
		return "Home visit"
	case alongside.KindServiceIntake:
		return "Service intake"
	}
	return "Appointment"
}

// zoneSpan is a zone used by a feed and the instants it must cover.
type zoneSpan struct {
	loc      *time.Location
	from, to time.Time
}

// zonesOf returns the non-UTC zones of the itineraries' stops, by name,
// with the span of their events.
func zonesOf(its []*alongside.Itinerary) []zoneSpan {
	var out []zoneSpan
	for _, it := range its {
		loc := zone(it.TimeZone)
		if loc == time.UTC || len(it.Stops) == 0 {
			continue
		}
		i := slices.IndexFunc(out, func(z zoneSpan) bool { return z.loc.String() == loc.String() })
		if i < 0 {
			out = append(out, zoneSpan{loc: loc, from: it.Stops[0].Start, to: it.Stops[0].End})
			i = len(out) - 1
		}
		for _, s := range it.Stops {
			if s.Start.Before(out[i].from) {
				out[i].from = s.Start
			}
			if s.End.After(out[i].to) {
				out[i].to = s.End
			}
		}
	}
	slices.SortFunc(out, func(a, b zoneSpan) int { return strings.Compare(a.loc.String(), b.loc.String()) })
	return out
}

// timezone writes a VTIMEZONE for loc whose observances cover [from, to]:
// the period in effect at from and every later transition up to to, each
// as an explicit STANDARD or DAYLIGHT observance (RFC 5545 §3.6.5).
func (e *encoder) timezone(loc *time.Location, from, to time.Time) {
	e.line("BEGIN:VTIMEZONE")
	e.line("TZID:" + loc.String())
	t := from.In(loc)
	for range 1000 { // bounded: a feed spans days, a zone changes twice a year
		start, end := t.ZoneBounds()
		name, offset := t.Zone()
		fromOffset := offset
		if !start.IsZero() {
			_, fromOffset = start.Add(-time.Second).Zone()
		}
		kind := "STANDARD"
		if t.IsDST() {
			kind = "DAYLIGHT"
		}
		e.line("BEGIN:" + kind)
		local := "19700101T000000"
		if !start.IsZero() {
			local = start.UTC().Add(time.Duration(fromOffset) * time.Second).Format("20060102T150405")
		}
		e.line("DTSTART:" + local)
		e.line("TZOFFSETFROM:" + offsetString(fromOffset))
		e.line("TZOFFSETTO:" + offsetString(offset))
		e.prop("TZNAME", name)
		e.line("END:" + kind)
		if end.IsZero() || end.After(to) {
			break
		}
		t = end.In(loc)
	}
	e.line("END:VTIMEZONE")
}

// offsetString formats a UTC offset in seconds as ±hhmm.
func offsetString(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec%3600/60)
}
