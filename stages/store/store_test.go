package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func blob(seed uint64, n int) ([]byte, string) {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	key[31] = 1
	b := make([]byte, n)
	rand.NewChaCha8(key).Read(b)
	s := sha256.Sum256(b)
	return b, hex.EncodeToString(s[:])
}

func mustOpen(t testing.TB, opts ...Option) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readAll(t *testing.T, s *Store, sum string) ([]byte, error) {
	t.Helper()
	f, err := s.Open(sum)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// entries lists every file under the store, relative to its root.
func entries(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(s.Dir(), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(s.Dir(), p)
			out = append(out, rel)
		}
		return err
	})
	return out
}

func TestPutOpenLayout(t *testing.T) {
	s := mustOpen(t)
	data, sum := blob(1, 100_000)
	if s.Has(sum) {
		t.Fatal("Has before Put")
	}
	if err := s.Put(sum, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(s.Dir(), "sha256", sum[:2], sum)
	if s.Path(sum) != want || !s.Has(sum) {
		t.Fatalf("Path = %s, Has = %v; want %s present", s.Path(sum), s.Has(sum), want)
	}
	got, err := readAll(t, s, sum)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Open: %v, %d bytes", err, len(got))
	}
	fi, _ := os.Stat(want)
	if fi.Mode().Perm() != 0o444 {
		t.Errorf("mode %v, want 0444", fi.Mode())
	}
	wantFiles := []string{"sha256/" + sum[:2] + "/" + sum, "sha256/" + sum[:2] + "/" + sum + ".verified"}
	if e := entries(t, s); strings.Join(e, " ") != strings.Join(wantFiles, " ") {
		t.Errorf("store holds %q, want %q", e, wantFiles)
	}
	// Storing it again is harmless.
	if err := s.Put(sum, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
}

func TestPutMismatchLeavesNothing(t *testing.T) {
	s := mustOpen(t)
	data, _ := blob(2, 5000)
	_, other := blob(3, 10)
	err := s.Put(other, bytes.NewReader(data))
	var me *MismatchError
	if !errors.As(err, &me) || me.Want != other || me.Size != 5000 || !strings.Contains(err.Error(), other) {
		t.Fatalf("Put with wrong sum: %v", err)
	}
	if s.Has(other) || len(entries(t, s)) != 0 {
		t.Fatalf("store not empty: %q", entries(t, s))
	}
}

func TestBadSum(t *testing.T) {
	s := mustOpen(t)
	for _, sum := range []string{"", "abc", strings.Repeat("A", 64), strings.Repeat("g", 64)} {
		if err := s.Put(sum, strings.NewReader("x")); err == nil {
			t.Errorf("Put(%q) accepted", sum)
		}
		if _, err := s.Open(sum); err == nil {
			t.Errorf("Open(%q) accepted", sum)
		}
	}
}

func TestCheckHookRejects(t *testing.T) {
	s := mustOpen(t)
	data, sum := blob(4, 1000)
	tmp, err := s.NewTemp(sum)
	if err != nil {
		t.Fatal(err)
	}
	tmp.Write(data)
	var seen []byte
	bad := errors.New("bad signature")
	err = tmp.Commit(func(path string) error {
		seen, _ = os.ReadFile(path)
		return bad
	})
	if !errors.Is(err, bad) || !bytes.Equal(seen, data) {
		t.Fatalf("Commit = %v; hook saw %d bytes", err, len(seen))
	}
	if len(entries(t, s)) != 0 {
		t.Fatalf("store not empty: %q", entries(t, s))
	}
}

func TestTempResetAndResume(t *testing.T) {
	s := mustOpen(t)
	data, sum := blob(5, 70_000)
	tmp, _ := s.NewTemp(sum)
	tmp.Write([]byte("garbage"))
	if err := tmp.Reset(); err != nil || tmp.Size() != 0 {
		t.Fatalf("Reset: %v size %d", err, tmp.Size())
	}
	tmp.Write(data[:30_000])
	tmp.Write(data[30_000:])
	if err := tmp.Commit(nil); err != nil {
		t.Fatal(err)
	}
	if got, err := readAll(t, s, sum); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("after resume: %v", err)
	}
}

// corrupt flips a byte of the stored object, restoring its mtime so that
// only ctime betrays the change.
func corrupt(t *testing.T, s *Store, sum string) {
	t.Helper()
	p := s.Path(sum)
	fi, _ := os.Stat(p)
	os.Chmod(p, 0o644)
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	f.ReadAt(b, 10)
	b[0] ^= 0xff
	f.WriteAt(b, 10)
	f.Close()
	os.Chmod(p, 0o444)
	os.Chtimes(p, fi.ModTime(), fi.ModTime())
}

func TestCorruptDetectedAndRemoved(t *testing.T) {
	for _, mode := range []VerifyMode{VerifyMarker, VerifyAlways} {
		s := mustOpen(t, WithVerify(mode))
		data, sum := blob(6, 20_000)
		s.Put(sum, bytes.NewReader(data))
		corrupt(t, s, sum)
		_, err := s.Open(sum)
		var ce *CorruptError
		if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) || ce.Want != sum || ce.Got == sum {
			t.Fatalf("mode %d: Open of corrupt object = %v", mode, err)
		}
		if s.Has(sum) || len(entries(t, s)) != 0 {
			t.Fatalf("mode %d: corrupt object kept: %q", mode, entries(t, s))
		}
		if err := s.Check(sum); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("mode %d: Check after removal = %v, want not-exist", mode, err)
		}
	}
}

// TestMarkerTrust shows the difference between the modes: a marker forged
// after corruption is trusted by VerifyMarker, never by VerifyAlways.
func TestMarkerTrust(t *testing.T) {
	for _, mode := range []VerifyMode{VerifyMarker, VerifyAlways} {
		s := mustOpen(t, WithVerify(mode))
		data, sum := blob(7, 20_000)
		s.Put(sum, bytes.NewReader(data))
		corrupt(t, s, sum)
		fi, _ := os.Stat(s.Path(sum))
		text, _ := markerText(fi)
		os.WriteFile(s.markerPath(sum), []byte(text), 0o644)
		err := s.Check(sum)
		if trusted := err == nil; trusted != (mode == VerifyMarker) {
			t.Errorf("mode %d: Check with forged marker = %v", mode, err)
		}
	}
}

func TestGC(t *testing.T) {
	s := mustOpen(t)
	keepData, keepSum := blob(8, 3000)
	dropData, dropSum := blob(9, 4000)
	s.Put(keepSum, bytes.NewReader(keepData))
	s.Put(dropSum, bytes.NewReader(dropData))
	live, _ := s.NewTemp(keepSum)
	live.Write(make([]byte, 500))
	_, orphan := blob(10, 1)
	orphanMarker := filepath.Join(s.Dir(), "sha256", orphan[:2], orphan+markerSuffix)
	os.MkdirAll(filepath.Dir(orphanMarker), 0o755)
	os.WriteFile(orphanMarker, []byte("x"), 0o644)
	stranger := filepath.Join(s.Dir(), "sha256", "README")
	os.WriteFile(stranger, []byte("x"), 0o644)

	removed, n, err := s.GC(map[string]bool{keepSum: true})
	if err != nil || removed != 1 || n != 4000 {
		t.Fatalf("GC = %d, %d, %v; want 1 file, 4000 bytes", removed, n, err)
	}
	for path, want := range map[string]bool{
		s.Path(keepSum): true, s.markerPath(keepSum): true, live.Path(): true, stranger: true,
		s.Path(dropSum): false, s.markerPath(dropSum): false, orphanMarker: false,
	} {
		if _, err := os.Lstat(path); (err == nil) != want {
			t.Errorf("%s: present=%v, want %v", path, err == nil, want)
		}
	}
	if err := s.Check(keepSum); err != nil {
		t.Fatal(err)
	}
}

// RemoveLeftovers removes the temporary files of writers that are gone
// (here: closed without removing, as a killed process leaves them; the
// test with a real killed process is TestLeftoversOfKilledProcess) and
// keeps those of live writers, whatever their age.
func TestRemoveLeftovers(t *testing.T) {
	s := mustOpen(t)
	data, sum := blob(11, 3000)
	live, _ := s.NewTemp(sum)
	live.Write(data[:1000])
	dead, _ := s.NewTemp(sum)
	dead.Write(data[:700])
	dead.f.Close() // its lock goes with the descriptor, as when a writer dies
	old := time.Now().Add(-48 * time.Hour)
	os.Chtimes(live.Path(), old, old)
	removed, n, err := s.RemoveLeftovers()
	if err != nil || removed != 1 || n != 700 {
		t.Fatalf("RemoveLeftovers = %d, %d, %v; want 1 file, 700 bytes", removed, n, err)
	}
	if _, err := os.Lstat(dead.Path()); !os.IsNotExist(err) {
		t.Errorf("a dead writer's temporary file is still there")
	}
	live.Write(data[1000:])
	if err := live.Commit(nil); err != nil {
		t.Fatalf("the live writer lost its temporary file: %v", err)
	}
	if e := entries(t, s); len(e) != 2 {
		t.Errorf("store holds %q, want the object and its marker", e)
	}
}

func TestConcurrentGoroutines(t *testing.T) {
	s := mustOpen(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 8 {
		for j := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				data, sum := blob(uint64(j), 50_000+j)
				if err := s.Put(sum, bytes.NewReader(data)); err != nil {
					errs <- err
					return
				}
				if err := s.Check(sum); err != nil {
					errs <- fmt.Errorf("goroutine %d: %w", i, err)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(entries(t, s)); n != 16 {
		t.Errorf("store holds %d files, want 8 objects + 8 markers: %q", n, entries(t, s))
	}
}
