// Package cpio streams the cpio archives that carry RPM payloads.
//
// It reads the two entry layouts rpm writes and reads (rpm's lib/cpio.c):
//
//   - "070701" (SVR4 new ASCII, "newc"; "070702" is accepted and its checksum
//     ignored, as rpm does): a 110-byte header of hex fields, the NUL-terminated
//     name padded to 4 bytes, then the data padded to 4 bytes;
//   - "07070X" (rpm's stripped layout, used for files of 4 GiB or more and by
//     rpm v6): the magic and an 8-hex-digit index into the RPM header's file
//     list, padded to 16 bytes. The entry carries no metadata and no size: the
//     caller looks the file up in the header and declares the size with
//     SetSize before reading.
//
// Both end with a newc entry named "TRAILER!!!".
//
// Entry points: NewReader, then Reader.Next / Reader.Read. Malformed input
// gives errors wrapping ErrFormat and naming the offset; nothing panics.
//
// It is hand-written rather than taken from a cpio library because none of
// them knows the stripped 07070X layout, whose entry size comes from outside
// the archive.
package cpio

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// ErrFormat is wrapped by every error about malformed archive bytes.
var ErrFormat = errors.New("malformed cpio archive")

const (
	magicNewc     = "070701"
	magicCRC      = "070702"
	magicStripped = "07070X"
	trailerName   = "TRAILER!!!"
	newcFields    = 13
	// MaxNameSize is rpm's CPIO_NAMESIZE_MAX: longer names are rejected.
	MaxNameSize = 4096
)

// Header is one archive entry. For a stripped entry only Stripped and Index
// are set, and Size stays 0 until SetSize.
type Header struct {
	Stripped bool
	Index    int // file index into the RPM header (stripped entries only)

	Name      string
	Inode     uint32
	Mode      uint32
	UID, GID  uint32
	Nlink     uint32
	Mtime     uint32
	Size      int64
	DevMajor  uint32
	DevMinor  uint32
	RdevMajor uint32
	RdevMinor uint32
	Check     uint32
}

// Reader reads entries from a cpio stream in order.
type Reader struct {
	r         *bufio.Reader
	off       int64 // bytes consumed from the stream
	remaining int64 // unread data bytes of the current entry
	cur       *Header
	sizeSet   bool
	done      bool
	err       error // sticky error
}

// NewReader returns a Reader positioned at the first entry of r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10)}
}

// Offset is the number of archive bytes consumed so far.
func (r *Reader) Offset() int64 { return r.off }

func (r *Reader) formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: at offset %d: %s", ErrFormat, r.off, fmt.Sprintf(format, args...))
}

// Next skips what is left of the current entry and returns the next header.
// It returns io.EOF after the trailer.
func (r *Reader) Next() (*Header, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.done {
		return nil, io.EOF
	}
	h, err := r.next()
	if err != nil {
		if err != io.EOF {
			r.err = err
		}
		return nil, err
	}
	return h, nil
}

func (r *Reader) next() (*Header, error) {
	if err := r.skip(r.remaining); err != nil {
		return nil, err
	}
	r.remaining, r.cur, r.sizeSet = 0, nil, false
	if err := r.pad(); err != nil {
		return nil, err
	}
	var magic [6]byte
	if err := r.full(magic[:], "entry magic"); err != nil {
		return nil, err
	}
	switch string(magic[:]) {
	case magicStripped:
		return r.stripped()
	case magicNewc, magicCRC:
		return r.newc()
	}
	return nil, r.formatErr("bad entry magic %q", magic[:])
}

func (r *Reader) stripped() (*Header, error) {
	var buf [8]byte
	if err := r.full(buf[:], "stripped header"); err != nil {
		return nil, err
	}
	fx, err := parseHex(buf[:])
	if err != nil {
		return nil, r.formatErr("stripped header: file index: %v", err)
	}
	if err := r.pad(); err != nil {
		return nil, err
	}
	if fx == 0xffffffff { // rpm's end marker (-1)
		r.done = true
		return nil, io.EOF
	}
	if fx > 1<<30 {
		return nil, r.formatErr("stripped header: file index %d out of range", fx)
	}
	h := &Header{Stripped: true, Index: int(fx)}
	r.cur = h
	return h, nil
}

func (r *Reader) newc() (*Header, error) {
	var buf [newcFields * 8]byte
	if err := r.full(buf[:], "newc header"); err != nil {
		return nil, err
	}
	var f [newcFields]uint32
	for i := range f {
		v, err := parseHex(buf[i*8 : i*8+8])
		if err != nil {
			return nil, r.formatErr("newc header field %d: %v", i, err)
		}
		f[i] = v
	}
	h := &Header{Index: -1, Inode: f[0], Mode: f[1], UID: f[2], GID: f[3], Nlink: f[4],
		Mtime: f[5], Size: int64(f[6]), DevMajor: f[7], DevMinor: f[8],
		RdevMajor: f[9], RdevMinor: f[10], Check: f[12]}
	name, err := r.name(f[11])
	if err != nil {
		return nil, err
	}
	h.Name = name
	if name == trailerName {
		r.done = true
		return nil, io.EOF
	}
	r.cur, r.remaining, r.sizeSet = h, h.Size, true
	return h, nil
}

func (r *Reader) name(size uint32) (string, error) {
	if size == 0 || size > MaxNameSize {
		return "", r.formatErr("name size %d out of range 1..%d", size, MaxNameSize)
	}
	buf := make([]byte, size)
	if err := r.full(buf, "entry name"); err != nil {
		return "", err
	}
	if buf[size-1] != 0 {
		return "", r.formatErr("entry name is not NUL-terminated")
	}
	for _, c := range buf[:size-1] {
		if c == 0 {
			return "", r.formatErr("entry name contains NUL")
		}
	}
	if err := r.pad(); err != nil {
		return "", err
	}
	return string(buf[:size-1]), nil
}

// SetSize declares the data size of the current stripped entry, which the
// archive does not record (rpm takes it from the header). It may be called
// once per stripped entry, before Read.
func (r *Reader) SetSize(n int64) error {
	if r.cur == nil || !r.cur.Stripped {
		return fmt.Errorf("cpio: SetSize on an entry that is not stripped")
	}
	if r.sizeSet {
		return fmt.Errorf("cpio: SetSize called twice for entry %d", r.cur.Index)
	}
	if n < 0 {
		return fmt.Errorf("cpio: negative size %d for entry %d", n, r.cur.Index)
	}
	r.cur.Size, r.remaining, r.sizeSet = n, n, true
	return nil
}

// Read reads data of the current entry; it returns io.EOF at its end.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.cur == nil {
		return 0, io.EOF
	}
	if r.cur.Stripped && !r.sizeSet {
		return 0, fmt.Errorf("cpio: Read of stripped entry %d before SetSize", r.cur.Index)
	}
	if r.remaining <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.remaining {
		p = p[:r.remaining]
	}
	n, err := r.r.Read(p)
	r.off += int64(n)
	r.remaining -= int64(n)
	if err == io.EOF {
		if r.remaining > 0 {
			r.err = r.formatErr("archive ends inside entry data (%d bytes missing)", r.remaining)
			return n, r.err
		}
		err = nil
	}
	if err != nil {
		r.err = err
	}
	return n, err
}

func (r *Reader) skip(n int64) error {
	for n > 0 {
		got, err := r.r.Discard(int(min(n, 1<<20)))
		r.off += int64(got)
		r.remaining -= int64(got)
		n -= int64(got)
		if err == io.EOF {
			return r.formatErr("archive ends inside entry data (%d bytes missing)", n)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// pad consumes the zero bytes that align the stream to 4 bytes.
func (r *Reader) pad() error {
	n := (4 - r.off%4) % 4
	if n == 0 {
		return nil
	}
	var buf [3]byte
	return r.full(buf[:n], "padding")
}

func (r *Reader) full(buf []byte, what string) error {
	n, err := io.ReadFull(r.r, buf)
	r.off += int64(n)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return r.formatErr("archive truncated in %s", what)
	}
	return err
}

func parseHex(b []byte) (uint32, error) {
	var v uint32
	for _, c := range b {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, fmt.Errorf("not a hex digit: %q", c)
		}
		v = v<<4 | uint32(d)
	}
	return v, nil
}
