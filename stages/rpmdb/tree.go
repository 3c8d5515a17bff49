package rpmdb

import (
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/disco-build/disco/stages/manifest"
	"github.com/disco-build/disco/stages/tree"
)

// Source is what the manifest says put the rpmdb in the tree.
const Source = "disco:rpmdb"

// WriteTree writes the rpmdb into a root tree at dbpath (%_dbpath inside
// the image, e.g. "/usr/lib/sysimage/rpm") through fsys, so that the
// manifest records it: rpmdb.sqlite, root-owned, mode 0644, mtime
// opts.InstallTime. The folder is created (root, 0755) only if the
// packages did not bring it; stale -wal, -shm and -journal files are
// removed. The database is built in a scratch folder first, so a failure
// leaves the tree as it was.
func WriteTree(fsys tree.FS, dbpath string, pkgs []Installed, opts Options) error {
	scratch, err := os.MkdirTemp("", "disco-rpmdb-")
	if err != nil {
		return fmt.Errorf("rpmdb: %w", err)
	}
	defer os.RemoveAll(scratch)
	if err := Write(scratch, pkgs, opts); err != nil {
		return err
	}
	mtime := int64(opts.InstallTime)
	if err := ensureDir(fsys, dbpath, mtime); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := removeIfPresent(fsys, path.Join(dbpath, File+suffix)); err != nil {
			return err
		}
	}
	f, err := os.Open(filepath.Join(scratch, File))
	if err != nil {
		return fmt.Errorf("rpmdb: %w", err)
	}
	defer f.Close()
	dst := path.Join(dbpath, File)
	if err := fsys.WriteFile(dst, f, tree.Meta{Mode: 0o644, Mtime: mtime, Source: Source}); err != nil {
		return fmt.Errorf("rpmdb: %s: %w", dst, err)
	}
	return nil
}

func ensureDir(fsys tree.FS, dir string, mtime int64) error {
	e, err := fsys.Lookup(dir)
	if err != nil {
		return fmt.Errorf("rpmdb: %s: %w", dir, err)
	}
	if e != nil {
		if e.Kind != manifest.Dir {
			return fmt.Errorf("rpmdb: %s: not a folder", dir)
		}
		return nil
	}
	if err := fsys.Mkdir(dir, tree.Meta{Mode: 0o755, Mtime: mtime, Source: Source}); err != nil {
		return fmt.Errorf("rpmdb: %s: %w", dir, err)
	}
	return nil
}

func removeIfPresent(fsys tree.FS, p string) error {
	e, err := fsys.Lookup(p)
	if err != nil {
		return fmt.Errorf("rpmdb: %s: %w", p, err)
	}
	if e == nil {
		return nil
	}
	if err := fsys.Remove(p); err != nil {
		return fmt.Errorf("rpmdb: %s: %w", p, err)
	}
	return nil
}
