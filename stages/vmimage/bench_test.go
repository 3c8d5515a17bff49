package vmimage

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// benchDisk writes a 1 GiB sparse raw disk with 300 MB of data in 4 MiB
// runs spread over it: half random bytes, half text-like, roughly what an
// installed system's binaries and configuration give.
func benchDisk(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.raw")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(1 << 30); err != nil {
		b.Fatal(err)
	}
	src := rand.NewChaCha8([32]byte{7})
	rng := rand.New(src)
	buf := make([]byte, 4<<20)
	for i := range 72 { // 72 × 4 MiB ≈ 302 MB
		if i%2 == 0 {
			src.Read(buf)
		} else {
			text := buf[:0]
			for len(text) < cap(buf)-64 {
				text = fmt.Appendf(text, "/usr/lib/file-%d.so: %d symbols\n", rng.IntN(5000), rng.IntN(100))
			}
			buf = buf[:cap(buf)]
		}
		if _, err := f.WriteAt(buf, int64(i)*(14<<20)); err != nil {
			b.Fatal(err)
		}
	}
	return path
}

// BenchmarkFormats writes the 1 GiB disk in every format to a counting
// sink; MB/s is per byte of the raw disk.
func BenchmarkFormats(b *testing.B) {
	raw := benchDisk(b)
	in, err := os.Open(raw)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	outputs := [][2]string{{"qcow2", ""}, {"vmdk", ""}, {"vhd", ""}, {"vdi", ""}, {"ova", ""},
		{"raw", "zstd"}, {"raw", "gzip"}, {"raw", "xz"}}
	for _, o := range outputs {
		f, err := LookupOutput(o[0], o[1])
		if err != nil {
			b.Fatal(err)
		}
		b.Run(f.Name, func(b *testing.B) { benchWrite(b, f, in, false) })
		if f.Name == "qcow2" {
			b.Run("qcow2+deflate", func(b *testing.B) { benchWrite(b, f, in, true) })
		}
	}
}

func benchWrite(b *testing.B, f Format, in *os.File, compressQCOW2 bool) {
	b.SetBytes(1 << 30)
	var n counter
	for b.Loop() {
		n = 0
		p := params
		p.CompressQCOW2 = compressQCOW2
		p.TempDir = b.TempDir()
		if err := f.Write(context.Background(), &n, Disk{in, 1 << 30}, p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/1e6, "MB-out")
}

type counter int64

func (c *counter) Write(p []byte) (int, error) {
	*c += counter(len(p))
	return len(p), nil
}

var _ io.Writer = (*counter)(nil)
