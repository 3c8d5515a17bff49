package compress

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/vmimage/internal/disktest"
)

// tools are the command-line decompressors used as oracles.
var tools = map[string][]string{"gzip": {"gzip", "-dc"}, "xz": {"xz", "-dc"}, "zstd": {"zstd", "-dcq"}}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	small := disktest.Small()
	smallRaw := make([]byte, small.Size())
	small.ReadAt(smallRaw, 0)
	partitioned, err := os.ReadFile(disktest.Partitioned(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range Methods {
		t.Run(m.Name+"/small", func(t *testing.T) { roundTrip(t, dir, m, smallRaw) })
		if m.Name != "zstd" {
			continue // gzip and xz are slow on 96 MiB; the small disk covers them
		}
		t.Run(m.Name+"/partitioned", func(t *testing.T) { roundTrip(t, dir, m, partitioned) })
	}
}

func roundTrip(t *testing.T, dir string, m Method, want []byte) {
	z := compress(t, want, m.Name)
	if !bytes.Equal(z, compress(t, want, m.Name)) {
		t.Error("two runs wrote different bytes")
	}
	prog := tools[m.Name]
	testtool.Need(t, prog[0])
	out := filepath.Join(dir, "disk.raw"+m.Extension)
	if err := os.WriteFile(out, z, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(prog[0], append(prog[1:], out)...)
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", prog[0], err)
	}
	if sha256.Sum256(got) != sha256.Sum256(want) {
		t.Errorf("%s gives back %d bytes that differ from the raw disk", prog[0], len(got))
	}
	if got := decode(t, m.Name, z); !bytes.Equal(got, want) {
		t.Error("the Go decoder gives back different bytes")
	}
	t.Logf("%d → %d bytes", len(want), len(z))
}

func compress(t *testing.T, raw []byte, name string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, bytes.NewReader(raw), int64(len(raw)), name); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decode(t *testing.T, name string, z []byte) []byte {
	t.Helper()
	var r io.Reader
	var err error
	switch name {
	case "gzip":
		var g *gzip.Reader
		g, err = gzip.NewReader(bytes.NewReader(z))
		if err == nil && (g.Name != "" || !g.ModTime.IsZero()) {
			t.Errorf("gzip header has name %q, time %v", g.Name, g.ModTime)
		}
		r = g
	case "xz":
		r, err = xz.NewReader(bytes.NewReader(z))
	case "zstd":
		var d *zstd.Decoder
		d, err = zstd.NewReader(bytes.NewReader(z))
		if err == nil {
			defer d.Close()
		}
		r = d
	}
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLookupUnknown(t *testing.T) {
	_, err := Lookup("bzip2")
	if err == nil || !strings.Contains(err.Error(), "gzip, xz, zstd") {
		t.Errorf("Lookup(bzip2) = %v", err)
	}
}
