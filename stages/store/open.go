package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/disco-build/disco/stages/cachelock"
)

// Open returns the object with the given sum, opened for reading at offset
// 0, after verifying it according to the store's VerifyMode. A missing
// object is an error matching os.ErrNotExist; a corrupt one is removed and
// reported as a *CorruptError.
func (s *Store) Open(sum string) (*os.File, error) {
	if err := ValidSum(sum); err != nil {
		return nil, fmt.Errorf("store %s: %w", s.dir, err)
	}
	path := s.Path(sum)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := s.verifyOpen(sum, f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Check verifies the object with the given sum as Open does, without
// keeping it open.
func (s *Store) Check(sum string) error {
	f, err := s.Open(sum)
	if err != nil {
		return err
	}
	return f.Close()
}

func (s *Store) verifyOpen(sum string, f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("store: %s: not a regular file", f.Name())
	}
	if s.verify == VerifyMarker && s.markerMatches(sum, fi) {
		return nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("store: read %s: %w", f.Name(), err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("store: seek %s: %w", f.Name(), err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		s.removeCorrupt(sum, fi)
		return &CorruptError{Path: f.Name(), Want: sum, Got: got}
	}
	s.writeMarker(sum, fi)
	return nil
}

// removeCorrupt removes the object only if the path still names the inode
// that was found corrupt: another process may meanwhile have renamed a good
// copy into place.
func (s *Store) removeCorrupt(sum string, bad os.FileInfo) {
	path := s.Path(sum)
	if cur, err := os.Lstat(path); err == nil && os.SameFile(cur, bad) {
		os.Remove(path)
		os.Remove(s.markerPath(sum))
	}
}

// markerMatches reports whether the object's marker records exactly the
// stat fields fi has now.
func (s *Store) markerMatches(sum string, fi os.FileInfo) bool {
	want, ok := markerText(fi)
	if !ok {
		return false
	}
	have, err := os.ReadFile(s.markerPath(sum))
	return err == nil && string(have) == want
}

// writeMarker records that the object with stat fi hashed correctly. A
// marker is an optimisation: failing to write one only costs a rehash
// later, so errors are ignored.
func (s *Store) writeMarker(sum string, fi os.FileInfo) {
	text, ok := markerText(fi)
	if !ok {
		return
	}
	dir := filepath.Dir(s.Path(sum))
	f, err := cachelock.CreateTemp(dir, tempPrefix+sum+"-*"+markerSuffix)
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil || os.Rename(f.Name(), s.markerPath(sum)) != nil {
		os.Remove(f.Name())
	}
}
