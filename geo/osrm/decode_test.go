package osrm

import (
	"errors"
	"math"
	"os"
	"testing"
	"time"

	"github.com/alongside/alongside/geo"
)

func TestDecodeTable(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile("testdata/table_ok.json")
	if err != nil {
		t.Fatal(err)
	}
	legs, err := decodeTable(body, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []geo.Leg{
		{}, {Duration: 1834600 * time.Millisecond, Distance: 163412.8}, geo.UnreachableLeg,
		{Duration: 1841200 * time.Millisecond, Distance: 164001.3}, {}, geo.UnreachableLeg,
	}
	for i := range want {
		if legs[i] != want[i] {
			t.Errorf("leg %d = %+v; want %+v", i, legs[i], want[i])
		}
	}
	if _, err := decodeTable(body, 3, 2); !errors.Is(err, errMalformed) {
		t.Errorf("wrong shape: err = %v; want errMalformed", err)
	}

	body, err = os.ReadFile("testdata/table_invalid_query.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = decodeTable(body, 1, 1)
	if oe, ok := errors.AsType[*Error](err); !ok || oe.Code != "InvalidQuery" || oe.Message == "" {
		t.Errorf("InvalidQuery: err = %v; want *Error with code and message", err)
	}
}

// FuzzDecodeTable checks that any body decodes without panicking into
// either an error or exactly rows×cols legs, each unreachable or finite
// and non-negative.
func FuzzDecodeTable(f *testing.F) {
	for _, name := range []string{"testdata/table_ok.json", "testdata/table_invalid_query.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(2), uint8(3))
	}
	f.Add([]byte(`{"code":"Ok","durations":[[1e308]],"distances":[[1]]}`), uint8(1), uint8(1))
	f.Add([]byte(`{"code":"Ok","durations":[[null]],"distances":[[-0]]}`), uint8(1), uint8(1))
	f.Add([]byte(`{"code":"Ok","durations":[],"distances":[]}`), uint8(0), uint8(0))
	f.Add([]byte(`{"code":"Ok","durations":[["1"]],"distances":[[true]]}`), uint8(1), uint8(1))
	f.Add([]byte(`null`), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, body []byte, rows, cols uint8) {
		legs, err := decodeTable(body, int(rows), int(cols))
		if err != nil {
			if legs != nil {
				t.Fatalf("legs %v with error %v", legs, err)
			}
			return
		}
		if len(legs) != int(rows)*int(cols) {
			t.Fatalf("%d legs; want %d×%d", len(legs), rows, cols)
		}
		for i, l := range legs {
			if l == geo.UnreachableLeg {
				continue
			}
			if l.Duration < 0 || l.Duration == geo.Unreachable || !(l.Distance >= 0) || math.IsInf(float64(l.Distance), 0) {
				t.Fatalf("leg %d = %+v: out of range", i, l)
			}
		}
	})
}

func BenchmarkDecodeTable100(b *testing.B) {
	// A 100×100 answer in OSRM's format.
	body := []byte(`{"code":"Ok","durations":[`)
	for i := range 100 {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, '[')
		for j := range 100 {
			if j > 0 {
				body = append(body, ',')
			}
			body = append(body, "1834.6"...)
		}
		body = append(body, ']')
	}
	body = append(body, `],"distances":`...)
	i := len(`{"code":"Ok","durations":`)
	body = append(body, body[i:len(body)-len(`,"distances":`)]...)
	body = append(body, '}')
	if _, err := decodeTable(body, 100, 100); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeTable(body, 100, 100); err != nil {
			b.Fatal(err)
		}
	}
}
