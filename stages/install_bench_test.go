package stages

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/store"
	"github.com/disco-build/disco/stages/tree"
)

// BenchmarkInstallRealRepo installs every package of the real-package
// repository (make real-repo) but the kernel into a new tree, as a cold
// build's install stage does: go test -run XXX -bench InstallRealRepo
// -cpuprofile cpu.prof ./stages. It is skipped without the repository.
func BenchmarkInstallRealRepo(b *testing.B) {
	rpms, _ := filepath.Glob("../build/real-repo/Packages/*.rpm")
	if len(rpms) == 0 {
		b.Skip("no ../build/real-repo (make real-repo)")
	}
	st, err := store.Open(filepath.Join(b.TempDir(), "store"))
	if err != nil {
		b.Fatal(err)
	}
	var locked []lockfile.Package
	var size int64
	for _, p := range rpms {
		if strings.HasPrefix(filepath.Base(p), "linux-image") {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		sum := sha256.Sum256(data)
		hexsum := hex.EncodeToString(sum[:])
		if err := st.Put(hexsum, strings.NewReader(string(data))); err != nil {
			b.Fatal(err)
		}
		locked = append(locked, lockfile.Package{Name: filepath.Base(p), SHA256: hexsum})
		size += int64(len(data))
	}
	b.SetBytes(size)
	// The trees are removed only at the end: deleting one (with the
	// filesystem's online discard, say) slows the next one's writes.
	dir := b.TempDir()
	for i := 0; b.Loop(); i++ {
		tr, err := tree.New(filepath.Join(dir, "root", string(rune('a'+i%26))+strings.Repeat("x", i/26)), 1700000000)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := NewInstaller(tr, st, 1700000000, false, nil).Install(context.Background(), locked); err != nil {
			b.Fatal(err)
		}
	}
}
