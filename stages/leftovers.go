package stages

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/stages/cachelock"
	"github.com/disco-build/disco/stages/store"
)

// Leftover is what a run that ended half way (killed, or failed) left in
// the cache, and a later run removed: temporary files (every one disco
// writes has ".tmp-" in its name: .disk.raw.tmp-*, .manifest.jsonl.tmp-*,
// the store's .tmp-SUM-*, the metadata cache's .tmp-KIND-*, ...), a
// machine's tmp/ folder, a root tree left half-made.
type Leftover struct {
	Path  string
	Files int   // how many files Path stands for (the store's temporary files are counted together)
	Size  int64 // their size in bytes
}

// RootIncomplete marks, in a machine's folder, a root tree being built: it
// is written before the tree is begun and removed once the tree and its
// manifest are complete. A tree whose build was killed keeps the marker,
// so it is never taken for a finished one, and the next build of the
// machine or cache gc removes it.
const RootIncomplete = ".root-incomplete"

// isTempName reports whether name is one of disco's temporary names.
func isTempName(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-")
}

// RemoveLeftovers removes everything runs that have ended left in the
// cache: the store's and the metadata cache's temporary files, stale
// CACHE/.disco/tmp folders, and in each machine folder that no build holds,
// a partial root tree, tmp/ and temporary files. What live runs are
// writing is kept (their locks are held). cache gc calls it while it holds
// the store's lock exclusively.
func RemoveLeftovers(cache string) ([]Leftover, error) {
	left, err := storeLeftovers(cache)
	if err != nil {
		return left, err
	}
	meta, err := removeDeadTemps(MetadataDir(cache), isTempName)
	left = append(left, meta...)
	if err != nil {
		return left, err
	}
	machines, err := lockedMachines(cache)
	if err != nil {
		return left, err
	}
	for _, gm := range machines {
		l, ok, err := cachelock.TryAcquire(machineLockPath(cache, gm[0], gm[1]), cachelock.Exclusive)
		if err != nil {
			return left, err
		}
		if !ok {
			continue // being built
		}
		ml, err := machineLeftovers(MachineDir(cache, gm[0], gm[1]))
		l.Release()
		left = append(left, ml...)
		if err != nil {
			return left, err
		}
	}
	return left, nil
}

// lockedMachines lists (group, name) of every machine that has a lock
// file, that is every machine a build has begun in this cache.
func lockedMachines(cache string) ([][2]string, error) {
	dir := filepath.Join(LockDir(cache), "machines")
	groups, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("leftovers: %w", err)
	}
	var out [][2]string
	for _, g := range groups {
		files, err := os.ReadDir(filepath.Join(dir, g.Name()))
		if err != nil {
			continue // not a folder
		}
		for _, f := range files {
			if name, ok := strings.CutSuffix(f.Name(), ".lock"); ok {
				out = append(out, [2]string{g.Name(), name})
			}
		}
	}
	return out, nil
}

// machineLeftovers cleans the folder of a machine whose lock the caller
// holds: nothing in it is being written, so a root tree still marked
// RootIncomplete, tmp/ and every temporary file are leftovers.
func machineLeftovers(dir string) ([]Leftover, error) {
	var left []Leftover
	marker := filepath.Join(dir, RootIncomplete)
	if _, err := os.Lstat(marker); err == nil {
		l, err := removeAll(filepath.Join(dir, "root"))
		if err != nil {
			return left, err
		}
		left = append(left, l...)
		if err := os.Remove(marker); err != nil {
			return left, fmt.Errorf("leftovers: %w", err)
		}
	}
	l, err := removeAll(filepath.Join(dir, "tmp"))
	left = append(left, l...)
	if err != nil {
		return left, err
	}
	for _, d := range []string{dir, filepath.Join(dir, ApplianceDir)} {
		l, err := removeDeadTemps(d, isTempName)
		left = append(left, l...)
		if err != nil {
			return left, err
		}
	}
	return left, nil
}

// removeAll removes path if it exists.
func removeAll(path string) ([]Leftover, error) {
	if _, err := os.Lstat(path); err != nil {
		return nil, nil
	}
	files, size := usage(path)
	if err := os.RemoveAll(path); err != nil {
		return nil, fmt.Errorf("leftovers: %w", err)
	}
	return []Leftover{{Path: path, Files: files, Size: size}}, nil
}

// removeDeadTemps removes the entries of dir that pick chooses, unless a
// live process holds them (cachelock.RemoveIfDead).
func removeDeadTemps(dir string, pick func(name string) bool) ([]Leftover, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("leftovers: %w", err)
	}
	var left []Leftover
	for _, e := range entries {
		if !pick(e.Name()) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		files, size := usage(path)
		gone, err := cachelock.RemoveIfDead(path)
		if err != nil {
			return left, fmt.Errorf("leftovers: %w", err)
		}
		if gone {
			left = append(left, Leftover{Path: path, Files: files, Size: size})
		}
	}
	return left, nil
}

// storeLeftovers removes the temporary files of the store and the
// folders of CACHE/.disco/tmp whose writers are gone.
func storeLeftovers(cache string) ([]Leftover, error) {
	st, err := store.Open(StoreDir(cache))
	if err != nil {
		return nil, err
	}
	var left []Leftover
	n, size, err := st.RemoveLeftovers()
	if n > 0 {
		left = append(left, Leftover{Path: st.Dir(), Files: n, Size: size})
	}
	if err != nil {
		return left, err
	}
	tmp, err := removeDeadTemps(TmpDir(cache), func(string) bool { return true })
	return append(left, tmp...), err
}

// TmpDir holds scratch folders of runs that have no machine folder to put
// them in (a disco-init built from source): CACHE/.disco/tmp.
func TmpDir(cache string) string { return filepath.Join(cache, ".disco", "tmp") }

// lockfileLeftovers removes what a killed lock left: disco.lock's
// temporary files beside it and the metadata cache's temporary files.
func lockfileLeftovers(cache, configDir string) ([]Leftover, error) {
	left, err := removeDeadTemps(configDir, func(name string) bool {
		return strings.HasPrefix(name, ".disco.lock.tmp-")
	})
	if err != nil {
		return left, err
	}
	meta, err := removeDeadTemps(MetadataDir(cache), isTempName)
	return append(left, meta...), err
}

// usage counts the regular files under path and their sizes.
func usage(path string) (files int, size int64) {
	filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if fi, err := d.Info(); err == nil && fi.Mode().IsRegular() {
			files++
			size += fi.Size()
		}
		return nil
	})
	return files, size
}
