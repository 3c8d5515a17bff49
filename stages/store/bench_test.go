package store

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkOpen measures what each VerifyMode costs per Open of one object:
// the figure behind VerifyMarker being the default.
func BenchmarkOpen(b *testing.B) {
	for _, size := range []int{1 << 20, 32 << 20} {
		for _, mode := range []VerifyMode{VerifyMarker, VerifyAlways} {
			name := map[VerifyMode]string{VerifyMarker: "marker", VerifyAlways: "always"}[mode]
			b.Run(fmt.Sprintf("%s/%dMiB", name, size>>20), func(b *testing.B) {
				s := mustOpen(b, WithVerify(mode))
				data, sum := blob(1, size)
				if err := s.Put(sum, bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(size))
				b.ResetTimer()
				for b.Loop() {
					if err := s.Check(sum); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkPut measures storing a 1 MiB object (hash, fsync, rename, dir sync).
func BenchmarkPut(b *testing.B) {
	s := mustOpen(b)
	data, sum := blob(1, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := s.Put(sum, bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
