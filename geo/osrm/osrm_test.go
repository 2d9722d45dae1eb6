package osrm_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/geo/osrm"
)

func randomPoints(r *rand.Rand, n int) []geo.Point {
	ps := make([]geo.Point, n)
	for i := range ps {
		// Five decimals, so no test coordinate is confused with a count.
		ps[i] = geo.Point{Lat: 31.5 + 5*r.Float64(), Lng: -114.5 + 5*r.Float64()}.Round(5)
	}
	return ps
}

func checkMatrix(t *testing.T, m *geo.Matrix, from, to []geo.Point) {
	t.Helper()
	if m.Rows != len(from) || m.Cols != len(to) {
		t.Fatalf("matrix is %d×%d; want %d×%d", m.Rows, m.Cols, len(from), len(to))
	}
	for i, a := range from {
		for j, b := range to {
			if got, want := m.At(i, j), wantLeg(a, b); got != want {
				t.Fatalf("leg (%d, %d) = %+v; want %+v", i, j, got, want)
			}
		}
	}
}

func TestMatrixSmall(t *testing.T) {
	t.Parallel()
	f := newFakeOSRM(t, 100)
	c := &osrm.Client{BaseURL: f.srv.URL}
	r := rand.New(rand.NewPCG(1, 1))
	from, to := randomPoints(r, 3), randomPoints(r, 4)
	m, err := c.Matrix(t.Context(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	checkMatrix(t, m, from, to)
	reqs := f.takeRequests()
	if len(reqs) != 1 || reqs[0] != (fakeRequest{7, 3, 4, reqs[0].query}) {
		t.Errorf("requests %+v; want one with 7 coordinates, 3 sources, 4 destinations", reqs)
	}
	if q := reqs[0].query; !strings.Contains(q, "sources=0;1;2") || !strings.Contains(q, "destinations=3;4;5;6") {
		t.Errorf("query %q: want literal ';'-separated indexes", q)
	}

	// Same points both ways: sent once, all-to-all.
	m, err = c.Matrix(t.Context(), from, from)
	if err != nil {
		t.Fatal(err)
	}
	checkMatrix(t, m, from, from)
	if reqs := f.takeRequests(); len(reqs) != 1 || reqs[0].coords != 3 || strings.Contains(reqs[0].query, "sources") {
		t.Errorf("square request %+v; want 3 coordinates and no sources/destinations", reqs)
	}

	// Nothing to ask.
	m, err = c.Matrix(t.Context(), nil, to)
	if err != nil || m.Rows != 0 || m.Cols != 4 {
		t.Errorf("empty from: %+v, %v", m, err)
	}
	if reqs := f.takeRequests(); len(reqs) != 0 {
		t.Errorf("empty from sent %d requests", len(reqs))
	}
}

func TestMatrixBatches(t *testing.T) {
	t.Parallel()
	const max = 10
	f := newFakeOSRM(t, max)
	r := rand.New(rand.NewPCG(2, 2))
	from, to := randomPoints(r, 25), randomPoints(r, 13)
	for _, conc := range []int{0, 4} {
		c := &osrm.Client{BaseURL: f.srv.URL + "/", MaxTableSize: max, Concurrency: conc}
		m, err := c.Matrix(t.Context(), from, to)
		if err != nil {
			t.Fatalf("concurrency %d: %v", conc, err)
		}
		checkMatrix(t, m, from, to)
		reqs := f.takeRequests()
		if len(reqs) != 3*2 {
			t.Errorf("concurrency %d: %d requests; want 6 blocks (3 × 2)", conc, len(reqs))
		}
		for _, q := range reqs {
			if q.sources > max || q.destinations > max {
				t.Errorf("a block of %d×%d exceeds %d", q.sources, q.destinations, max)
			}
		}
	}

	// Without batching the server refuses: TooBig.
	c := &osrm.Client{BaseURL: f.srv.URL, MaxTableSize: 1000}
	_, err := c.Matrix(t.Context(), from, to)
	var oe *osrm.Error
	if !errors.As(err, &oe) || oe.Code != "TooBig" || oe.Status != http.StatusBadRequest {
		t.Errorf("oversized request: err = %v; want *osrm.Error TooBig", err)
	}
}

func TestMatrixUnreachable(t *testing.T) {
	t.Parallel()
	f := newFakeOSRM(t, 100)
	c := &osrm.Client{BaseURL: f.srv.URL}
	island := geo.Point{Lat: unreachableLat, Lng: -111.5}
	phoenix := geo.Point{Lat: 33.4484, Lng: -112.0740}
	m, err := c.Matrix(t.Context(), []geo.Point{phoenix, island}, []geo.Point{phoenix, island})
	if err != nil {
		t.Fatal(err)
	}
	if !m.At(0, 0).Reachable() || m.At(0, 1).Reachable() || m.At(1, 0).Reachable() || m.At(1, 1) != geo.UnreachableLeg {
		t.Errorf("legs %+v; want only (0,0) reachable", m.Legs)
	}
}

// noCoordinates fails if err's text holds any of the points' coordinates.
func noCoordinates(t *testing.T, err error, pts []geo.Point) {
	t.Helper()
	for _, p := range pts {
		for _, v := range []float64{p.Lat, p.Lng} {
			for _, s := range []string{fmt.Sprintf("%.6f", v), fmt.Sprintf("%.5f", v), fmt.Sprint(v)} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q holds coordinate %s", err, s)
				}
			}
		}
	}
}

func TestMatrixServiceDown(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	c := &osrm.Client{BaseURL: url}
	pts := randomPoints(rand.New(rand.NewPCG(3, 3)), 2)
	_, err := c.Matrix(t.Context(), pts, pts)
	if !errors.Is(err, osrm.ErrUnavailable) {
		t.Fatalf("err = %v; want ErrUnavailable", err)
	}
	host := strings.TrimPrefix(url, "http://")
	if !strings.Contains(err.Error(), host) {
		t.Errorf("error %q does not name the host %s", err, host)
	}
	if strings.Contains(err.Error(), "/table/") {
		t.Errorf("error %q holds the request URL", err)
	}
	noCoordinates(t, err, pts)
	if _, ok := errors.AsType[*net.OpError](err); !ok {
		t.Errorf("error %q does not wrap the dial error", err)
	}
}

func TestMatrixTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	pts := randomPoints(rand.New(rand.NewPCG(4, 4)), 2)

	c := &osrm.Client{BaseURL: srv.URL, Timeout: 50 * time.Millisecond}
	start := time.Now()
	_, err := c.Matrix(t.Context(), pts, pts)
	if !errors.Is(err, osrm.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v; want ErrUnavailable and DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timed out after %v; want about 50ms", d)
	}
	noCoordinates(t, err, pts)

	// The caller's own cancellation is not "unavailable".
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	c = &osrm.Client{BaseURL: srv.URL, Timeout: -1}
	_, err = c.Matrix(ctx, pts, pts)
	if errors.Is(err, osrm.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("caller deadline: err = %v; want DeadlineExceeded without ErrUnavailable", err)
	}
}

func TestMatrixHTTPErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		body        string
		unavailable bool
		code        string // OSRM code in an *osrm.Error, "-" for none
	}{
		{"503 from a proxy", 503, "<html>busy</html>", true, "-"},
		{"500 with OSRM JSON", 500, `{"code":"InternalError","message":"x"}`, true, "InternalError"},
		{"429", 429, "slow down", true, "-"},
		{"NoTable", 400, `{"code":"NoTable","message":"No table found"}`, false, "NoTable"},
		{"InvalidQuery", 400, `{"code":"InvalidQuery","message":"Query string malformed close to position 28"}`, false, "InvalidQuery"},
		{"NoSegment", 400, `{"code":"NoSegment","message":"Could not find a matching segment for coordinate 1"}`, false, "NoSegment"},
		{"404 not OSRM", 404, "404 page not found", false, ""},
		{"200 not JSON", 200, "<html>captive portal</html>", true, "-"},
		{"200 no code", 200, `{"durations":[[0,1],[1,0]]}`, true, "-"},
		{"200 wrong shape", 200, `{"code":"Ok","durations":[[0]],"distances":[[0]]}`, true, "-"},
		{"200 without distances", 200, `{"code":"Ok","durations":[[0,1],[1,0]]}`, true, "-"},
		{"200 negative", 200, `{"code":"Ok","durations":[[0,-1],[1,0]],"distances":[[0,1],[1,0]]}`, true, "-"},
	}
	pts := randomPoints(rand.New(rand.NewPCG(5, 5)), 2)
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tt.status)
			_, _ = w.Write([]byte(tt.body))
		}))
		c := &osrm.Client{BaseURL: srv.URL}
		_, err := c.Matrix(t.Context(), pts, pts)
		srv.Close()
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if got := errors.Is(err, osrm.ErrUnavailable); got != tt.unavailable {
			t.Errorf("%s: errors.Is(%v, ErrUnavailable) = %v; want %v", tt.name, err, got, tt.unavailable)
		}
		oe, isOSRM := errors.AsType[*osrm.Error](err)
		switch {
		case tt.code == "-" && isOSRM:
			t.Errorf("%s: got *osrm.Error %v; want none", tt.name, oe)
		case tt.code != "-" && (!isOSRM || oe.Code != tt.code || oe.Status != tt.status):
			t.Errorf("%s: err = %v; want *osrm.Error code %q status %d", tt.name, err, tt.code, tt.status)
		}
		if isOSRM && oe.Code != "" && !strings.Contains(err.Error(), oe.Code) {
			t.Errorf("%s: error %q does not name OSRM's code", tt.name, err)
		}
		noCoordinates(t, err, pts)
	}
}

func TestMatrixStopsAfterFirstError(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(503)
	}))
	t.Cleanup(srv.Close)
	r := rand.New(rand.NewPCG(6, 6))
	c := &osrm.Client{BaseURL: srv.URL, MaxTableSize: 2}
	_, err := c.Matrix(t.Context(), randomPoints(r, 20), randomPoints(r, 20)) // 100 blocks
	if !errors.Is(err, osrm.ErrUnavailable) {
		t.Fatalf("err = %v; want ErrUnavailable", err)
	}
	if got := n.Load(); got > 2 {
		t.Errorf("%d requests after the first failure; want the run to stop", got)
	}
}

func TestClientConfigErrors(t *testing.T) {
	t.Parallel()
	pts := []geo.Point{{Lat: 33, Lng: -112}}
	for _, base := range []string{"", "localhost:5000", "ftp://x", "http://"} {
		if _, err := (&osrm.Client{BaseURL: base}).Matrix(t.Context(), pts, pts); err == nil {
			t.Errorf("BaseURL %q: no error", base)
		}
	}
	bad := []geo.Point{{Lat: 33.123456, Lng: 200}}
	_, err := (&osrm.Client{BaseURL: "http://127.0.0.1:1"}).Matrix(t.Context(), pts, bad)
	if !errors.Is(err, geo.ErrInvalidPoint) {
		t.Errorf("invalid point: err = %v; want geo.ErrInvalidPoint", err)
	}
}

func TestCachedClient(t *testing.T) {
	t.Parallel()
	f := newFakeOSRM(t, 100)
	model := geo.NewCachedModel(&osrm.Client{BaseURL: f.srv.URL}, 10_000)
	pts := randomPoints(rand.New(rand.NewPCG(7, 7)), 5)
	for range 3 {
		m, err := model.Matrix(t.Context(), pts, pts)
		if err != nil {
			t.Fatal(err)
		}
		checkMatrix(t, m, pts, pts)
	}
	if reqs := f.takeRequests(); len(reqs) != 1 {
		t.Errorf("%d requests for three identical matrices; want 1", len(reqs))
	}
}

func ExampleClient() {
	// A stand-in for osrm-routed; a deployment points BaseURL at its own.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"code":"Ok","durations":[[0,6912.4],[6950.1,0]],"distances":[[0,186234.5],[187001.2,0]]}`)
	}))
	defer srv.Close()

	var model geo.TravelModel = &osrm.Client{BaseURL: srv.URL, Timeout: 5 * time.Second}
	phoenix := geo.Point{Lat: 33.4484, Lng: -112.0740}
	tucson := geo.Point{Lat: 32.2226, Lng: -110.9747}
	m, err := model.Matrix(context.Background(), []geo.Point{phoenix, tucson}, []geo.Point{phoenix, tucson})
	if errors.Is(err, osrm.ErrUnavailable) {
		m, err = geo.GreatCircle{}.Matrix(context.Background(), []geo.Point{phoenix, tucson}, []geo.Point{phoenix, tucson})
	}
	if err != nil {
		panic(err)
	}
	l := m.At(0, 1)
	fmt.Printf("Phoenix → Tucson: %.1f km, %v\n", l.Distance.Kilometers(), l.Duration.Round(time.Minute))
	// Output: Phoenix → Tucson: 186.2 km, 1h55m0s
}

func BenchmarkMatrix100(b *testing.B) {
	f := newFakeOSRM(b, 100)
	c := &osrm.Client{BaseURL: f.srv.URL}
	pts := randomPoints(rand.New(rand.NewPCG(8, 8)), 100)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Matrix(ctx, pts, pts); err != nil {
			b.Fatal(err)
		}
		f.takeRequests()
	}
}
