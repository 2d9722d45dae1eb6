package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/internal/demo"
	"github.com/alongside/alongside/matcher"
)

var update = flag.Bool("update", false, "rewrite testdata fixtures and *.golden files")

// Fixtures: a small Arizona sample from internal/demo (go test -update
// regenerates it with these options, then the golden files).
var fixtureOptions = demo.Options{
	Org: "org_az", Seed: 11, Partners: 30, Cases: 28,
	Now: time.Date(2026, 3, 9, 12, 0, 0, 0, time.FixedZone("MST", -7*3600)),
}

const (
	partnersFixture     = "testdata/partners.json"
	casesFixture        = "testdata/cases.json"
	appointmentsFixture = "testdata/appointments.json"
	assignmentsFixture  = "testdata/assignments.json"
)

// writeFixtures regenerates the demo fixtures; it runs once, under -update.
func writeFixtures(tb testing.TB) {
	tb.Helper()
	ds, err := demo.Generate(fixtureOptions)
	if err != nil {
		tb.Fatal(err)
	}
	// The open cases' confirmed partners: those a batch match proposes.
	var open []*alongside.Case
	for _, c := range ds.Cases {
		if c.Status == alongside.CaseStatusOpen {
			open = append(open, c)
		}
	}
	now := fixtureOptions.Now.Add(-time.Hour)
	plan, err := matcher.Rebalance(tb.Context(), matcher.RebalanceInput{Cases: open, Partners: ds.Partners, Now: now}, matcher.RebalanceOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	var confirmed []*alongside.Assignment
	for _, cp := range plan.Cases {
		if cp.Partner != "" {
			confirmed = append(confirmed, &alongside.Assignment{
				Org: fixtureOptions.Org, ID: alongside.AssignmentID("a_" + string(cp.Case)), Case: cp.Case, Partner: cp.Partner,
				Units: 1, State: alongside.StateConfirmed, Score: math.Round(cp.Score*10) / 10,
				HeldAt: now, ExpiresAt: now.Add(time.Hour), DecidedAt: now,
			})
		}
	}
	for file, v := range map[string]any{partnersFixture: ds.Partners, casesFixture: ds.Cases, appointmentsFixture: ds.Appointments,
		assignmentsFixture: confirmed} {
		data, err := json.MarshalIndent(v, "", "\t")
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(file, append(data, '\n'), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("output differs from %s (go test -update rewrites it); got:\n%s", file, got)
	}
}

// TestMatchGolden runs alongside match on the fixtures in both formats.
// It is not parallel: under -update it rewrites the fixtures first.
func TestMatchGolden(t *testing.T) {
	if *update {
		writeFixtures(t)
	}
	for _, tt := range []struct{ format, golden string }{{"text", "match.golden"}, {"json", "match.json.golden"}} {
		var out bytes.Buffer
		args := []string{"match", "-partners", partnersFixture, "-cases", casesFixture, "-time", "0", "-seed", "1", "-format", tt.format}
		if err := run(t.Context(), args, &out, io.Discard); err != nil {
			t.Fatalf("run(%q) = %v", args, err)
		}
		golden(t, tt.golden, out.Bytes())
	}
}

// TestMatchPolicy checks that -policy and -now take effect: with the
// county rule off and every case at its deadline, the output changes.
func TestMatchPolicy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(pol, []byte("default:\n  rules:\n    county: false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	args := []string{"match", "-partners", partnersFixture, "-cases", casesFixture, "-time", "0", "-format", "json",
		"-policy", pol, "-now", "2026-03-12T12:00:00-07:00"}
	if err := run(t.Context(), args, &out, io.Discard); err != nil {
		t.Fatalf("run(%q) = %v", args, err)
	}
	var res matchResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 12, 19, 0, 0, 0, time.UTC); !res.Now.Equal(want) {
		t.Errorf("now = %v; want %v", res.Now, want)
	}
	if res.Summary.Cases == 0 || res.Cases[0].Urgency != 2 {
		t.Errorf("cases %d, first urgency %v; want cases at urgency 2 (past their deadline)", res.Summary.Cases, res.Cases[0].Urgency)
	}
}

func TestMatchInvalid(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	cases, err := os.ReadFile(casesFixture)
	if err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	if err := json.Unmarshal(cases, &recs); err != nil {
		t.Fatal(err)
	}
	recs[1]["county"] = "99999"
	recs[2]["parent_role"] = "aunt"
	recs[3]["id"] = recs[0]["id"]
	badCases, _ := json.Marshal(recs[:4])
	badCasesFile := write("bad_cases.json", string(badCases))

	tests := []struct {
		name string
		args []string
		want []string // substrings of the error
	}{
		{"missing files", []string{"match"}, []string{"-partners: must be set", "-cases: must be set"}},
		{"bad flags", []string{"match", "-partners", "p", "-cases", "c", "-now", "yesterday", "-time", "-1s", "-format", "xml"},
			[]string{"-now: must be an RFC 3339", "-time: must not be negative", "-format: must be text or json"}},
		{"no such file", []string{"match", "-partners", filepath.Join(dir, "nope.json"), "-cases", casesFixture}, []string{"read -partners", "nope.json"}},
		{"not an array", []string{"match", "-partners", write("obj.json", `{"id": "p_1"}`), "-cases", casesFixture},
			[]string{"obj.json: partners: must be a JSON array"}},
		{"wrong types and unknown fields", []string{"match", "-cases", casesFixture,
			"-partners", write("types.json", `[{"id": "p_1"}, {"id": "p_2", "capacity": "ten"}, {"id": "p_3", "nickname": "x"}, {"id": "p_4", "own_case_closed": "2020-02-30"}]`)},
			[]string{"types.json: ", "partners[1].capacity: must be a JSON number, not string", "partners[2].nickname: is not a known field",
				"partners[3].own_case_closed: must be a date YYYY-MM-DD"}},
		{"invalid records", []string{"match", "-partners", partnersFixture, "-cases", badCasesFile},
			[]string{"bad_cases.json: ", "cases[1].county: is not a known county FIPS code", "cases[2].parent_role: must be mother, father or other",
				"cases[3].id: case c_0001 is listed twice"}},
		{"invalid partner", []string{"match", "-cases", casesFixture,
			"-partners", write("p.json", `[{"id": "p 1", "display_name": "", "languages": ["en"], "own_case_closed": "2020-01-01", "home": {"lat": 95, "lng": 0}, "time_zone": "America/Phoenix", "counties_served": ["04015"], "status": "active"}]`)},
			[]string{"partners[0].display_name: must not be empty", "partners[0].home.lat: ", "partners[0].id: "}},
		{"bad policy", []string{"match", "-partners", partnersFixture, "-cases", casesFixture, "-policy", write("pol.yaml", "default:\n  weights:\n    father: -1\n")},
			[]string{"-policy ", "pol.yaml: ", "weights.father"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := run(t.Context(), tt.args, io.Discard, io.Discard)
			if err == nil {
				t.Fatalf("run(%q) = nil; want an error", tt.args)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("run(%q) = %v; want it to contain %q", tt.args, err, w)
				}
			}
		})
	}
	// Record errors are field errors a caller can walk.
	err = run(t.Context(), []string{"match", "-partners", partnersFixture, "-cases", badCasesFile}, io.Discard, io.Discard)
	var fe *alongside.FieldError
	if !errors.As(err, &fe) || len(alongside.FieldErrors(err)) != 3 {
		t.Errorf("run(bad cases) = %v; want 3 *alongside.FieldError", err)
	}
}

// FuzzDecodePartners checks that any input decodes to records or to field
// errors naming a partners[i] field, without panicking.
func FuzzDecodePartners(f *testing.F) {
	data, err := os.ReadFile(partnersFixture)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`[{"id": "p_1", "capacity": "x"}, {"own_case_closed": "2020-13-01"}, null, 7]`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := decodeRecords[alongside.Partner](data, flagPartners)
		if err != nil {
			fes := alongside.FieldErrors(err)
			if len(fes) == 0 {
				t.Fatalf("decodeRecords error %v has no field errors", err)
			}
			for _, fe := range fes {
				if !strings.HasPrefix(fe.Field, flagPartners) {
					t.Errorf("field %q does not name a partners record", fe.Field)
				}
			}
			return
		}
		for i, p := range ps {
			if p == nil {
				t.Fatalf("record %d is nil", i)
			}
			p.Normalize()
			_ = p.Validate()
		}
	})
}
