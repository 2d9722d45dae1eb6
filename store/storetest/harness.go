package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/alongside/alongside/store"
)

// Harness opens stores of one implementation for the contract suite.
type Harness struct {
	// Open returns a new, empty store. now is the store's clock; a nil now
	// means the implementation's own clock (the process clock for bbolt,
	// Redis TIME for Redis). The store is closed by the suite or, if still
	// open, by tb.Cleanup registered in Open.
	Open func(tb testing.TB, now func() time.Time) store.Store
	// Reopen closes s and opens the same durable data again, as a process
	// restart would (bbolt: the same file; Redis: a new client, or a
	// redis-server restarted on its data directory). now as in Open.
	Reopen func(tb testing.TB, s store.Store, now func() time.Time) store.Store
}

// FakeClock is a settable clock for tests, safe for concurrent use.
// Its zero value reads the zero time; use NewFakeClock.
type FakeClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewFakeClock returns a clock that reads t until moved.
func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{now: t} }

// Now returns the clock's time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock by d.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
