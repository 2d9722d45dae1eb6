package osrm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/alongside/alongside/geo"
)

// tableResponse is the part of OSRM's table response the client reads
// (http://project-osrm.org/docs/v5.5.1/api/#table-service): code, message,
// and the durations (seconds) and distances (metres) arrays, one row per
// source, one column per destination, null where there is no route.
type tableResponse struct {
	Code      string       `json:"code"`
	Message   string       `json:"message"`
	Durations [][]nullable `json:"durations"`
	Distances [][]nullable `json:"distances"`
}

// nullable is a JSON number or null.
type nullable struct {
	v  float64
	ok bool
}

// UnmarshalJSON reads null or a number. encoding/json has checked that b
// is one valid JSON value, so anything starting like a number is a JSON
// number, which strconv reads exactly.
func (n *nullable) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		*n = nullable{}
		return nil
	case len(b) > 0 && (b[0] == '-' || '0' <= b[0] && b[0] <= '9'):
		v, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			return errors.New("number out of range")
		}
		*n = nullable{v: v, ok: true}
		return nil
	}
	return errors.New("not a number or null")
}

var errMalformed = errors.New("malformed table response")

// decodeTable reads a table response for rows sources and cols
// destinations into row-major legs. A response with a code other than "Ok"
// is an *Error (Host and Status unset); anything else wrong, a missing
// code included, wraps errMalformed. An entry null in either array is geo.UnreachableLeg.
func decodeTable(body []byte, rows, cols int) ([]geo.Leg, error) {
	var r tableResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("%w: not JSON", errMalformed)
	}
	switch r.Code {
	case "Ok":
	case "":
		return nil, fmt.Errorf("%w: no code", errMalformed)
	default:
		return nil, &Error{Code: r.Code, Message: r.Message}
	}
	if err := checkShape(r.Durations, rows, cols); err != nil {
		return nil, fmt.Errorf("%w: durations %w", errMalformed, err)
	}
	if err := checkShape(r.Distances, rows, cols); err != nil {
		return nil, fmt.Errorf("%w: distances %w", errMalformed, err)
	}
	legs := make([]geo.Leg, rows*cols)
	for i := range rows {
		for j := range cols {
			d, s := r.Durations[i][j], r.Distances[i][j]
			if !d.ok || !s.ok {
				legs[i*cols+j] = geo.UnreachableLeg
				continue
			}
			// Reject what no router answers: negative values, or durations
			// beyond a century (also keeps the conversion from overflowing).
			if !(d.v >= 0 && d.v < 100*365*24*3600) || !(s.v >= 0) || math.IsInf(s.v, 0) {
				return nil, fmt.Errorf("%w: entry (%d, %d) out of range", errMalformed, i, j)
			}
			legs[i*cols+j] = geo.Leg{
				Duration: time.Duration(math.Round(d.v * float64(time.Second))),
				Distance: geo.Distance(s.v),
			}
		}
	}
	return legs, nil
}

func checkShape(a [][]nullable, rows, cols int) error {
	if len(a) != rows {
		return fmt.Errorf("have %d rows, want %d", len(a), rows)
	}
	for _, row := range a {
		if len(row) != cols {
			return fmt.Errorf("have a row of %d, want %d", len(row), cols)
		}
	}
	return nil
}
