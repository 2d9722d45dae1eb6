package boltstore_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
	"github.com/alongside/alongside/store/boltstore"
	"github.com/alongside/alongside/store/storetest"
)

// The crash test re-executes this test binary as the writer process: with
// crashChildEnv set, TestCrashWriter writes until it is killed.
const (
	crashChildEnv = "ALONGSIDE_CRASH_CHILD"
	crashOrg      = alongside.OrgID("crash")
	crashPartners = 50
	crashWriters  = 32
)

// TestCrashKillWriter is reliability row D1 for the embedded store: a
// process with 32 writers creating cases, reserving and confirming with
// idempotency keys is killed with SIGKILL at a random moment, five rounds
// on one file. After each kill, nothing acknowledged may be missing, no
// partner may be over capacity, bbolt's consistency check must pass, and
// retrying every key in flight at the kill must converge to one hold per
// case. Partners have room for every reservation, so each round writes
// cases, holds and confirms.
func TestCrashKillWriter(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "crash.db")
	st, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	for i := range crashPartners {
		if err := st.CreatePartner(t.Context(), audit.System, storetest.NewPartner(crashOrg, fmt.Sprintf("p%02d", i), alongside.MaxCapacity)); err != nil {
			t.Fatalf("CreatePartner: %v", err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 5 {
		killAfter := 500*time.Millisecond + time.Duration(rng.Int64N(int64(2500*time.Millisecond)))
		acks := runAndKill(t, path, round, killAfter)

		start := time.Now()
		st, err := boltstore.Open(path, boltstore.Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		t.Logf("round %d: killed after %v; %d cases, %d holds, %d confirms acknowledged; reopened in %v",
			round, killAfter, len(acks.cases), len(acks.held), len(acks.confirmed), time.Since(start))
		verifyAfterCrash(t, st, round, acks)
		if err := st.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		checkBolt(t, path)
	}
}

// acks is what the writer process acknowledged (printed after the store
// returned) and what it had in flight.
type acks struct {
	cases     []alongside.CaseID
	sent      map[string]alongside.CaseID       // key → case, for every reservation sent
	answered  map[string]bool                   // keys whose reservation returned
	held      map[string]alongside.AssignmentID // key → hold
	confirmed []alongside.AssignmentID
}

func runAndKill(t *testing.T, path string, round int, after time.Duration) acks {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d", crashChildEnv, path, round))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("StdoutPipe: %v", err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start writer: %v", err)
	}
	timer := time.AfterFunc(after, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()

	a := acks{sent: map[string]alongside.CaseID{}, answered: map[string]bool{}, held: map[string]alongside.AssignmentID{}}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "case":
			a.cases = append(a.cases, alongside.CaseID(f[1]))
		case len(f) == 3 && f[0] == "sent":
			a.sent[f[1]] = alongside.CaseID(f[2])
		case len(f) == 3 && f[0] == "held":
			a.held[f[1]] = alongside.AssignmentID(f[2])
			a.answered[f[1]] = true
		case len(f) == 2 && f[0] == "refused":
			a.answered[f[1]] = true
		case len(f) == 2 && f[0] == "confirmed":
			a.confirmed = append(a.confirmed, alongside.AssignmentID(f[1]))
		}
	}
	err = cmd.Wait()
	if st, ok := cmd.ProcessState.Sys().(interface{ Signaled() bool }); !ok || !st.Signaled() {
		t.Fatalf("writer ended with %v before it was killed", err)
	}
	return a
}

func verifyAfterCrash(t *testing.T, st *boltstore.Store, round int, a acks) {
	t.Helper()
	ctx := t.Context()
	// Every acknowledged write is there. Read errors fail the test: a
	// swallowed error would look like a lost write (reliability.md §5).
	for _, id := range a.cases {
		if _, err := st.GetCase(ctx, crashOrg, id); err != nil {
			t.Fatalf("round %d: acknowledged case %s: %v", round, id, err)
		}
	}
	for key, id := range a.held {
		if _, err := st.GetAssignment(ctx, crashOrg, id); err != nil {
			t.Fatalf("round %d: acknowledged hold %s (key %s): %v", round, id, key, err)
		}
	}
	for _, id := range a.confirmed {
		h, err := st.GetAssignment(ctx, crashOrg, id)
		if err != nil {
			t.Fatalf("round %d: acknowledged confirm %s: %v", round, id, err)
		}
		if h.State != alongside.StateConfirmed {
			t.Errorf("round %d: acknowledged confirm %s is %s", round, id, h.State)
		}
	}
	// Retrying every key in flight at the kill converges: the first
	// execution's result or a fresh one, never a second hold for its case.
	inflight := 0
	for key, c := range a.sent {
		if a.answered[key] {
			continue
		}
		inflight++
		if _, err := st.GetCase(ctx, crashOrg, c); err != nil {
			continue // the case itself was not committed; the reservation never ran
		}
		r := crashReservation(key, c)
		r.ExpiresAt = time.Now().Add(time.Hour)
		_, err := st.Reserve(ctx, r)
		if err != nil {
			t.Fatalf("round %d: retry %s: %v", round, key, err)
		}
		p, err := st.ListAssignments(ctx, crashOrg, store.AssignmentQuery{Case: c})
		if err != nil {
			t.Fatalf("round %d: ListAssignments: %v", round, err)
		}
		if len(p.Items) > 1 {
			t.Errorf("round %d: case %s has %d assignments after retries; want at most 1", round, c, len(p.Items))
		}
	}
	t.Logf("round %d: %d keys in flight retried", round, inflight)
	for i := range crashPartners {
		l, err := st.Load(ctx, crashOrg, alongside.PartnerID(fmt.Sprintf("p%02d", i)))
		if err != nil {
			t.Fatalf("round %d: Load: %v", round, err)
		}
		if l.Committed+l.Held > l.Capacity {
			t.Errorf("round %d: partner %s over capacity: %+v", round, l.Partner, l)
		}
	}
}

// checkBolt runs bbolt's own consistency check over the closed file.
func checkBolt(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("bolt.Open: %v", err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatalf("bbolt consistency check: %v", err)
	}
}

func crashReservation(key string, c alongside.CaseID) store.Reservation {
	var n int
	fmt.Sscanf(key[strings.LastIndex(key, "-")+1:], "%d", &n)
	return store.Reservation{
		Org: crashOrg, Case: c, Partner: alongside.PartnerID(fmt.Sprintf("p%02d", n%crashPartners)),
		Score: 50, By: audit.Actor{Principal: "svc:crash"}, Key: key,
	}
}

// TestCrashWriter is the writer process of TestCrashKillWriter; it does
// nothing unless started by it.
func TestCrashWriter(t *testing.T) {
	env := os.Getenv(crashChildEnv)
	if env == "" {
		return
	}
	path, round, _ := strings.Cut(env, "|")
	st, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatalf("writer open: %v", err)
	}
	var (
		mu   sync.Mutex
		next atomic.Int64
	)
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(os.Stdout, format+"\n", args...)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for range crashWriters {
		wg.Go(func() {
			for {
				n := next.Add(1)
				c := storetest.NewCase(crashOrg, fmt.Sprintf("r%s-c%d", round, n))
				if err := st.CreateCase(ctx, audit.System, c); err != nil {
					t.Errorf("CreateCase: %v", err)
					return
				}
				say("case %s", c.ID)
				key := fmt.Sprintf("r%s-k-%d", round, n)
				r := crashReservation(key, c.ID)
				r.ExpiresAt = time.Now().Add(time.Hour)
				say("sent %s %s", key, c.ID)
				res, err := st.Reserve(ctx, r)
				if err != nil {
					t.Errorf("Reserve: %v", err)
					return
				}
				if res.Outcome != store.OutcomeHeld {
					say("refused %s", key)
					continue
				}
				say("held %s %s", key, res.Hold.ID)
				if _, err := st.Confirm(ctx, store.Transition{Org: crashOrg, ID: res.Hold.ID, By: r.By}); err != nil {
					t.Errorf("Confirm: %v", err)
					return
				}
				say("confirmed %s", res.Hold.ID)
			}
		})
	}
	wg.Wait() // never returns normally: the parent kills this process
}

// TestIdempotencyPruned checks that a sweep after the retention deletes
// idempotency records from the file, not only hides them.
func TestIdempotencyPruned(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "prune.db")
	clock := storetest.NewFakeClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	st, err := boltstore.Open(path, boltstore.Options{Clock: clock.Now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := st.CreatePartner(ctx, audit.System, storetest.NewPartner(crashOrg, "p00", 10)); err != nil {
		t.Fatalf("CreatePartner: %v", err)
	}
	for i := range 3 {
		c := storetest.NewCase(crashOrg, fmt.Sprintf("c%d", i))
		if err := st.CreateCase(ctx, audit.System, c); err != nil {
			t.Fatalf("CreateCase: %v", err)
		}
		r := crashReservation(fmt.Sprintf("k-%d", i*crashPartners), c.ID)
		r.ExpiresAt = clock.Now().Add(time.Hour)
		if _, err := st.Reserve(ctx, r); err != nil {
			t.Fatalf("Reserve: %v", err)
		}
	}
	count := func() (records, index int) {
		t.Helper()
		err := st.DB().View(func(tx *bolt.Tx) error {
			ob := tx.Bucket([]byte(crashOrg))
			records = ob.Bucket([]byte("idempotency")).Stats().KeyN
			index = ob.Bucket([]byte("idempotency_time")).Stats().KeyN
			return nil
		})
		if err != nil {
			t.Fatalf("View: %v", err)
		}
		return records, index
	}
	if r, i := count(); r != 3 || i != 3 {
		t.Fatalf("before retention: %d records, %d index entries; want 3, 3", r, i)
	}
	clock.Advance(store.IdempotencyRetention)
	if _, err := st.ExpireHolds(ctx, crashOrg, 0); err != nil {
		t.Fatalf("ExpireHolds: %v", err)
	}
	if r, i := count(); r != 0 || i != 0 {
		t.Errorf("after retention and a sweep: %d records, %d index entries; want 0, 0", r, i)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}
