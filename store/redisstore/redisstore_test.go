package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/internal/redistest"
	"github.com/alongside/alongside/store"
	"github.com/alongside/alongside/store/redisstore"
	"github.com/alongside/alongside/store/storetest"
)

// seed creates partner p1 (capacity 2) and cases c1, c2 in org-a.
func seed(tb testing.TB, s store.Store) {
	tb.Helper()
	ctx := tb.Context()
	if err := s.CreatePartner(ctx, actor, testPartner("p1")); err != nil {
		tb.Fatalf("CreatePartner = %v", err)
	}
	for _, id := range []string{"c1", "c2"} {
		if err := s.CreateCase(ctx, actor, testCase(id)); err != nil {
			tb.Fatalf("CreateCase(%s) = %v", id, err)
		}
	}
}

func reservation(key string, c alongside.CaseID, expires time.Time) store.Reservation {
	return store.Reservation{Org: "org-a", Case: c, Partner: "p1", ExpiresAt: expires, Score: 50, By: matcherActor, Key: key}
}

// TestOpenRefusesEviction is row E4: a server that may evict keys is
// refused, naming the setting; appendonly no is a warning.
func TestOpenRefusesEviction(t *testing.T) {
	srv := redistest.Start(t, redistest.Args("--maxmemory-policy", "allkeys-lru"))
	s, err := redisstore.Open(t.Context(), srv.URL(), redisstore.Options{})
	if err == nil {
		s.Close()
		t.Fatal("Open on a server with maxmemory-policy allkeys-lru succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, "maxmemory-policy") || !strings.Contains(msg, "noeviction") {
		t.Errorf("Open error = %q; want it to name maxmemory-policy and noeviction", msg)
	}

	if w := open(t, shared, redisstore.Options{}).Warnings(); len(w) != 0 {
		t.Errorf("Warnings on the test server = %q; want none", w)
	}
	noAOF := redistest.Start(t, redistest.Args("--appendonly", "no"))
	w := open(t, noAOF, redisstore.Options{}).Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "appendonly") {
		t.Errorf("Warnings with appendonly no = %q; want one naming appendonly", w)
	}
}

// TestOpenUnreachable is row E1 at the store: Open against a closed port
// fails fast with store.ErrUnavailable, and no error carries the
// password of the URL.
func TestOpenUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const secret = "s3cret-XYZ"
	start := time.Now()
	_, err = redisstore.Open(t.Context(), "redis://:"+secret+"@"+addr+"/0", redisstore.Options{})
	elapsed := time.Since(start)
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Open(closed port) = %v; want store.ErrUnavailable", err)
	}
	if elapsed > time.Second {
		t.Errorf("Open(closed port) took %v; want under 1s", elapsed)
	}
	for _, url := range []string{
		"redis://:" + secret + "@127.0.0.1:notaport",
		"redis://user:" + secret + "@127.0.0.1:6379/notadb",
		"ftp://:" + secret + "@127.0.0.1",
	} {
		_, err := redisstore.Open(t.Context(), url, redisstore.Options{})
		if err == nil {
			t.Errorf("Open(%q) succeeded", url)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("Open error %q shows the password", err)
		}
	}
}

// TestRedisKilled is rows D2/E2 at the store: while redis-server is down
// calls fail fast with store.ErrUnavailable; after it restarts on its AOF
// the same Store works again, with every acknowledged write.
func TestRedisKilled(t *testing.T) {
	srv := redistest.Start(t)
	s := open(t, srv, redisstore.Options{OpTimeout: time.Second})
	seed(t, s)
	ctx := t.Context()
	now, err := s.Now(ctx)
	if err != nil {
		t.Fatal(err)
	}
	held, err := s.Reserve(ctx, reservation("k1", "c1", now.Add(time.Hour)))
	if err != nil || held.Outcome != store.OutcomeHeld {
		t.Fatalf("Reserve = %+v, %v", held, err)
	}
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		start := time.Now()
		_, err := s.Reserve(ctx, reservation("k2", "c2", now.Add(time.Hour)))
		if !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("Reserve %d while Redis is down = %v; want store.ErrUnavailable", i, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("Reserve %d while Redis is down took %v; want ≤ 1s", i, d)
		}
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	restarted := time.Now()
	var res *store.ReserveResult
	for range 100 { // the pool probes a failed dial again after 1 s
		if res, err = s.Reserve(ctx, reservation("k2", "c2", now.Add(time.Hour))); !errors.Is(err, store.ErrUnavailable) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil || res.Outcome != store.OutcomeFull && res.Outcome != store.OutcomeHeld {
		t.Fatalf("Reserve after restart = %+v, %v", res, err)
	}
	t.Logf("first success %v after the restart", time.Since(restarted))
	got, err := s.Replay(ctx, "org-a", matcherActor.Principal, "k1")
	if err != nil || got.Hold == nil || got.Hold.ID != held.Hold.ID {
		t.Errorf("Replay(k1) after kill -9 = %+v, %v; want the hold acknowledged before", got, err)
	}
}

// TestUnknownOutcome is row B4 at the store: a reservation whose caller
// gives up while Redis is stalled returns the caller's deadline (or
// store.ErrUnavailable at the store's own timeout); the retry with the
// same key answers from the one execution.
func TestUnknownOutcome(t *testing.T) {
	srv := redistest.Start(t)
	admin := srv.Client(t)
	for _, tc := range []struct {
		name      string
		opTimeout time.Duration
		ctxLimit  time.Duration
		want      error
	}{
		{"caller deadline", 0, 100 * time.Millisecond, context.DeadlineExceeded},
		{"store timeout", 150 * time.Millisecond, 0, store.ErrUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, srv, redisstore.Options{Prefix: uniquePrefix(), OpTimeout: tc.opTimeout})
			seed(t, s)
			now, err := s.Now(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			r := reservation("k1", "c1", now.Add(time.Hour))
			// Writes (scripts included) wait 600 ms; the pause is in place
			// before the reservation is sent.
			if err := admin.Do(t.Context(), "CLIENT", "PAUSE", "600", "WRITE").Err(); err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			if tc.ctxLimit > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.ctxLimit)
				defer cancel()
			}
			start := time.Now()
			_, err = s.Reserve(ctx, r)
			elapsed := time.Since(start)
			if !errors.Is(err, tc.want) {
				t.Errorf("Reserve during the pause = %v; want %v", err, tc.want)
			}
			if elapsed > 500*time.Millisecond {
				t.Errorf("Reserve during the pause returned after %v; want at its deadline", elapsed)
			}
			if err := admin.Do(t.Context(), "CLIENT", "UNPAUSE").Err(); err != nil {
				t.Fatal(err)
			}
			res, err := s.Reserve(t.Context(), r)
			if err != nil || res.Outcome != store.OutcomeHeld {
				t.Fatalf("retry = %+v, %v; want held", res, err)
			}
			t.Logf("retry replayed the first execution: %v", res.Replayed)
			page, err := s.ListAssignments(t.Context(), "org-a", store.AssignmentQuery{})
			if err != nil || len(page.Items) != 1 {
				t.Errorf("assignments after the retry = %d, %v; want 1", len(page.Items), err)
			}
		})
	}
}

// TestUnknownOutcomeExecuted is row B4 as measured in reliability.md §5:
// the script reaches Redis, the caller gives up during DEBUG SLEEP, and
// Redis runs the script afterwards. The retry replays that execution.
func TestUnknownOutcomeExecuted(t *testing.T) {
	srv := redistest.Start(t)
	admin := srv.Client(t)
	s := open(t, srv, redisstore.Options{})
	seed(t, s)
	for i := range 5 {
		if err := s.CreateCase(t.Context(), actor, testCase(fmt.Sprintf("c%d", i+3))); err != nil {
			t.Fatal(err)
		}
	}
	now, err := s.Now(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// Warm Redis's script cache: a reservation that reaches Redis as an
	// EVALSHA of an unknown script would fail there with NOSCRIPT.
	if _, err := s.Reserve(t.Context(), reservation("warm-up", "c1", now.Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	// The reservation must reach Redis after DEBUG SLEEP has started; if
	// it overtakes it (and so succeeds), try again with another case.
	var r store.Reservation
	for attempt := range 5 {
		sleep := make(chan error, 1)
		go func() { sleep <- admin.Do(context.Background(), "DEBUG", "SLEEP", "0.4").Err() }()
		time.Sleep(50 * time.Millisecond) // let DEBUG SLEEP start
		r = reservation(fmt.Sprintf("k%d", attempt), alongside.CaseID(fmt.Sprintf("c%d", attempt+3)), now.Add(time.Hour))
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		_, err = s.Reserve(ctx, r)
		cancel()
		if serr := <-sleep; serr != nil {
			t.Fatalf("DEBUG SLEEP = %v", serr)
		}
		if err != nil {
			break
		}
		t.Logf("attempt %d: the reservation overtook DEBUG SLEEP", attempt)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Reserve during DEBUG SLEEP = %v; want context.DeadlineExceeded", err)
	}
	res, err := s.Reserve(t.Context(), r)
	if err != nil || res.Outcome != store.OutcomeHeld || !res.Replayed {
		t.Fatalf("retry = %+v, %v; want the first execution's hold, replayed", res, err)
	}
	page, err := s.ListAssignments(t.Context(), "org-a", store.AssignmentQuery{Case: r.Case})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != res.Hold.ID {
		t.Errorf("assignments of %s = %+v, %v; want the one hold", r.Case, page.Items, err)
	}
}

// TestKeyReuseChangesNothing is row B3 by DEBUG DIGEST: a reused key
// leaves the data set byte-for-byte unchanged.
func TestKeyReuseChangesNothing(t *testing.T) {
	srv := redistest.Start(t)
	admin := srv.Client(t)
	clock := storetest.NewFakeClock(time.Date(2026, 5, 4, 16, 0, 0, 0, time.UTC))
	s := open(t, srv, redisstore.Options{Clock: clock.Now})
	seed(t, s)
	ctx := t.Context()
	if _, err := s.Reserve(ctx, reservation("K", "c1", clock.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	before, err := admin.Do(ctx, "DEBUG", "DIGEST").Text()
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Hour) // the hold has expired: a reserve would purge it
	_, err = s.Reserve(ctx, reservation("K", "c2", clock.Now().Add(time.Hour)))
	if !errors.Is(err, store.ErrKeyReused) {
		t.Fatalf("Reserve with K and another case = %v; want store.ErrKeyReused", err)
	}
	after, err := admin.Do(ctx, "DEBUG", "DIGEST").Text()
	if err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("DEBUG DIGEST changed by a reused key: %s → %s", before, after)
	}
}

// TestKeyLayout checks that every key of an organization carries its
// hash tag (one Cluster slot), besides the one organization index.
func TestKeyLayout(t *testing.T) {
	prefix := uniquePrefix()
	clock := storetest.NewFakeClock(time.Date(2026, 5, 4, 16, 0, 0, 0, time.UTC))
	s := open(t, shared, redisstore.Options{Clock: clock.Now, Prefix: prefix})
	seed(t, s)
	ctx := t.Context()
	res, err := s.Reserve(ctx, reservation("K", "c1", clock.Now().Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Confirm(ctx, store.Transition{Org: "org-a", ID: res.Hold.ID, By: actor}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reserve(ctx, reservation("K2", "c2", clock.Now().Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	if _, err := s.ExpireHolds(ctx, "org-a", 10); err != nil {
		t.Fatal(err)
	}
	keys, err := shared.Client(t).Keys(ctx, prefix+":*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 10 {
		t.Errorf("keys under %s = %q; want the layout's keys", prefix, keys)
	}
	for _, k := range keys {
		if k != prefix+":orgs" && !strings.HasPrefix(k, prefix+":{org-a}:") {
			t.Errorf("key %q is outside the organization's hash tag", k)
		}
		if ttl, err := shared.Client(t).PTTL(ctx, k).Result(); err != nil {
			t.Error(err)
		} else if ttl >= 0 && !strings.Contains(k, ":idem:") {
			t.Errorf("key %q has a TTL (%v): only idempotency records expire", k, ttl)
		}
	}
}

// TestStoreClockIsRedisTime checks that a store without Options.Clock
// stamps holds with Redis TIME.
func TestStoreClockIsRedisTime(t *testing.T) {
	s := open(t, shared, redisstore.Options{Prefix: uniquePrefix()})
	seed(t, s)
	ctx := t.Context()
	before, err := shared.Client(t).Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Reserve(ctx, reservation("K", "c1", before.Add(time.Hour)))
	if err != nil || res.Hold == nil {
		t.Fatalf("Reserve = %+v, %v", res, err)
	}
	after, err := s.Now(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h := res.Hold.HeldAt; h.Before(before) || h.After(after) {
		t.Errorf("HeldAt = %v; want between Redis TIME readings %v and %v", h, before, after)
	}
}

// TestClosedStore checks that a closed store answers store.ErrUnavailable.
func TestClosedStore(t *testing.T) {
	s := open(t, shared, redisstore.Options{Prefix: uniquePrefix()})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetPartner(t.Context(), "org-a", "p1"); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("GetPartner after Close = %v; want store.ErrUnavailable", err)
	}
}

func TestBadPrefix(t *testing.T) {
	for _, p := range []string{"a{b", "a}b", "a b"} {
		if s, err := redisstore.Open(t.Context(), shared.URL(), redisstore.Options{Prefix: p}); err == nil {
			s.Close()
			t.Errorf("Open with prefix %q succeeded", p)
		}
	}
}

func ExampleOpen() {
	ctx := context.Background()
	// A fixed clock makes the example's times repeatable; production
	// leaves Clock nil to use Redis TIME.
	now := time.Date(2026, 5, 4, 16, 0, 0, 0, time.UTC)
	s, err := redisstore.Open(ctx, exampleURL(), redisstore.Options{
		Prefix: "example" + uniquePrefix(),
		Clock:  func() time.Time { return now },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	p := testPartner("p1") // capacity 3
	c := testCase("c1")
	if err := s.CreatePartner(ctx, actor, p); err != nil {
		fmt.Println(err)
		return
	}
	if err := s.CreateCase(ctx, actor, c); err != nil {
		fmt.Println(err)
		return
	}
	r := store.Reservation{
		Org: "org-a", Case: "c1", Partner: "p1", ExpiresAt: now.Add(24 * time.Hour),
		Score: 80, By: matcherActor, Key: "match-c1-1",
	}
	res, err := s.Reserve(ctx, r)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Outcome, "until", res.Hold.ExpiresAt.Format(time.RFC3339), "load", res.Load.Held, "of", res.Load.Capacity)
	again, err := s.Reserve(ctx, r) // a retry with the same key
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(again.Outcome, "replayed:", again.Replayed, "same hold:", again.Hold.ID == res.Hold.ID)
	// Output:
	// held until 2026-05-05T16:00:00Z load 1 of 3
	// held replayed: true same hold: true
}
