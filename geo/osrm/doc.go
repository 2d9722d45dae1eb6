// Package osrm is a client for the table service of OSRM, the open-source
// road router a real Alongside deployment runs beside it (osrm-routed over
// an OpenStreetMap extract of Arizona). [Client] implements
// geo.TravelModel: road durations and distances between every origin and
// destination, from
//
//	GET {BaseURL}/table/v1/{profile}/{lng,lat;lng,lat;…}?sources=…&destinations=…&annotations=duration,distance
//
// parsed from OSRM's documented JSON ("code": "Ok", "durations" in
// seconds, "distances" in metres, null where there is no route).
//
// Large matrices are split into blocks within the server's
// --max-table-size (default 100); each request has a timeout; failures to
// reach the service wrap [ErrUnavailable] so a caller can fall back to
// geo.GreatCircle; refusals are an [*Error] carrying OSRM's code. Wrap a
// Client in geo.CachedModel to avoid asking twice.
//
// Points can be home locations: errors carry the host and the failure,
// never the URL or coordinates, and nothing here logs.
package osrm
