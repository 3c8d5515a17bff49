package tree

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/disco-build/disco/stages/manifest"
)

// hostStat is what identifies a host file's version cheaply.
type hostStat struct {
	size  int64
	mtime int64
	ino   uint64
	mode  uint32 // st_mode
	uid   uint32
	gid   uint32
}

func statOf(fi fs.FileInfo) hostStat {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return statOfSys(st)
	}
	return hostStat{size: fi.Size(), mtime: fi.ModTime().UnixNano(), mode: uint32(fi.Mode())}
}

func statOfSys(st *syscall.Stat_t) hostStat {
	return hostStat{size: st.Size, mtime: st.Mtim.Sec*1e9 + st.Mtim.Nsec, ino: st.Ino, mode: st.Mode, uid: st.Uid, gid: st.Gid}
}

func (t *Tree) record(p string) {
	if fi, err := os.Lstat(t.HostPath(p)); err == nil {
		t.host[p] = statOf(fi)
	}
}

// Change is what Sync found a program did to the tree.
type Change struct {
	Path   string
	Change string // "added", "removed", "changed"
}

// Sync folds what programs run inside the tree (scriptlets, generator
// scriptlets) did on the host back into the manifest: new paths are added
// (mode from the host, mtime epoch, the given source), removed ones
// dropped, changed ones rehashed. Owners come from the host when the tree
// keeps real owners (built as root); otherwise new paths are root's and
// changed ones keep theirs, since an unprivileged program cannot have
// changed an owner. Entries that exist only in the manifest (devices,
// FIFOs) are kept. It returns the changes, sorted by path.
func (t *Tree) Sync(source string) ([]Change, error) {
	var changes []Change
	seen := map[string]bool{"/": true}
	err := filepath.WalkDir(t.dir, func(hp string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(t.dir, hp)
		p := path.Join("/", filepath.ToSlash(rel))
		if p == "/" {
			return nil
		}
		seen[p] = true
		fi, err := d.Info()
		if err != nil {
			return err
		}
		c, err := t.syncOne(p, fi, source)
		if c != "" {
			changes = append(changes, Change{Path: p, Change: c})
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tree: sync: %w", err)
	}
	for _, p := range t.m.Paths() {
		e := t.m.Get(p)
		if !seen[p] && hostBacked(e.Kind) {
			t.m.Remove(p)
			delete(t.host, p)
			changes = append(changes, Change{Path: p, Change: "removed"})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes, nil
}

func hostModeFor(e *manifest.Entry) fs.FileMode {
	switch e.Kind {
	case manifest.Dir:
		return hostDirMode(e.Mode)
	case manifest.File:
		return hostFileMode(e.Mode)
	}
	return 0o777
}

func hostBacked(k manifest.Kind) bool {
	return k == manifest.File || k == manifest.Dir || k == manifest.Symlink
}

func (t *Tree) syncOne(p string, fi fs.FileInfo, source string) (string, error) {
	st := statOf(fi)
	e := t.m.Get(p)
	if e != nil && t.host[p] == st && kindOf(fi) == e.Kind {
		return "", nil
	}
	ne, err := t.entryFromHost(p, fi, source)
	if err != nil || ne == nil {
		return "", err
	}
	if st, err = t.unsetID(p, ne, st); err != nil {
		return "", err
	}
	change := "added"
	if e != nil {
		change = "changed"
		ne.Xattrs, ne.Config = e.Xattrs, e.Config
		if ne.Kind == e.Kind && fs.FileMode(ne.Mode) == hostModeFor(e) {
			ne.Mode = e.Mode // the host copy's mode is disco's, not a program's
		}
		if !t.realOwners {
			ne.UID, ne.GID = e.UID, e.GID
		}
		if ne.Kind == e.Kind && ne.SHA256 == e.SHA256 && ne.Target == e.Target && ne.Mode == e.Mode && ne.UID == e.UID && ne.GID == e.GID {
			t.host[p] = st
			return "", nil
		}
	}
	t.host[p] = st
	return change, t.m.Put(ne)
}

// unsetID clears the setuid and setgid bits a program set on the host
// copy of a regular file, as WriteFile never sets them: the manifest keeps
// them, the host keeps no program that runs as its owner for whoever can
// reach the tree. It returns the host stat after the change.
func (t *Tree) unsetID(p string, e *manifest.Entry, st hostStat) (hostStat, error) {
	if e.Kind != manifest.File || st.mode&(syscall.S_ISUID|syscall.S_ISGID) == 0 {
		return st, nil
	}
	hp := t.HostPath(p)
	if err := os.Chmod(hp, hostFileMode(e.Mode)); err != nil {
		return st, fmt.Errorf("tree: sync: %w", err)
	}
	fi, err := os.Lstat(hp)
	if err != nil {
		return st, fmt.Errorf("tree: sync: %w", err)
	}
	return statOf(fi), nil
}

func kindOf(fi fs.FileInfo) manifest.Kind {
	switch m := fi.Mode(); {
	case m.IsDir():
		return manifest.Dir
	case m&fs.ModeSymlink != 0:
		return manifest.Symlink
	case m.IsRegular():
		return manifest.File
	}
	return ""
}

func (t *Tree) entryFromHost(p string, fi fs.FileInfo, source string) (*manifest.Entry, error) {
	e := &manifest.Entry{Path: p, Kind: kindOf(fi), Mode: uint32(fi.Mode().Perm()), Mtime: t.epoch, Source: source}
	if fi.Mode()&fs.ModeSetuid != 0 {
		e.Mode |= 0o4000
	}
	if fi.Mode()&fs.ModeSetgid != 0 {
		e.Mode |= 0o2000
	}
	if fi.Mode()&fs.ModeSticky != 0 {
		e.Mode |= 0o1000
	}
	if t.realOwners {
		st := statOf(fi)
		e.UID, e.GID = st.uid, st.gid
	}
	switch e.Kind {
	case manifest.Symlink:
		target, err := os.Readlink(t.HostPath(p))
		if err != nil {
			return nil, err
		}
		e.Mode, e.Target, e.Size = 0o777, target, int64(len(target))
	case manifest.File:
		sum, n, err := hashFile(t.HostPath(p))
		if err != nil {
			return nil, err
		}
		e.SHA256, e.Size = sum, n
	case manifest.Dir:
	default:
		return nil, fmt.Errorf("%s: a program left a %v on the host; declare devices and FIFOs instead", p, fi.Mode().Type())
	}
	return e, nil
}

func hashFile(hp string) (string, int64, error) {
	f, err := os.Open(hp)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
