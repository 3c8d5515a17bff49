package vmimage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/vmimage/internal/disktest"
)

var params = Params{Name: "web", ID: "prod/web", Time: time.Unix(1700000000, 0)}

// qemuFormat maps format names to qemu-img's.
var qemuFormat = map[string]string{"raw": "raw", "qcow2": "qcow2", "vmdk": "vmdk", "vhd": "vpc", "vdi": "vdi"}

func TestEveryFormatIsAPlanFormat(t *testing.T) {
	for _, n := range Names() {
		if !plan.KnownFormat(n) {
			t.Errorf("format %q is not one a plan can ask for (%v)", n, plan.Formats)
		}
		if f := Formats[n]; f.Name != n || f.Write == nil || !strings.HasPrefix(f.Extension, ".") {
			t.Errorf("registry entry %q: %+v", n, f)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	_, err := Lookup("iso")
	if err == nil || !strings.Contains(err.Error(), `"iso" (known: ova, qcow2, raw, vdi, vhd, vmdk)`) {
		t.Errorf("Lookup(iso) = %v", err)
	}
	if _, err := LookupOutput("raw", "lz4"); err == nil || !strings.Contains(err.Error(), "zstd") {
		t.Errorf("LookupOutput(raw, lz4) = %v", err)
	}
}

// write writes the raw disk file raw in format f to a new file and returns
// its path.
func write(t *testing.T, f Format, raw, dir, suffix string) string {
	t.Helper()
	in, err := os.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	st, _ := in.Stat()
	path := filepath.Join(dir, "out"+suffix+f.Extension)
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	p := params
	p.TempDir = dir
	if err := f.Write(context.Background(), out, Disk{in, st.Size()}, p); err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	return path
}

func digest(t *testing.T, path string) [32]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return [32]byte(h.Sum(nil))
}

// TestEveryFormat writes a small disk in each format through the registry,
// twice, and has qemu-img compare it with the raw disk.
func TestEveryFormat(t *testing.T) {
	dir := t.TempDir()
	r := disktest.Small()
	raw := filepath.Join(dir, "small.raw")
	b := make([]byte, r.Size())
	r.ReadAt(b, 0)
	if err := os.WriteFile(raw, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, n := range Names() {
		t.Run(n, func(t *testing.T) {
			f, _ := Lookup(n)
			out := write(t, f, raw, dir, "1")
			if digest(t, out) != digest(t, write(t, f, raw, dir, "2")) {
				t.Error("two runs wrote different bytes")
			}
			if q, ok := qemuFormat[n]; ok {
				disktest.Verify(t, q, raw, out)
			}
		})
	}
}

// TestRawKeepsHoles checks a raw output file is as sparse as the input.
func TestRawKeepsHoles(t *testing.T) {
	dir := t.TempDir()
	raw := disktest.Sparse(t, dir)
	out := write(t, Formats["raw"], raw, dir, "")
	disktest.Verify(t, "raw", raw, out)
	st, _ := os.Stat(out)
	if used := st.Sys().(*syscall.Stat_t).Blocks * 512; used > 32<<20 {
		t.Errorf("raw output uses %d bytes on disk for %d bytes of data", used, 4<<20)
	}
}

func TestCompressedOutput(t *testing.T) {
	testtool.Need(t, "zstd")
	dir := t.TempDir()
	r := disktest.Small()
	raw := filepath.Join(dir, "small.raw")
	b := make([]byte, r.Size())
	r.ReadAt(b, 0)
	os.WriteFile(raw, b, 0o644)
	f, err := LookupOutput("raw", "zstd")
	if err != nil {
		t.Fatal(err)
	}
	if f.Extension != ".raw.zst" {
		t.Errorf("extension %q", f.Extension)
	}
	out := write(t, f, raw, dir, "")
	got := disktest.Run(t, "zstd", "-dcq", out)
	if !bytes.Equal([]byte(got), b) {
		t.Error("zstd -d does not give back the raw disk")
	}
}

func TestIDs(t *testing.T) {
	u := UUID("prod/web", "vmdk")
	if u[6]>>4 != 5 || u[8]>>6 != 2 {
		t.Errorf("UUID %x is not a version 5 RFC 4122 UUID", u)
	}
	if u != UUID("prod/web", "vmdk") || u == UUID("prod/web", "vdi") || u == UUID("prod/db", "vmdk") {
		t.Error("UUIDs are not a function of identity and purpose")
	}
	// Python: uuid.uuid5(uuid.NAMESPACE_URL, "disco:vmimage/vmdk/prod/web")
	if got := fmt.Sprintf("%x", u); got != "576244046fba56ddb5ec100e43f20829" {
		t.Errorf("UUID(prod/web, vmdk) = %s; changing it changes every image's identity", got)
	}
	if CID("prod/web") == CID("prod/db") {
		t.Error("CIDs collide")
	}
}
