// Package ar reads the Unix "ar" archives that hold Debian binary packages,
// member by member and streaming, with the rules of dpkg's lib/dpkg/ar.c:
// the "!<arch>\n" magic, 60-byte member headers ending in "`\n", names with
// trailing spaces and an optional GNU "/" terminator dropped, sizes in
// decimal, and each member padded to an even offset with one byte.
//
// Only what dpkg reads of a header is interpreted (name and size); the
// date, owner, group and mode fields are kept as text and not validated.
// GNU and BSD long-name tables are not supported, as dpkg does not support
// them either: a .deb's member names fit in 16 bytes.
//
// Errors wrap ErrFormat and name the member at fault.
package ar

import (
	"errors"
	"fmt"
	"io"
)

// Magic starts every ar archive.
const Magic = "!<arch>\n"

// HeaderSize is the size of a member header.
const HeaderSize = 60

// ErrFormat is wrapped by every error about malformed archive bytes.
var ErrFormat = errors.New("malformed ar archive")

// Header is one member header.
type Header struct {
	Name   string // trailing spaces and a trailing "/" dropped, as dpkg does
	Size   int64  // the member's size in bytes, without padding
	Offset int64  // where the member's data starts in the archive
	// Date, UID, GID and Mode are the other header fields as stored
	// (space-padded text); dpkg ignores them.
	Date, UID, GID, Mode string
}

// Reader walks the members of an archive. After Next, Read reads the
// member's data; Next skips what was left unread and the padding byte.
type Reader struct {
	r      io.Reader
	off    int64 // bytes consumed from r
	left   int64 // data of the current member not read yet
	pad    int64 // padding after the current member
	name   string
	err    error // sticky
	header [HeaderSize]byte
}

// NewReader checks the archive magic and returns a Reader positioned at the
// first member header.
func NewReader(r io.Reader) (*Reader, error) {
	var m [len(Magic)]byte
	n, err := io.ReadFull(r, m[:])
	if err != nil {
		if n == 0 && err == io.EOF {
			return nil, fmt.Errorf("%w: empty file", ErrFormat)
		}
		return nil, fmt.Errorf("%w: archive magic: %w", ErrFormat, noEOF(err))
	}
	if string(m[:]) != Magic {
		return nil, fmt.Errorf("%w: bad archive magic %q", ErrFormat, m[:])
	}
	return &Reader{r: r, off: int64(len(Magic))}, nil
}

// Next reads the next member header. It returns io.EOF when the archive
// ends cleanly after a member (or has none).
func (a *Reader) Next() (*Header, error) {
	if a.err != nil {
		return nil, a.err
	}
	h, err := a.next()
	if err != nil {
		a.err = err
	}
	return h, err
}

func (a *Reader) next() (*Header, error) {
	if err := a.skip(); err != nil {
		return nil, err
	}
	n, err := io.ReadFull(a.r, a.header[:])
	a.off += int64(n)
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("%w: member header after %s: %w", ErrFormat, a.after(), noEOF(err))
	}
	h, err := parseHeader(a.header[:])
	if err != nil {
		return nil, fmt.Errorf("%w: member header after %s: %w", ErrFormat, a.after(), err)
	}
	h.Offset = a.off
	a.name, a.left, a.pad = h.Name, h.Size, h.Size&1
	return h, nil
}

func (a *Reader) after() string {
	if a.name == "" {
		return "the archive magic"
	}
	return "member " + a.name
}

// skip consumes the rest of the current member and its padding.
func (a *Reader) skip() error {
	if a.left > 0 {
		n, err := io.CopyN(io.Discard, a.r, a.left)
		a.off += n
		a.left -= n
		if err != nil {
			return a.truncated(err)
		}
	}
	if a.pad > 0 {
		var b [1]byte
		n, err := io.ReadFull(a.r, b[:])
		a.off += int64(n)
		a.pad = 0
		if err != nil {
			return fmt.Errorf("%w: member %s: padding: %w", ErrFormat, a.name, noEOF(err))
		}
	}
	return nil
}

func (a *Reader) truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: member %s: archive truncated, %d bytes missing", ErrFormat, a.name, a.left)
	}
	return fmt.Errorf("member %s: %w", a.name, err)
}

// Read reads the current member's data.
func (a *Reader) Read(b []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	if a.left == 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > a.left {
		b = b[:a.left]
	}
	n, err := a.r.Read(b)
	a.off += int64(n)
	a.left -= int64(n)
	if err == io.EOF && a.left > 0 {
		a.err = a.truncated(err)
		return n, a.err
	}
	if err != nil && err != io.EOF {
		return n, fmt.Errorf("member %s: %w", a.name, err)
	}
	if a.left == 0 {
		return n, io.EOF
	}
	return n, nil
}

// parseHeader reads a header as dpkg does (dpkg_ar_member_is_illegal,
// dpkg_ar_normalize_name, dpkg_ar_member_get_size).
func parseHeader(b []byte) (*Header, error) {
	if b[58] != '`' || b[59] != '\n' {
		return nil, fmt.Errorf("bad header magic %q", b[58:60])
	}
	size, err := parseSize(b[48:58])
	if err != nil {
		return nil, fmt.Errorf("member %q: %w", normalizeName(b[0:16]), err)
	}
	return &Header{Name: normalizeName(b[0:16]), Size: size,
		Date: string(b[16:28]), UID: string(b[28:34]), GID: string(b[34:40]), Mode: string(b[40:48])}, nil
}

// normalizeName drops trailing spaces and then one trailing "/". As in
// dpkg, the name is then read as a C string: it ends at a NUL.
func normalizeName(b []byte) string {
	i := len(b)
	for i > 0 && b[i-1] == ' ' {
		i--
	}
	if i > 0 && b[i-1] == '/' {
		i--
	}
	for j := 0; j < i; j++ {
		if b[j] == 0 {
			return string(b[:j])
		}
	}
	return string(b[:i])
}

// parseSize reads the decimal size: leading spaces skipped, digits up to
// the first space or the end of the field; anything else is an error.
func parseSize(b []byte) (int64, error) {
	i := 0
	for i < len(b) && b[i] == ' ' {
		i++
	}
	var n int64
	for ; i < len(b) && b[i] != ' '; i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("invalid character %q in size", c)
		}
		n = n*10 + int64(c-'0') // 10 digits cannot overflow
	}
	return n, nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
