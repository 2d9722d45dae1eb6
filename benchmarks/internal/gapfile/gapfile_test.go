package gapfile_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/alongside/alongside/benchmarks/internal/gapfile"
)

func TestReadMulti(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/tiny_multi.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ins, err := gapfile.ReadMulti(f)
	if err != nil {
		t.Fatalf("ReadMulti: %v", err)
	}
	want := []gapfile.Instance{
		{
			Agents: 2, Jobs: 3,
			Cost:     [][]int64{{1, 2, 3}, {4, 5, 6}},
			Weight:   [][]int64{{2, 2, 2}, {3, 3, 3}},
			Capacity: []int64{4, 5},
		},
		{
			Agents: 1, Jobs: 2,
			Cost:     [][]int64{{5, 7}},
			Weight:   [][]int64{{9, 1}},
			Capacity: []int64{2},
		},
	}
	if !reflect.DeepEqual(ins, want) {
		t.Errorf("ReadMulti(tiny_multi.txt) = %+v; want %+v", ins, want)
	}
}

func TestReadAutoDetect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		file  string
		count int
	}{
		{name: "single", file: "testdata/tiny_single.txt", count: 1},
		{name: "multi", file: "testdata/tiny_multi.txt", count: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ins, err := gapfile.Open(tt.file)
			if err != nil {
				t.Fatalf("Open(%s): %v", tt.file, err)
			}
			if len(ins) != tt.count {
				t.Errorf("Open(%s) returned %d instances; want %d", tt.file, len(ins), tt.count)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
	}{
		{name: "empty", in: ""},
		{name: "short", in: "1\n2 2\n1 2 3"},
		{name: "trailing", in: "1 1\n5\n1\n2\n9"},
		{name: "not a number", in: "1\n1 1\nx\n1\n2"},
		{name: "zero agents", in: "1\n0 1\n"},
		{name: "huge header", in: "1\n100000 100000\n1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := gapfile.Read(strings.NewReader(tt.in))
			if !errors.Is(err, gapfile.ErrFormat) {
				t.Errorf("Read(%q) error = %v; want ErrFormat", tt.in, err)
			}
		})
	}
}

func TestOpenGzip(t *testing.T) {
	t.Parallel()
	// The repository copy of the Yagiura instances is gzipped.
	path := filepath.Join("..", "..", "gap", "data", "yagiura", "e05100.gz")
	ins, err := gapfile.Open(path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	if len(ins) != 1 || ins[0].Agents != 5 || ins[0].Jobs != 100 {
		t.Errorf("Open(%s) = %d instances, first %dx%d; want 1 of 5x100", path, len(ins), ins[0].Agents, ins[0].Jobs)
	}
}

// FuzzRead checks that Read never panics and that whatever it accepts
// survives a WriteMulti/ReadMulti round trip unchanged.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"testdata/tiny_multi.txt", "testdata/tiny_single.txt"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("1\n1 1\n-3\n0\n0\n"))
	f.Add([]byte("1 2\n3 4\n5 6\n7"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ins, err := gapfile.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := gapfile.WriteMulti(&buf, ins); err != nil {
			t.Fatalf("WriteMulti: %v", err)
		}
		back, err := gapfile.ReadMulti(&buf)
		if err != nil {
			t.Fatalf("ReadMulti(WriteMulti(x)): %v", err)
		}
		if !reflect.DeepEqual(back, ins) {
			t.Fatalf("round trip changed the instances:\n got %+v\nwant %+v", back, ins)
		}
		if len(ins) == 1 {
			buf.Reset()
			if err := gapfile.WriteSingle(&buf, ins[0]); err != nil {
				t.Fatalf("WriteSingle: %v", err)
			}
			one, err := gapfile.ReadSingle(&buf)
			if err != nil || !reflect.DeepEqual(one, ins[0]) {
				t.Fatalf("ReadSingle(WriteSingle(x)) = %+v, %v; want %+v", one, err, ins[0])
			}
		}
	})
}
