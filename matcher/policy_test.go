package matcher_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/matcher"
	"github.com/google/go-cmp/cmp"
)

func TestDefaultPolicy(t *testing.T) {
	t.Parallel()
	ps := matcher.DefaultPolicy()
	if err := ps.Validate(); err != nil {
		t.Fatalf("DefaultPolicy().Validate() = %v", err)
	}
	p := ps.For(psn)
	if !p.Eligibility.MedicaidRequired || len(p.Certifications) != 1 || p.Certifications[0] != alongside.CertificationPeerSupport {
		t.Errorf("Parent Support Now policy = %+v; want Medicaid and a certified peer support specialist", p)
	}
	if got := ps.For(tbpr).Eligibility.Referrals; len(got) != 1 || got[0] != alongside.ReferralAttorney {
		t.Errorf("Team-Based Parent Representation referrals = %v; want [attorney]", got)
	}
	if ps.For("no_such_program") != &ps.Default {
		t.Error("For(unknown program) is not the default policy")
	}
	// Each call is a fresh copy.
	ps.Default.Weights.Language = 0
	ps.For(psn).Certifications[0] = "changed"
	again := matcher.DefaultPolicy()
	if again.Default.Weights.Language != 20 || again.For(psn).Certifications[0] != alongside.CertificationPeerSupport {
		t.Error("DefaultPolicy returned a shared value")
	}
	if got, err := matcher.ParsePolicy(matcher.DefaultPolicyYAML()); err != nil || !cmp.Equal(got, again) {
		t.Errorf("ParsePolicy(DefaultPolicyYAML()) = %v, %v; want DefaultPolicy()", got, err)
	}
}

func TestParsePolicyMerge(t *testing.T) {
	t.Parallel()
	ps, err := matcher.ParsePolicy(readFile(t, "testdata/policy/programs.yaml"))
	if err != nil {
		t.Fatalf("ParsePolicy: %v", err)
	}
	base := matcher.DefaultPolicy().Default

	def := ps.Default
	if def.Weights.Language != 30 || def.Weights.Geography != 10 || def.Weights.Father != base.Weights.Father {
		t.Errorf("default weights = %+v; want language 30, geography 10, the rest built in", def.Weights)
	}
	if def.Offer != (matcher.Offer{Window: 2 * time.Hour, EscalationMargin: 16 * time.Hour, TopK: 5}) {
		t.Errorf("default offer = %+v", def.Offer)
	}
	if ps.For(psn) != &ps.Default {
		t.Error("a file's programs replace the built-in ones; Parent Support Now should fall back to the default")
	}

	yp := ps.For("yuma_pilot")
	if yp.Name != "Yuma Pilot" || yp.Rules.Has(matcher.RuleMaxTravel) || !yp.Rules.Has(matcher.RuleCounty) {
		t.Errorf("yuma_pilot = %q rules %v; want max_travel off only", yp.Name, yp.Rules)
	}
	if yp.Weights != def.Weights || yp.Offer != def.Offer || yp.Travel.Horizon != 2*time.Hour || yp.Travel.Max != 0 || yp.Travel.SpeedMPH != 40 {
		t.Errorf("yuma_pilot does not inherit the file's default field by field: %+v", yp)
	}

	df := ps.For("dads_first")
	if df.Weights.Father != 40 || df.Weights.Preferences != 10 || df.Weights.Language != 30 {
		t.Errorf("dads_first weights = %+v; want father 40, preferences 10, language 30 from the default", df.Weights)
	}
	if df.TagWeights[alongside.TagSingleFather] != 3 || df.TagWeights[alongside.TagSubstanceUse] != 0 || df.TagWeights[alongside.TagOpioids] != 2 {
		t.Errorf("dads_first tag weights = %v; want merged over the default's", df.TagWeights)
	}
	if len(def.TagWeights) != len(base.TagWeights) {
		t.Errorf("a program's tag weights leaked into the default: %v", def.TagWeights)
	}
	if want := []string{"certified_family_support_partner", "recovery_coach"}; !cmp.Equal(df.Certifications, want) {
		t.Errorf("dads_first certifications = %v; want %v", df.Certifications, want)
	}
}

func TestParsePolicyEmpty(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "# nothing\n", "---\n", "default:\n", "default: {}\nprograms: {}\n"} {
		ps, err := matcher.ParsePolicy([]byte(in))
		if err != nil {
			t.Errorf("ParsePolicy(%q) = %v", in, err)
			continue
		}
		if want := matcher.DefaultPolicy().Default; !cmp.Equal(ps.Default, want) || len(ps.Programs) != 0 {
			t.Errorf("ParsePolicy(%q) = %+v; want the built-in defaults and no programs", in, ps)
		}
	}
}

func TestParsePolicyErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string // every error, in order
	}{
		{"unknown key", "defaults: {}\n",
			[]string{"line 1, column 1: defaults: is not a known field here (fields: default, programs)"}},
		{"unknown nested key, with the path", "default:\n  offer:\n    windw: 4h\n",
			[]string{"line 3, column 5: default.offer.windw: is not a known field in default.offer (fields: escalation_margin, top_k, window)"}},
		{"negative weight", "default:\n  weights:\n    father: -1\n",
			[]string{"line 3, column 13: default.weights.father: must be a number between 0 and 1000"}},
		{"all weights zero",
			"default:\n  weights: {language: 0, culture: 0, father: 0, lived_experience: 0, geography: 0, capacity: 0, continuity: 0, preferences: 0}\n",
			[]string{"line 2, column 12: default.weights: must not all be zero"}},
		{"wrong type", "default:\n  offer:\n    window: 4\n",
			[]string{"line 3, column 13: default.offer.window: must be a duration such as 90m or 4h"}},
		{"quoted number", "default:\n  weights:\n    father: \"3\"\n",
			[]string{"line 3, column 13: default.weights.father: must be a number"}},
		{"rule that cannot be switched", "default:\n  rules: {previous_offer: false}\n",
			[]string{"line 2, column 11: default.rules.previous_offer: is not a hard rule a policy can switch (rules: eligibility, active, program, county, language, capacity, max_travel, core_training, case_closed, recovery, certification, exclusions, conflicts)"}},
		{"unknown tag", "default:\n  tag_weights: {not_a_tag: 1}\n",
			[]string{"line 2, column 28: default.tag_weights.not_a_tag: is not a known tag"}},
		{"bad program key", "programs:\n  Bad-Key: {}\n",
			[]string{"line 2, column 12: programs.Bad-Key: program key must be lower-case letters, digits and '_'"}},
		{"syntax", "default: [\n",
			[]string{"line 1, column 10: invalid YAML: sequence end token ']' not found"}},
		{"repeated key", "default:\n  name: a\n  name: b\n",
			[]string{`line 3, column 3: invalid YAML: mapping key "name" already defined at [2:3]`}},
		{"two documents", "default: {}\n---\nprograms: {}\n",
			[]string{"line 3, column 9: must hold one YAML document"}},
		{"anchors", "default: &x {}\nprograms:\n  y: *x\n", []string{
			"line 1, column 10: default: uses anchors, aliases, tags or complex keys, which a policy file does not support",
			"line 3, column 6: programs.y: uses anchors, aliases, tags or complex keys, which a policy file does not support"}},
		{"an inherited bad default is reported once", "default:\n  offer: {window: 0s}\nprograms:\n  x: {}\n",
			[]string{"line 2, column 19: default.offer.window: must be more than 0 and at most 48h0m0s"}},
		{"a program's own bad value", "programs:\n  x:\n    offer:\n      top_k: 0\n",
			[]string{"line 4, column 14: programs.x.offer.top_k: must be between 1 and 100"}},
		{"margin at the deadline", "default:\n  offer:\n    escalation_margin: 48h\n",
			[]string{"line 3, column 24: default.offer.escalation_margin: must be at least 0 and less than 48h0m0s"}},
		{"list items", "default:\n  eligibility:\n    referrals: [attorney, attorney, cousin]\n  core_trainings: [a, {b: 1}]\n", []string{
			"line 4, column 23: default.core_trainings[1]: must be a string",
			`line 3, column 27: default.eligibility.referrals[1]: repeats "attorney"`,
			"line 3, column 37: default.eligibility.referrals[2]: must be court, agency, attorney or self"}},
		{"every problem of a file", string(readFile(t, "testdata/policy/invalid.yaml")), []string{
			"line 4, column 13: default.weights.father: must be a number",
			"line 6, column 5: default.rules.previous_offer: is not a hard rule a policy can switch (rules: eligibility, active, program, county, language, capacity, max_travel, core_training, case_closed, recovery, certification, exclusions, conflicts)",
			"line 7, column 5: default.rules.langauge: is not a hard rule a policy can switch (rules: eligibility, active, program, county, language, capacity, max_travel, core_training, case_closed, recovery, certification, exclusions, conflicts)",
			"line 3, column 15: default.weights.language: must be a number between 0 and 1000",
			"line 9, column 14: default.tag_weights.opioids: must be a number between 0 and 100",
			"line 11, column 13: default.offer.window: must be more than 0 and at most 48h0m0s",
			"line 12, column 12: default.offer.top_k: must be between 1 and 100",
			"line 15, column 24: programs.x.travel.circuity: must be between 1 and 3"}},
		{"too large", "default: {}\n" + strings.Repeat("#", 1<<20),
			[]string{"policy file is larger than 1048576 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ps, err := matcher.ParsePolicy([]byte(tt.in))
			if err == nil {
				t.Fatalf("ParsePolicy = %+v, nil; want errors", ps)
			}
			if got := strings.Split(err.Error(), "\n"); !cmp.Equal(got, tt.want) {
				t.Errorf("ParsePolicy errors:\n%s", cmp.Diff(tt.want, got))
			}
			if fes := alongside.FieldErrors(err); len(fes) != len(tt.want) {
				t.Errorf("alongside.FieldErrors found %d; want %d", len(fes), len(tt.want))
			}
			if _, ok := errors.AsType[*matcher.PolicyError](err); !ok {
				t.Errorf("ParsePolicy error %T is not a *PolicyError", err)
			}
		})
	}
}

// TestParsePolicyValidation: the values a file sets are validated, with
// positions.
func TestParsePolicyValidation(t *testing.T) {
	t.Parallel()
	in := strings.Replace(string(readFile(t, "testdata/policy/invalid.yaml")), "    father: lots\n", "", 1)
	in = strings.Replace(in, "  rules:\n    previous_offer: false\n    langauge: true\n", "", 1)
	_, err := matcher.ParsePolicy([]byte(in))
	want := []string{
		"line 3, column 15: default.weights.language: must be a number between 0 and 1000",
		"line 5, column 14: default.tag_weights.opioids: must be a number between 0 and 100",
		"line 7, column 13: default.offer.window: must be more than 0 and at most 48h0m0s",
		"line 8, column 12: default.offer.top_k: must be between 1 and 100",
		"line 11, column 24: programs.x.travel.circuity: must be between 1 and 3",
	}
	if err == nil {
		t.Fatal("ParsePolicy = nil error")
	}
	if got := strings.Split(err.Error(), "\n"); !cmp.Equal(got, want) {
		t.Errorf("ParsePolicy errors:\n%s", cmp.Diff(want, got))
	}
}

// TestPolicyRoundTrip: every valid policy in testdata, and the default,
// encodes to YAML that parses back to an equal set and re-encodes to the
// same bytes.
func TestPolicyRoundTrip(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/policy/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string][]byte{"policy.yaml": matcher.DefaultPolicyYAML()}
	for _, f := range files {
		if !strings.Contains(f, "invalid") {
			inputs[f] = readFile(t, f)
		}
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ps, err := matcher.ParsePolicy(in)
			if err != nil {
				t.Fatalf("ParsePolicy: %v", err)
			}
			roundTrip(t, ps)
		})
	}
}

func roundTrip(tb testing.TB, ps *matcher.PolicySet) {
	tb.Helper()
	out := ps.YAML()
	again, err := matcher.ParsePolicy(out)
	if err != nil {
		tb.Fatalf("ParsePolicy(YAML()) = %v\n%s", err, out)
	}
	if diff := cmp.Diff(ps, again); diff != "" {
		tb.Fatalf("ParsePolicy(YAML()) differs (-before +after):\n%s\n%s", diff, out)
	}
	if out2 := again.YAML(); string(out2) != string(out) {
		tb.Fatalf("YAML() is not stable:\n%s\n---\n%s", out, out2)
	}
}

func TestPolicyValidate(t *testing.T) {
	t.Parallel()
	p := matcher.DefaultPolicy().Default
	p.Name = "tab\there"
	p.Weights.Capacity = -0.5
	p.Rules |= 1 << 30
	p.CoreTrainings = []string{"safety", "safety", "Bad"}
	p.RecoveryYears = 11
	p.Travel.SpeedMPH = 0
	p.Travel.Horizon = 0
	p.Travel.Max = -time.Minute
	p.Certifications = []string{""}
	want := []string{
		"name: must not contain control or bidirectional formatting characters",
		"weights.capacity: must be a number between 0 and 1000",
		"rules: names an unknown rule",
		`core_trainings[1]: repeats "safety"`,
		"core_trainings[2]: must be lower-case letters, digits and '_'",
		"readiness.recovery_years: must be between 0 and 10",
		"travel.speed_mph: must be more than 0 and at most 100",
		"travel.horizon: must be more than 0 and at most 24h",
		"travel.max: must be between 0 (no limit) and 24h",
		"certifications[0]: must not be empty",
	}
	var got []string
	for _, fe := range alongside.FieldErrors(p.Validate()) {
		got = append(got, fe.Error())
	}
	if !cmp.Equal(got, want) {
		t.Errorf("Validate:\n%s", cmp.Diff(want, got))
	}
}

func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
