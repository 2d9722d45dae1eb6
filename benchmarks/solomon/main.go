// Command solomon runs the scheduler on the Solomon (or Gehring & Homberger
// 200-customer) VRPTW instances and prints one row per instance, a summary
// per family and overall, beside the best known solutions and the VROOM and
// HGS reference figures from the data's CSV tables.
//
//	go run ./benchmarks/solomon -family all -time 1s -objective distance
//	go run ./benchmarks/solomon -set homberger200 -family C1 -objective vehicles
//
// -time is a per-instance limit on the process's CPU time (-clock cpu, the
// default where the platform reports it; the run uses one core,
// GOMAXPROCS 1) so that the figures do not depend on the machine's load,
// or on wall-clock time (-clock wall). -trace prints every new best
// solution; -cpuprofile writes a profile.
//
// Distances are double-precision Euclidean, travel time equals distance.
// Under -objective distance the gap is to the distance-only BKS measured in
// double precision (bks_dimacs.csv, double_distance); under -objective
// vehicles the vehicles are compared with the hierarchical BKS (bks.csv) and
// the gap is taken on instances that match its fleet. Every solution is
// verified with scheduler.Check and an independent recomputation of its
// length from the coordinates.
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
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alongside/alongside/benchmarks/internal/cpuclock"
	"github.com/alongside/alongside/benchmarks/internal/solomon"
	"github.com/alongside/alongside/scheduler"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "solomon:", err)
		os.Exit(1)
	}
}

type config struct {
	set, family, data, objective, only string
	clock                              string
	trace                              bool
	cpuprofile                         string
	limit                              time.Duration
	iterations                         int
	seed                               uint64
}

func (c *config) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.set, "set", "solomon", "instance set: solomon or homberger200")
	fs.StringVar(&c.family, "family", "all", "family: C1, C2, R1, R2, RC1, RC2 or all")
	fs.StringVar(&c.only, "instance", "", "run only this instance (e.g. R101)")
	fs.StringVar(&c.data, "data", "", "data directory (default: the copy under benchmarks/solomon/testdata/<set>)")
	fs.StringVar(&c.objective, "objective", "distance", "distance (distance only) or vehicles (vehicles first, then distance)")
	fs.DurationVar(&c.limit, "time", time.Second, "time limit per instance, as -clock measures it (0: none; then -iterations)")
	fs.IntVar(&c.iterations, "iterations", 0, "iteration limit per instance (0: none)")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed")
	fs.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the run to this file")
	fs.BoolVar(&c.trace, "trace", false, "print every new best solution (clock time, vehicles, distance) under its instance")
	fs.StringVar(&c.clock, "clock", "cpu", "what -time measures: cpu (the process's CPU time, on one core: GOMAXPROCS 1) or wall")
}

type ref struct {
	vehicles int
	distance float64
}

type row struct {
	name, family     string
	vehicles         int
	distance         float64
	bks              ref
	gap              float64
	gapOK            bool
	elapsed          time.Duration
	cpu              float64 // CPU seconds the process used (0 where unknown)
	feasible         bool
	vroom, hgs       ref
	vroomGap, hgsGap float64
	vroomOK, hgsOK   bool
	iterations       int
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var c config
	fs := flag.NewFlagSet("solomon", flag.ContinueOnError)
	c.bind(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	vehiclesFirst := false
	switch c.objective {
	case "distance":
	case "vehicles":
		vehiclesFirst = true
	default:
		return fmt.Errorf("-objective %q: want distance or vehicles", c.objective)
	}
	switch c.clock {
	case "cpu":
		if !cpuclock.Supported {
			c.clock = "wall"
			break
		}
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	case "wall":
	default:
		return fmt.Errorf("-clock %q: want cpu or wall", c.clock)
	}
	if c.cpuprofile != "" {
		f, err := os.Create(c.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if c.data == "" {
		c.data = filepath.Join(sourceDir(), "testdata", c.set)
	}
	bks, err := readRefs(filepath.Join(c.data, "bks.csv"), "", "vehicles", "distance")
	if err != nil {
		return err
	}
	dimacs, err := readRefs(filepath.Join(c.data, "bks_dimacs.csv"), "", "vehicles", "double_distance")
	if err != nil {
		return err
	}
	vroomCfg, hgsCfg := []string{"x5t1dist"}, []string{"tl1dist", "tl2dist"}
	if vehiclesFirst {
		vroomCfg, hgsCfg = []string{"x5t1fixed", "x5t4fixed"}, []string{"tl1fixed", "tl2fixed"}
	}
	vroom, vroomName := readRefsPref(filepath.Join(c.data, "vroom.csv"), vroomCfg)
	hgs, hgsName := readRefsPref(filepath.Join(c.data, "hgs.csv"), hgsCfg)

	files, err := filepath.Glob(filepath.Join(c.data, "*.txt"))
	if err != nil {
		return err
	}
	slices.SortFunc(files, func(a, b string) int { return compareNames(base(a), base(b)) })
	want := strings.ToUpper(c.family)
	var rows []row
	fmt.Fprintf(out, "set %s, objective %s, time %v (%s clock), iterations %d, seed %d; references: VROOM %s, HGS %s\n",
		c.set, c.objective, c.limit, c.clock, c.iterations, c.seed, vroomName, hgsName)
	fmt.Fprintf(out, "%-8s %4s %10s %4s %10s %7s %6s %5s %7s %5s | %4s %10s %7s | %4s %10s %7s\n",
		"instance", "veh", "distance", "bks", "bks dist", "gap%", "time", "cpu", "iters", "ok", "vrm", "distance", "gap%", "hgs", "distance", "gap%")
	for _, f := range files {
		name := base(f)
		fam := family(name)
		if want != "ALL" && fam != want {
			continue
		}
		if c.only != "" && !strings.EqualFold(c.only, name) {
			continue
		}
		r, err := solveOne(ctx, f, c, vehiclesFirst, out)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		r.name, r.family = name, fam
		key := strings.ToUpper(name)
		if vehiclesFirst {
			r.bks = bks[key]
		} else {
			r.bks = dimacs[key]
		}
		r.gap, r.gapOK = gap(r.vehicles, r.distance, r.bks, vehiclesFirst)
		if v, ok := vroom[key]; ok {
			r.vroom = v
			r.vroomGap, r.vroomOK = gap(v.vehicles, v.distance, r.bks, vehiclesFirst)
		}
		if h, ok := hgs[key]; ok {
			r.hgs = h
			r.hgsGap, r.hgsOK = gap(h.vehicles, h.distance, r.bks, vehiclesFirst)
		}
		rows = append(rows, r)
		fmt.Fprintf(out, "%-8s %4d %10.2f %4d %10.2f %7s %5.2fs %5.2f %7d %5v | %4d %10.2f %7s | %4d %10.2f %7s\n",
			r.name, r.vehicles, r.distance, r.bks.vehicles, r.bks.distance, pct(r.gap, r.gapOK),
			r.elapsed.Seconds(), r.cpu, r.iterations, r.feasible, r.vroom.vehicles, r.vroom.distance, pct(r.vroomGap, r.vroomOK),
			r.hgs.vehicles, r.hgs.distance, pct(r.hgsGap, r.hgsOK))
	}
	if len(rows) == 0 {
		return errors.New("no instance matched")
	}
	fmt.Fprintln(out)
	var fams []string
	for _, r := range rows {
		if !slices.Contains(fams, r.family) {
			fams = append(fams, r.family)
		}
	}
	for _, f := range fams {
		var sel []row
		for _, r := range rows {
			if r.family == f {
				sel = append(sel, r)
			}
		}
		fmt.Fprintln(out, summary(f, sel, vehiclesFirst))
	}
	fmt.Fprintln(out, summary("all", rows, vehiclesFirst))
	return nil
}

func solveOne(ctx context.Context, file string, c config, vehiclesFirst bool, out io.Writer) (row, error) {
	fh, err := os.Open(file)
	if err != nil {
		return row{}, err
	}
	inst, err := solomon.Parse(fh)
	fh.Close()
	if err != nil {
		return row{}, err
	}
	p := inst.Problem()
	opts := scheduler.Options{TimeLimit: c.limit, Iterations: c.iterations, Seed: c.seed,
		Objective: scheduler.Objective{MinimizeVehicles: vehiclesFirst}}
	if c.clock == "cpu" {
		opts.Clock = cpuclock.Now
	}
	start, cpu0 := time.Now(), cpuclock.Used()
	if c.trace {
		opts.Progress = func(pr scheduler.Progress) {
			fmt.Fprintf(out, "  %-6s %6.3fs %7.3fs cpu %6d iters %3d veh %10.2f\n", base(file), pr.Elapsed.Seconds(), (cpuclock.Used() - cpu0).Seconds(), pr.Iteration, pr.Vehicles, pr.Cost)
		}
	}
	sol, err := scheduler.Solve(ctx, p, opts)
	if err != nil {
		return row{}, err
	}
	r := row{elapsed: time.Since(start), cpu: (cpuclock.Used() - cpu0).Seconds(), vehicles: sol.Vehicles, iterations: sol.Stats.Iterations}
	// Independent length from the coordinates.
	for _, rt := range sol.Routes {
		prev := 0
		for _, st := range rt.Stops {
			r.distance += inst.Dist(prev, st.Location)
			prev = st.Location
		}
		r.distance += inst.Dist(prev, 0)
	}
	r.feasible = scheduler.Check(p, sol) == nil && len(sol.Unserved) == 0 &&
		math.Abs(r.distance-sol.Distance) < 1e-6*r.distance
	return r, nil
}

func gap(veh int, dist float64, bks ref, vehiclesFirst bool) (float64, bool) {
	if bks.distance == 0 || dist == 0 {
		return 0, false
	}
	if vehiclesFirst && veh != bks.vehicles {
		return 0, false
	}
	return 100 * (dist - bks.distance) / bks.distance, true
}

func pct(g float64, ok bool) string {
	if !ok {
		return "-"
	}
	return fmt.Sprintf("%.2f", g)
}

func summary(name string, rows []row, vehiclesFirst bool) string {
	var veh, bveh, vveh, hveh int
	var gs, vg, hg []float64
	maxT := time.Duration(0)
	feasible := 0
	cpu := 0.0
	for _, r := range rows {
		veh += r.vehicles
		bveh += r.bks.vehicles
		vveh += r.vroom.vehicles
		hveh += r.hgs.vehicles
		if r.gapOK {
			gs = append(gs, r.gap)
		}
		if r.vroomOK {
			vg = append(vg, r.vroomGap)
		}
		if r.hgsOK {
			hg = append(hg, r.hgsGap)
		}
		maxT = max(maxT, r.elapsed)
		cpu += r.cpu
		if r.feasible {
			feasible++
		}
	}
	label := strings.ToUpper(name)
	n := float64(len(rows))
	if vehiclesFirst {
		return fmt.Sprintf("%s: vehicles %d (mean %.2f, bks %d), mean gap %s on %d at bks fleet, feasible %d/%d, max %.2f s, mean cpu %.2f s | VROOM %d, %s (%d) | HGS %d, %s (%d)",
			label, veh, float64(veh)/n, bveh, meanPct(gs), len(gs), feasible, len(rows), maxT.Seconds(), cpu/n,
			vveh, meanPct(vg), len(vg), hveh, meanPct(hg), len(hg))
	}
	return fmt.Sprintf("%s: vehicles %d (mean %.2f), mean gap %s, max gap %s, feasible %d/%d, max %.2f s, mean cpu %.2f s | VROOM %s | HGS %s",
		label, veh, float64(veh)/n, meanPct(gs), maxPct(gs), feasible, len(rows), maxT.Seconds(), cpu/n, meanPct(vg), meanPct(hg))
}

func meanPct(xs []float64) string {
	if len(xs) == 0 {
		return "-"
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return fmt.Sprintf("%.2f%%", s/float64(len(xs)))
}

func maxPct(xs []float64) string {
	if len(xs) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f%%", slices.Max(xs))
}

// readRefs reads instance → (vehicles, distance) from a CSV with a header,
// keeping rows whose "config" column equals cfg (when cfg is set).
func readRefs(path, cfg, vcol, dcol string) (map[string]ref, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, need := range []string{"instance", vcol, dcol} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s: no column %q", path, need)
		}
	}
	out := map[string]ref{}
	for _, rec := range recs[1:] {
		if cfg != "" && rec[col["config"]] != cfg {
			continue
		}
		if c, ok := col["feasible"]; ok && rec[c] != "1" {
			continue
		}
		v, _ := strconv.Atoi(rec[col[vcol]])
		d, _ := strconv.ParseFloat(rec[col[dcol]], 64)
		out[strings.ToUpper(rec[col["instance"]])] = ref{vehicles: v, distance: d}
	}
	return out, nil
}

// readRefsPref reads the first config of prefs present in path.
func readRefsPref(path string, prefs []string) (map[string]ref, string) {
	for _, cfg := range prefs {
		m, err := readRefs(path, cfg, "vehicles", "distance")
		if err == nil && len(m) > 0 {
			return m, cfg
		}
	}
	return map[string]ref{}, "-"
}

func base(path string) string { return strings.TrimSuffix(filepath.Base(path), ".txt") }

// family maps C101 → C1, RC204 → RC2, c1_2_1 → C1, rc2_2_10 → RC2.
func family(name string) string {
	n := strings.ToUpper(name)
	if i := strings.IndexByte(n, '_'); i > 0 {
		return n[:i]
	}
	i := 0
	for i < len(n) && n[i] >= 'A' && n[i] <= 'Z' {
		i++
	}
	if i < len(n) {
		return n[:i+1]
	}
	return n
}

// compareNames orders by family then by the numbers in the name.
func compareNames(a, b string) int {
	fa, fb := family(a), family(b)
	order := []string{"C1", "C2", "R1", "R2", "RC1", "RC2"}
	ia, ib := slices.Index(order, fa), slices.Index(order, fb)
	if ia != ib {
		return ia - ib
	}
	na, nb := trailingNum(a), trailingNum(b)
	if na != nb {
		return na - nb
	}
	return strings.Compare(a, b)
}

func trailingNum(s string) int {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, _ := strconv.Atoi(s[i:])
	return n
}

// sourceDir finds benchmarks/solomon from the working directory (the
// module root or the package directory).
func sourceDir() string {
	for _, d := range []string{"benchmarks/solomon", "."} {
		if _, err := os.Stat(filepath.Join(d, "testdata", "solomon", "bks.csv")); err == nil {
			return d
		}
	}
	return "benchmarks/solomon"
}
