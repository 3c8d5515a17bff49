package scan

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestFileAndMemoryAgree checks that skipping a file's holes finds the same
// units, with the same data, as reading every byte.
func TestFileAndMemoryAgree(t *testing.T) {
	const size = 40<<20 + 512
	mem := make([]byte, size)
	offsets := []int64{0, 65535, 9 << 20, 20<<20 + 3, size - 1}
	for _, off := range offsets {
		mem[off] = byte(off%251) | 1
	}
	path := filepath.Join(t.TempDir(), "disk")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Truncate(size)
	for _, off := range offsets {
		f.WriteAt(mem[off:off+1], off)
	}
	collect := func(r interface {
		ReadAt([]byte, int64) (int, error)
	}) string {
		var b bytes.Buffer
		err := Each(context.Background(), r, size, 64<<10, func(i int64, d []byte) error {
			fmt.Fprintf(&b, "%d:%x ", i, d[:4])
			if len(d) != 64<<10 {
				t.Errorf("unit %d is %d bytes", i, len(d))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	got, want := collect(f), collect(bytes.NewReader(mem))
	if got != want {
		t.Errorf("file: %s\nmemory: %s", got, want)
	}
	if len(dataExtents(f, size)) < 2 {
		t.Log("the filesystem reported no holes; only the full read was tested")
	}
	m, err := Scan(context.Background(), f, size, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if m.Count != 4 || !m.Has(40) || m.Has(1) || m.Units() != 41 {
		t.Errorf("map: count %d, has(40) %v, has(1) %v, units %d", m.Count, m.Has(40), m.Has(1), m.Units())
	}
}

func TestReadUnitPads(t *testing.T) {
	r := bytes.NewReader([]byte{1, 2, 3})
	buf := []byte{9, 9, 9, 9, 9}
	if err := ReadUnit(r, 3, 0, buf); err != nil || !bytes.Equal(buf, []byte{1, 2, 3, 0, 0}) {
		t.Errorf("ReadUnit = %v, %v", buf, err)
	}
	if err := ReadUnit(r, 10, 0, buf); err == nil {
		t.Error("a short disk read as complete")
	}
}
