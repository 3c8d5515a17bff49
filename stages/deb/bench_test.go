package deb

import (
	"io"
	"os"
	"os/exec"
	"testing"

	"github.com/disco-build/disco/stages/deb/debfixture"
)

// BenchmarkKernelImage reads the kernel image package (67 MiB, 392 MiB
// unpacked, 17 xz blocks) whole, beside dpkg-deb decompressing the same
// data member: go test ./stages/deb -run XXX -bench KernelImage -benchtime 3x
func BenchmarkKernelImage(b *testing.B) {
	path := debfixture.Corpus(b, debfixture.KernelImage)[0]
	read := func(b *testing.B, workers int) {
		for range b.N {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			p, err := Open(f)
			if err != nil {
				b.Fatal(err)
			}
			p.XZWorkers = workers
			r, err := p.Payload()
			if err != nil {
				b.Fatal(err)
			}
			var n int64
			for {
				if _, err := r.Next(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
				m, _ := io.Copy(io.Discard, r)
				n += m
			}
			r.Close()
			f.Close()
			b.SetBytes(n)
		}
	}
	b.Run("disco-sequential", func(b *testing.B) { read(b, 1) })
	b.Run("disco-parallel", func(b *testing.B) { read(b, 4) })
	b.Run("dpkg-deb-fsys-tarfile", func(b *testing.B) {
		if _, err := exec.LookPath("dpkg-deb"); err != nil {
			b.Skip("no dpkg-deb")
		}
		for range b.N {
			cmd := exec.Command("dpkg-deb", "--fsys-tarfile", path)
			cmd.Stdout = io.Discard
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
