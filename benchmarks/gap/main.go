// Command gap benchmarks the matcher/gap solver on the public Generalized
// Assignment Problem instances (OR-Library gap1-12 and types A-D, Yagiura's
// types C, D and E), comparing each result with the best known value and
// with the generic baselines measured earlier (CBC, GLPK, greedy, MTHG).
//
// Usage:
//
//	go run ./benchmarks/gap [-set gap1-12|A-D|A|B|C|D|E|all|<instance>[,...]] [-time 2s] [-clock cpu|wall] [-seed 1] [-data DIR]
//
// It prints one row per instance and one summary line per instance group
// (and per type for C, D and E, whose instances span two groups).
//
// By default the time limit counts the CPU time of the process (-clock
// cpu, through [gap.Options.Clock]) rather than wall-clock time, so that
// on a shared machine other load does not shorten the search. The solver
// runs on the calling goroutine, so this is one core's time (garbage
// collection included). The rows show both the CPU and the wall-clock
// seconds, the summaries the maximum by the limit's clock, and the header
// the load average.
// The value of every solution is recomputed, and its feasibility checked,
// from the integer instance data independently of the solver. The data
// directory defaults to the copy in benchmarks/gap/data (see SOURCE.md
// there).
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alongside/alongside/benchmarks/internal/cpuclock"
	"github.com/alongside/alongside/benchmarks/internal/gapfile"
	"github.com/alongside/alongside/matcher/gap"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gap:", err)
		os.Exit(1)
	}
}

// Flag names.
const (
	flagSet        = "set"
	flagTime       = "time"
	flagSeed       = "seed"
	flagClock      = "clock"
	flagData       = "data"
	flagCPUProfile = "cpuprofile"
	flagProgress   = "progress"
)

type config struct {
	sets       string
	limit      time.Duration
	clock      string
	seed       uint64
	data       string
	cpuProfile string
	progress   bool
	stderr     io.Writer
}

func (c *config) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.sets, flagSet, "gap1-12", "instance sets or instance names, comma-separated: gap1-12, A-D, A, B, C, D, E, all, d20400, ...")
	fs.DurationVar(&c.limit, flagTime, 2*time.Second, "time limit per instance")
	defClock := "cpu"
	if !cpuclock.Supported {
		defClock = "wall"
	}
	fs.StringVar(&c.clock, flagClock, defClock, "what the time limit counts: cpu (process CPU time) or wall")
	fs.Uint64Var(&c.seed, flagSeed, 1, "solver seed")
	fs.StringVar(&c.data, flagData, "", "instance directory (default: the repository copy, benchmarks/gap/data)")
	fs.StringVar(&c.cpuProfile, flagCPUProfile, "", "write a CPU profile to this file")
	fs.BoolVar(&c.progress, flagProgress, false, "print the solver's progress reports to standard error")
}

func (c *config) validate() error {
	if c.limit <= 0 {
		return fmt.Errorf("-%s must be positive", flagTime)
	}
	switch c.clock {
	case "wall":
	case "cpu":
		if !cpuclock.Supported {
			return fmt.Errorf("-%s cpu is not supported on this platform", flagClock)
		}
	default:
		return fmt.Errorf("-%s must be cpu or wall", flagClock)
	}
	if strings.TrimSpace(c.sets) == "" {
		return fmt.Errorf("-%s is empty", flagSet)
	}
	return nil
}

// entry is one benchmark instance with its reference figures.
type entry struct {
	name   string
	group  string // baselines.csv "set" column
	sense  gap.Sense
	agents int
	jobs   int
	best   float64 // best known value
	proven bool

	// baselines (NaN when absent)
	cbcValue, cbcGap, cbcTime, glpkValue, glpkTime, greedyGap, mthgGap float64
	cbcOptimal, glpkOptimal                                            bool
}

// setFilters maps a -set name to the instances it selects.
var setFilters = map[string]func(e *entry) bool{
	"gap1-12": func(e *entry) bool { return strings.HasPrefix(e.name, "gap") },
	"A-D": func(e *entry) bool {
		return strings.ContainsRune("abcd", rune(e.name[0])) && !strings.HasPrefix(e.name, "gap") && e.jobs <= 200
	},
	"A":   typeFilter('a'),
	"B":   typeFilter('b'),
	"C":   typeFilter('c'),
	"D":   typeFilter('d'),
	"E":   typeFilter('e'),
	"all": func(*entry) bool { return true },
}

func typeFilter(t byte) func(e *entry) bool {
	return func(e *entry) bool { return e.name[0] == t && !strings.HasPrefix(e.name, "gap") }
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	cfg := config{stderr: stderr}
	fs := flag.NewFlagSet("gap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.bind(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	if cfg.data == "" {
		cfg.data = defaultDataDir()
	}
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, f.Close()) }()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	entries, err := loadEntries(cfg.data)
	if err != nil {
		return err
	}
	var selected []*entry
	for _, s := range strings.Split(cfg.sets, ",") {
		if _, ok := setFilters[s]; !ok && !slices.ContainsFunc(entries, func(e *entry) bool { return e.name == s }) {
			return fmt.Errorf("-%s: %q is neither a set nor an instance", flagSet, s)
		}
	}
	for _, e := range entries {
		for _, s := range strings.Split(cfg.sets, ",") {
			if f, ok := setFilters[s]; (ok && f(e)) || s == e.name {
				selected = append(selected, e)
				break
			}
		}
	}
	fmt.Fprintf(stdout, "# matcher/gap, -time %v (%s clock), -seed %d, %s/%s, GOMAXPROCS %d, load average %s\n",
		cfg.limit, cfg.clock, cfg.seed, runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), loadAverage())
	fmt.Fprintf(stdout, "%-9s %8s %9s %9s %7s %11s %-10s %5s %5s %-5s | %9s %7s %7s %9s %7s | %7s %7s\n",
		"instance", "m x n", "value", "best", "gap%", "bound", "status", "cpu", "wall", "check",
		"cbc", "cbc%", "cbc s", "glpk", "glpk s", "greedy%", "mthg%")
	results := make(map[*entry]*result)
	cache := map[string][]gapfile.Instance{}
	for _, e := range selected {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		in, err := loadInstance(cfg.data, e.name, cache)
		if err != nil {
			return err
		}
		if in.Agents != e.agents || in.Jobs != e.jobs {
			return fmt.Errorf("%s: file has %dx%d, optima.csv says %dx%d", e.name, in.Agents, in.Jobs, e.agents, e.jobs)
		}
		r, err := solve(ctx, e, in, cfg)
		if err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		results[e] = r
		fmt.Fprintln(stdout, r.row(e))
	}
	fmt.Fprintln(stdout)
	summarize(stdout, selected, results)
	return nil
}

// result is the outcome of one instance.
type result struct {
	sol     *gap.Solution
	elapsed time.Duration // by the clock of the time limit
	wall    time.Duration
	cpu     time.Duration // process CPU time (wall-clock where unknown)
	check   string        // "ok" or what is wrong
	value   float64       // recomputed from the integer data, NaN without a solution
	gapPct  float64       // NaN without a solution
}

func solve(ctx context.Context, e *entry, in gapfile.Instance, cfg config) (*result, error) {
	p := toProblem(in, e.sense)
	opts := gap.Options{TimeLimit: cfg.limit, Seed: cfg.seed}
	if cfg.clock == "cpu" {
		opts.Clock = cpuclock.Now
	}
	if cfg.progress {
		opts.Progress = func(pr gap.Progress) {
			fmt.Fprintf(cfg.stderr, "%s %6.3f s %-10s value %v bound %v iterations %d\n",
				e.name, pr.Elapsed.Seconds(), pr.Phase, pr.Value, pr.Bound, pr.Iterations)
		}
	}
	w0, c0 := time.Now(), cpuclock.Now()
	sol, err := gap.Solve(ctx, p, opts)
	wall, cpu := time.Since(w0), cpuclock.Now().Sub(c0)
	if err != nil {
		return nil, err
	}
	if cfg.progress {
		fmt.Fprintf(cfg.stderr, "%s stats %+v\n", e.name, sol.Stats)
	}
	r := &result{sol: sol, elapsed: wall, wall: wall, cpu: cpu, value: math.NaN(), gapPct: math.NaN(), check: "none"}
	if cfg.clock == "cpu" {
		r.elapsed = cpu
	}
	if sol.Assign != nil {
		v, problem := check(in, sol.Assign)
		r.check = problem
		if problem == "ok" {
			r.value = float64(v)
			if float64(v) != sol.Value {
				r.check = fmt.Sprintf("value %d != %v", v, sol.Value)
			}
			r.gapPct = gapPct(e.sense, r.value, e.best)
		}
	}
	return r, nil
}

// check recomputes the value of assign from the integer data and verifies
// every constraint, independently of the solver.
func check(in gapfile.Instance, assign []int) (int64, string) {
	if len(assign) != in.Jobs {
		return 0, "length"
	}
	load := make([]int64, in.Agents)
	var v int64
	for j, i := range assign {
		if i < 0 || i >= in.Agents {
			return 0, fmt.Sprintf("job %d unassigned", j)
		}
		load[i] += in.Weight[i][j]
		v += in.Cost[i][j]
	}
	for i, l := range load {
		if l > in.Capacity[i] {
			return 0, fmt.Sprintf("agent %d over", i)
		}
	}
	return v, "ok"
}

func gapPct(sense gap.Sense, value, best float64) float64 {
	if sense == gap.Maximize {
		return 100 * (best - value) / best
	}
	return 100 * (value - best) / best
}

func toProblem(in gapfile.Instance, sense gap.Sense) *gap.Problem {
	p := &gap.Problem{Sense: sense, Capacity: make([]float64, in.Agents)}
	p.Cost = make([][]float64, in.Agents)
	p.Weight = make([][]float64, in.Agents)
	for i := range in.Agents {
		p.Capacity[i] = float64(in.Capacity[i])
		p.Cost[i] = make([]float64, in.Jobs)
		p.Weight[i] = make([]float64, in.Jobs)
		for j := range in.Jobs {
			p.Cost[i][j] = float64(in.Cost[i][j])
			p.Weight[i][j] = float64(in.Weight[i][j])
		}
	}
	return p
}

func (r *result) row(e *entry) string {
	value, gp := "-", "-"
	if !math.IsNaN(r.value) {
		value = strconv.FormatFloat(r.value, 'f', -1, 64)
		gp = fmt.Sprintf("%.3f", r.gapPct)
	}
	return fmt.Sprintf("%-9s %8s %9s %9s %7s %11s %-10s %5.2f %5.2f %-5s | %9s %7s %7s %9s %7s | %7s %7s",
		e.name, fmt.Sprintf("%dx%d", e.agents, e.jobs), value, fmtNum(e.best), gp,
		fmtBound(r.sol.Bound), r.sol.Status, r.cpu.Seconds(), r.wall.Seconds(), r.check,
		fmtOpt(e.cbcValue, e.cbcOptimal), fmtPct(e.cbcGap), fmtSec(e.cbcTime),
		fmtOpt(e.glpkValue, e.glpkOptimal), fmtSec(e.glpkTime),
		fmtPct(e.greedyGap), fmtPct(e.mthgGap))
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func fmtBound(v float64) string {
	if math.IsInf(v, 0) {
		return fmt.Sprint(v)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// fmtOpt formats a baseline value, starred when proven optimal.
func fmtOpt(v float64, optimal bool) string {
	if math.IsNaN(v) {
		return "-"
	}
	if optimal {
		return fmtNum(v) + "*"
	}
	return fmtNum(v)
}

func fmtSec(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.2f", v)
}

func fmtPct(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.2f", v)
}

// summarize prints one line per group in baselines.csv order, then one
// per type for the types split over two groups (C, D and E: up to 200
// jobs, 400 and more).
func summarize(w io.Writer, selected []*entry, results map[*entry]*result) {
	var groups []string
	byGroup := map[string][]*entry{}
	for _, e := range selected {
		if _, ok := byGroup[e.group]; !ok {
			groups = append(groups, e.group)
		}
		byGroup[e.group] = append(byGroup[e.group], e)
	}
	for _, g := range groups {
		fmt.Fprintln(w, summaryLine(g, byGroup[g], results))
	}
	for _, typ := range []string{"C", "D", "E"} {
		var es []*entry
		n := 0
		for _, g := range groups {
			if strings.HasPrefix(g, typ+" ") {
				es = append(es, byGroup[g]...)
				n++
			}
		}
		if n >= 2 {
			fmt.Fprintln(w, summaryLine(fmt.Sprintf("type %s (all)", typ), es, results))
		}
	}
}

// summaryLine summarises the results on es and the baselines'.
func summaryLine(label string, es []*entry, results map[*entry]*result) string {
	var opt, bad, cbcOpt, glpkOpt int
	var sum, maxGap, maxT float64
	var cbc, cbcT, glpk, glpkT, greedy, mthg stat
	for _, e := range es {
		r := results[e]
		if r.sol.Status == gap.Optimal {
			opt++
		}
		if r.check != "ok" {
			bad++
		} else {
			sum += r.gapPct
			maxGap = max(maxGap, r.gapPct)
		}
		maxT = max(maxT, r.elapsed.Seconds())
		if e.cbcOptimal {
			cbcOpt++
		}
		if e.glpkOptimal {
			glpkOpt++
		}
		cbc.add(e.cbcGap)
		cbcT.add(e.cbcTime)
		glpk.add(gapOf(e, e.glpkValue))
		glpkT.add(e.glpkTime)
		greedy.add(e.greedyGap)
		mthg.add(e.mthgGap)
	}
	mean := math.NaN()
	if len(es) > bad {
		mean = sum / float64(len(es)-bad)
	}
	line := fmt.Sprintf("%s: optimal %d/%d, mean gap %.2f%%, max gap %.2f%%, max %.2f s",
		label, opt, len(es), mean, maxGap, maxT)
	if bad > 0 {
		line += fmt.Sprintf(", NO VALID SOLUTION %d", bad)
	}
	line += fmt.Sprintf(" | CBC optimal %d/%d, mean gap %s, mean %s; GLPK optimal %d/%d, mean gap %s, mean %s; greedy %s; MTHG %s",
		cbcOpt, len(es), cbc, cbcT.seconds(), glpkOpt, len(es), glpk, glpkT.seconds(), greedy, mthg)
	return line
}

// stat averages baseline gaps, counting the instances without a value.
type stat struct {
	sum     float64
	n, miss int
}

func (s *stat) add(v float64) {
	if math.IsNaN(v) {
		s.miss++
		return
	}
	s.sum += v
	s.n++
}

func (s stat) String() string {
	if s.n == 0 {
		return "n/a"
	}
	out := fmt.Sprintf("%.2f%%", s.sum/float64(s.n))
	if s.miss > 0 {
		out += fmt.Sprintf(" (%d without solution)", s.miss)
	}
	return out
}

// seconds formats the mean of a stat of times.
func (s stat) seconds() string {
	if s.n == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f s", s.sum/float64(s.n))
}

// loadAverage returns the 1, 5 and 15 minute load averages, where known.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}

func gapOf(e *entry, v float64) float64 {
	if math.IsNaN(v) {
		return v
	}
	return gapPct(e.sense, v, e.best)
}

// defaultDataDir finds the repository copy of the instances: relative to
// the working directory (go run from the module root), else next to this
// source file.
func defaultDataDir() string {
	const rel = "benchmarks/gap/data"
	if _, err := os.Stat(rel); err == nil {
		return rel
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		return filepath.Join(filepath.Dir(file), "data")
	}
	return rel
}

// loadEntries reads optima.csv and baselines.csv.
func loadEntries(dir string) ([]*entry, error) {
	opt, err := readCSV(filepath.Join(dir, "optima.csv"))
	if err != nil {
		return nil, err
	}
	base, err := readCSV(filepath.Join(dir, "baselines.csv"))
	if err != nil {
		return nil, err
	}
	baseByName := map[string]map[string]string{}
	for _, r := range base {
		baseByName[r["instance"]] = r
	}
	var out []*entry
	for _, r := range opt {
		e := &entry{name: r["instance"], group: r["instance"]}
		if r["sense"] == "max" {
			e.sense = gap.Maximize
		}
		e.agents, _ = strconv.Atoi(r["agents"])
		e.jobs, _ = strconv.Atoi(r["jobs"])
		e.best, err = strconv.ParseFloat(r["best_value"], 64)
		if err != nil || e.name == "" {
			return nil, fmt.Errorf("optima.csv: bad row %v", r)
		}
		e.proven = r["proven_optimal"] == "yes"
		b := baseByName[e.name]
		if b == nil {
			return nil, fmt.Errorf("baselines.csv: no row for %s", e.name)
		}
		e.group = b["set"]
		e.cbcValue = num(b["cbc_value"])
		e.cbcGap = num(b["cbc_gap_pct"])
		e.cbcTime = num(b["cbc_time_s"])
		e.glpkValue = num(b["glpk_value"])
		e.glpkTime = num(b["glpk_time_s"])
		e.greedyGap = num(b["greedy_gap_pct"])
		e.mthgGap = num(b["mthg_gap_pct"])
		e.cbcOptimal = b["cbc_optimal"] == "yes"
		e.glpkOptimal = b["glpk_optimal"] == "yes"
		out = append(out, e)
	}
	return out, nil
}

func num(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

// readCSV returns the rows of a CSV file with a header as column maps.
func readCSV(path string) (rows []map[string]string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) < 1 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for k, h := range recs[0] {
			if k < len(rec) {
				row[h] = rec[k]
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// abOrder is the order of the instances in orlib/gapa.txt .. gapd.txt.
var abOrder = []string{"05100", "05200", "10100", "10200", "20100", "20200"}

// loadInstance finds the instance called name in dir (see the README of
// the data): gapK-P is the P-th instance of orlib/gapK.txt, a-d with up to
// 200 jobs are in orlib/gap<t>.txt, the rest are yagiura/<name>[.gz].
func loadInstance(dir, name string, cache map[string][]gapfile.Instance) (gapfile.Instance, error) {
	file, idx := "", 0
	switch {
	case strings.HasPrefix(name, "gap"):
		k, p, ok := strings.Cut(strings.TrimPrefix(name, "gap"), "-")
		pi, err := strconv.Atoi(p)
		if !ok || err != nil || pi < 1 {
			return gapfile.Instance{}, fmt.Errorf("bad instance name %q", name)
		}
		file, idx = filepath.Join(dir, "orlib", "gap"+k+".txt"), pi-1
	case slices.Contains(abOrder, name[1:]) && strings.ContainsRune("abcd", rune(name[0])):
		file, idx = filepath.Join(dir, "orlib", "gap"+name[:1]+".txt"), slices.Index(abOrder, name[1:])
	default:
		file = filepath.Join(dir, "yagiura", name)
		if _, err := os.Stat(file); err != nil {
			file += ".gz"
		}
	}
	ins, ok := cache[file]
	if !ok {
		var err error
		ins, err = gapfile.Open(file)
		if err != nil {
			return gapfile.Instance{}, err
		}
		cache[file] = ins
	}
	if idx >= len(ins) {
		return gapfile.Instance{}, fmt.Errorf("%s: has %d instances, want #%d", file, len(ins), idx+1)
	}
	return ins[idx], nil
}
