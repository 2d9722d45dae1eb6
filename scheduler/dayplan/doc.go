// Package dayplan turns a day of appointments and the partners who work it
// into a vehicle routing problem for package scheduler, and the engine's
// routes back into itineraries.
//
// # Model
//
// Time is seconds after local midnight of the plan's date, in the plan's
// zone (America/Phoenix, or America/Denver for the Navajo Nation); every
// output time is a zone-aware time.Time. Locations are the partners' homes
// followed by the appointments' places; travel comes from a geo.TravelModel
// (durations in seconds, distances in metres, reported in miles).
//
// A partner is a vehicle when active and available on the date's weekday:
// the shift runs from the earliest to the latest of that day's availability
// windows (gaps inside are not modelled), starting and ending at home, with
// a lunch break (Options.Break) when the shift is longer than six hours and
// Options.MaxDriving of driving at most.
//
// An appointment is a job whose service is its duration and whose start
// must fall in its windows (a hearing's fixed start is a window of one
// instant); its priority is the appointment's, so courts come first. It may
// be served by the case's confirmed partner, by the partners the
// coordinator listed as cover, and — when the request allows cover — by any
// active partner who shares a language with the parent and works the
// case's program. Cancelled appointments are left out.
//
// # Re-planning
//
// Given the previous itineraries and the current time, stops that are done,
// in progress, or whose planned start has passed are pinned: same partner,
// same start. The others first keep their previous partner; only if some
// stop is then left unserved is the problem solved again with every stop
// open to all partners allowed to serve it. So a re-plan moves as little
// as it can.
//
// Every unserved appointment comes back with its reason in words.
package dayplan
