package matcher

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEmbeddedDefaults keeps policy.yaml's default section, which
// documents every field, equal to the built-in defaults.
func TestEmbeddedDefaults(t *testing.T) {
	t.Parallel()
	if diff := cmp.Diff(basePolicy(), defaultSet().Default); diff != "" {
		t.Errorf("policy.yaml default differs from basePolicy (-base +yaml):\n%s", diff)
	}
}
