package squashfs

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkWriteFile builds a squashfs of 2000 files of 16 KiB (zstd)
// plus the test tree.
func BenchmarkWriteFile(b *testing.B) {
	entries := rootfs()
	for i := range 2000 {
		data := make([]byte, 16<<10)
		for j := range data {
			data[j] = byte(i + j*j>>7)
		}
		entries = append(entries, file(fmt.Sprintf("/data/%03d/f%d", i/100, i), 0o644, 0, 0, epoch, data))
	}
	path := filepath.Join(b.TempDir(), "img")
	b.SetBytes(2000 * 16 << 10)
	for i := 0; i < b.N; i++ {
		if err := WriteFile(context.Background(), path, entries, Options{Epoch: epoch}); err != nil {
			b.Fatal(err)
		}
	}
}
