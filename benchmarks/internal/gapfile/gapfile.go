// Package gapfile reads and writes Generalized Assignment Problem instances
// in the OR-Library (Beasley) and Yagiura text formats.
//
// Both formats are whitespace-separated integers in which line breaks carry
// no meaning. A single-instance file (Yagiura's C, D and E sets) is
//
//	m n
//	c[0][0] .. c[m-1][n-1]   m rows of n costs (or profits)
//	w[0][0] .. w[m-1][n-1]   m rows of n resource requirements
//	b[0] .. b[m-1]           capacities
//
// and a multi-instance file (OR-Library gap1..gap12, gapa..gapd) is a count
// P followed by P such blocks. Matrices are agent-major: row i is agent i.
// Whether the numbers are costs to minimise or profits to maximise is not
// recorded in the files; the caller knows it from the set.
package gapfile

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Instance is one GAP instance exactly as stored: agent-major integer
// matrices.
type Instance struct {
	Agents   int       // m, at least 1
	Jobs     int       // n, at least 1
	Cost     [][]int64 // Cost[i][j]: cost or profit of giving job j to agent i
	Weight   [][]int64 // Weight[i][j]: capacity agent i uses if it takes job j
	Capacity []int64   // Capacity[i]: capacity of agent i
}

// maxCells bounds m*n so that a hostile header cannot make the reader
// allocate without the data to back it; the largest public instance has
// 128 000 cells.
const maxCells = 1 << 26

// ErrFormat is wrapped by every error about malformed input.
var ErrFormat = errors.New("gapfile: malformed instance data")

// ReadSingle reads one instance in the single-instance format (no leading
// count) and fails on trailing data.
func ReadSingle(r io.Reader) (Instance, error) {
	t := newTokens(r)
	in, err := t.instance()
	if err != nil {
		return Instance{}, err
	}
	if err := t.end(); err != nil {
		return Instance{}, err
	}
	return in, nil
}

// ReadMulti reads the multi-instance format: a count P, then P instances.
// It fails on trailing data.
func ReadMulti(r io.Reader) ([]Instance, error) {
	t := newTokens(r)
	p, err := t.int("instance count")
	if err != nil {
		return nil, err
	}
	if p < 1 || p > 1<<16 {
		return nil, fmt.Errorf("%w: instance count %d out of range", ErrFormat, p)
	}
	out := make([]Instance, 0, min(p, 64))
	for k := range p {
		in, err := t.instance()
		if err != nil {
			return nil, fmt.Errorf("instance %d: %w", k+1, err)
		}
		out = append(out, in)
	}
	if err := t.end(); err != nil {
		return nil, err
	}
	return out, nil
}

// Read reads either format: if the numbers form exactly one
// single-instance block it returns that instance, otherwise it parses the
// data as a multi-instance file.
func Read(r io.Reader) ([]Instance, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	fields := strings.Fields(string(data))
	if len(fields) >= 2 {
		m, err1 := strconv.ParseInt(fields[0], 10, 64)
		n, err2 := strconv.ParseInt(fields[1], 10, 64)
		if err1 == nil && err2 == nil && m > 0 && n > 0 && m <= maxCells && n <= maxCells &&
			m*n <= maxCells && int64(len(fields)) == 2+2*m*n+m {
			in, err := ReadSingle(strings.NewReader(string(data)))
			if err != nil {
				return nil, err
			}
			return []Instance{in}, nil
		}
	}
	return ReadMulti(strings.NewReader(string(data)))
}

// Open reads the file at path with [Read], decompressing it first when its
// name ends in ".gz".
func Open(path string) (ins []Instance, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	var r io.Reader = bufio.NewReader(f)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer func() { err = errors.Join(err, zr.Close()) }()
		r = zr
	}
	ins, err = Read(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ins, nil
}

// WriteSingle writes in in the single-instance format, one agent row per
// line.
func WriteSingle(w io.Writer, in Instance) error {
	bw := bufio.NewWriter(w)
	writeInstance(bw, in)
	return bw.Flush()
}

// WriteMulti writes ins in the multi-instance format.
func WriteMulti(w io.Writer, ins []Instance) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%d\n", len(ins))
	for _, in := range ins {
		writeInstance(bw, in)
	}
	return bw.Flush()
}

func writeInstance(w *bufio.Writer, in Instance) {
	fmt.Fprintf(w, "%d %d\n", in.Agents, in.Jobs)
	row := func(xs []int64) {
		for j, x := range xs {
			if j > 0 {
				w.WriteByte(' ')
			}
			w.WriteString(strconv.FormatInt(x, 10))
		}
		w.WriteByte('\n')
	}
	for _, r := range in.Cost {
		row(r)
	}
	for _, r := range in.Weight {
		row(r)
	}
	row(in.Capacity)
}

// tokens reads whitespace-separated integers.
type tokens struct {
	sc  *bufio.Scanner
	pos int // number of tokens read, for messages
}

func newTokens(r io.Reader) *tokens {
	sc := bufio.NewScanner(r)
	sc.Split(bufio.ScanWords)
	return &tokens{sc: sc}
}

func (t *tokens) next(what string) (int64, error) {
	if !t.sc.Scan() {
		if err := t.sc.Err(); err != nil {
			return 0, fmt.Errorf("read %s: %w", what, err)
		}
		return 0, fmt.Errorf("%w: unexpected end of data reading %s (token %d)", ErrFormat, what, t.pos+1)
	}
	t.pos++
	v, err := strconv.ParseInt(t.sc.Text(), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: token %d (%s): %q is not an integer", ErrFormat, t.pos, what, t.sc.Text())
	}
	return v, nil
}

func (t *tokens) int(what string) (int, error) {
	v, err := t.next(what)
	if err != nil {
		return 0, err
	}
	if v < 0 || v > maxCells {
		return 0, fmt.Errorf("%w: %s %d out of range", ErrFormat, what, v)
	}
	return int(v), nil
}

func (t *tokens) instance() (Instance, error) {
	m, err := t.int("agent count")
	if err != nil {
		return Instance{}, err
	}
	n, err := t.int("job count")
	if err != nil {
		return Instance{}, err
	}
	if m < 1 || n < 1 || m*n > maxCells {
		return Instance{}, fmt.Errorf("%w: %d agents x %d jobs out of range", ErrFormat, m, n)
	}
	in := Instance{Agents: m, Jobs: n}
	// Rows are allocated one at a time as their data arrives, so short
	// input fails before a large header costs memory.
	matrix := func(what string) ([][]int64, error) {
		rows := make([][]int64, 0, min(m, 1024))
		for i := range m {
			row := make([]int64, 0, min(n, 4096))
			for j := range n {
				v, err := t.next(what)
				if err != nil {
					return nil, fmt.Errorf("%s[%d][%d]: %w", what, i, j, err)
				}
				row = append(row, v)
			}
			rows = append(rows, row)
		}
		return rows, nil
	}
	if in.Cost, err = matrix("cost"); err != nil {
		return Instance{}, err
	}
	if in.Weight, err = matrix("weight"); err != nil {
		return Instance{}, err
	}
	in.Capacity = make([]int64, 0, min(m, 1024))
	for i := range m {
		v, err := t.next("capacity")
		if err != nil {
			return Instance{}, fmt.Errorf("capacity[%d]: %w", i, err)
		}
		in.Capacity = append(in.Capacity, v)
	}
	return in, nil
}

func (t *tokens) end() error {
	if t.sc.Scan() {
		return fmt.Errorf("%w: trailing data at token %d: %q", ErrFormat, t.pos+1, t.sc.Text())
	}
	if err := t.sc.Err(); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return nil
}
