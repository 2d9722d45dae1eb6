package osrm_test

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alongside/alongside/geo"
)

// fakeOSRM is an httptest server speaking OSRM's table API v1: it checks
// the request the way osrm-routed does (path, coordinates, sources,
// destinations, --max-table-size) and answers with great-circle numbers in
// OSRM's JSON, rounded to 0.1 as OSRM rounds.
type fakeOSRM struct {
	t        testing.TB
	srv      *httptest.Server
	maxTable int

	mu       sync.Mutex
	requests []fakeRequest
}

// fakeRequest records one request's shape.
type fakeRequest struct {
	coords, sources, destinations int
	query                         string
}

// unreachableLat marks points the fake has no route to or from.
const unreachableLat = 36.99

func newFakeOSRM(tb testing.TB, maxTable int) *fakeOSRM {
	f := &fakeOSRM{t: tb, maxTable: maxTable}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.srv.Close)
	return f
}

// fakeLeg is the fake's road model: great circle × 1.2 at 20 m/s.
func fakeLeg(a, b geo.Point) (secs, metres float64) {
	metres = math.Round(float64(a.DistanceTo(b))*1.2*10) / 10
	return math.Round(metres/20*10) / 10, metres
}

func (f *fakeOSRM) refuse(w http.ResponseWriter, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": code, "message": message})
}

func (f *fakeOSRM) serve(w http.ResponseWriter, r *http.Request) {
	const prefix = "/table/v1/driving/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		f.refuse(w, "InvalidUrl", "URL string malformed")
		return
	}
	var pts []geo.Point
	for _, c := range strings.Split(strings.TrimPrefix(r.URL.Path, prefix), ";") {
		lng, lat, ok := strings.Cut(c, ",")
		x, err1 := strconv.ParseFloat(lng, 64)
		y, err2 := strconv.ParseFloat(lat, 64)
		if !ok || err1 != nil || err2 != nil {
			f.refuse(w, "InvalidQuery", "Query string malformed")
			return
		}
		pts = append(pts, geo.Point{Lat: y, Lng: x})
	}
	// OSRM separates indexes with a literal ';', which net/url's query
	// parser rejects: split the raw query by hand, as osrm-routed does.
	params := map[string]string{}
	for _, kv := range strings.Split(r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		params[k] = v
	}
	parse := func(name string) ([]int, bool) {
		v := params[name]
		if v == "" || v == "all" {
			all := make([]int, len(pts))
			for i := range all {
				all[i] = i
			}
			return all, true
		}
		var out []int
		for _, s := range strings.Split(v, ";") {
			i, err := strconv.Atoi(s)
			if err != nil || i < 0 || i >= len(pts) {
				return nil, false
			}
			out = append(out, i)
		}
		return out, true
	}
	src, ok1 := parse("sources")
	dst, ok2 := parse("destinations")
	if !ok1 || !ok2 {
		f.refuse(w, "InvalidOptions", "Source or destination indices are greater than number of coordinates")
		return
	}
	if params["annotations"] != "duration,distance" {
		f.refuse(w, "InvalidOptions", "want annotations=duration,distance in this test")
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, fakeRequest{len(pts), len(src), len(dst), r.URL.RawQuery})
	f.mu.Unlock()
	if len(src)*len(dst) > f.maxTable*f.maxTable {
		f.refuse(w, "TooBig", "Too many table coordinates")
		return
	}

	type waypoint struct {
		Hint     string     `json:"hint"`
		Distance float64    `json:"distance"`
		Name     string     `json:"name"`
		Location [2]float64 `json:"location"`
	}
	resp := struct {
		Code         string       `json:"code"`
		Durations    [][]*float64 `json:"durations"`
		Distances    [][]*float64 `json:"distances"`
		Sources      []waypoint   `json:"sources"`
		Destinations []waypoint   `json:"destinations"`
	}{Code: "Ok"}
	for _, i := range src {
		resp.Sources = append(resp.Sources, waypoint{Location: [2]float64{pts[i].Lng, pts[i].Lat}})
		var durs, dists []*float64
		for _, j := range dst {
			if pts[i].Lat == unreachableLat || pts[j].Lat == unreachableLat {
				durs, dists = append(durs, nil), append(dists, nil)
				continue
			}
			s, m := fakeLeg(pts[i], pts[j])
			durs, dists = append(durs, &s), append(dists, &m)
		}
		resp.Durations = append(resp.Durations, durs)
		resp.Distances = append(resp.Distances, dists)
	}
	for _, j := range dst {
		resp.Destinations = append(resp.Destinations, waypoint{Location: [2]float64{pts[j].Lng, pts[j].Lat}})
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	if err := json.NewEncoder(w).Encode(resp); err != nil {
		f.t.Errorf("fake OSRM: encode: %v", err)
	}
}

func (f *fakeOSRM) takeRequests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.requests
	f.requests = nil
	return r
}

// wantLeg is what the client should report for the fake's answer.
func wantLeg(a, b geo.Point) geo.Leg {
	if a.Lat == unreachableLat || b.Lat == unreachableLat {
		return geo.UnreachableLeg
	}
	s, m := fakeLeg(a, b)
	return geo.Leg{Duration: time.Duration(math.Round(s * float64(time.Second))), Distance: geo.Distance(m)}
}
