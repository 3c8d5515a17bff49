package vfat

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkESP writes the test ESP (about 34 MB of kernel, initrd and
// loader files) into a new 64 MiB file.
func BenchmarkESP(b *testing.B) {
	entries, _ := espEntries()
	dir := b.TempDir()
	b.SetBytes(34_000_000)
	for i := 0; i < b.N; i++ {
		f, err := os.Create(filepath.Join(dir, "esp.img"))
		if err != nil {
			b.Fatal(err)
		}
		f.Truncate(64 << 20)
		if _, err := Write(f, entries, Options{Size: 64 << 20, VolumeID: 1, Label: "ESP", Epoch: epoch}); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
