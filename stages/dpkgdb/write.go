package dpkgdb

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/disco-build/disco/stages/manifest"
	"github.com/disco-build/disco/stages/tree"
)

// Source is what the manifest says put the database in the tree.
const Source = "disco:dpkgdb"

// Admindir is dpkg's database folder inside a root.
const Admindir = "/var/lib/dpkg"

// WriteTree writes the database into a root tree at admindir (Admindir
// unless the image's dpkg is configured otherwise) through fsys, so that
// the manifest records every file, root-owned. Folders that exist (the dpkg
// package ships most) are left as they are; missing ones are created with
// mode 0755. Every file is laid out before the first is written, so a bad
// record leaves the tree as it was.
func WriteTree(fsys tree.FS, admindir string, db *Database) error {
	files, err := db.Files()
	if err != nil {
		return err
	}
	for _, f := range files {
		p := path.Join(admindir, f.Path)
		meta := tree.Meta{Mode: f.Mode, Mtime: f.Mtime, Source: Source}
		if f.Dir {
			err = ensureDir(fsys, p, meta)
		} else {
			err = fsys.WriteFile(p, bytes.NewReader(f.Data), meta)
		}
		if err != nil {
			return fmt.Errorf("dpkgdb: %s: %w", p, err)
		}
	}
	return nil
}

func ensureDir(fsys tree.FS, p string, meta tree.Meta) error {
	e, err := fsys.Lookup(p)
	if err != nil {
		return err
	}
	if e == nil {
		return fsys.Mkdir(p, meta)
	}
	if e.Kind != manifest.Dir {
		return fmt.Errorf("exists and is a %s, not a folder", e.Kind)
	}
	return nil
}

// Write writes the database into a host folder dir (the admindir), each
// file through a temporary name renamed into place, with its mode and
// time, folders last so their times hold.
func Write(dir string, db *Database) error {
	files, err := db.Files()
	if err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if f.Dir {
			err = os.MkdirAll(p, os.FileMode(f.Mode))
		} else {
			err = writeFile(p, f)
		}
		if err != nil {
			return fmt.Errorf("dpkgdb: %w", err)
		}
	}
	for i := len(files) - 1; i >= 0; i-- {
		if f := files[i]; f.Dir {
			t := time.Unix(f.Mtime, 0)
			if err := os.Chtimes(filepath.Join(dir, filepath.FromSlash(f.Path)), t, t); err != nil {
				return fmt.Errorf("dpkgdb: %w", err)
			}
		}
	}
	return nil
}

func writeFile(p string, f File) error {
	tmp, err := os.CreateTemp(filepath.Dir(p), ".dpkgdb-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(f.Data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(os.FileMode(f.Mode & 0o777)); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	t := time.Unix(f.Mtime, 0)
	if err := os.Chtimes(tmp.Name(), t, t); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}
