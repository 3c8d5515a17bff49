package cachelock

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// CreateTemp creates a new file in dir as os.CreateTemp does, locked
// exclusively for as long as the returned file stays open: RemoveIfDead
// leaves it alone until then. Remove the file before closing it, or rename
// it into place.
func CreateTemp(dir, pattern string) (*os.File, error) {
	for {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		ok, err := holdTemp(f)
		if err != nil {
			os.Remove(f.Name())
			f.Close()
			return nil, err
		}
		if ok {
			return f, nil
		}
	}
}

// TempDir is a temporary folder made by MkdirTemp, locked while it exists.
type TempDir struct {
	Path string
	f    *os.File
}

// MkdirTemp creates a new folder in dir as os.MkdirTemp does, locked until
// Remove: RemoveIfDead leaves it alone until then.
func MkdirTemp(dir, pattern string) (*TempDir, error) {
	for {
		path, err := os.MkdirTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		f, err := os.Open(path)
		if err != nil {
			os.Remove(path)
			return nil, err
		}
		ok, err := holdTemp(f)
		if err != nil {
			os.RemoveAll(path)
			f.Close()
			return nil, err
		}
		if ok {
			return &TempDir{Path: path, f: f}, nil
		}
	}
}

// Remove removes the folder and everything in it, then drops its lock.
func (d *TempDir) Remove() error {
	err := os.RemoveAll(d.Path)
	d.f.Close()
	return err
}

// holdTemp locks a new temporary file or folder, and reports whether it is
// still there under its name: a RemoveIfDead that opened it between its
// creation and the lock may have removed it (then f is closed, and the
// caller makes another).
func holdTemp(f *os.File) (bool, error) {
	if _, err := flock(f, syscall.LOCK_EX); err != nil {
		return false, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	if same(f, f.Name()) {
		return true, nil
	}
	f.Close()
	return false, nil
}

// RemoveIfDead removes path (a file, or a folder with everything in it)
// unless its writer still holds it open with its lock (see CreateTemp and
// MkdirTemp), and reports whether it did. Anything not made by those, or
// made by a process that has ended, has a free lock and is removed. A
// missing path is not an error.
func RemoveIfDead(path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	ok, err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
	if err != nil || !ok {
		return false, err
	}
	// Holding the lock, check that path still names what was locked: its
	// writer may have renamed it into place and let go meanwhile.
	if !same(f, path) {
		return false, nil
	}
	if err := os.RemoveAll(path); err != nil {
		return false, err
	}
	return true, nil
}

// same reports whether path names the file f has open.
func same(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(path)
	return err == nil && os.SameFile(a, b)
}
