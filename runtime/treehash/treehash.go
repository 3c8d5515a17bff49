// Package treehash computes the content digest of a folder tree, as the plan
// records for overlays: a change to any name, kind, exec bit, symlink target
// or file content changes the digest; mtimes, owners and the host path do
// not.
//
// Entry point: Digest.
package treehash

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// Digest walks dir in fsys (byte order of names, which fs.WalkDir
// guarantees) and returns "sha256:<hex>". With skipRootDots, entries whose
// name starts with '.' directly in dir are left out, as overlays do.
func Digest(fsys fs.FS, dir string, skipRootDots bool) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel := strings.TrimPrefix(p, dir+"/")
		if dir == "." {
			rel = p
		}
		if skipRootDots && path.Dir(rel) == "." && strings.HasPrefix(rel, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		return entry(h, fsys, p, rel, d)
	})
	if err != nil {
		return "", fmt.Errorf("digest of %s: %w", dir, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

func entry(h io.Writer, fsys fs.FS, p, rel string, d fs.DirEntry) error {
	switch t := d.Type(); {
	case t.IsDir():
		fmt.Fprintf(h, "d %q\n", rel)
	case t&fs.ModeSymlink != 0:
		target, err := fs.ReadLink(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "l %q %q\n", rel, target)
	case t.IsRegular():
		return regular(h, fsys, p, rel, d)
	default:
		return fmt.Errorf("%s: unsupported file type %v (devices belong in devices, not overlays)", p, t)
	}
	return nil
}

func regular(h io.Writer, fsys fs.FS, p, rel string, d fs.DirEntry) error {
	info, err := d.Info()
	if err != nil {
		return err
	}
	f, err := fsys.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	fh := sha256.New()
	if _, err := io.Copy(fh, f); err != nil {
		return err
	}
	fmt.Fprintf(h, "f %q %t %x\n", rel, info.Mode()&0o111 != 0, fh.Sum(nil))
	return nil
}
