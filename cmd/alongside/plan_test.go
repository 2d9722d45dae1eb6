package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlanGolden plans the fixtures' day (go test -update rewrites the
// golden files after TestMatchGolden rewrote the fixtures). The run is
// bounded by iterations, so it is reproducible for its seed.
func TestPlanGolden(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, golden string
		extra        []string
	}{
		{"owners", "plan.golden", []string{"-assignments", assignmentsFixture, "-iterations", "100"}},
		{"owners json", "plan.json.golden", []string{"-assignments", assignmentsFixture, "-iterations", "100", "-format", "json"}},
		{"cover", "plan_cover.golden", []string{"-allow-cover", "-iterations", "20"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			args := append([]string{"plan", "-partners", partnersFixture, "-cases", casesFixture, "-appointments", appointmentsFixture,
				"-seed", "1"}, tt.extra...)
			if err := run(t.Context(), args, &out, io.Discard); err != nil {
				t.Fatalf("run(%q) = %v", args, err)
			}
			golden(t, tt.golden, out.Bytes())
		})
	}
}

// TestPlanAccounts checks the JSON output against itself: every
// appointment is served once or reported unserved with a reason.
func TestPlanAccounts(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	args := []string{"plan", "-partners", partnersFixture, "-cases", casesFixture, "-appointments", appointmentsFixture,
		"-iterations", "20", "-allow-cover", "-format", "json", "-date", "2026-03-09", "-zone", "America/Phoenix"}
	if err := run(t.Context(), args, &out, io.Discard); err != nil {
		t.Fatalf("run(%q) = %v", args, err)
	}
	var res planResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, it := range res.Itineraries {
		for _, st := range it.Stops {
			seen[string(st.Appointment)]++
			if st.Start.Before(st.Arrival) || !st.End.After(st.Start) {
				t.Errorf("stop %s: arrival %v, start %v, end %v", st.Appointment, st.Arrival, st.Start, st.End)
			}
		}
	}
	for _, u := range res.Unserved {
		seen[string(u.Appointment)]++
		if u.Reason == "" || u.Code == "" {
			t.Errorf("unserved %s has no reason", u.Appointment)
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("appointment %s appears %d times", id, n)
		}
	}
	if len(seen) != res.Summary.Appointments || res.Summary.Served+res.Summary.Unserved != res.Summary.Appointments {
		t.Errorf("%d appointments accounted for; summary %+v", len(seen), res.Summary)
	}
}

func TestPlanInvalid(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	files := []string{"-partners", partnersFixture, "-cases", casesFixture}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"missing files", []string{"plan"}, []string{"-partners: must be set", "-cases: must be set", "-appointments: must be set"}},
		{"bad flags", append([]string{"plan", "-appointments", "a", "-date", "2026-02-30", "-zone", "Mars/Olympus", "-iterations", "-3", "-format", "csv"}, files...),
			[]string{"-date: must be a date", "-zone: ", "-iterations: must not be negative", "-format: must be text or json"}},
		{"bad appointment", append([]string{"plan", "-appointments", write("a.json",
			`[{"id": "a_1", "case": "c_1", "kind": "court_hearing", "location": {"lat": 33.4, "lng": -112}, "time_zone": "America/Phoenix", "duration": 0, "status": "scheduled"}]`)}, files...),
			[]string{"a.json: ", "appointments[0].windows: must list at least one window", "appointments[0].duration: "}},
		{"two owners", append([]string{"plan", "-appointments", appointmentsFixture, "-assignments", write("as.json",
			`[{"id": "a_1", "case": "c_1", "partner": "p_1", "state": "confirmed"}, {"id": "a_2", "case": "c_1", "partner": "p_2", "state": "confirmed"}]`)}, files...),
			[]string{"as.json: ", "assignments[1].case: case c_1 is confirmed with p_1 already"}},
		{"no appointments, no date", append([]string{"plan", "-appointments", write("none.json", `[]`)}, files...), []string{"-date: must be set"}},
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
}
