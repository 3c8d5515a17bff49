package stages

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// EnsureCache creates the cache folder with a .gitignore holding "*", as
// the seed recommends, so cached data is never checked in by accident.
func EnsureCache(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	ignore := filepath.Join(dir, ".gitignore")
	if _, err := os.Stat(ignore); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.WriteFile(ignore, []byte("*\n"), 0o644); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}

// StoreDir is the content-addressed package store shared by every machine
// and group: CACHE/.disco/store. Group names never start with '.', so it
// cannot meet a group's folder.
func StoreDir(cache string) string { return filepath.Join(cache, ".disco", "store") }

// MetadataDir holds parsed repository metadata keyed by checksum.
func MetadataDir(cache string) string { return filepath.Join(cache, ".disco", "metadata") }

// MachineDir is where a machine's outputs, logs and intermediates go:
// CACHE/GROUP/NAME, as the contract says.
func MachineDir(cache, group, name string) string { return filepath.Join(cache, group, name) }

// sortedKeys returns a map's keys in byte order, for deterministic loops.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
