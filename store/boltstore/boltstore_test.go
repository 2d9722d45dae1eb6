package boltstore_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
	"github.com/alongside/alongside/store/boltstore"
	"github.com/alongside/alongside/store/storetest"
)

// harness opens stores on files in the test's temporary directory.
func harness() storetest.Harness {
	open := func(tb testing.TB, path string, now func() time.Time) store.Store {
		tb.Helper()
		s, err := boltstore.Open(path, boltstore.Options{Clock: now})
		if err != nil {
			tb.Fatalf("Open(%s) = %v", path, err)
		}
		tb.Cleanup(func() {
			if err := s.Close(); err != nil {
				tb.Errorf("Close = %v", err)
			}
		})
		return s
	}
	return storetest.Harness{
		Open: func(tb testing.TB, now func() time.Time) store.Store {
			return open(tb, filepath.Join(tb.TempDir(), "alongside.db"), now)
		},
		Reopen: func(tb testing.TB, s store.Store, now func() time.Time) store.Store {
			tb.Helper()
			path := s.(*boltstore.Store).Path()
			if err := s.Close(); err != nil {
				tb.Fatalf("Close = %v", err)
			}
			return open(tb, path, now)
		},
	}
}

// TestStoreContract runs the contract suite on files in t.TempDir().
func TestStoreContract(t *testing.T) { storetest.Run(t, harness()) }

// BenchmarkReserve measures reservations by 64 concurrent callers.
func BenchmarkReserve(b *testing.B) { storetest.BenchmarkReserve(b, harness()) }

// TestOpenFileMode checks that the file is readable by its owner only.
func TestOpenFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alongside.db")
	s, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	defer s.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("Stat = %v", err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("file mode = %v; want 0600", mode)
	}
}

// TestUnavailable checks that a locked file and a closed store report
// store.ErrUnavailable.
func TestUnavailable(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "alongside.db")
	s, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	// The file is locked by s: a second Open times out.
	if _, err := boltstore.Open(path, boltstore.Options{Timeout: 50 * time.Millisecond}); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("second Open of a locked file = %v; want ErrUnavailable", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v; want nil", err)
	}
	_, err = s.GetPartner(ctx, "org-a", "p1")
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("GetPartner on a closed store = %v; want ErrUnavailable", err)
	}
	_, err = s.Reserve(ctx, store.Reservation{Org: "org-a", Case: "c1", Partner: "p1",
		ExpiresAt: time.Now().Add(time.Hour), By: audit.System, Key: "k1"})
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Reserve on a closed store = %v; want ErrUnavailable", err)
	}
}
