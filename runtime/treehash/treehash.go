// Package treehash walks overlay folders and computes their content digest,
// as the plan records it for overlays: a change to any name, kind, exec
// bit, symlink target or file content changes the digest; mtimes, owners
// and the host path do not.
//
// The plan's digest (at eval time) and the overlay stage (at build time)
// walk a folder through this one Walk, over the same kind of fs.FS
// (runtime/configfs, which resolves a symlinked overlay folder inside the
// config root at any level), so the build copies exactly the entries the
// digest covers and can prove it: it feeds what it copied into a Hash and
// compares the sum with the plan's.
//
// Entry points: Walk, Digest, Hash.
package treehash

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"strings"
)

// Kind is what an entry is.
type Kind int

// The kinds an overlay may hold; anything else (devices, FIFOs, sockets)
// is an error.
const (
	Dir Kind = iota
	File
	Symlink
)

// Entry is one entry below the walked folder.
type Entry struct {
	Path   string // relative to the walked folder, slash-separated
	Kind   Kind
	Exec   bool   // a File with any exec bit
	Target string // a Symlink's target, verbatim
	fsys   fs.FS
	full   string // path in fsys
}

// Open opens a File's content.
func (e Entry) Open() (fs.File, error) { return e.fsys.Open(e.full) }

// Walk calls fn for every entry below dir in fsys, in byte order of names
// (fs.WalkDir's order), parents before children. Symlinks inside the
// folder are reported, not followed; dir itself is opened through fsys,
// which resolves it. With skipRootDots, entries whose name starts with '.'
// directly in dir are left out, as overlays do.
func Walk(fsys fs.FS, dir string, skipRootDots bool, fn func(Entry) error) error {
	return fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
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
		e, err := entry(fsys, p, rel, d)
		if err != nil {
			return err
		}
		return fn(e)
	})
}

func entry(fsys fs.FS, p, rel string, d fs.DirEntry) (Entry, error) {
	e := Entry{Path: rel, fsys: fsys, full: p}
	switch t := d.Type(); {
	case t.IsDir():
		e.Kind = Dir
	case t&fs.ModeSymlink != 0:
		target, err := fs.ReadLink(fsys, p)
		if err != nil {
			return e, err
		}
		e.Kind, e.Target = Symlink, target
	case t.IsRegular():
		info, err := d.Info()
		if err != nil {
			return e, err
		}
		e.Kind, e.Exec = File, info.Mode()&0o111 != 0
	default:
		return e, fmt.Errorf("%s: unsupported file type %v (devices belong in devices, not overlays)", rel, t)
	}
	return e, nil
}

// Digest walks dir in fsys (see Walk) and returns "sha256:<hex>" over its
// entries and file contents. Errors name entries relative to dir; callers
// say which folder.
func Digest(fsys fs.FS, dir string, skipRootDots bool) (string, error) {
	h := New()
	err := Walk(fsys, dir, skipRootDots, func(e Entry) error {
		if e.Kind != File {
			return h.Add(e, nil)
		}
		f, err := e.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		return h.Add(e, f)
	})
	if err != nil {
		return "", err
	}
	return h.Sum(), nil
}

// Hash accumulates a digest entry by entry, in Walk's order.
type Hash struct {
	h hash.Hash
}

// New returns an empty Hash.
func New() *Hash { return &Hash{h: sha256.New()} }

// Add adds one entry; a File's content is read from content.
func (h *Hash) Add(e Entry, content io.Reader) error {
	switch e.Kind {
	case Dir:
		fmt.Fprintf(h.h, "d %q\n", e.Path)
	case Symlink:
		fmt.Fprintf(h.h, "l %q %q\n", e.Path, e.Target)
	case File:
		fh := sha256.New()
		if _, err := io.Copy(fh, content); err != nil {
			return err
		}
		h.AddFile(e, fh.Sum(nil))
	}
	return nil
}

// AddFile adds a File whose content has the SHA-256 sum.
func (h *Hash) AddFile(e Entry, sum []byte) {
	fmt.Fprintf(h.h, "f %q %t %x\n", e.Path, e.Exec, sum)
}

// Sum returns "sha256:<hex>" over what was added.
func (h *Hash) Sum() string { return "sha256:" + hex.EncodeToString(h.h.Sum(nil)) }
