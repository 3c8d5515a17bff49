package legacy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
)

// tree reads a config root by root-relative, slash-separated paths; the
// host resolves symlinks along the way.
type tree struct {
	root string
}

func (t tree) host(rel string) string { return filepath.Join(t.root, filepath.FromSlash(rel)) }

// pathErr turns a host error into one naming the root-relative path, so
// error text does not depend on where the tree is checked out.
func pathErr(rel string, err error) error {
	return fmt.Errorf("%s: %w", rel, unwrapPath(err))
}

// unwrapPath drops a *fs.PathError's host path, keeping its cause.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// stat returns what rel leads to, following symlinks. present is false
// when nothing is there (not even a symlink); a dangling symlink or a loop
// is an error.
func (t tree) stat(rel string) (fi fs.FileInfo, present bool, err error) {
	if _, err := os.Lstat(t.host(rel)); errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, pathErr(rel, err)
	}
	fi, err = os.Stat(t.host(rel))
	if err != nil {
		return nil, true, plan.Errorf(plan.Pos{File: rel}, "cannot follow the symlink: %v", unwrapPath(err))
	}
	return fi, true, nil
}

// isDir reports whether rel leads to a folder.
func (t tree) isDir(rel string) (bool, error) {
	fi, ok, err := t.stat(rel)
	if err != nil || !ok {
		return false, err
	}
	return fi.IsDir(), nil
}

// names lists a folder's entries in byte order, leaving out dot files.
func (t tree) names(rel string) ([]string, error) {
	entries, err := os.ReadDir(t.host(rel))
	if err != nil {
		return nil, pathErr(rel, err)
	}
	var names []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// readFile reads a regular file (following symlinks).
func (t tree) readFile(rel string) ([]byte, error) {
	data, err := os.ReadFile(t.host(rel))
	if err != nil {
		return nil, pathErr(rel, err)
	}
	return data, nil
}

// file reads rel, which must be a regular file if present.
func (t tree) file(rel string) (data []byte, present bool, err error) {
	fi, ok, err := t.stat(rel)
	if err != nil || !ok {
		return nil, ok, err
	}
	if !fi.Mode().IsRegular() {
		return nil, true, plan.Errorf(plan.Pos{File: rel}, "must be a regular file (is %s)", kind(fi))
	}
	data, err = t.readFile(rel)
	return data, true, err
}

func kind(fi fs.FileInfo) string {
	switch m := fi.Mode(); {
	case m.IsRegular():
		return "a file"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

func join(elem ...string) string { return path.Join(elem...) }
