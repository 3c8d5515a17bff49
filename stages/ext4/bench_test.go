package ext4

import (
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// benchTree writes 20,000 files (about 500 MB) of incompressible data in
// 100 directories under dir and returns their total size.
func benchTree(b *testing.B, dir string) int64 {
	b.Helper()
	rng := rand.NewChaCha8([32]byte{1})
	var total int64
	buf := make([]byte, 2<<20)
	for i := range 20000 {
		size := 1024 + int(rng.Uint64()%8192)
		if i%100 == 0 {
			size = 2 << 20
		}
		rng.Read(buf[:size])
		p := filepath.Join(dir, fmt.Sprintf("d%03d", i%100), fmt.Sprintf("f%05d", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, buf[:size], 0o644); err != nil {
			b.Fatal(err)
		}
		total += int64(size)
	}
	return total
}

// dirEntries lists a real directory tree as entries.
func dirEntries(b *testing.B, root string) []Entry {
	var es []Entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		rel, _ := filepath.Rel(root, p)
		e := Entry{Path: filepath.Join("/", rel), Mode: st.Mode, UID: st.Uid, GID: st.Gid, Mtime: st.Mtim.Sec, Size: fi.Size()}
		if fi.Mode().IsRegular() {
			e.Open = func() (io.ReadCloser, error) { return os.Open(p) }
		} else {
			e.Size = 0
		}
		es = append(es, e)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return es
}

func BenchmarkWrite(b *testing.B) {
	dir := b.TempDir()
	total := benchTree(b, filepath.Join(dir, "tree"))
	es := dirEntries(b, filepath.Join(dir, "tree"))
	b.SetBytes(total)
	b.ResetTimer()
	img := filepath.Join(benchOut(dir), "fs.img")
	defer os.Remove(img)
	for range b.N {
		b.StopTimer()
		os.Remove(img) // freeing the last image is not Write's work
		b.StartTimer()
		f, err := os.Create(img)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Write(f, es, testOpts()); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMkfsExt4 is the baseline: mkfs.ext4 -d on the same tree.
func BenchmarkMkfsExt4(b *testing.B) {
	testtool.Need(b, "mkfs.ext4")
	dir := b.TempDir()
	total := benchTree(b, filepath.Join(dir, "tree"))
	min, err := MinSize(dirEntries(b, filepath.Join(dir, "tree")), testOpts())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	b.ResetTimer()
	img := filepath.Join(benchOut(dir), "mkfs.img")
	defer os.Remove(img)
	for range b.N {
		b.StopTimer()
		os.Remove(img)
		b.StartTimer()
		cmd := exec.Command("mkfs.ext4", "-q", "-F", "-b", "4096", "-I", "256", "-E", "lazy_itable_init=0,nodiscard",
			"-d", filepath.Join(dir, "tree"), img, fmt.Sprint(min*12/10/1024))
		cmd.Env = append(os.Environ(), "E2FSPROGS_FAKE_TIME=1700000000")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("mkfs.ext4: %v\n%s", err, out)
		}
	}
}

// benchOut is where BenchmarkWrite puts the image: $EXT4_BENCH_OUT (say a
// tmpfs, to take the disk out of the measure) or dir.
func benchOut(dir string) string {
	if d := os.Getenv("EXT4_BENCH_OUT"); d != "" {
		return d
	}
	return dir
}
