package vhd

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/disco-build/disco/stages/vmimage/internal/disktest"
)

var testOpts = Options{Time: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), UUID: [16]byte{1, 2, 3, 15: 16}}

// writeFile writes raw as a VHD into a new file at out, so holes are used.
func writeFile(t *testing.T, raw, out string) {
	t.Helper()
	in, err := os.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	st, _ := in.Stat()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := Write(context.Background(), f, in, st.Size(), testOpts); err != nil {
		t.Fatal(err)
	}
}

func TestSparseDisk(t *testing.T) {
	dir := t.TempDir()
	raw := disktest.Sparse(t, dir)
	out := filepath.Join(dir, "s.vhd")
	writeFile(t, raw, out)
	disktest.Verify(t, "vpc", raw, out)
	// The body is the raw disk (qemu-img compare says so); what a second
	// run could change is the footer.
	writeFile(t, raw, out+".2")
	foot, foot2 := tail(t, out), tail(t, out+".2")
	if !bytes.Equal(foot, foot2) {
		t.Error("two runs wrote different footers")
	}
	if ts := binary.BigEndian.Uint32(foot[24:]); ts != uint32(testOpts.Time.Unix()-946684800) {
		t.Errorf("timestamp %d", ts)
	}
	if !bytes.Equal(foot[68:84], testOpts.UUID[:]) {
		t.Errorf("unique id % x", foot[68:84])
	}
}

// tail returns the last 512 bytes of the file, checking its size is the
// sparse disk's plus the footer.
func tail(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if st, _ := f.Stat(); st.Size() != disktest.SparseSize+512 {
		t.Errorf("VHD is %d bytes, want raw + 512", st.Size())
	}
	b := make([]byte, 512)
	if _, err := f.ReadAt(b, disktest.SparseSize); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPartitionedDisk(t *testing.T) {
	dir := t.TempDir()
	raw := disktest.Partitioned(t, dir)
	out := filepath.Join(dir, "p.vhd")
	writeFile(t, raw, out)
	disktest.Verify(t, "vpc", raw, out)
}

// TestToPlainWriter checks the path without holes gives the same bytes.
func TestToPlainWriter(t *testing.T) {
	r := disktest.Small()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, r, r.Size(), testOpts); err != nil {
		t.Fatal(err)
	}
	want, _ := io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
	want = append(want, Footer(r.Size(), testOpts)...)
	if got := buf.Bytes(); !bytes.Equal(got, want) {
		t.Errorf("VHD is not raw + footer: %d bytes, want %d", len(got), len(want))
	}
}

// TestGeometry checks the spec's CHS algorithm on sizes from its tables.
func TestGeometry(t *testing.T) {
	for _, tc := range []struct {
		sectors int64
		c       uint16
		h, s    uint8
	}{
		{1 << 21, 2080, 16, 63},     // 1 GiB, as qemu-img create makes it
		{64 << 11, 963, 8, 17},      // 64 MiB
		{8 << 11, 240, 4, 17},       // 8 MiB
		{127 << 21, 65278, 16, 255}, // 127 GiB
		{1 << 40, 65535, 16, 255},   // past the maximum
	} {
		c, h, s := geometry(tc.sectors)
		if c != tc.c || h != tc.h || s != tc.s {
			t.Errorf("geometry(%d) = %d/%d/%d, want %d/%d/%d", tc.sectors, c, h, s, tc.c, tc.h, tc.s)
		}
	}
}
