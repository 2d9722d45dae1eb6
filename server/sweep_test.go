package server_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect/v2/connecthttp"

	"github.com/alongside/alongside"
	alongsidev1 "github.com/alongside/alongside/api/gen/alongside/v1"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/internal/redistest"
	"github.com/alongside/alongside/server"
	"github.com/alongside/alongside/store"
	"github.com/alongside/alongside/store/redisstore"
)

// serve runs a server over st with a 100 ms sweeper and returns its URL.
func serve(t *testing.T, st store.Store) string {
	t.Helper()
	srv, err := server.New(server.Config{Store: st, Org: "e2e", SweepInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	return serveWith(t, srv)
}

// serveWith runs srv.Serve on a loopback port until the test ends and
// returns its base URL.
func serveWith(t *testing.T, srv *server.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := srv.Serve(ctx, ln); err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	return "http://" + ln.Addr().String()
}

// TestHoldRealTimeSweep is reliability row C3: with the real clock, a hold
// whose offer window ends is recorded expired by the running service within
// 250 ms of its expires_at, counted once in holds_expired_total and audited
// once — also with two replicas sweeping one Redis.
func TestHoldRealTimeSweep(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		open func(t *testing.T) []store.Store // one store handle per replica
	}{
		{"embedded", func(t *testing.T) []store.Store { return []store.Store{stores[0].open(t)} }},
		{"redis-two-replicas", func(t *testing.T) []store.Store {
			prefix := fmt.Sprintf("sweep%d", time.Now().UnixNano())
			var out []store.Store
			for range 2 {
				st, err := redisstore.Open(t.Context(), redisServer.URL(), redisstore.Options{Prefix: prefix})
				if err != nil {
					t.Fatalf("redisstore.Open: %v", err)
				}
				t.Cleanup(func() { st.Close() })
				out = append(out, st)
			}
			return out
		}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			replicas := tt.open(t)
			var urls []string
			for _, st := range replicas {
				urls = append(urls, serve(t, st))
			}
			c := newRosterClient(t, urls[0], false, connecthttp.WithProtoJSON())
			p, err := c.CreatePartner(ctx, &alongsidev1.CreatePartnerRequest{Partner: validPartner("Sweep Partner")})
			if err != nil {
				t.Fatalf("CreatePartner: %v", err)
			}
			k, err := c.CreateCase(ctx, &alongsidev1.CreateCaseRequest{Case: validCase("DCS-SWEEP-1")})
			if err != nil {
				t.Fatalf("CreateCase: %v", err)
			}

			st := replicas[0]
			now, err := st.Now(ctx)
			if err != nil {
				t.Fatalf("Now: %v", err)
			}
			res, err := st.Reserve(ctx, store.Reservation{
				Org: "e2e", Case: alongside.CaseID(k.GetCase().GetId()), Partner: alongside.PartnerID(p.GetPartner().GetId()),
				ExpiresAt: now.Add(time.Second), Score: 80, By: audit.Actor{Principal: "svc:test"}, Key: "sweep-1",
			})
			if err != nil || res.Outcome != store.OutcomeHeld {
				t.Fatalf("Reserve = %+v, %v; want held", res, err)
			}

			var got *alongside.Assignment
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if got, err = st.GetAssignment(ctx, "e2e", res.Hold.ID); err != nil {
					t.Fatalf("GetAssignment: %v", err)
				}
				if got.State == alongside.StateExpired {
					break
				}
			}
			if got.State != alongside.StateExpired {
				t.Fatalf("hold state = %s 5 s after a 1 s offer window; want expired", got.State)
			}
			lag := got.DecidedAt.Sub(got.ExpiresAt)
			t.Logf("expired %v after expires_at (store clock)", lag)
			if lag < 0 || lag > 250*time.Millisecond {
				t.Errorf("hold recorded expired %v after expires_at; want within [0, 250ms]", lag)
			}

			time.Sleep(300 * time.Millisecond) // several more sweeps: none may expire it again
			total := 0
			for _, u := range urls {
				total += counter(t, u, "alongside_holds_expired_total")
			}
			if total != 1 {
				t.Errorf("holds_expired_total over %d replicas = %d; want 1", len(urls), total)
			}
			events, err := st.ListAudit(ctx, "e2e", 0, 1000)
			if err != nil {
				t.Fatalf("ListAudit: %v", err)
			}
			expired := 0
			for _, e := range events {
				if e.Action == audit.HoldExpired {
					expired++
				}
			}
			if expired != 1 {
				t.Errorf("hold.expired audit events = %d; want 1", expired)
			}
		})
	}
}

// counter reads an unlabelled counter from a server's /metrics.
func counter(t *testing.T, base, name string) int {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read /metrics: %v", err)
	}
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\d+)`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("/metrics has no %s", name)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// TestReadinessFollowsStore kills the Redis server behind a running
// service: health turns NOT_SERVING, and SERVING again once Redis is back,
// without a restart of the service.
func TestReadinessFollowsStore(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	st, err := redisstore.Open(t.Context(), rs.URL(), redisstore.Options{})
	if err != nil {
		t.Fatalf("redisstore.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := server.New(server.Config{Store: st, Org: "e2e", ReadinessInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	base := serveWith(t, srv)
	waitHealth(t, base, "SERVING_STATUS_SERVING")
	if err := rs.Kill(); err != nil {
		t.Fatalf("kill redis: %v", err)
	}
	waitHealth(t, base, "SERVING_STATUS_NOT_SERVING")
	if err := rs.Restart(); err != nil {
		t.Fatalf("restart redis: %v", err)
	}
	waitHealth(t, base, "SERVING_STATUS_SERVING")
}

// waitHealth polls the health check (Connect JSON) until it reports want,
// for at most 10 s.
func waitHealth(t *testing.T, base, want string) {
	t.Helper()
	got := ""
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		resp, err := http.Post(base+"/grpc.health.v1.Health/Check", "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatalf("health Check: %v", err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("read health: %v", err)
		}
		got = string(body)
		if strings.Contains(got, `"`+want+`"`) {
			return
		}
	}
	t.Fatalf("health = %s after 10 s; want %s", got, want)
}
