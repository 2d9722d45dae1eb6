package alongside_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/alongside/alongside"

// depRules lists forbidden imports, direct or transitive. A rule applies to
// a package whose import path (relative to the module: "." for the root
// alone, "..." for all) equals or is under From; To entries are import-path prefixes (relative
// ones are in this module). ARCHITECTURE.md explains the layers.
var depRules = []struct {
	from   []string
	to     []string
	unless []string // packages exempt from the rule
	why    string
}{
	{
		from: []string{"matcher", "scheduler", "geo", "whatif"},
		to:   []string{"store", "server", "cascade", "api", "cmd", "connectrpc.com/", "github.com/redis/", "go.etcd.io/bbolt"},
		why:  "solvers and geo know nothing of the store, the API or Connect (geo/osrm alone speaks HTTP, to a routing engine)",
	},
	{
		from: []string{"."},
		to:   []string{"store", "server", "cascade", "api", "matcher", "scheduler", "audit", "internal", "cmd", "connectrpc.com/", "github.com/redis/", "go.etcd.io/bbolt"},
		why:  "the domain package is the bottom layer above geo",
	},
	{
		from:   []string{"..."},
		to:     []string{"api/gen"},
		unless: []string{"server", "cmd/alongside", "api/gen"},
		why:    "only server touches generated protobuf code",
	},
	{
		from: []string{"store", "audit", "ical", "internal/demo"},
		to:   []string{"server", "api", "cmd", "connectrpc.com/", "matcher", "scheduler"},
		why:  "the store and its helpers know nothing of the API or the solvers",
	},
	{
		from: []string{"cascade"},
		to:   []string{"server", "api", "cmd", "connectrpc.com/", "github.com/redis/", "go.etcd.io/bbolt", "store/boltstore", "store/redisstore"},
		why:  "the matching engine works through the store interface, below the API",
	},
	{
		from:   []string{"store"},
		to:     []string{"store/boltstore", "store/redisstore"},
		unless: []string{"store/boltstore", "store/redisstore"},
		why:    "store implementations do not depend on each other",
	},
	{
		from:   []string{"geo", "matcher/gap", "scheduler"},
		to:     []string{"geo/cell", "github.com/uber/h3-go"},
		unless: []string{"geo/cell", "scheduler/dayplan"},
		why:    "cgo (h3) stays out of the engines",
	},
	{
		from:   []string{"."},
		to:     []string{"cmd"},
		unless: []string{"cmd/alongside"},
		why:    "nothing imports a main",
	},
}

func TestDependencies(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-e", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg := rel(fields[0])
		for _, rule := range depRules {
			if !under(pkg, rule.from) || under(pkg, rule.unless) {
				continue
			}
			checked++
			for _, dep := range fields[1:] {
				if forbidden(dep, rule.to) && !under(rel(dep), rule.unless) {
					t.Errorf("%s imports %s: %s", pkg, dep, rule.why)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no package was checked; is the module path right?")
	}
}

// rel returns a module package's path relative to the module ("." for the
// root), or the import path unchanged for other modules.
func rel(importPath string) string {
	if importPath == module {
		return "."
	}
	if r, ok := strings.CutPrefix(importPath, module+"/"); ok {
		return r
	}
	return importPath
}

// under reports whether the module package pkg is one of the prefixes or
// under one. "." is the root package alone; "..." is every package.
func under(pkg string, prefixes []string) bool {
	for _, p := range prefixes {
		if p == "..." || pkg == p || p != "." && strings.HasPrefix(pkg, p+"/") {
			return true
		}
	}
	return false
}

// forbidden reports whether dep matches a forbidden entry: entries with a
// dot are import-path prefixes of other modules, the rest are paths in
// this module.
func forbidden(dep string, to []string) bool {
	inModule := dep == module || strings.HasPrefix(dep, module+"/")
	for _, t := range to {
		switch {
		case strings.Contains(t, "."):
			if strings.HasPrefix(dep, t) {
				return true
			}
		case inModule:
			if r := rel(dep); r == t || strings.HasPrefix(r, t+"/") {
				return true
			}
		}
	}
	return false
}
