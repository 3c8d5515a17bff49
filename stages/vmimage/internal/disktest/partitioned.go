package disktest

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// PartitionedSize is the size of the Partitioned disk.
const PartitionedSize = 96 << 20

// Partitioned builds a GPT disk like the ones disco makes: an EFI system
// partition (left empty) and an ext4 root partition filled by mkfs.ext4 -d
// from a small tree with a kernel-sized incompressible file. It returns the
// raw disk's path.
func Partitioned(t testing.TB, dir string) string {
	t.Helper()
	testtool.Need(t, "sgdisk", "mkfs.ext4")
	tree := filepath.Join(dir, "tree")
	writeTree(t, tree)
	disk := filepath.Join(dir, "partitioned.raw")
	mustTruncate(t, disk, PartitionedSize)
	Run(t, "sgdisk", "-U", "11111111-2222-3333-4444-555555555555",
		"-n", "1:2048:+16M", "-t", "1:ef00", "-u", "1:aaaaaaaa-0000-0000-0000-000000000001",
		"-n", "2:0:0", "-t", "2:8304", "-u", "2:aaaaaaaa-0000-0000-0000-000000000002", disk)
	start, sectors := partition(t, disk, 2)
	fs := filepath.Join(dir, "root.ext4")
	mustTruncate(t, fs, sectors*512)
	Run(t, "mkfs.ext4", "-q", "-F", "-d", tree, "-E", "root_owner=0:0", "-U", "aaaaaaaa-1111-2222-3333-444444444444", fs)
	Run(t, "dd", "if="+fs, "of="+disk, "bs=1M", "oflag=seek_bytes", "seek="+strconv.FormatInt(start*512, 10), "conv=notrunc,sparse", "status=none")
	return disk
}

func writeTree(t testing.TB, tree string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	kernel := make([]byte, 6<<20+777)
	for i := range kernel {
		kernel[i] = byte(rng.Uint32())
	}
	files := map[string][]byte{
		"boot/vmlinuz-6.1.0": kernel,
		"etc/hostname":       []byte("test\n"),
		"etc/os-release":     []byte("NAME=disco\nID=disco\n"),
	}
	for name, data := range files {
		p := filepath.Join(tree, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func mustTruncate(t testing.TB, path string, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

// partition returns the first sector and the length in sectors of GPT
// partition n, as sgdisk reports them.
func partition(t testing.TB, disk string, n int) (start, sectors int64) {
	t.Helper()
	out := Run(t, "sgdisk", "-i", strconv.Itoa(n), disk)
	start = field(t, out, "First sector: ")
	last := field(t, out, "Last sector: ")
	return start, last - start + 1
}

func field(t testing.TB, out, prefix string) int64 {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			v, err := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			if err != nil {
				t.Fatalf("sgdisk %q: %v", line, err)
			}
			return v
		}
	}
	t.Fatalf("sgdisk output lacks %q:\n%s", prefix, out)
	return 0
}
