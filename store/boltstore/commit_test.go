package boltstore

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestCommitterGroups runs many concurrent writes through one committer,
// some failing and one panicking, and checks that every caller gets its
// own answer and exactly the successful writes are stored.
func TestCommitterGroups(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "c.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := &committer{db: db}
	errOdd := errors.New("odd")
	const n = 400
	var runs [n]int
	var mu sync.Mutex
	got := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			got[i] = c.update(func(tx *bolt.Tx) error {
				mu.Lock()
				runs[i]++
				mu.Unlock()
				switch {
				case i == 7:
					panic("boom")
				case i%10 == 3:
					return fmt.Errorf("write %d: %w", i, errOdd)
				}
				b, err := tx.CreateBucketIfNotExists([]byte("b"))
				if err != nil {
					return err
				}
				return b.Put([]byte(strconv.Itoa(i)), []byte("x"))
			})
		})
	}
	wg.Wait()
	stored := 0
	if err := db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte("b")); b != nil {
			stored = b.Stats().KeyN
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := 0
	for i, err := range got {
		switch {
		case i == 7:
			if err == nil || err.Error() != "write panicked: boom" {
				t.Errorf("write 7: %v; want the panic as an error", err)
			}
		case i%10 == 3:
			if !errors.Is(err, errOdd) {
				t.Errorf("write %d: %v; want its own error", i, err)
			}
		default:
			want++
			if err != nil {
				t.Errorf("write %d: %v", i, err)
			}
			if runs[i] < 1 {
				t.Errorf("write %d never ran", i)
			}
		}
	}
	if stored != want {
		t.Errorf("stored %d keys; want %d", stored, want)
	}
	// The committer goes on working after failures and panics.
	if err := c.update(func(*bolt.Tx) error { return nil }); err != nil {
		t.Errorf("write after the group: %v", err)
	}
}
