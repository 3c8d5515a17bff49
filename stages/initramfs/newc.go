package initramfs

import (
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// File types of cpio entry modes.
const (
	modeDir  = 0o040000
	modeReg  = 0o100000
	modeLink = 0o120000
	modeChr  = 0o020000
)

// entry is one member of the archive.
type entry struct {
	path         string // relative, clean, no leading "/"
	mode         uint32 // type and permission bits
	data         []byte // regular file content or symlink target
	major, minor uint32 // device numbers of device nodes
}

// tree collects entries and adds missing parent directories (0755).
type tree map[string]entry

func (t tree) add(e entry) error {
	e.path = strings.TrimPrefix(path.Clean("/"+e.path), "/")
	if e.path == "" {
		return fmt.Errorf("initramfs: cannot add the root directory as an entry")
	}
	if old, ok := t[e.path]; ok && !(old.mode&modeDir != 0 && e.mode == old.mode) {
		return fmt.Errorf("initramfs: %s added twice", e.path)
	}
	t[e.path] = e
	for d := path.Dir(e.path); d != "."; d = path.Dir(d) {
		if _, ok := t[d]; !ok {
			t[d] = entry{path: d, mode: modeDir | 0o755}
		}
	}
	return nil
}

// writeNewc writes the entries in path order (so every directory comes
// before its contents), inode numbers counting from 1 in that order, all
// owned by 0:0 with mtime epoch, then the trailer.
func writeNewc(w io.Writer, t tree, epoch int64) error {
	paths := make([]string, 0, len(t))
	for p := range t {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	subdirs := map[string]int{}
	for _, p := range paths {
		if t[p].mode&0o170000 == modeDir {
			subdirs[path.Dir(p)]++
		}
	}
	for i, p := range paths {
		e := t[p]
		nlink := 1
		if e.mode&0o170000 == modeDir {
			nlink = 2 + subdirs[p]
		}
		h := newcHeader{ino: uint32(i + 1), mode: e.mode, nlink: uint32(nlink), mtime: uint32(epoch),
			size: uint32(len(e.data)), rmajor: e.major, rminor: e.minor}
		if err := h.write(w, p, e.data); err != nil {
			return err
		}
	}
	return newcHeader{nlink: 1}.write(w, "TRAILER!!!", nil)
}

type newcHeader struct {
	ino, mode, nlink, mtime, size, rmajor, rminor uint32
}

// write writes the header, the NUL-terminated name and the data, each
// padded to 4 bytes; uid, gid, the archived file's device and the check
// field are 0.
func (h newcHeader) write(w io.Writer, name string, data []byte) error {
	hdr := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		h.ino, h.mode, 0, 0, h.nlink, h.mtime, h.size, 0, 0, h.rmajor, h.rminor, len(name)+1, 0)
	buf := make([]byte, 0, len(hdr)+len(name)+4+len(data)+3)
	buf = append(buf, hdr...)
	buf = append(buf, name...)
	buf = append(buf, 0)
	buf = pad4(buf)
	buf = append(buf, data...)
	buf = pad4(buf)
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("initramfs: write %s: %w", name, err)
	}
	return nil
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}
