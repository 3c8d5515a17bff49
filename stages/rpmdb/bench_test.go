package rpmdb

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkWrite writes an rpmdb of 600 packages (the test packages
// repeated), the size of a server image's, though with fewer files each.
func BenchmarkWrite(b *testing.B) {
	var one []Installed
	for _, path := range buildAll(b) {
		one = append(one, Installed{Package: openRPM(b, path)})
	}
	var pkgs []Installed
	for range 200 {
		pkgs = append(pkgs, one...)
	}
	dir := b.TempDir()
	b.ResetTimer()
	for b.Loop() {
		if err := Write(dir, pkgs, Options{InstallTime: epoch, Color: 3}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if st, err := os.Stat(filepath.Join(dir, File)); err == nil {
		b.ReportMetric(float64(st.Size()), "bytes")
	}
}
