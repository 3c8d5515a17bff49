package qcow2

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/disco-build/disco/stages/vmimage/internal/disktest"
)

// writeFile writes the raw disk at raw as qcow2 to out and returns its bytes.
func writeFile(t *testing.T, raw, out string, opts Options) []byte {
	t.Helper()
	in, err := os.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, in, st.Size(), opts); err != nil {
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
	for _, tc := range []struct {
		name string
		opts Options
	}{{"plain", Options{}}, {"compressed", Options{Compress: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, tc.name+".qcow2")
			first := writeFile(t, raw, out, tc.opts)
			disktest.Verify(t, "qcow2", raw, out)
			again := writeFile(t, raw, out+".2", tc.opts)
			if !bytes.Equal(first, again) {
				t.Error("two runs wrote different bytes")
			}
			t.Logf("%s: %d bytes", tc.name, len(first))
		})
	}
}

func TestPartitionedDisk(t *testing.T) {
	dir := t.TempDir()
	raw := disktest.Partitioned(t, dir)
	out := filepath.Join(dir, "p.qcow2")
	writeFile(t, raw, out, Options{Compress: true})
	disktest.Verify(t, "qcow2", raw, out)
}
