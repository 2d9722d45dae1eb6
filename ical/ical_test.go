package ical_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/ical"
)

var update = flag.Bool("update", false, "rewrite golden files")

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := alongside.LoadZone(name)
	if err != nil {
		t.Fatalf("LoadZone(%q): %v", name, err)
	}
	return loc
}

// itinerary is a Kingman day (America/Phoenix): a fixed 09:00 hearing and
// an afternoon home visit.
func itinerary(t testing.TB) *alongside.Itinerary {
	phx := zone(t, "America/Phoenix")
	at := func(h, m int) time.Time { return time.Date(2026, 5, 5, h, m, 0, 0, phx) }
	return &alongside.Itinerary{
		Org: "demo", Partner: "p_0001", Date: alongside.Date{Year: 2026, Month: 5, Day: 5}, TimeZone: "America/Phoenix",
		Stops: []alongside.Stop{
			{Appointment: "a_0001", Case: "c_0001", Kind: alongside.KindCourtHearing, Place: "Mohave County Juvenile Court, Kingman",
				Location: geo.Point{Lat: 35.1894, Lng: -114.053}, Arrival: at(8, 45), Start: at(9, 0), End: at(10, 0),
				TravelTime: 25 * time.Minute, TravelMiles: 14.2},
			{Appointment: "a_0002", Case: "c_0002", Kind: alongside.KindHomeVisit, Place: "Home visit; bring forms, intake\npacket",
				Location: geo.Point{Lat: 35.21, Lng: -114.01}, Arrival: at(13, 40), Start: at(14, 0), End: at(15, 0),
				TravelTime: 12 * time.Minute, TravelMiles: 6.5},
		},
		PlannedAt: time.Date(2026, 5, 4, 20, 0, 0, 0, time.UTC),
	}
}

func encode(t testing.TB, its ...*alongside.Itinerary) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := ical.Encode(&buf, its, ical.Options{Name: "Alongside — p_0001"}); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	t.Parallel()
	got := encode(t, itinerary(t))
	path := filepath.Join("testdata", "itinerary.ics")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Encode differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

// TestParses reads the feed back with an independent iCalendar library.
func TestParses(t *testing.T) {
	t.Parallel()
	it := itinerary(t)
	cal, err := ics.ParseCalendar(bytes.NewReader(encode(t, it)))
	if err != nil {
		t.Fatalf("ParseCalendar: %v", err)
	}
	events := cal.Events()
	if len(events) != len(it.Stops) {
		t.Fatalf("%d events; want %d", len(events), len(it.Stops))
	}
	for i, ev := range events {
		s := it.Stops[i]
		start, err := ev.GetStartAt()
		if err != nil || !start.Equal(s.Start) {
			t.Errorf("event %d start = %v, %v; want %v", i, start, err, s.Start)
		}
		end, err := ev.GetEndAt()
		if err != nil || !end.Equal(s.End) {
			t.Errorf("event %d end = %v, %v; want %v", i, end, err, s.End)
		}
		if got := ev.GetProperty(ics.ComponentPropertyLocation).Value; unescape(got) != s.Place {
			t.Errorf("event %d LOCATION = %q; want %q", i, unescape(got), s.Place)
		}
		if tzid := ev.GetProperty(ics.ComponentPropertyDtStart).ICalParameters["TZID"]; len(tzid) != 1 || tzid[0] != "America/Phoenix" {
			t.Errorf("event %d DTSTART TZID = %v; want America/Phoenix", i, tzid)
		}
	}
	if n := len(cal.Timezones()); n != 1 {
		t.Errorf("%d VTIMEZONEs; want 1", n)
	}
}

// TestDaylightSaving checks a Navajo Nation (America/Denver) feed that
// spans the 2026-03-08 change: the VTIMEZONE has both observances with the
// right offsets, and each event keeps its wall-clock time.
func TestDaylightSaving(t *testing.T) {
	t.Parallel()
	den := zone(t, "America/Denver")
	day := func(d int) alongside.Stop {
		start := time.Date(2026, 3, d, 10, 0, 0, 0, den)
		return alongside.Stop{Appointment: alongside.AppointmentID("a" + string(rune('0'+d))), Case: "c1",
			Kind: alongside.KindTeamMeeting, Arrival: start, Start: start, End: start.Add(time.Hour)}
	}
	it := &alongside.Itinerary{Org: "demo", Partner: "p1", TimeZone: "America/Denver", Stops: []alongside.Stop{day(7), day(9)}}
	out := string(encode(t, it))
	for _, want := range []string{
		"BEGIN:STANDARD\r\nDTSTART:20251102T020000\r\nTZOFFSETFROM:-0600\r\nTZOFFSETTO:-0700\r\nTZNAME:MST\r\nEND:STANDARD",
		"BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0600\r\nTZNAME:MDT\r\nEND:DAYLIGHT",
		"DTSTART;TZID=America/Denver:20260307T100000",
		"DTSTART;TZID=America/Denver:20260309T100000",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("feed lacks %q:\n%s", want, out)
		}
	}
	cal, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatalf("ParseCalendar: %v", err)
	}
	for i, ev := range cal.Events() {
		if start, err := ev.GetStartAt(); err != nil || !start.Equal(it.Stops[i].Start) {
			t.Errorf("event %d start = %v, %v; want %v", i, start, err, it.Stops[i].Start)
		}
	}
}

func TestFolding(t *testing.T) {
	t.Parallel()
	it := itinerary(t)
	it.Stops[0].Place = strings.Repeat("Juzgado de Menores — Condado de Mohave ", 5)
	for line := range strings.SplitSeq(string(encode(t, it)), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
	}
}

// unescape reverses RFC 5545 TEXT escaping.
func unescape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\;`, `;`, `\,`, `,`, `\n`, "\n", `\N`, "\n").Replace(s)
}

// FuzzICSWriter encodes itineraries with arbitrary place names and case
// identifiers: the feed always parses, and the place reads back as written
// (control characters other than newline become spaces).
func FuzzICSWriter(f *testing.F) {
	f.Add("Mohave County Juvenile Court, Kingman", "c_0001")
	f.Add("a;b,c\\d\ne", "c;1")
	f.Add(strings.Repeat("é", 100), "x")
	f.Add("\x00\x01\t", "")
	f.Fuzz(func(t *testing.T, place, caseID string) {
		it := itinerary(t)
		it.Stops[0].Place = place
		it.Stops[0].Case = alongside.CaseID(caseID)
		cal, err := ics.ParseCalendar(bytes.NewReader(encode(t, it)))
		if err != nil {
			t.Fatalf("ParseCalendar: %v", err)
		}
		want := strings.Map(func(r rune) rune {
			if r != '\n' && (r < 0x20 || r == 0x7f) {
				return ' '
			}
			return r
		}, strings.ToValidUTF8(place, "\uFFFD"))
		if want == "" {
			return
		}
		got := cal.Events()[0].GetProperty(ics.ComponentPropertyLocation)
		if got == nil || unescape(got.Value) != want {
			t.Errorf("LOCATION read back %v; want %q", got, want)
		}
	})
}
