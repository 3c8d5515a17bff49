package mapped

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

var errTest = errors.New("corrupt test pool")

// testPool writes a pool of n records ("rec<i>") whose table files record
// i under "k<i%7>" and "all", and reads it back.
func testPool(t *testing.T, n int) (*Pool, []byte) {
	var table []byte
	var spans []Span
	intern := func(s string) uint32 {
		for i, sp := range spans {
			if string(table[sp.Off:sp.Off+sp.N]) == s {
				return uint32(i)
			}
		}
		spans = append(spans, Span{uint32(len(table)), uint32(len(s))})
		table = append(table, s...)
		return uint32(len(spans) - 1)
	}
	var recs []byte
	var offs []uint32
	var h HashBuilder
	for i := range n {
		offs = append(offs, uint32(len(recs)))
		recs = append(recs, fmt.Sprintf("rec%d", i)...)
		h.Add(intern(fmt.Sprintf("k%d", i%7)), uint32(n-1-i)) // postings come back sorted
		h.Add(intern("all"), uint32(i))
		h.Add(intern("all"), uint32(i)) // a repeat is dropped
	}
	offs = append(offs, uint32(len(recs)))
	b := bytes.Join(PoolParts(table, spans, recs, offs, &h), nil)
	p, err := ReadPool(string(b), 1, errTest)
	if err != nil {
		t.Fatal(err)
	}
	return p, b
}

func TestPool(t *testing.T) {
	p, b := testPool(t, 100)
	if p.Len() != 100 {
		t.Fatalf("Len %d", p.Len())
	}
	if r, ok := p.Record(42); !ok || r != "rec42" {
		t.Errorf("Record(42) = %q, %v", r, ok)
	}
	if got := p.Lookup(nil, 0, "all"); len(got) != 100 || !slices.IsSorted(got) {
		t.Errorf("all: %v", got)
	}
	if got := p.Lookup(nil, 0, "k3"); !slices.Equal(got, []uint32{5, 12, 19, 26, 33, 40, 47, 54, 61, 68, 75, 82, 89, 96}) {
		t.Errorf("k3: %v", got)
	}
	if got := p.Lookup(nil, 0, "k7"); got != nil {
		t.Errorf("k7: %v", got)
	}
	if _, ok := p.Str(uint64(len(p.spans) / 8)); ok {
		t.Error("Str past the table")
	}
	// Every truncation and an extra byte are refused, never a panic.
	for n := range len(b) {
		if _, err := ReadPool(string(b[:n]), 1, errTest); !errors.Is(err, errTest) {
			t.Fatalf("truncated to %d: %v", n, err)
		}
	}
	if _, err := ReadPool(string(b)+"x", 1, errTest); !errors.Is(err, errTest) {
		t.Errorf("trailing byte: %v", err)
	}
}

func TestMapAndWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	path := filepath.Join(dir, "f")
	if err := Write(dir, ".tmp-f-*", path, "MAGIC1", []byte("hello, "), []byte("world")); err != nil {
		t.Fatal(err)
	}
	if got, ok := Map(path, "MAGIC1"); !ok || got != "hello, world" {
		t.Fatalf("Map = %q, %v", got, ok)
	}
	if _, ok := Map(path, "MAGIC2"); ok {
		t.Error("another magic accepted")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".tmp-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	b, _ := os.ReadFile(path)
	for i := range b {
		bad := bytes.Clone(b)
		bad[i] ^= 0x20
		os.WriteFile(path, bad, 0o644)
		if _, ok := Map(path, "MAGIC1"); ok {
			t.Errorf("byte %d flipped: accepted", i)
		}
	}
	os.WriteFile(path, b[:8], 0o644)
	if _, ok := Map(path, "MAGIC1"); ok {
		t.Error("short file accepted")
	}
}
