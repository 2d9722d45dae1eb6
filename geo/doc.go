// Package geo holds Alongside's geographic primitives: points on the WGS84
// sphere, great-circle distances, and the travel model the scheduler and
// the matcher estimate trips with.
//
// # Units
//
// A [Point] is a latitude and longitude in decimal degrees. Lengths are a
// named type, [Distance], in metres, so a caller always says which unit it
// reads ([Distance.Miles], [Distance.Kilometers]); speeds are [Speed], in
// metres per second (write 40*[KilometerPerHour] or 25*[MilePerHour]).
// Travel times are time.Duration. Great-circle distances are computed on a
// sphere of the Earth's mean radius ([EarthRadius]) with
// github.com/golang/geo/s2.
//
// # Travel model
//
// A [TravelModel] turns origins and destinations into a [Matrix] of legs
// (duration and road distance). There are three:
//
//   - [GreatCircle], the default: great-circle distance × a circuity factor
//     (default [DefaultCircuity] 1.3), driven at [DefaultUrbanSpeed]
//     40 km/h for the first and last [DefaultUrbanReach] 10 km at an urban
//     trip end and at [DefaultRuralSpeed] 80 km/h otherwise; "urban" is a
//     predicate the caller supplies. Fast (a 100×100 matrix in well under a
//     millisecond), no I/O, rough.
//   - the OSRM client in package geo/osrm: road-network times from an
//     OSRM-compatible /table service, as a real deployment would run.
//   - [CachedModel], wrapping either with a [LegCache] ([LRU] in process; a
//     shared store through the same interface).
//
// A pair without a route is [UnreachableLeg] (duration [Unreachable]),
// not an error; a consumer that needs finite numbers decides what an
// unreachable stop means.
//
// # Privacy
//
// Points can be home locations. Nothing in geo or below logs, and errors
// name points by their index, never by their coordinates.
//
// Geo has no notion of cases or partners and imports nothing of the
// project; the domain package and the solvers build on it. H3 cells live in
// geo/cell (the only cgo package), county boundaries and time zones in
// geo/county.
package geo
