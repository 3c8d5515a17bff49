// Package disktest builds raw test disks and checks written images with
// qemu-img, for the tests of the vmimage writers.
//
// Entry points: Sparse (a 1 GiB sparse disk with data at awkward offsets),
// Partitioned (a GPT disk with an ext4 partition made by sgdisk and
// mkfs.ext4 -d), Small (an in-memory disk), and Verify (qemu-img check,
// compare and info against the raw disk).
package disktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// SparseSize is the size of the Sparse disk: 1 GiB and three sectors, so
// the last 64 KiB cluster and the last 1 MiB block are partial, and the disk
// spans several qcow2 L2 tables and VMDK grain tables.
const SparseSize = 1<<30 + 3*512

// piece is data placed on a test disk.
type piece struct {
	off  int64
	n    int
	text bool // compressible text rather than random bytes
}

var sparsePieces = []piece{
	{0, 1 << 20, false},                // first MiB: where a partition table goes
	{5<<20 + 4096, 300 << 10, true},    // compressible, unaligned
	{20<<20 - 100, 200, false},         // straddles a cluster boundary
	{31<<20 + 512<<10, 2 << 20, false}, // crosses the first 32 MiB grain table
	{512<<20 - 4096, 8192, true},       // crosses the first qcow2 L2 table
	{700<<20 + 12345, 1, false},        // a single byte
	{SparseSize - 1000, 1000, false},   // the very end, in the partial last cluster
}

// Sparse writes the sparse test disk into dir and returns its path.
func Sparse(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "sparse.raw")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(SparseSize); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range sparsePieces {
		if _, err := f.WriteAt(fill(rng, p), p.off); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func fill(rng *rand.Rand, p piece) []byte {
	b := make([]byte, p.n)
	if !p.text {
		for i := range b {
			b[i] = byte(rng.Uint32() | 1) // never zero, so the piece is all data
		}
		return b
	}
	var s strings.Builder
	for i := 0; s.Len() < p.n; i++ {
		fmt.Fprintf(&s, "line %d: the quick brown fox jumps over the lazy dog\n", i)
	}
	copy(b, s.String())
	return b
}

// Small returns an in-memory disk of 8 MiB and one sector with a few pieces
// of data, for tests that read through a plain io.ReaderAt.
func Small() *bytes.Reader {
	const size = 8<<20 + 512
	b := make([]byte, size)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, p := range []piece{{4096, 70000, false}, {3 << 20, 100 << 10, true}, {size - 512, 512, false}} {
		copy(b[p.off:], fill(rng, p))
	}
	return bytes.NewReader(b)
}

// Run runs a program and returns its standard output, failing the test with
// its standard error when it fails.
func Run(t testing.TB, prog string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(prog, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", prog, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// Verify checks the image out of format fmt (a qemu-img format name)
// against the raw disk: qemu-img check is clean (for formats that have a
// check), qemu-img compare finds them identical, and qemu-img info reports
// the raw disk's size as the virtual size.
func Verify(t testing.TB, format, raw, out string) {
	t.Helper()
	testtool.Need(t, "qemu-img")
	if format != "vpc" && format != "raw" { // they have no check
		Run(t, "qemu-img", "check", "-f", format, out)
	}
	Run(t, "qemu-img", "compare", "-f", "raw", "-F", format, raw, out)
	var info struct {
		Format      string `json:"format"`
		VirtualSize int64  `json:"virtual-size"`
	}
	js := Run(t, "qemu-img", "info", "--output=json", "-f", format, out)
	if err := json.Unmarshal([]byte(js), &info); err != nil {
		t.Fatalf("qemu-img info: %v\n%s", err, js)
	}
	st, err := os.Stat(raw)
	if err != nil {
		t.Fatal(err)
	}
	if info.VirtualSize != st.Size() {
		t.Errorf("qemu-img info: virtual size %d, raw disk is %d", info.VirtualSize, st.Size())
	}
}
