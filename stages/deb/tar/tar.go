// Package tar reads the tar archives inside Debian binary packages
// (control.tar and data.tar) exactly as dpkg's own reader does
// (lib/dpkg/tarfn.c), not as GNU tar or Go's archive/tar do:
//
//   - V7, ustar and GNU headers; ustar's prefix field is joined to the name
//     only when the magic is "ustar\0"; numbers in octal (leading spaces,
//     NUL or space terminated) or base-256; the checksum is the unsigned
//     byte sum.
//   - A header that fails to decode ends the archive when its name is
//     empty (a zero block, or anything with a NUL first byte), and is an
//     error otherwise; so is a header with an empty name that decodes. An
//     archive may also simply end on a block boundary; a partial block is
//     an error.
//   - GNU long names and long links ('L', 'K') apply to the next entry
//     that is neither. PAX headers ('x', 'g'), GNU volume, multi-volume,
//     sparse and dump-dir entries, Solaris entries and unknown types are
//     errors, as dpkg refuses them.
//   - Only regular files carry content: the size of any other entry is
//     ignored, the next header following right after it, as in dpkg.
//   - A folder's trailing "/" is dropped.
//
// Where dpkg silently reads a malformed mode or device number as 0, this
// reader refuses it instead; so it does a regular-file entry whose name
// ends in "/" (pre-POSIX tar's folder), which tar_extractor passes on as a
// folder but dpkg's unpacker then creates as a regular file.
//
// Why hand-written: archive/tar accepts what dpkg refuses (PAX headers, so
// paths, sizes and xattrs dpkg never sees), skips the data of non-file
// entries that dpkg reads as headers, and hides the raw header; a package
// must unpack here as dpkg would unpack it.
package tar

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// BlockSize is the tar record size.
const BlockSize = 512

// MaxLongName bounds a GNU long name or link.
const MaxLongName = 1 << 20

// ErrFormat is wrapped by every error about malformed archive bytes.
var ErrFormat = errors.New("malformed tar archive")

// Type is a tar entry type (the header's typeflag).
type Type byte

// The entry types dpkg accepts (after '\0' is read as '0').
const (
	TypeReg     Type = '0'
	TypeLink    Type = '1' // hard link
	TypeSymlink Type = '2'
	TypeChar    Type = '3'
	TypeBlock   Type = '4'
	TypeDir     Type = '5'
	TypeFIFO    Type = '6'
)

// Format is the header format, from its magic.
type Format int

// Header formats.
const (
	FormatV7 Format = iota
	FormatUSTAR
	FormatGNU
)

// The S_IFMT bits Header.Mode carries.
const (
	ModeRegular = 0o100000
	ModeSymlink = 0o120000
	ModeDir     = 0o040000
	ModeChar    = 0o020000
	ModeBlock   = 0o060000
	ModeFIFO    = 0o010000
)

// Header is one archive entry.
type Header struct {
	Name     string // after long names and the ustar prefix; a folder's trailing "/" dropped
	Linkname string
	Type     Type
	Format   Format
	// Mode is the file type bits of Type with the header's permission
	// bits (setuid, setgid and sticky included; anything above 07777
	// dropped, as dpkg 1.22 does).
	Mode         uint32
	UID, GID     uint32
	Uname, Gname string // "" when the field is empty
	Size         int64  // content size; 0 for anything but a regular file
	Mtime        int64
	// Devmajor and Devminor are set for character and block devices only.
	Devmajor, Devminor uint64
	// Offset is where the entry's header starts in the archive (the
	// first long-name header when there is one).
	Offset int64
}

// Reader walks an archive. After Next, Read reads a regular file's content;
// Next skips what was left of it.
type Reader struct {
	r     io.Reader
	off   int64 // bytes consumed
	left  int64 // content not read yet
	pad   int64 // padding after the content
	name  string
	err   error // sticky
	block [BlockSize]byte
	done  bool
}

// NewReader returns a Reader of r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r} }

// Offset is the number of archive bytes consumed so far.
func (t *Reader) Offset() int64 { return t.off }

// Next returns the next entry, or io.EOF at the end of the archive.
func (t *Reader) Next() (*Header, error) {
	if t.err != nil {
		return nil, t.err
	}
	if t.done {
		return nil, io.EOF
	}
	h, err := t.next()
	if err == io.EOF {
		t.done = true
	} else if err != nil {
		t.err = err
	}
	return h, err
}

func (t *Reader) next() (*Header, error) {
	if err := t.skip(); err != nil {
		return nil, err
	}
	var longName, longLink *string
	start := t.off
	for {
		ok, err := t.readBlock()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, io.EOF // a clean end between entries is the end of the archive
		}
		h, name0, err := decode(&t.block)
		if err != nil {
			if name0 == 0 {
				return nil, io.EOF // dpkg: end of tape
			}
			if h != nil {
				return nil, fmt.Errorf("%w: %s (header at offset %d): %w", ErrFormat, h.Name, t.off-BlockSize, err)
			}
			return nil, fmt.Errorf("%w: header at offset %d: %w", ErrFormat, t.off-BlockSize, err)
		}
		switch h.Type {
		case 'L', 'K':
			s, err := t.readLong(h)
			if err != nil {
				return nil, err
			}
			if h.Type == 'L' {
				longName = &s
			} else {
				longLink = &s
			}
			continue
		}
		if longName != nil {
			h.Name = *longName
		}
		if longLink != nil {
			h.Linkname = *longLink
		}
		h.Offset = start
		return t.finish(h)
	}
}

// finish checks the entry's type and name as tar_extractor does.
func (t *Reader) finish(h *Header) (*Header, error) {
	at := h.Offset
	if h.Name == "" {
		return nil, fmt.Errorf("%w: entry at offset %d: invalid tar header with empty name field", ErrFormat, at)
	}
	switch h.Type {
	case TypeReg:
		if strings.HasSuffix(h.Name, "/") {
			// tar_extractor hands it on as a folder, but dpkg's unpacker
			// still creates a regular file, under the name without "/".
			return nil, fmt.Errorf("%w: %s: regular file entry with a name ending in \"/\"", ErrFormat, h.Name)
		}
	case TypeDir:
		h.Name = strings.TrimSuffix(h.Name, "/")
	case TypeLink, TypeSymlink, TypeChar, TypeBlock, TypeFIFO:
	case 'V', 'M', 'S', 'D':
		return nil, t.refuse(h, "unsupported GNU tar header type '%c'")
	case 'X', 'A':
		return nil, t.refuse(h, "unsupported Solaris tar header type '%c'")
	case 'x', 'g':
		return nil, t.refuse(h, "unsupported PAX tar header type '%c'")
	default:
		return nil, t.refuse(h, "unknown tar header type '%c'")
	}
	if h.Type == TypeReg {
		t.left, t.pad = h.Size, (BlockSize-h.Size%BlockSize)%BlockSize
	} else {
		h.Size = 0
	}
	t.name = h.Name
	return h, nil
}

func (t *Reader) refuse(h *Header, format string) error {
	return fmt.Errorf("%w: %s: %s", ErrFormat, h.Name, fmt.Sprintf(format, h.Type))
}

// readBlock reads one record; false at a clean end of input.
func (t *Reader) readBlock() (bool, error) {
	n, err := io.ReadFull(t.r, t.block[:])
	t.off += int64(n)
	switch {
	case err == io.EOF:
		return false, nil
	case err == io.ErrUnexpectedEOF:
		return false, fmt.Errorf("%w: partially read tar header at offset %d", ErrFormat, t.off-int64(n))
	case err != nil:
		return false, err
	}
	return true, nil
}

// readLong reads a GNU long name or link: the header's size in bytes,
// padded to records, read as a string up to its first NUL.
func (t *Reader) readLong(h *Header) (string, error) {
	if h.Size > MaxLongName {
		return "", fmt.Errorf("%w: GNU long name of %d bytes exceeds %d", ErrFormat, h.Size, MaxLongName)
	}
	buf := make([]byte, (h.Size+BlockSize-1)/BlockSize*BlockSize)
	n, err := io.ReadFull(t.r, buf)
	t.off += int64(n)
	if err != nil {
		return "", fmt.Errorf("%w: GNU long name: partially read tar header", ErrFormat)
	}
	return cstring(buf[:h.Size]), nil
}

// skip consumes what is left of the current entry's content and padding.
func (t *Reader) skip() error {
	if n := t.left + t.pad; n > 0 {
		m, err := io.CopyN(io.Discard, t.r, n)
		t.off += m
		t.left, t.pad = 0, 0
		if err != nil {
			return t.short(n-m, err)
		}
	}
	return nil
}

func (t *Reader) short(missing int64, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: %s: archive ends %d bytes early", ErrFormat, t.name, missing)
	}
	return fmt.Errorf("%s: %w", t.name, err)
}

// Read reads the current regular file's content.
func (t *Reader) Read(b []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	if t.left == 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > t.left {
		b = b[:t.left]
	}
	n, err := t.r.Read(b)
	t.off += int64(n)
	t.left -= int64(n)
	if err == io.EOF && t.left > 0 {
		t.err = t.short(t.left+t.pad, err)
		return n, t.err
	}
	if err != nil && err != io.EOF {
		t.err = fmt.Errorf("%s: %w", t.name, err)
		return n, t.err
	}
	if t.left == 0 {
		return n, io.EOF
	}
	return n, nil
}

// decode reads a header block as tar_header_decode does. It also returns
// the first byte of the name field, which tells the end of the archive
// from a corrupt header.
func decode(b *[BlockSize]byte) (*Header, byte, error) {
	h := &Header{}
	magic := string(b[257:263])
	switch {
	case magic == "ustar ":
		h.Format = FormatGNU
	case magic == "ustar\x00":
		h.Format = FormatUSTAR
	}
	h.Type = Type(b[156])
	if h.Type == 0 {
		h.Type = TypeReg
	}
	h.Name = cstring(b[0:100])
	first := b[0]
	if h.Format == FormatUSTAR && b[345] != 0 {
		h.Name = cstring(b[345:500]) + "/" + h.Name
		first = b[345]
	}
	h.Linkname = cstring(b[157:257])
	mode, err := atoul(b[100:108], math.MaxUint32)
	if err != nil {
		return h, first, fmt.Errorf("invalid tar header mode field")
	}
	h.Mode = typeBits(h.Type) | uint32(mode)&0o7777
	size, err := atoul(b[124:136], math.MaxInt64)
	if err != nil {
		return h, first, fmt.Errorf("invalid tar header size field")
	}
	h.Size = int64(size)
	if h.Mtime, err = atosl(b[136:148]); err != nil {
		return h, first, fmt.Errorf("invalid tar header mtime field")
	}
	if h.Type == TypeChar || h.Type == TypeBlock {
		if h.Devmajor, err = atoul(b[329:337], math.MaxUint32); err != nil {
			return h, first, fmt.Errorf("invalid tar header devmajor field")
		}
		if h.Devminor, err = atoul(b[337:345], math.MaxUint32); err != nil {
			return h, first, fmt.Errorf("invalid tar header devminor field")
		}
	}
	h.Uname, h.Gname = cstring(b[265:297]), cstring(b[297:329])
	uid, err := atoul(b[108:116], math.MaxUint32)
	if err != nil {
		return h, first, fmt.Errorf("invalid tar header uid field")
	}
	gid, err := atoul(b[116:124], math.MaxUint32)
	if err != nil {
		return h, first, fmt.Errorf("invalid tar header gid field")
	}
	h.UID, h.GID = uint32(uid), uint32(gid)
	sum, err := atol8(b[148:156])
	if err != nil {
		return h, first, fmt.Errorf("invalid tar header checksum field")
	}
	if sum != checksum(b) {
		return h, first, fmt.Errorf("invalid tar header checksum")
	}
	return h, first, nil
}

func typeBits(t Type) uint32 {
	switch t {
	case TypeReg, TypeLink:
		return ModeRegular
	case TypeSymlink:
		return ModeSymlink
	case TypeDir:
		return ModeDir
	case TypeChar:
		return ModeChar
	case TypeBlock:
		return ModeBlock
	case TypeFIFO:
		return ModeFIFO
	}
	return 0
}

// checksum sums the header's bytes as unsigned, the checksum field
// counted as spaces.
func checksum(b *[BlockSize]byte) uint64 {
	var s uint64
	for i, c := range b {
		if i >= 148 && i < 156 {
			c = ' '
		}
		s += uint64(c)
	}
	return s
}

func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

var (
	errRange = errors.New("out of range")
	errValue = errors.New("invalid number")
)

// atol8 reads an octal field as tar_atol8 does: leading spaces, then
// octal digits up to a NUL or space, then only NULs and spaces. A field of
// spaces only is invalid; an empty (all-NUL) one is 0.
func atol8(b []byte) (uint64, error) {
	i := 0
	for i < len(b) && b[i] == ' ' {
		i++
	}
	if i == len(b) {
		return 0, errValue
	}
	var n uint64
	for ; i < len(b) && b[i] != 0 && b[i] != ' '; i++ {
		c := b[i]
		if c < '0' || c > '7' {
			return 0, errRange
		}
		if n > math.MaxUint64>>3 {
			return 0, errRange
		}
		n = n<<3 | uint64(c-'0')
	}
	for ; i < len(b); i++ {
		if b[i] != 0 && b[i] != ' ' {
			return 0, errValue
		}
	}
	return n, nil
}

// atol256 reads a base-256 two's complement field (first byte 0x80 for a
// positive number, 0xff for a negative one) as a signed value.
func atol256(b []byte) (int64, error) {
	neg := b[0] == 0xff
	var n uint64
	if neg {
		n = math.MaxUint64
	}
	c := b[0]
	if c == 0x80 {
		c = 0
	}
	sign := byte(0)
	if neg {
		sign = 0xff
	}
	rest := b[1:]
	for len(rest)+1 > 8 { // the bytes that do not fit must repeat the sign
		if c != sign {
			return 0, errRange
		}
		c, rest = rest[0], rest[1:]
	}
	if c&0x80 != sign&0x80 {
		return 0, errRange
	}
	n = n<<8 | uint64(c)
	for _, c := range rest {
		n = n<<8 | uint64(c)
	}
	return int64(n), nil
}

// atoul reads an unsigned field, base-256 or octal, up to max.
func atoul(b []byte, max uint64) (uint64, error) {
	if b[0] == 0x80 || b[0] == 0xff {
		v, err := atol256(b)
		if err != nil || v < 0 || uint64(v) > max {
			return 0, errRange
		}
		return uint64(v), nil
	}
	v, err := atol8(b)
	if err != nil {
		return 0, err
	}
	if v > max {
		return 0, errRange
	}
	return v, nil
}

// atosl reads a signed field (mtime).
func atosl(b []byte) (int64, error) {
	if b[0] == 0x80 || b[0] == 0xff {
		return atol256(b)
	}
	v, err := atol8(b)
	if err != nil {
		return 0, err
	}
	if v > math.MaxInt64 {
		return 0, errRange
	}
	return int64(v), nil
}
