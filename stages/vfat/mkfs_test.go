package vfat

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// TestGeometryLikeMkfsFat checks that the automatic FAT type, cluster
// size and reserved sectors are mkfs.fat's for the same sizes.
func TestGeometryLikeMkfsFat(t *testing.T) {
	testtool.Need(t, "mkfs.fat")
	for _, mib := range []int64{16, 64, 200, 511, 512, 1024, 9000} {
		path := filepath.Join(t.TempDir(), "fat.img")
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, mib<<20); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("mkfs.fat", "--invariant", path).CombinedOutput(); err != nil {
			t.Fatalf("mkfs.fat: %v\n%s", err, out)
		}
		f, _ := os.Open(path)
		b := make([]byte, 512)
		f.ReadAt(b, 0)
		f.Close()
		fat := 16
		if binary.LittleEndian.Uint16(b[22:]) == 0 {
			fat = 32
		}
		g, err := newGeometry(mib<<20, 0, 0)
		if err != nil {
			t.Fatalf("%d MiB: %v", mib, err)
		}
		if g.fat != fat || g.spc != int64(b[13]) || g.reserved != int64(binary.LittleEndian.Uint16(b[14:])) {
			t.Errorf("%d MiB: FAT%d, %d sectors/cluster, %d reserved; mkfs.fat: FAT%d, %d, %d",
				mib, g.fat, g.spc, g.reserved, fat, b[13], binary.LittleEndian.Uint16(b[14:]))
		}
	}
}
