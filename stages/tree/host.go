package tree

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"syscall"
	"unsafe"
)

// Host copies are written with as few system calls as give the same
// result: a file is created, written, given its owner, mode and time
// through its descriptor, and its stat is recorded from the descriptor;
// a chmod or chown is made only when the new file's stat shows the
// process's umask or owner did not already give the wanted one.

// Verified is implemented by content readers that check what they deliver
// against a SHA-256 digest (a package payload checks each file against its
// header). WriteFile then uses that digest for the manifest instead of
// hashing the content again.
type Verified interface {
	// VerifiedSHA256 is the hex SHA-256 of the content read, once it has
	// been read to its end and found to match; "" otherwise.
	VerifiedSHA256() string
}

// copyBufSize is the size of the buffer host files are written through.
const copyBufSize = 64 << 10

// fdWriter writes to a file descriptor, hashing what it writes when h is
// set.
type fdWriter struct {
	fd   int
	path string
	h    hash.Hash
	n    int64
}

func (w *fdWriter) Write(b []byte) (int, error) {
	done := 0
	for done < len(b) {
		k, err := syscall.Write(w.fd, b[done:])
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return done, &fs.PathError{Op: "write", Path: w.path, Err: err}
		}
		if k == 0 {
			return done, io.ErrShortWrite
		}
		done += k
	}
	if w.h != nil {
		w.h.Write(b)
	}
	w.n += int64(done)
	return done, nil
}

// createFile creates the host file hp (which must not exist) with r's
// content, mode, owner (when the tree keeps real owners) and mtime. It
// returns the content's size and hex SHA-256, and the file's stat.
func (t *Tree) createFile(hp string, r io.Reader, mode fs.FileMode, uid, gid uint32, mtime int64) (int64, string, hostStat, error) {
	fd, err := openFile(hp, syscall.O_CREAT|syscall.O_EXCL|syscall.O_RDWR|syscall.O_CLOEXEC, uint32(mode))
	if err != nil {
		return 0, "", hostStat{}, err
	}
	n, sum, st, err := t.fillFile(fd, hp, r, mode, uid, gid, mtime)
	if cerr := syscall.Close(fd); err == nil && cerr != nil {
		err = &fs.PathError{Op: "close", Path: hp, Err: cerr}
	}
	return n, sum, st, err
}

func (t *Tree) fillFile(fd int, hp string, r io.Reader, mode fs.FileMode, uid, gid uint32, mtime int64) (int64, string, hostStat, error) {
	w := &fdWriter{fd: fd, path: hp}
	v, verified := r.(Verified)
	if !verified {
		w.h = sha256.New()
	}
	if err := t.copy(w, r); err != nil {
		return 0, "", hostStat{}, errWriting{err}
	}
	var sum string
	if w.h != nil {
		sum = hex.EncodeToString(w.h.Sum(nil))
	} else if sum = v.VerifiedSHA256(); sum == "" {
		// The reader could not vouch for this content: hash what landed.
		var err error
		if sum, err = hashFD(fd, hp, w.n); err != nil {
			return 0, "", hostStat{}, err
		}
	}
	var st syscall.Stat_t
	if err := fstat(fd, hp, &st); err != nil {
		return 0, "", hostStat{}, err
	}
	if st.Mode&0o7777 != uint32(mode) {
		if err := syscall.Fchmod(fd, uint32(mode)); err != nil {
			return 0, "", hostStat{}, &fs.PathError{Op: "chmod", Path: hp, Err: err}
		}
		st.Mode = st.Mode&^0o7777 | uint32(mode)
	}
	if t.realOwners && (st.Uid != uid || st.Gid != gid) {
		if err := syscall.Fchown(fd, int(uid), int(gid)); err != nil {
			return 0, "", hostStat{}, &fs.PathError{Op: "chown", Path: hp, Err: err}
		}
		st.Uid, st.Gid = uid, gid
	}
	// The host copy carries the image's mtime, so tools that check a
	// tree (rpm -V) see what the image will hold.
	if err := futimens(fd, mtime); err != nil {
		return 0, "", hostStat{}, &fs.PathError{Op: "chtimes", Path: hp, Err: err}
	}
	st.Mtim = syscall.Timespec{Sec: mtime}
	st.Size = w.n
	return w.n, sum, statOfSys(&st), nil
}

// copy copies r to w, through the tree's buffer unless r writes itself.
func (t *Tree) copy(w io.Writer, r io.Reader) error {
	if wt, ok := r.(io.WriterTo); ok {
		_, err := wt.WriteTo(w)
		return err
	}
	if t.buf == nil {
		t.buf = make([]byte, copyBufSize)
	}
	_, err := io.CopyBuffer(w, r, t.buf)
	return err
}

// errWriting marks an error met while copying content, which WriteFile
// reports as "writing PATH".
type errWriting struct{ err error }

func (e errWriting) Error() string { return e.err.Error() }
func (e errWriting) Unwrap() error { return e.err }

func openFile(p string, flags int, perm uint32) (int, error) {
	for {
		fd, err := syscall.Open(p, flags, perm)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return -1, &fs.PathError{Op: "open", Path: p, Err: err}
		}
		return fd, nil
	}
}

func fstat(fd int, p string, st *syscall.Stat_t) error {
	if err := syscall.Fstat(fd, st); err != nil {
		return &fs.PathError{Op: "stat", Path: p, Err: err}
	}
	return nil
}

// futimens sets a descriptor's atime and mtime to sec.
func futimens(fd int, sec int64) error {
	ts := [2]syscall.Timespec{{Sec: sec}, {Sec: sec}}
	_, _, e := syscall.Syscall6(syscall.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// hashFD hashes the n bytes written through fd.
func hashFD(fd int, p string, n int64) (string, error) {
	h := sha256.New()
	if n == 0 {
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	buf := make([]byte, min(n, copyBufSize))
	for off := int64(0); ; {
		k, err := syscall.Pread(fd, buf, off)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return "", &fs.PathError{Op: "read", Path: p, Err: err}
		}
		if k == 0 {
			return hex.EncodeToString(h.Sum(nil)), nil
		}
		h.Write(buf[:k])
		off += int64(k)
	}
}

// hostWant is what the host copy of an entry should have; settleHost
// changes only what differs.
type hostWant struct {
	uid, gid uint32
	perm     uint32 // with setMode: permission bits (st_mode & 07777)
	setMode  bool
	mtime    int64 // with setTime: seconds
	setTime  bool
}

// settleHost makes the host copy of p have what w asks (the owner only
// when the tree keeps real owners) and records its stat.
func (t *Tree) settleHost(p string, w hostWant) error {
	hp := t.HostPath(p)
	var st syscall.Stat_t
	if err := syscall.Lstat(hp, &st); err != nil {
		return fmt.Errorf("tree: %w", &fs.PathError{Op: "lstat", Path: hp, Err: err})
	}
	if w.setMode && st.Mode&0o7777 != w.perm {
		if err := syscall.Chmod(hp, w.perm); err != nil {
			return fmt.Errorf("tree: %w", &fs.PathError{Op: "chmod", Path: hp, Err: err})
		}
		st.Mode = st.Mode&^0o7777 | w.perm
	}
	if t.realOwners && (st.Uid != w.uid || st.Gid != w.gid) {
		if err := syscall.Lchown(hp, int(w.uid), int(w.gid)); err != nil {
			return fmt.Errorf("tree: %w", &fs.PathError{Op: "lchown", Path: hp, Err: err})
		}
		st.Uid, st.Gid = w.uid, w.gid
		if st.Mode&syscall.S_IFMT == syscall.S_IFREG {
			st.Mode &^= syscall.S_ISUID | syscall.S_ISGID // as chown(2) does
		}
	}
	if w.setTime && (st.Mtim.Sec != w.mtime || st.Mtim.Nsec != 0) {
		ts := []syscall.Timespec{{Sec: w.mtime}, {Sec: w.mtime}}
		if err := syscall.UtimesNano(hp, ts); err != nil {
			return fmt.Errorf("tree: %w", &fs.PathError{Op: "chtimes", Path: hp, Err: err})
		}
		st.Mtim = syscall.Timespec{Sec: w.mtime}
	}
	t.host[p] = statOfSys(&st)
	return nil
}

// hostIs reports whether the host copy of p was last seen with st_mode
// mode and, when the tree keeps real owners, owner uid:gid.
func (t *Tree) hostIs(p string, mode, uid, gid uint32) bool {
	hs, ok := t.host[p]
	return ok && hs.mode == mode && (!t.realOwners || hs.uid == uid && hs.gid == gid)
}
