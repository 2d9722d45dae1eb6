// Package solomon reads VRPTW instances in Solomon's text format (also used
// by the Gehring & Homberger sets) and builds [scheduler.Problem]s from them
// under the classic convention: double-precision Euclidean distances,
// travel time equal to distance.
package solomon

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/alongside/alongside/scheduler"
)

// Customer is one row of the customer table; row 0 is the depot.
type Customer struct {
	ID         int
	X, Y       float64
	Demand     int64
	Ready, Due float64
	Service    float64
}

// Instance is a parsed instance.
type Instance struct {
	Name      string
	Vehicles  int
	Capacity  int64
	Customers []Customer // Customers[0] is the depot
}

// maxVehicles bounds the fleet size Parse accepts.
const maxVehicles = 10000

// ErrFormat marks input that is not a Solomon instance.
var ErrFormat = errors.New("solomon: bad format")

// Parse reads an instance: a name line, a VEHICLE block with NUMBER and
// CAPACITY, and a CUSTOMER table of seven integers per row. Header words
// are skipped; line endings may be CRLF.
func Parse(r io.Reader) (*Instance, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	inst := &Instance{}
	state := 0 // 0 name, 1 before vehicle numbers, 2 before customer table, 3 rows
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		switch state {
		case 0:
			inst.Name = f[0]
			state = 1
		case 1:
			if len(f) != 2 {
				continue // VEHICLE, NUMBER CAPACITY headers
			}
			n, err1 := strconv.Atoi(f[0])
			c, err2 := strconv.ParseInt(f[1], 10, 64)
			if err1 != nil || err2 != nil {
				continue
			}
			if n <= 0 || c <= 0 || n > maxVehicles {
				return nil, fmt.Errorf("%w: vehicles %d, capacity %d", ErrFormat, n, c)
			}
			inst.Vehicles, inst.Capacity = n, c
			state = 2
		case 2, 3:
			if len(f) != 7 {
				if state == 3 {
					return nil, fmt.Errorf("%w: customer row %q has %d fields, want 7", ErrFormat, sc.Text(), len(f))
				}
				continue // CUSTOMER and column headers
			}
			var v [7]int64
			ok := true
			for i, s := range f {
				x, err := strconv.ParseInt(s, 10, 64)
				if err != nil || x < 0 || x > 1e9 {
					ok = false
					break
				}
				v[i] = x
			}
			if !ok {
				if state == 3 {
					return nil, fmt.Errorf("%w: customer row %q", ErrFormat, sc.Text())
				}
				continue
			}
			if int(v[0]) != len(inst.Customers) {
				return nil, fmt.Errorf("%w: customer %d out of order (want %d)", ErrFormat, v[0], len(inst.Customers))
			}
			if v[4] > v[5] {
				return nil, fmt.Errorf("%w: customer %d: ready %d after due %d", ErrFormat, v[0], v[4], v[5])
			}
			inst.Customers = append(inst.Customers, Customer{ID: int(v[0]), X: float64(v[1]), Y: float64(v[2]),
				Demand: v[3], Ready: float64(v[4]), Due: float64(v[5]), Service: float64(v[6])})
			state = 3
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("solomon: read: %w", err)
	}
	if state != 3 {
		return nil, fmt.Errorf("%w: no customer table", ErrFormat)
	}
	if len(inst.Customers) < 2 {
		return nil, fmt.Errorf("%w: no customers besides the depot", ErrFormat)
	}
	return inst, nil
}

// Format writes inst in the Solomon layout (LF line endings); Parse reads
// it back to an equal Instance.
func Format(w io.Writer, inst *Instance) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s\n\nVEHICLE\nNUMBER     CAPACITY\n  %d         %d\n\nCUSTOMER\n", inst.Name, inst.Vehicles, inst.Capacity)
	fmt.Fprintf(bw, "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n")
	for _, c := range inst.Customers {
		fmt.Fprintf(bw, "%5d %8.0f %10.0f %10d %10.0f %10.0f %10.0f\n", c.ID, c.X, c.Y, c.Demand, c.Ready, c.Due, c.Service)
	}
	return bw.Flush()
}

// Dist is the Euclidean distance between customers a and b.
func (inst *Instance) Dist(a, b int) float64 {
	ca, cb := inst.Customers[a], inst.Customers[b]
	return math.Hypot(ca.X-cb.X, ca.Y-cb.Y)
}

// Problem builds the scheduler problem: location i is customer i, job i-1
// is customer i, and the fleet is Vehicles identical vehicles at the depot
// with the depot's horizon as shift.
func (inst *Instance) Problem() *scheduler.Problem {
	n := len(inst.Customers)
	mat := scheduler.Matrix{Size: n, Durations: make([]float64, n*n)}
	for i := range n {
		for j := range n {
			mat.Durations[i*n+j] = inst.Dist(i, j)
		}
	}
	depot := inst.Customers[0]
	p := &scheduler.Problem{Matrix: mat}
	for range inst.Vehicles {
		p.Vehicles = append(p.Vehicles, scheduler.Vehicle{Start: 0, End: 0,
			Shift: scheduler.TimeWindow{Start: depot.Ready, End: depot.Due}, Capacity: inst.Capacity})
	}
	for i, c := range inst.Customers[1:] {
		p.Jobs = append(p.Jobs, scheduler.Job{Location: i + 1, Service: c.Service, Demand: c.Demand,
			Windows: []scheduler.TimeWindow{{Start: c.Ready, End: c.Due}}})
	}
	return p
}
