package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/disco-build/disco/stages/cachelock"
)

// Temp is an object being written: a temporary file in the object's own
// directory, locked while it is open (stages/cachelock, so RemoveLeftovers
// can tell it from a killed writer's), plus a running SHA-256 of what was
// written. A download can be
// resumed by writing more bytes to the same Temp; Reset starts over.
// A Temp is not safe for concurrent use.
type Temp struct {
	s    *Store
	sum  string
	f    *os.File
	h    hash.Hash
	n    int64
	done bool
}

// NewTemp starts writing the object with the given sum. Call Commit to move
// it into the store or Abort to discard it.
func (s *Store) NewTemp(sum string) (*Temp, error) {
	if err := ValidSum(sum); err != nil {
		return nil, fmt.Errorf("store %s: %w", s.dir, err)
	}
	dir := filepath.Dir(s.Path(sum))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	f, err := cachelock.CreateTemp(dir, tempPrefix+sum+"-*")
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return &Temp{s: s, sum: sum, f: f, h: sha256.New()}, nil
}

// Write appends p to the object, hashing it.
func (t *Temp) Write(p []byte) (int, error) {
	n, err := t.f.Write(p)
	t.h.Write(p[:n])
	t.n += int64(n)
	if err != nil {
		return n, fmt.Errorf("store: write %s: %w", t.f.Name(), err)
	}
	return n, nil
}

// Size returns how many bytes have been written (the offset to resume at).
func (t *Temp) Size() int64 { return t.n }

// Path returns the temporary file's path.
func (t *Temp) Path() string { return t.f.Name() }

// Reset discards everything written so far.
func (t *Temp) Reset() error {
	if err := t.f.Truncate(0); err != nil {
		return fmt.Errorf("store: truncate %s: %w", t.f.Name(), err)
	}
	if _, err := t.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("store: seek %s: %w", t.f.Name(), err)
	}
	t.h.Reset()
	t.n = 0
	return nil
}

// Abort discards the temporary file. It is safe to call after Commit.
func (t *Temp) Abort() {
	if t.done {
		return
	}
	t.done = true
	os.Remove(t.f.Name()) // before Close drops its lock
	t.f.Close()
}

// Sum returns the SHA-256 of the bytes written so far, in hex.
func (t *Temp) Sum() string { return hex.EncodeToString(t.h.Sum(nil)) }

// Commit checks the bytes written against the sum (a *MismatchError if they
// differ), runs check on the complete temporary file if check is not nil,
// and atomically renames the file into the store. On any error the
// temporary file is removed and nothing enters the store.
func (t *Temp) Commit(check func(path string) error) error {
	if t.done {
		return errors.New("store: commit of a finished temp file")
	}
	defer t.Abort()
	if got := t.Sum(); got != t.sum {
		return &MismatchError{Want: t.sum, Got: got, Size: t.n}
	}
	if err := t.f.Chmod(0o444); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := t.f.Sync(); err != nil {
		return fmt.Errorf("store: sync %s: %w", t.f.Name(), err)
	}
	if check != nil {
		if err := check(t.f.Name()); err != nil {
			return err
		}
	}
	return t.install()
}

// install renames the verified temp file into place, syncs the directory and
// records a verified marker for the new inode.
func (t *Temp) install() error {
	dst := t.s.Path(t.sum)
	if err := os.Rename(t.f.Name(), dst); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	t.done = true
	fi, err := t.f.Stat()
	t.f.Close()
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return err
	}
	t.s.writeMarker(t.sum, fi)
	return nil
}

// Put stores the bytes read from r under sum, verifying them on the way.
func (s *Store) Put(sum string, r io.Reader) error {
	t, err := s.NewTemp(sum)
	if err != nil {
		return err
	}
	defer t.Abort()
	if _, err := io.Copy(t, r); err != nil {
		return fmt.Errorf("store: put %s: %w", sum, err)
	}
	return t.Commit(nil)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("store: sync %s: %w", dir, err)
	}
	return nil
}
