// Package configfs is the sandboxed view of a configuration root that
// Starlark evaluation reads through, and the one symlink resolution every
// reader of overlay folders shares (the digest at eval time, the copy at
// build time). It implements io/fs interfaces (fs.FS, fs.ReadLinkFS) over
// a host folder and refuses everything a definition must not see:
// absolute paths, "..", symlinks leading out of the root, and excluded
// folders (the cache) however they are reached.
//
// Symlinks are followed inside the root at every level: relative ones, and
// absolute ones whose target lies under the root's host path (as given or
// with its own symlinks resolved), as discographer template links often
// are. Any other target is ErrOutside, naming the link.
//
// Entry point: New. Tests give evaluation an fstest.MapFS instead.
package configfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ErrOutside is returned for a path that leaves the config root.
var ErrOutside = errors.New("outside the config root")

// ErrExcluded is returned for a path inside an excluded folder.
var ErrExcluded = errors.New("inside the cache folder, which configuration may not read")

// FS is a config root opened for sandboxed reading.
type FS struct {
	root    *os.Root
	hosts   []string // the root's absolute host paths: as given, and resolved
	exclude []string // root-relative, slash-separated, clean
}

// New opens dir. Excluded paths (host paths or root-relative) name folders
// that must never be read; an exclusion outside the root is ignored.
func New(dir string, exclude ...string) (*FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("config root: %w", err)
	}
	f := &FS{root: root}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("config root: %w", err)
	}
	f.hosts = append(f.hosts, filepath.ToSlash(absDir))
	if real, err := filepath.EvalSymlinks(absDir); err == nil && real != absDir {
		f.hosts = append(f.hosts, filepath.ToSlash(real))
	}
	for _, e := range exclude {
		if filepath.IsAbs(e) {
			rel, err := filepath.Rel(absDir, e)
			if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
				continue
			}
			e = rel
		}
		f.exclude = append(f.exclude, path.Clean(filepath.ToSlash(e)))
	}
	return f, nil
}

// Close releases the root.
func (f *FS) Close() error { return f.root.Close() }

// Open opens name (root-relative, slash-separated) for reading.
func (f *FS) Open(name string) (fs.File, error) {
	real, err := f.resolve("open", name, true)
	if err != nil {
		return nil, err
	}
	return f.root.Open(real)
}

// Lstat returns information about name without following a final symlink.
func (f *FS) Lstat(name string) (fs.FileInfo, error) {
	real, err := f.resolve("lstat", name, false)
	if err != nil {
		return nil, err
	}
	return f.root.Lstat(real)
}

// ReadLink returns the target of the symlink name.
func (f *FS) ReadLink(name string) (string, error) {
	real, err := f.resolve("readlink", name, false)
	if err != nil {
		return "", err
	}
	return f.root.Readlink(real)
}

// resolve checks name and follows symlinks (all components, or all but the
// last) inside the root, returning the real root-relative path.
func (f *FS) resolve(op, name string, followLast bool) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: ErrOutside}
	}
	real, err := f.walk(name, followLast)
	if err != nil {
		return "", &fs.PathError{Op: op, Path: name, Err: err}
	}
	if f.excluded(real) {
		return "", &fs.PathError{Op: op, Path: name, Err: ErrExcluded}
	}
	return real, nil
}

const maxLinks = 40

func (f *FS) walk(name string, followLast bool) (string, error) {
	pending := splitPath(name)
	var done []string
	links := 0
	for len(pending) > 0 {
		elem := pending[0]
		pending = pending[1:]
		cur := path.Join(append(done, elem)...)
		if len(pending) == 0 && !followLast {
			done = append(done, elem)
			break
		}
		fi, err := f.root.Lstat(cur)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			// A missing element is reported by the final open.
			done = append(done, elem)
			continue
		}
		if links++; links > maxLinks {
			return "", errors.New("too many levels of symbolic links")
		}
		target, err := f.root.Readlink(cur)
		if err != nil {
			return "", err
		}
		joined, ok := f.inside(path.Join(done...), target)
		if !ok {
			return "", fmt.Errorf("symlink %s -> %s: %w", cur, target, ErrOutside)
		}
		pending = append(splitPath(joined), pending...)
		done = nil
	}
	if len(done) == 0 {
		return ".", nil
	}
	return path.Join(done...), nil
}

// inside returns where target, the target of a symlink in folder dir
// (root-relative), leads, root-relative, and whether that is inside the
// root. An absolute target is inside when it lies under one of the root's
// host paths.
func (f *FS) inside(dir, target string) (string, bool) {
	if path.IsAbs(target) {
		target = path.Clean(target)
		for _, h := range f.hosts {
			if rel, ok := strings.CutPrefix(target, h); ok && (rel == "" || rel[0] == '/') {
				return path.Clean("." + rel), true
			}
		}
		return "", false
	}
	joined := path.Join(dir, target)
	return joined, joined != ".." && !strings.HasPrefix(joined, "../")
}

func splitPath(p string) []string {
	if p == "." || p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func (f *FS) excluded(real string) bool {
	for _, e := range f.exclude {
		if e == "." || real == e || strings.HasPrefix(real, e+"/") {
			return true
		}
	}
	return false
}
