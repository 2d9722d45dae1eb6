// Package county knows the counties Alongside serves: their five-digit FIPS
// codes, names, county seats (where each county's juvenile court sits) and
// populations.
//
// The table is embedded from az_counties.csv (see SOURCE.md) and parsed once,
// lazily, on first use. Arizona is the only state loaded today; another
// state is added by adding its rows to the file.
//
// Boundary lookup (point → county) and time zones by area are not here yet;
// they come with the geo work that embeds the county polygons.
package county
