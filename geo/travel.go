package geo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Speed is a speed in metres per second.
type Speed float64

// Common speeds.
const (
	MeterPerSecond   Speed = 1
	KilometerPerHour Speed = 1000.0 / 3600
	MilePerHour      Speed = 1609.344 / 3600
)

// KilometersPerHour returns s in kilometres per hour.
func (s Speed) KilometersPerHour() float64 { return float64(s / KilometerPerHour) }

// MilesPerHour returns s in statute miles per hour.
func (s Speed) MilesPerHour() float64 { return float64(s / MilePerHour) }

// Unreachable is the [Leg.Duration] of a leg a model found no route for,
// e.g. a null entry in an OSRM table. It is the largest time.Duration, so an
// unreachable leg never looks cheap; test with [Leg.Reachable].
const Unreachable time.Duration = math.MaxInt64

// UnreachableLeg is the leg a [TravelModel] reports when it found no route:
// Duration is [Unreachable] and Distance is +Inf.
var UnreachableLeg = Leg{Duration: Unreachable, Distance: Distance(math.Inf(1))}

// Leg is the travel from one point to another: how long it takes and how
// far it is by road.
type Leg struct {
	Duration time.Duration
	Distance Distance
}

// Reachable reports whether the model found a route for l.
func (l Leg) Reachable() bool { return l.Duration != Unreachable }

// Matrix holds the legs from each of Rows origins to each of Cols
// destinations.
type Matrix struct {
	Rows, Cols int
	// Legs is row-major: Legs[i*Cols+j] is the leg from origin i to
	// destination j.
	Legs []Leg
}

// NewMatrix returns a rows×cols matrix of zero legs.
func NewMatrix(rows, cols int) *Matrix {
	return &Matrix{Rows: rows, Cols: cols, Legs: make([]Leg, rows*cols)}
}

// At returns the leg from origin i to destination j.
func (m *Matrix) At(i, j int) Leg { return m.Legs[i*m.Cols+j] }

// Set sets the leg from origin i to destination j.
func (m *Matrix) Set(i, j int, l Leg) { m.Legs[i*m.Cols+j] = l }

// TravelModel estimates travel between points.
//
// Matrix returns a len(from)×len(to) matrix whose entry (i, j) is the leg
// from from[i] to to[j]. An empty from or to gives an empty matrix and no
// error. A pair the model has no route for is [UnreachableLeg], not an error.
// An invalid point is an error wrapping [ErrInvalidPoint]; a cancelled ctx
// is an error wrapping ctx.Err(). Errors never contain coordinates: points
// may be home locations.
//
// Implementations are safe for concurrent use.
type TravelModel interface {
	Matrix(ctx context.Context, from, to []Point) (*Matrix, error)
}

// ErrInvalidPoint is wrapped by errors about a point that is not a valid
// latitude and longitude (see [Point.Valid]).
var ErrInvalidPoint = errors.New("invalid point")

// CheckPoints returns an error wrapping [ErrInvalidPoint] that names the
// first invalid point of from or to by its index (never by its
// coordinates), or nil if all are valid.
func CheckPoints(from, to []Point) error {
	for i, p := range from {
		if !p.Valid() {
			return fmt.Errorf("geo: from[%d]: %w", i, ErrInvalidPoint)
		}
	}
	for i, p := range to {
		if !p.Valid() {
			return fmt.Errorf("geo: to[%d]: %w", i, ErrInvalidPoint)
		}
	}
	return nil
}
