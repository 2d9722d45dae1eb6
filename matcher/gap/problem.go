package gap

import (
	"errors"
	"fmt"
	"math"
)

// Sense says whether [Problem.Cost] is minimised (costs) or maximised
// (profits). The zero value is [Minimize].
type Sense int8

const (
	// Minimize treats Cost as costs: the best solution has the least total.
	Minimize Sense = iota
	// Maximize treats Cost as profits: the best solution has the greatest total.
	Maximize
)

// String returns "min" or "max".
func (s Sense) String() string {
	switch s {
	case Minimize:
		return "min"
	case Maximize:
		return "max"
	}
	return fmt.Sprintf("Sense(%d)", int8(s))
}

// Problem is a Generalized Assignment Problem: give each of n jobs to one of
// m agents so that no agent's load exceeds its capacity, at the best total
// cost or profit. Matrices are agent-major, Cost[i][j] being agent i and
// job j; all rows have n entries. A solver never modifies a Problem.
type Problem struct {
	// Sense says whether Cost is minimised or maximised; the zero value
	// minimises.
	Sense Sense

	// Cost[i][j] is the cost (Minimize) or profit (Maximize) of giving job j
	// to agent i. Every entry of an allowed pair must be finite; entries of
	// forbidden pairs are ignored.
	Cost [][]float64

	// Weight[i][j] is the load, in the capacity's units, that job j puts on
	// agent i. Entries are non-negative; +Inf forbids the pair (a hard rule).
	// A pair whose weight exceeds the agent's capacity can never be used.
	Weight [][]float64

	// Capacity[i] is the load agent i can take, non-negative; +Inf means
	// unlimited.
	Capacity []float64

	// Penalty, when non-nil, lets a job stay unassigned: leaving job j
	// unassigned adds Penalty[j] to the total cost (Minimize) or subtracts it
	// from the total profit (Maximize). Penalty[j] = +Inf keeps job j
	// mandatory. Nil (the zero value) makes every job mandatory, as in the
	// classical GAP. Entries must be non-negative or +Inf.
	Penalty []float64
}

// Agents returns m, the number of agents.
func (p *Problem) Agents() int { return len(p.Capacity) }

// Jobs returns n, the number of jobs (0 when there are no agents).
func (p *Problem) Jobs() int {
	if len(p.Cost) == 0 {
		return 0
	}
	return len(p.Cost[0])
}

// ErrInvalid is wrapped by every error [Problem.Validate] reports.
var ErrInvalid = errors.New("gap: invalid problem")

// maxReported bounds the number of joined errors Validate returns.
const maxReported = 20

// Validate reports every structural problem (up to a bound), joined, each
// wrapping [ErrInvalid]. A valid problem may still be infeasible.
func (p *Problem) Validate() error {
	var errs []error
	add := func(format string, args ...any) {
		if len(errs) < maxReported {
			errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...))
		}
	}
	if p.Sense != Minimize && p.Sense != Maximize {
		add("unknown sense %d", int8(p.Sense))
	}
	m, n := p.Agents(), p.Jobs()
	if m == 0 {
		add("no agents")
	}
	if len(p.Cost) != m {
		add("Cost has %d rows; want %d (one per agent)", len(p.Cost), m)
	}
	if len(p.Weight) != m {
		add("Weight has %d rows; want %d (one per agent)", len(p.Weight), m)
	}
	for i, b := range p.Capacity {
		if math.IsNaN(b) || b < 0 {
			add("Capacity[%d] = %v; want non-negative", i, b)
		}
	}
	for i := range min(len(p.Cost), len(p.Weight)) {
		if len(p.Cost[i]) != n {
			add("Cost[%d] has %d entries; want %d", i, len(p.Cost[i]), n)
			continue
		}
		if len(p.Weight[i]) != n {
			add("Weight[%d] has %d entries; want %d", i, len(p.Weight[i]), n)
			continue
		}
		for j := range n {
			w := p.Weight[i][j]
			switch {
			case math.IsNaN(w) || w < 0:
				add("Weight[%d][%d] = %v; want non-negative or +Inf", i, j, w)
			case math.IsInf(w, 1):
			case math.IsNaN(p.Cost[i][j]) || math.IsInf(p.Cost[i][j], 0):
				add("Cost[%d][%d] = %v; want finite", i, j, p.Cost[i][j])
			}
		}
	}
	if p.Penalty != nil {
		if len(p.Penalty) != n {
			add("Penalty has %d entries; want %d (one per job) or nil", len(p.Penalty), n)
		}
		for j, u := range p.Penalty {
			if math.IsNaN(u) || u < 0 {
				add("Penalty[%d] = %v; want non-negative or +Inf", j, u)
			}
		}
	}
	return errors.Join(errs...)
}

// ErrInfeasibleAssignment is wrapped by the errors [Problem.Evaluate]
// returns for an assignment that breaks a constraint.
var ErrInfeasibleAssignment = errors.New("gap: infeasible assignment")

// Evaluate returns the objective value of assign (assign[j] is the agent of
// job j, or -1 for unassigned) in the problem's sense, penalties included.
// It fails if assign has the wrong length, names a forbidden pair, leaves a
// mandatory job unassigned, or overloads an agent (beyond a relative
// tolerance of 1e-9). p must be valid.
func (p *Problem) Evaluate(assign []int) (float64, error) {
	m, n := p.Agents(), p.Jobs()
	if len(assign) != n {
		return 0, fmt.Errorf("%w: %d entries for %d jobs", ErrInfeasibleAssignment, len(assign), n)
	}
	load := make([]float64, m)
	var value float64
	for j, i := range assign {
		switch {
		case i == -1:
			if p.Penalty == nil || math.IsInf(p.Penalty[j], 1) {
				return 0, fmt.Errorf("%w: mandatory job %d is unassigned", ErrInfeasibleAssignment, j)
			}
			if p.Sense == Maximize {
				value -= p.Penalty[j]
			} else {
				value += p.Penalty[j]
			}
		case i < -1 || i >= m:
			return 0, fmt.Errorf("%w: job %d has agent %d; want -1..%d", ErrInfeasibleAssignment, j, i, m-1)
		case math.IsInf(p.Weight[i][j], 1):
			return 0, fmt.Errorf("%w: job %d on agent %d is a forbidden pair", ErrInfeasibleAssignment, j, i)
		default:
			load[i] += p.Weight[i][j]
			value += p.Cost[i][j]
		}
	}
	for i, l := range load {
		if b := p.Capacity[i]; l > b+capTol(b) {
			return 0, fmt.Errorf("%w: agent %d has load %v over capacity %v", ErrInfeasibleAssignment, i, l, b)
		}
	}
	return value, nil
}

// capTol is the absolute slack allowed on capacity b, absorbing rounding in
// sums of fractional weights.
func capTol(b float64) float64 { return 1e-9 * max(1, math.Abs(b)) }
