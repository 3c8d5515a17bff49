package vdi

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/disco-build/disco/stages/vmimage/internal/disktest"
)

var testOpts = Options{UUID: [16]byte{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 15: 0xff}}

func writeFile(t *testing.T, raw, out string) []byte {
	t.Helper()
	in, err := os.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	st, _ := in.Stat()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, in, st.Size(), testOpts); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSparseDisk(t *testing.T) {
	dir := t.TempDir()
	raw := disktest.Sparse(t, dir)
	out := filepath.Join(dir, "s.vdi")
	first := writeFile(t, raw, out)
	disktest.Verify(t, "vdi", raw, out)
	if !bytes.Equal(first, writeFile(t, raw, out+".2")) {
		t.Error("two runs wrote different bytes")
	}
	// The sparse disk has data in blocks 0, 5, 19-20, 31-33, 511-512, 700
	// and 1024.
	if got := binary.LittleEndian.Uint32(first[0x184:]); got != 11 {
		t.Errorf("blocks allocated = %d, want 11", got)
	}
	if !bytes.Equal(first[0x188:0x18c], []byte{4, 3, 2, 1}) {
		t.Errorf("UUID not stored little-endian: % x", first[0x188:0x198])
	}
	t.Logf("%d bytes", len(first))
}

func TestPartitionedDisk(t *testing.T) {
	dir := t.TempDir()
	raw := disktest.Partitioned(t, dir)
	out := filepath.Join(dir, "p.vdi")
	writeFile(t, raw, out)
	disktest.Verify(t, "vdi", raw, out)
}
