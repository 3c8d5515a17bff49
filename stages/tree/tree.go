// Package tree is the root tree a build assembles: file content on disk in a
// host folder, and everything else (owners, modes, device nodes, FIFOs,
// xattrs, times, sources) in a manifest.Manifest beside it. Stages change
// the root only through FS, so nothing needs real root: a device node or a
// chown is recorded, never performed.
//
// Paths are resolved inside the image as the image would resolve them
// (symlinked folders such as /bin -> usr/bin are followed), using the
// manifest, never the host; a path that would climb out of the root
// through ".." or a symlink is refused.
//
// Entry points: New (a Tree, which implements FS), Tree.Sync (fold changes
// made by programs run in the tree back into the manifest).
package tree

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/disco-build/disco/stages/manifest"
)

// Meta is what a stage says about a new entry.
type Meta struct {
	Mode     uint32 // permissions with setuid/setgid/sticky
	UID, GID uint32
	Mtime    int64
	Source   string
	Xattrs   map[string][]byte
	Config   bool
}

// FS is how stages change a root.
type FS interface {
	// Mkdir creates (or updates the metadata of) a folder; missing parents
	// are created as root-owned 0755 folders.
	Mkdir(p string, meta Meta) error
	// WriteFile creates or replaces a regular file with r's content.
	WriteFile(p string, r io.Reader, meta Meta) error
	// Symlink creates or replaces a symbolic link.
	Symlink(target, p string, meta Meta) error
	// Link makes p a hard link to the existing regular file existing.
	Link(existing, p string) error
	// Mknod records a device node, FIFO or socket (manifest only).
	Mknod(p string, kind manifest.Kind, major, minor uint32, meta Meta) error
	// Chown, Chmod and Chtimes change metadata; SetXattr sets one xattr.
	Chown(p string, uid, gid uint32) error
	Chmod(p string, mode uint32) error
	Chtimes(p string, mtime int64) error
	SetXattr(p, name string, value []byte) error
	// Remove deletes p and everything below it.
	Remove(p string) error
	// Lookup returns the entry p resolves to (following symlinks in folder
	// components, not the last one), or nil.
	Lookup(p string) (*manifest.Entry, error)
	// Open opens a regular file's content.
	Open(p string) (io.ReadCloser, error)
}

// Tree is an FS over a host folder and a manifest.
type Tree struct {
	dir   string
	m     *manifest.Manifest
	epoch int64
	host  map[string]hostStat // what disco last wrote, to spot changes
	buf   []byte              // WriteFile's copy buffer
	// realOwners: the builder is root, so host owners are set to the
	// image's and changes programs make to them are seen by Sync.
	realOwners bool
}

var _ FS = (*Tree)(nil)

// New makes a tree in dir (created empty if missing; it must be empty) with
// a manifest whose folders disco creates get mtime epoch.
func New(dir string, epoch int64) (*Tree, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("tree: %w", err)
	}
	names, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("tree: %w", err)
	}
	if len(names) > 0 {
		return nil, fmt.Errorf("tree: %s is not empty", dir)
	}
	return &Tree{dir: dir, m: manifest.New(epoch), epoch: epoch, host: map[string]hostStat{},
		realOwners: os.Geteuid() == 0}, nil
}

// Dir is the host folder holding the content.
func (t *Tree) Dir() string { return t.dir }

// Manifest is the tree's metadata.
func (t *Tree) Manifest() *manifest.Manifest { return t.m }

// HostPath is where the content of image path p lives on the host.
func (t *Tree) HostPath(p string) string { return filepath.Join(t.dir, filepath.FromSlash(p)) }

// ErrEscape is returned for a path that leaves the root.
var ErrEscape = errors.New("escapes the root")

const maxLinks = 40

// resolve returns the path p names with every folder component's symlinks
// followed inside the image; the last component is not followed.
func (t *Tree) resolve(p string) (string, error) {
	if err := manifest.CheckPath(p); err != nil {
		return "", err
	}
	if p == "/" {
		return "/", nil
	}
	elems := strings.Split(p[1:], "/")
	cur := "/"
	links := 0
	for i := 0; i < len(elems); i++ {
		next := path.Join(cur, elems[i])
		e := t.m.Get(next)
		if i == len(elems)-1 || e == nil || e.Kind != manifest.Symlink {
			cur = next
			continue
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("%s: too many levels of symbolic links", p)
		}
		target, err := linkTarget(cur, e.Target)
		if err != nil {
			return "", fmt.Errorf("%s: symlink %s -> %s %w", p, next, e.Target, err)
		}
		rest := append(strings.Split(strings.TrimPrefix(target, "/"), "/"), elems[i+1:]...)
		elems, i, cur = rest, -1, "/"
		if target == "/" {
			elems = elems[1:]
		}
	}
	return cur, nil
}

// linkTarget is where a symlink in folder dir pointing to target leads,
// refusing targets that climb above the root.
func linkTarget(dir, target string) (string, error) {
	if path.IsAbs(target) {
		return path.Clean(target), nil
	}
	joined := path.Join(dir, target)
	// path.Join cleans "/.." to "/": detect the climb by counting.
	depth := 0
	for _, e := range strings.Split(strings.TrimPrefix(dir, "/"), "/") {
		if e != "" {
			depth++
		}
	}
	for _, e := range strings.Split(target, "/") {
		switch e {
		case "..":
			if depth--; depth < 0 {
				return "", ErrEscape
			}
		case ".", "":
		default:
			depth++
		}
	}
	return joined, nil
}

// parentDir resolves p and makes sure its parent folder exists.
func (t *Tree) prepare(p string) (string, error) {
	rp, err := t.resolve(p)
	if err != nil {
		return "", err
	}
	if err := t.mkdirAll(path.Dir(rp)); err != nil {
		return "", err
	}
	return rp, nil
}

func (t *Tree) mkdirAll(p string) error {
	e := t.m.Get(p)
	switch {
	case e != nil && e.Kind == manifest.Dir:
		return nil
	case e != nil:
		return fmt.Errorf("%s: exists and is a %s, not a folder", p, e.Kind)
	}
	if err := t.mkdirAll(path.Dir(p)); err != nil {
		return err
	}
	return t.mkdir(p, Meta{Mode: 0o755, Mtime: t.epoch, Source: "disco"})
}

func (t *Tree) mkdir(p string, meta Meta) error {
	perm := uint32(hostDirMode(meta.Mode))
	if e := t.m.Get(p); e != nil && e.Kind == manifest.Dir && t.hostIs(p, syscall.S_IFDIR|perm, meta.UID, meta.GID) {
		return t.m.Put(entry(p, manifest.Dir, meta)) // the host folder is already right
	}
	hp := t.HostPath(p)
	if err := syscall.Mkdir(hp, perm); err != nil && !errors.Is(err, syscall.EEXIST) {
		return fmt.Errorf("tree: %w", &fs.PathError{Op: "mkdir", Path: hp, Err: err})
	}
	if err := t.m.Put(entry(p, manifest.Dir, meta)); err != nil {
		return err
	}
	return t.settleHost(p, hostWant{uid: meta.UID, gid: meta.GID, perm: perm, setMode: true})
}

// hostDirMode keeps folders usable by the builder whatever the image mode.
func hostDirMode(mode uint32) fs.FileMode { return fs.FileMode(mode&0o777 | 0o700) }

// hostFileMode keeps files writable by the builder and never setuid on
// the host.
func hostFileMode(mode uint32) fs.FileMode { return fs.FileMode(mode&0o777 | 0o600) }

func entry(p string, kind manifest.Kind, meta Meta) *manifest.Entry {
	return &manifest.Entry{Path: p, Kind: kind, Mode: meta.Mode & 0o7777, UID: meta.UID, GID: meta.GID,
		Mtime: meta.Mtime, Source: meta.Source, Xattrs: meta.Xattrs, Config: meta.Config}
}

// Mkdir implements FS.
func (t *Tree) Mkdir(p string, meta Meta) error {
	rp, err := t.prepare(p)
	if err != nil {
		return err
	}
	if e := t.m.Get(rp); e != nil && e.Kind != manifest.Dir {
		if err := t.removeOne(rp); err != nil {
			return err
		}
	}
	return t.mkdir(rp, meta)
}

// WriteFile implements FS.
func (t *Tree) WriteFile(p string, r io.Reader, meta Meta) error {
	rp, err := t.prepare(p)
	if err != nil {
		return err
	}
	if err := t.clear(rp); err != nil {
		return err
	}
	n, sum, st, err := t.createFile(t.HostPath(rp), r, hostFileMode(meta.Mode), meta.UID, meta.GID, meta.Mtime)
	if w := (errWriting{}); errors.As(err, &w) {
		return fmt.Errorf("tree: writing %s: %w", rp, w.err)
	}
	if err != nil {
		return fmt.Errorf("tree: %w", err)
	}
	e := entry(rp, manifest.File, meta)
	e.Size, e.SHA256 = n, sum
	if err := t.m.Put(e); err != nil {
		return err
	}
	t.host[rp] = st
	return nil
}

// clear removes whatever is at rp unless it is a folder holding entries.
func (t *Tree) clear(rp string) error {
	if t.m.Get(rp) == nil {
		return nil
	}
	return t.removeOne(rp)
}

func (t *Tree) removeOne(rp string) error {
	e := t.m.Get(rp)
	if e != nil && e.Kind == manifest.Dir {
		for _, q := range t.m.Paths() {
			if strings.HasPrefix(q, rp+"/") {
				return fmt.Errorf("%s: is a folder that is not empty", rp)
			}
		}
	}
	return t.Remove(rp)
}

// Symlink implements FS.
func (t *Tree) Symlink(target, p string, meta Meta) error {
	rp, err := t.prepare(p)
	if err != nil {
		return err
	}
	if err := t.clear(rp); err != nil {
		return err
	}
	if err := os.Symlink(target, t.HostPath(rp)); err != nil {
		return fmt.Errorf("tree: %w", err)
	}
	e := entry(rp, manifest.Symlink, meta)
	e.Mode, e.Target, e.Size = 0o777, target, int64(len(target))
	if err := t.m.Put(e); err != nil {
		return err
	}
	return t.settleHost(rp, hostWant{uid: e.UID, gid: e.GID})
}

// Link implements FS.
func (t *Tree) Link(existing, p string) error {
	src, err := t.resolve(existing)
	if err != nil {
		return err
	}
	head := t.m.Get(src)
	if head == nil || head.Kind != manifest.File {
		return fmt.Errorf("%s: hard link target %s is not a regular file", p, existing)
	}
	if head.Link != "" {
		src, head = head.Link, t.m.Get(head.Link)
	}
	rp, err := t.prepare(p)
	if err != nil {
		return err
	}
	if err := t.clear(rp); err != nil {
		return err
	}
	if err := os.Link(t.HostPath(src), t.HostPath(rp)); err != nil {
		return fmt.Errorf("tree: %w", err)
	}
	e := *head
	e.Path, e.Link = rp, src
	if err := t.m.Put(&e); err != nil {
		return err
	}
	return t.settleHost(rp, hostWant{uid: e.UID, gid: e.GID, mtime: e.Mtime, setTime: true})
}

// Mknod implements FS: the node exists only in the manifest.
func (t *Tree) Mknod(p string, kind manifest.Kind, major, minor uint32, meta Meta) error {
	switch kind {
	case manifest.Char, manifest.Block, manifest.FIFO, manifest.Socket:
	default:
		return fmt.Errorf("%s: mknod of a %s", p, kind)
	}
	rp, err := t.prepare(p)
	if err != nil {
		return err
	}
	if err := t.clear(rp); err != nil {
		return err
	}
	e := entry(rp, kind, meta)
	if kind == manifest.Char || kind == manifest.Block {
		e.Major, e.Minor = major, minor
	}
	return t.m.Put(e)
}

func (t *Tree) lookupForChange(p string) (*manifest.Entry, error) {
	rp, err := t.resolve(p)
	if err != nil {
		return nil, err
	}
	e := t.m.Get(rp)
	if e == nil {
		return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
	}
	return e, nil
}

// Chown implements FS.
func (t *Tree) Chown(p string, uid, gid uint32) error {
	e, err := t.lookupForChange(p)
	if err != nil {
		return err
	}
	e.UID, e.GID = uid, gid
	return t.settle(e.Path)
}

// settle makes the host copy of p match what Sync compares: as root its
// owner is the image's; then its stat is recorded.
func (t *Tree) settle(p string) error {
	e := t.m.Get(p)
	if t.realOwners && e != nil {
		if err := os.Lchown(t.HostPath(p), int(e.UID), int(e.GID)); err != nil {
			return fmt.Errorf("tree: %w", err)
		}
	}
	if e != nil && e.Kind == manifest.File {
		// The host copy carries the image's mtime, so tools that check
		// a tree (rpm -V) see what the image will hold.
		mt := time.Unix(e.Mtime, 0)
		if err := os.Chtimes(t.HostPath(p), mt, mt); err != nil {
			return fmt.Errorf("tree: %w", err)
		}
	}
	t.record(p)
	return nil
}

// SettleTimes gives every host folder its manifest mtime; call it when
// nothing more will be added (adding an entry changes a folder's time).
func (t *Tree) SettleTimes() error {
	return t.m.Walk(func(e *manifest.Entry) error {
		if e.Kind != manifest.Dir {
			return nil
		}
		mt := time.Unix(e.Mtime, 0)
		if err := os.Chtimes(t.HostPath(e.Path), mt, mt); err != nil {
			return fmt.Errorf("tree: %w", err)
		}
		return nil
	})
}

// Chmod implements FS (the host copy keeps a builder-usable mode).
func (t *Tree) Chmod(p string, mode uint32) error {
	e, err := t.lookupForChange(p)
	if err != nil {
		return err
	}
	if e.Kind == manifest.Symlink {
		return nil
	}
	e.Mode = mode & 0o7777
	if hostBacked(e.Kind) {
		if err := os.Chmod(t.HostPath(e.Path), hostModeFor(e)); err != nil {
			return fmt.Errorf("tree: %w", err)
		}
	}
	return t.settle(e.Path)
}

// Chtimes implements FS.
func (t *Tree) Chtimes(p string, mtime int64) error {
	e, err := t.lookupForChange(p)
	if err != nil {
		return err
	}
	e.Mtime = mtime
	return t.settle(e.Path)
}

// SetXattr implements FS.
func (t *Tree) SetXattr(p, name string, value []byte) error {
	e, err := t.lookupForChange(p)
	if err != nil {
		return err
	}
	if e.Xattrs == nil {
		e.Xattrs = map[string][]byte{}
	}
	e.Xattrs[name] = append([]byte(nil), value...)
	return nil
}

// Remove implements FS.
func (t *Tree) Remove(p string) error {
	rp, err := t.resolve(p)
	if err != nil {
		return err
	}
	if rp == "/" {
		return fmt.Errorf("tree: refusing to remove the root")
	}
	if err := os.RemoveAll(t.HostPath(rp)); err != nil {
		return fmt.Errorf("tree: %w", err)
	}
	for _, q := range t.m.Remove(rp) {
		delete(t.host, q)
	}
	return nil
}

// Lookup implements FS.
func (t *Tree) Lookup(p string) (*manifest.Entry, error) {
	rp, err := t.resolve(p)
	if err != nil {
		return nil, err
	}
	return t.m.Get(rp), nil
}

// Open implements FS.
func (t *Tree) Open(p string) (io.ReadCloser, error) {
	e, err := t.lookupForChange(p)
	if err != nil {
		return nil, err
	}
	if e.Kind != manifest.File {
		return nil, fmt.Errorf("%s: not a regular file", p)
	}
	f, err := os.Open(t.HostPath(e.Path))
	if err != nil {
		return nil, fmt.Errorf("tree: %w", err)
	}
	return f, nil
}
