package apt_test

import (
	"context"
	"testing"

	"github.com/disco-build/disco/internal/debmirror"
	"github.com/disco-build/disco/stages/apt"
)

// BenchmarkBookworm loads Debian bookworm's main/binary-amd64 Packages
// (about 63,000 packages): cold from the downloaded xz and gz indexes
// (decompress, check against the Release file, parse, build and write
// the pool), and warm (map the cached pool and check its CRC). The
// downloads come from the test mirror cache.
func BenchmarkBookworm(b *testing.B) {
	s, f := debmirror.Suite(b, debmirror.Debian, "bookworm")
	for _, c := range []struct {
		name  string
		order []string
	}{{"cold-xz", apt.DefaultCompression}, {"cold-gz", apt.FastCompression}} {
		idx, err := s.PackagesIndexes("main", "amd64", c.order)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := apt.LoadPool(context.Background(), s, idx[0], f, nil); err != nil { // download first
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := apt.LoadPool(context.Background(), s, idx[0], f, apt.NewCache(b.TempDir())); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	cache := apt.NewCache(b.TempDir())
	idx, _ := s.PackagesIndexes("main", "amd64", nil)
	if _, err := apt.LoadPool(context.Background(), s, idx[0], f, cache); err != nil {
		b.Fatal(err)
	}
	b.Run("warm", func(b *testing.B) {
		for b.Loop() {
			p, err := apt.LoadPool(context.Background(), s, idx[0], f, cache)
			if err != nil || !p.Cached {
				b.Fatal(err)
			}
		}
	})
	b.Run("warm-lookup-decode", func(b *testing.B) {
		p, _ := apt.LoadPool(context.Background(), s, idx[0], f, cache)
		for b.Loop() {
			for _, id := range p.Providers(nil, "libc6") {
				p.Package(int(id))
			}
		}
	})
}
