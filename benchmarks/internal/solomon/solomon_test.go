package solomon

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func testdata(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob("../../solomon/testdata/solomon/*.txt")
	if err != nil || len(files) != 56 {
		tb.Fatalf("Glob: %d files, %v; want 56", len(files), err)
	}
	return files
}

func TestParseSolomon(t *testing.T) {
	t.Parallel()
	for _, f := range testdata(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inst, err := Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("Parse(%s): %v", f, err)
		}
		if len(inst.Customers) != 101 || inst.Vehicles != 25 || inst.Name+".txt" != filepath.Base(f) {
			t.Errorf("Parse(%s) = %s, %d customers, %d vehicles; want 101, 25", f, inst.Name, len(inst.Customers), inst.Vehicles)
		}
	}
	inst, err := Parse(bytes.NewReader(mustRead(t, "../../solomon/testdata/solomon/C101.txt")))
	if err != nil {
		t.Fatal(err)
	}
	want := Customer{ID: 1, X: 45, Y: 68, Demand: 10, Ready: 912, Due: 967, Service: 90}
	if inst.Capacity != 200 || inst.Customers[1] != want || inst.Customers[0].Due != 1236 {
		t.Errorf("C101: capacity %d, customer 1 %+v, depot due %v; want 200, %+v, 1236", inst.Capacity, inst.Customers[1], want, inst.Customers[0].Due)
	}
}

func mustRead(tb testing.TB, f string) []byte {
	tb.Helper()
	b, err := os.ReadFile(f)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// FuzzParse: Parse never panics, and what it accepts survives a round trip
// through Format. Seeds are the heads of real instances (header and a few
// customers): whole files make Go's fuzzer crawl.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"C101", "R205", "RC108"} {
		lines := bytes.SplitAfter(mustRead(f, "../../solomon/testdata/solomon/"+name+".txt"), []byte("\n"))
		f.Add(bytes.Join(lines[:min(len(lines), 14)], nil))
	}
	f.Add([]byte("X\nVEHICLE\n1 1\nCUSTOMER\n0 0 0 0 0 10 0\n1 1 1 1 0 5 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		inst, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Format(&buf, inst); err != nil {
			t.Fatal(err)
		}
		again, err := Parse(&buf)
		if err != nil {
			t.Fatalf("Parse(Format(x)): %v\n%s", err, buf.Bytes())
		}
		if !reflect.DeepEqual(inst, again) {
			t.Errorf("round trip: %+v; want %+v", again, inst)
		}
		if len(inst.Customers) <= 200 && inst.Vehicles <= 100 {
			if p := inst.Problem(); len(p.Jobs) != len(inst.Customers)-1 {
				t.Errorf("Problem() has %d jobs; want %d", len(p.Jobs), len(inst.Customers)-1)
			}
		}
	})
}
