// Package county knows the counties Alongside serves and where they are:
// their five-digit FIPS codes, names, county seats (where each county's
// juvenile court sits), populations and boundaries, and the time zones and
// urban areas inside them.
//
// # Data
//
// Two embedded files, copied unchanged from the project's shared
// benchmark data (see SOURCE.md): az_counties.csv, the county table
// ([Lookup], [All]), and az_counties.geojson, the Census 1:20,000,000
// cartographic boundaries ([Locate]). Both are parsed once, lazily, on
// first use; a parse failure is a build defect and panics. Arizona is the
// only state loaded; another state is added by adding its rows and
// features.
//
// # Point in county
//
// [Locate] tests points against the polygons in the plane of longitude and
// latitude — the plane the Census draws its lines in (a long east–west
// county line is a parallel of latitude, not a great circle). A uniform
// index grid of 1/32° cells (about 3 km) answers most points from one
// array read; cells a boundary edge comes near fall back to an exact
// even-odd ray test over the few polygons whose bounding box holds the
// point. Typical cost: tens of nanoseconds, a few hundred near a county
// line (BenchmarkLocate). The coarse boundaries put points within a few
// kilometres of a county line on either side of it; see [Locate].
//
// # Time zones and urban areas
//
// [TimeZone] returns America/Phoenix for Arizona and America/Denver inside
// an approximate, hand-drawn Navajo Nation polygon that excludes an
// approximate Hopi Reservation; the approximation and its known errors are
// in its documentation. [Urban] is an approximate urban-area predicate for
// geo.GreatCircle's urban speed.
package county
