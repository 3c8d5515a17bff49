package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/stages/cachelock"
)

// GC removes every object whose sum is not in keep and markers left without
// their object. It returns how many objects it removed and their total
// size. Temporary files are RemoveLeftovers' business; files it does not
// recognise are left alone. keep must hold every sum any lock in use
// names: an object not in keep is removed even if another process has only
// just stored it, so callers run GC only while no other process uses the
// store (disco takes the store's lock exclusively, see stages.LockStore).
func (s *Store) GC(keep map[string]bool) (removed int, bytes int64, err error) {
	return s.sweep(func(name string) bool { return s.garbage(name, keep) }, os.Remove)
}

// RemoveLeftovers removes the temporary files (objects and markers being
// written) of writers that have ended, killed or not, and returns how many
// it removed and their total size. Those of live writers are kept: every
// temporary file is locked by its writer while it is open (package
// cachelock), so this is safe at any time, beside running downloads.
func (s *Store) RemoveLeftovers() (removed int, bytes int64, err error) {
	isTemp := func(name string) bool { return strings.HasPrefix(name, tempPrefix) }
	return s.sweep(isTemp, func(path string) error {
		gone, err := cachelock.RemoveIfDead(path)
		if err == nil && !gone {
			return errKept
		}
		return err
	})
}

// errKept is how a remove func of sweep says it left the file alone.
var errKept = errors.New("kept")

// sweep calls remove on every file of the fan-out directories that pick
// chooses, and counts those removed that are not markers, with their sizes.
func (s *Store) sweep(pick func(name string) bool, remove func(string) error) (removed int, bytes int64, err error) {
	prefixes, err := readDirNames(filepath.Join(s.dir, "sha256"))
	if err != nil {
		return 0, 0, err
	}
	for _, p := range prefixes {
		dir := filepath.Join(s.dir, "sha256", p)
		if !isPrefixDir(dir) {
			continue
		}
		names, err := readDirNames(dir)
		if err != nil {
			return removed, bytes, err
		}
		for _, name := range names {
			if !pick(name) {
				continue
			}
			path := filepath.Join(dir, name)
			fi, err := os.Lstat(path)
			if err != nil {
				continue // removed meanwhile by another process
			}
			switch err := remove(path); {
			case err == errKept || os.IsNotExist(err):
				continue
			case err != nil:
				return removed, bytes, fmt.Errorf("store: gc: %w", err)
			}
			if !strings.HasSuffix(name, markerSuffix) || strings.HasPrefix(name, tempPrefix) {
				removed++
				bytes += fi.Size()
			}
		}
	}
	return removed, bytes, nil
}

// garbage decides whether the file name (not a temporary file) is to be
// removed by GC.
func (s *Store) garbage(name string, keep map[string]bool) bool {
	switch {
	case ValidSum(name) == nil:
		return !keep[name]
	case strings.HasSuffix(name, markerSuffix) && !strings.HasPrefix(name, tempPrefix):
		sum := strings.TrimSuffix(name, markerSuffix)
		return ValidSum(sum) == nil && (!keep[sum] || !s.Has(sum))
	}
	return false
}

// readDirNames lists dir's names, unsorted (the order of removals does not
// matter, and a sweep runs at the start of every fetch and build).
func readDirNames(dir string) ([]string, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("store: gc: %w", err)
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("store: gc: %w", err)
	}
	return names, nil
}

// isPrefixDir reports whether path is one of the store's two-hex-digit
// fan-out directories.
func isPrefixDir(path string) bool {
	name := filepath.Base(path)
	fi, err := os.Lstat(path)
	return err == nil && fi.IsDir() && len(name) == 2 && ValidSum(name+strings.Repeat("0", 62)) == nil
}
