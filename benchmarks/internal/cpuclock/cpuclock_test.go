package cpuclock_test

import (
	"testing"

	"github.com/alongside/alongside/benchmarks/internal/cpuclock"
)

// TestAdvancesWithWork: burning CPU moves the clock forward.
func TestAdvancesWithWork(t *testing.T) {
	before := cpuclock.Now()
	x := 0
	for i := range 50_000_000 {
		x ^= i * i
	}
	_ = x
	if !cpuclock.Supported {
		if cpuclock.Used() != 0 {
			t.Errorf("Used() = %v without a CPU clock; want 0", cpuclock.Used())
		}
		return
	}
	if d := cpuclock.Now().Sub(before); d <= 0 {
		t.Errorf("CPU clock advanced %v over a busy loop; want > 0", d)
	}
	if cpuclock.Used() <= 0 {
		t.Errorf("Used() = %v; want > 0", cpuclock.Used())
	}
}
