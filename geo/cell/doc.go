// Package cell puts points into H3 cells (github.com/uber/h3-go/v4, Uber's
// hexagonal grid) for spatial indexing and for coarsening locations.
//
//   - [Of], [Cell.Center], [Disk] (k-rings) and [Cell.Parent]: the grid.
//   - [Coarsen]: a point replaced by its cell's centre, so a case's home can
//     be stored no more precisely than a task needs.
//   - [Index]: IDs by cell; [Index.Near] answers "which partners live within
//     r of this case" from a k-ring whose k follows from r and the cell size
//     ([RingsFor]), then filters by great-circle distance.
//   - [Set]: a precomputed cover (e.g. urban cells) whose Contains method is
//     a geo.GreatCircle urban predicate.
//
// # Resolutions
//
// Average hexagon edge by resolution ([EdgeLength]): 5 ≈ 9.9 km, 6 ≈ 3.7 km,
// 7 ≈ 1.4 km, 8 ≈ 0.53 km, 9 ≈ 0.20 km. A cell's area is about 2.6 × edge².
//
// # Cgo
//
// This is the project's only cgo package: h3-go compiles the H3 C library
// and does not build with CGO_ENABLED=0. The solvers (scheduler,
// matcher/gap) must not import it — deps_test.go enforces that; they take
// plain points, matrices and predicates, which this package can supply.
// Errors and panics here never contain coordinates.
package cell
