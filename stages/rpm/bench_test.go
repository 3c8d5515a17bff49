package rpm

import (
	"io"
	"os"
	"os/exec"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// bigSpec makes a package of about 96 MiB: 32 MiB of base64 noise (barely
// compressible) and 64 MiB of counting text (very compressible).
const bigSpec = `Name: big
Version: 1
Release: 1
Summary: big
License: MIT
BuildArch: noarch
%description
big
%install
mkdir -p %{buildroot}/usr/share/big
head -c 25165824 /dev/urandom | base64 -w 76 > %{buildroot}/usr/share/big/noise
seq 1 9000000 | head -c 67108864 > %{buildroot}/usr/share/big/count
%files
/usr/share/big
`

// BenchmarkPayload reads a large package's whole payload through the
// PayloadReader (decompression, cpio, digest checks); MB/s is of file content.
func BenchmarkPayload(b *testing.B) {
	for _, c := range []string{"w6.gzdio", "w3.zstdio", "w2.xzdio", "w0.ufdio"} {
		b.Run(c, func(b *testing.B) {
			path := buildRPM(b, "big-"+c, bigSpec, "_binary_payload "+c, "__brp_strip :", "__brp_compress :")
			p := openFile(b, path)
			b.SetBytes(int64(p.Size()))
			b.ResetTimer()
			for range b.N {
				readWholePayload(b, p)
			}
		})
	}
}

func readWholePayload(b *testing.B, p *Package) {
	r, err := p.Payload()
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for {
		_, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRpm2cpio is the baseline: rpm's own rpm2cpio on the same packages.
func BenchmarkRpm2cpio(b *testing.B) {
	testtool.Need(b, "rpm2cpio")
	for _, c := range []string{"w6.gzdio", "w3.zstdio", "w2.xzdio", "w0.ufdio"} {
		b.Run(c, func(b *testing.B) {
			path := buildRPM(b, "big-"+c, bigSpec, "_binary_payload "+c, "__brp_strip :", "__brp_compress :")
			p := openFile(b, path)
			b.SetBytes(int64(p.Size()))
			b.ResetTimer()
			for range b.N {
				cmd := exec.Command("rpm2cpio", path)
				cmd.Stdout = io.Discard
				cmd.Stderr = os.Stderr
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
