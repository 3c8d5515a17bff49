package store

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// GC removes every object whose sum is not in keep, markers left without
// their object, and temporary files older than the store's temp max age
// (by the store's clock; younger ones may belong to a running download).
// It returns how many objects and temporary files it removed and their
// total size. Files it does not recognise are left alone. keep must hold
// every sum any lock in use names: an object not in keep is removed even if
// another process has only just stored it.
func (s *Store) GC(keep map[string]bool) (removed int, bytes int64, err error) {
	prefixes, err := readDirNames(filepath.Join(s.dir, "sha256"))
	if err != nil {
		return 0, 0, err
	}
	for _, p := range prefixes {
		if !isPrefixDir(filepath.Join(s.dir, "sha256", p)) {
			continue
		}
		n, b, err := s.gcDir(filepath.Join(s.dir, "sha256", p), keep)
		removed += n
		bytes += b
		if err != nil {
			return removed, bytes, err
		}
	}
	return removed, bytes, nil
}

func (s *Store) gcDir(dir string, keep map[string]bool) (removed int, bytes int64, err error) {
	names, err := readDirNames(dir)
	if err != nil {
		return 0, 0, err
	}
	for _, name := range names {
		if !s.garbage(dir, name, keep) {
			continue
		}
		path := filepath.Join(dir, name)
		fi, err := os.Lstat(path)
		if err != nil {
			continue // removed meanwhile by another process
		}
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return removed, bytes, fmt.Errorf("store: gc: %w", err)
		}
		if !strings.HasSuffix(name, markerSuffix) {
			removed++
			bytes += fi.Size()
		}
	}
	return removed, bytes, nil
}

// garbage decides whether the file name in dir is to be removed.
func (s *Store) garbage(dir, name string, keep map[string]bool) bool {
	switch {
	case strings.HasPrefix(name, tempPrefix):
		fi, err := os.Lstat(filepath.Join(dir, name))
		return err == nil && s.now().Sub(fi.ModTime()) > s.tempMaxAge
	case ValidSum(name) == nil:
		return !keep[name]
	case strings.HasSuffix(name, markerSuffix):
		sum := strings.TrimSuffix(name, markerSuffix)
		return ValidSum(sum) == nil && (!keep[sum] || !s.Has(sum))
	}
	return false
}

func readDirNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("store: gc: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names, nil
}

// isPrefixDir reports whether path is one of the store's two-hex-digit
// fan-out directories.
func isPrefixDir(path string) bool {
	name := filepath.Base(path)
	fi, err := os.Lstat(path)
	return err == nil && fi.IsDir() && len(name) == 2 && ValidSum(name+strings.Repeat("0", 62)) == nil
}
