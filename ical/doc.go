// Package ical writes partners' itineraries as iCalendar (RFC 5545)
// feeds that a phone calendar can subscribe to.
//
// # Model
//
// Each served stop of an [alongside.Itinerary] becomes one VEVENT whose UID
// is stable across re-plans (the appointment's ID and organization), so a
// subscribed calendar moves an event instead of duplicating it. Times are
// zone-aware: DTSTART and DTEND carry the itinerary's TZID, and the feed
// holds a VTIMEZONE for every zone it uses, built from Go's time zone data
// as explicit observances covering the feed's dates (America/Phoenix has
// one standard observance; America/Denver, used in the Navajo Nation, has
// its daylight-saving transitions). DTSTAMP is the itinerary's PlannedAt:
// the encoder reads no clock, so the same itinerary always encodes to the
// same bytes.
//
// # What a feed shows
//
// A feed is read on a phone, often in public: it carries the stop's kind
// ("Court hearing"), its place name and coordinates, the case identifier
// and the drive that leads to it. It never carries needs, identity or any
// other case detail. Text is escaped and lines are folded at 75 octets as
// RFC 5545 requires; control characters are replaced by spaces.
package ical
