package vmdk

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/vmimage/internal/disktest"
)

var testOpts = Options{CID: 0x1234abcd, UUID: [16]byte{0xde, 0xad, 0xbe, 0xef, 15: 1}, FileName: "test.vmdk"}

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
	stats, err := Write(context.Background(), &buf, in, st.Size(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Size != int64(buf.Len()) {
		t.Errorf("Stats.Size %d, wrote %d", stats.Size, buf.Len())
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSparseDisk(t *testing.T) {
	dir := t.TempDir()
	raw := disktest.Sparse(t, dir)
	out := filepath.Join(dir, "s.vmdk")
	first := writeFile(t, raw, out, testOpts)
	disktest.Verify(t, "vmdk", raw, out)
	again := writeFile(t, raw, out+".2", testOpts)
	if !bytes.Equal(first, again) {
		t.Error("two runs wrote different bytes")
	}
	info := disktest.Run(t, "qemu-img", "info", out)
	for _, want := range []string{"create type: streamOptimized", "compressed: true", "cid: 305441741"} {
		if !strings.Contains(info, want) {
			t.Errorf("qemu-img info lacks %q:\n%s", want, info)
		}
	}
	t.Logf("%d bytes", len(first))
}

func TestDescriptor(t *testing.T) {
	d := string(bytes.TrimRight(descriptor(1<<30, testOpts), "\x00"))
	for _, want := range []string{
		"CID=1234abcd\n", "createType=\"streamOptimized\"\n", "RW 2097152 SPARSE \"test.vmdk\"\n",
		"ddb.uuid.image = \"deadbeef-0000-0000-0000-000000000001\"\n", "ddb.geometry.cylinders = \"131\"\n",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("descriptor lacks %q:\n%s", want, d)
		}
	}
}

func TestPartitionedDisk(t *testing.T) {
	dir := t.TempDir()
	raw := disktest.Partitioned(t, dir)
	out := filepath.Join(dir, "p.vmdk")
	writeFile(t, raw, out, Options{AdapterType: "ide"})
	disktest.Verify(t, "vmdk", raw, out)
}

func TestInMemoryDisk(t *testing.T) {
	dir := t.TempDir()
	r := disktest.Small()
	raw := filepath.Join(dir, "small.raw")
	b := make([]byte, r.Size())
	r.ReadAt(b, 0)
	if err := os.WriteFile(raw, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := Write(context.Background(), &buf, r, r.Size(), testOpts); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "small.vmdk")
	os.WriteFile(out, buf.Bytes(), 0o644)
	disktest.Verify(t, "vmdk", raw, out)
}

func TestRejects(t *testing.T) {
	r := disktest.Small()
	var buf bytes.Buffer
	if _, err := Write(context.Background(), &buf, r, 1000, testOpts); err == nil {
		t.Error("size 1000 accepted")
	}
	if _, err := Write(context.Background(), &buf, r, r.Size(), Options{AdapterType: "floppy"}); err == nil || !strings.Contains(err.Error(), "lsilogic") {
		t.Errorf("unknown adapter: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Write(ctx, &buf, r, r.Size(), testOpts); err == nil {
		t.Error("cancelled context did not stop Write")
	}
}
