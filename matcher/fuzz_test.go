package matcher_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/matcher"
)

// FuzzParsePolicy: ParsePolicy never panics; an error is made of
// *PolicyError values, each with a field error; a parsed policy is valid
// and round-trips through YAML.
func FuzzParsePolicy(f *testing.F) {
	f.Add(matcher.DefaultPolicyYAML())
	files, err := filepath.Glob("testdata/policy/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		f.Add(readFile(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := matcher.ParsePolicy(data)
		if err != nil {
			if ps != nil {
				t.Fatalf("ParsePolicy returned a policy and an error: %v", err)
			}
			if len(alongside.FieldErrors(err)) == 0 {
				t.Fatalf("ParsePolicy error has no field errors: %v", err)
			}
			if _, ok := errors.AsType[*matcher.PolicyError](err); !ok {
				t.Fatalf("ParsePolicy error %T is not a *PolicyError", err)
			}
			return
		}
		if err := ps.Validate(); err != nil {
			t.Fatalf("ParsePolicy accepted an invalid policy: %v", err)
		}
		roundTrip(t, ps)
	})
}
