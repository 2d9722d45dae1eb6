package redisstore_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alongside/alongside/internal/redistest"
	"github.com/alongside/alongside/store"
	"github.com/alongside/alongside/store/redisstore"
	"github.com/alongside/alongside/store/storetest"
)

// shared is the package's redis-server, started once in TestMain. Tests
// keep apart by key prefix.
var shared *redistest.Server

func TestMain(m *testing.M) {
	srv, stop := redistest.StartMain()
	shared = srv
	code := m.Run()
	stop()
	os.Exit(code)
}

var prefixes atomic.Int64

// uniquePrefix returns a key prefix no other test of this process uses.
func uniquePrefix() string { return fmt.Sprintf("t%d", prefixes.Add(1)) }

// testOpTimeout replaces the 1 s production OpTimeout in tests: on a
// loaded 2-core test machine redis-server itself was seen to stall for
// 1–3 s (with and without the AOF), which is a property of the machine,
// not of the store. Tests of timeouts set OpTimeout themselves. For the
// same reason open's URL sets a 5 s dial timeout (default 250 ms).
const testOpTimeout = 10 * time.Second

// open opens a store on srv, closed when tb's test ends. A zero
// opts.OpTimeout means testOpTimeout.
func open(tb testing.TB, srv *redistest.Server, opts redisstore.Options) *redisstore.Store {
	tb.Helper()
	if opts.OpTimeout == 0 {
		opts.OpTimeout = testOpTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*testOpTimeout)
	defer cancel()
	s, err := redisstore.Open(ctx, srv.URL()+"?dial_timeout=5s", opts)
	if err != nil {
		tb.Fatalf("Open(%s) = %v", srv.URL(), err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// sharedHarness opens stores on the package's server, each with its own
// prefix. Reopen opens a new client on the same prefix.
func sharedHarness() storetest.Harness {
	var prefix sync.Map // store.Store → prefix
	openOn := func(tb testing.TB, p string, now func() time.Time) store.Store {
		s := open(tb, shared, redisstore.Options{Clock: now, Prefix: p})
		prefix.Store(store.Store(s), p)
		return s
	}
	return storetest.Harness{
		Open: func(tb testing.TB, now func() time.Time) store.Store {
			tb.Helper()
			return openOn(tb, uniquePrefix(), now)
		},
		Reopen: func(tb testing.TB, s store.Store, now func() time.Time) store.Store {
			tb.Helper()
			p, ok := prefix.Load(s)
			if !ok {
				tb.Fatalf("Reopen of a store this harness did not open")
			}
			if err := s.Close(); err != nil {
				tb.Fatalf("Close = %v", err)
			}
			return openOn(tb, p.(string), now)
		},
	}
}

// crashHarness gives every store its own redis-server, so Reopen can
// kill -9 it and restart it on its AOF: a real durability check of every
// acknowledged write.
func crashHarness(opts ...redistest.Option) storetest.Harness {
	var servers sync.Map // store.Store → *redistest.Server
	return storetest.Harness{
		Open: func(tb testing.TB, now func() time.Time) store.Store {
			tb.Helper()
			srv := redistest.Start(tb, opts...)
			s := open(tb, srv, redisstore.Options{Clock: now})
			servers.Store(store.Store(s), srv)
			return s
		},
		Reopen: func(tb testing.TB, s store.Store, now func() time.Time) store.Store {
			tb.Helper()
			v, ok := servers.Load(s)
			if !ok {
				tb.Fatalf("Reopen of a store this harness did not open")
			}
			srv := v.(*redistest.Server)
			if err := s.Close(); err != nil {
				tb.Fatalf("Close = %v", err)
			}
			if err := srv.Kill(); err != nil {
				tb.Fatalf("kill redis-server: %v", err)
			}
			if err := srv.Restart(); err != nil {
				tb.Fatalf("restart redis-server: %v", err)
			}
			s2 := open(tb, srv, redisstore.Options{Clock: now})
			servers.Store(store.Store(s2), srv)
			return s2
		},
	}
}
