// Package geo holds Alongside's geographic primitives: points on the WGS84
// sphere and great-circle distances.
//
// # Model
//
// A [Point] is a latitude and longitude in degrees. Distances are a named
// type, [Distance], stored in metres, so a caller always says which unit it
// reads ([Distance.Miles], [Distance.Kilometers]). Great-circle distances are
// computed on a sphere of the Earth's mean radius with
// github.com/golang/geo/s2; they are the basis of the default travel model
// (a later addition to this package) and of the sample data.
//
// Geo does no I/O and has no notion of cases or partners; the domain package
// and the solvers build on it.
package geo
