package rpm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrFormat is wrapped by every error about malformed package bytes.
var ErrFormat = errors.New("malformed rpm")

// headerMagic opens every header: 3 magic bytes, version 1, 4 reserved zeros.
var headerMagic = [8]byte{0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0}

// Limits rpm itself applies when reading a header (lib/header_internal.h).
const (
	MaxHeaderTags = 0xffff     // index entries
	MaxHeaderData = 0x0fffffff // data store bytes (256 MiB)
	entrySize     = 16
	regionSize    = 16 // the region trailer: one index entry stored in the data
)

// Header is one parsed header: the signature header or the main header.
// Every entry was checked against the data store when the header was read,
// so the typed accessors never fail; they return zero values when the tag is
// absent or has another type.
type Header struct {
	raw     []byte
	entries []Entry
	index   map[Tag]int // first entry with each tag; lookup only
	region  *Region
}

// Entry is one index entry and the data it points to.
type Entry struct {
	Tag    Tag
	Type   Type
	Offset int32  // into the data store, as stored
	Count  uint32 // number of elements, as stored
	Data   []byte // the element bytes, sliced from the data store
}

// Region is the immutable region a header opens with: the first IndexCount
// index entries (the region entry included) and the first DataLength bytes
// of the data store (through the 16-byte trailer). Signatures and rpmdb
// digests cover exactly this part.
type Region struct {
	Tag        Tag // TagHeaderImmutable, TagHeaderSignatures or legacy TagHeaderImage
	IndexCount int
	DataLength int
}

// ReadHeader reads one header (magic, counts, index, data store) from r.
func ReadHeader(r io.Reader) (*Header, error) {
	var intro [16]byte
	if _, err := io.ReadFull(r, intro[:]); err != nil {
		return nil, fmt.Errorf("%w: header intro: %w", ErrFormat, noEOF(err))
	}
	il, dl, err := checkIntro(intro[:])
	if err != nil {
		return nil, err
	}
	raw, err := readN(r, intro[:], int64(il)*entrySize+int64(dl))
	if err != nil {
		return nil, fmt.Errorf("%w: header of %d entries, %d data bytes: %w", ErrFormat, il, dl, noEOF(err))
	}
	return ParseHeader(raw)
}

// ParseHeader parses a header held whole in b, which must hold exactly one
// header. The Header keeps b.
func ParseHeader(b []byte) (*Header, error) {
	if len(b) < 16 {
		return nil, fmt.Errorf("%w: header of %d bytes is too short", ErrFormat, len(b))
	}
	il, dl, err := checkIntro(b[:16])
	if err != nil {
		return nil, err
	}
	if want := 16 + int64(il)*entrySize + int64(dl); int64(len(b)) != want {
		return nil, fmt.Errorf("%w: header is %d bytes, its counts say %d", ErrFormat, len(b), want)
	}
	h := &Header{raw: b, index: make(map[Tag]int, il)}
	idx := b[16 : 16+il*entrySize]
	store := b[16+il*entrySize:]
	for i := 0; i < il; i++ {
		e, err := parseEntry(idx[i*entrySize:], store, i)
		if err != nil {
			return nil, err
		}
		if _, dup := h.index[e.Tag]; !dup {
			h.index[e.Tag] = i
		}
		h.entries = append(h.entries, e)
	}
	if err := h.parseRegion(store); err != nil {
		return nil, err
	}
	h.applyDribbles()
	return h, nil
}

// applyDribbles makes entries past the region (rpm's "dribbles": what rpm
// added when it installed the package, in a header read back from an
// rpmdb) replace region entries of the same tag, as rpm's headerImport
// does; a BASENAMES dribble also hides OLDFILENAMES. Entries still lists
// them all.
func (h *Header) applyDribbles() {
	if h.region == nil {
		return
	}
	ril := h.region.IndexCount
	for i := ril; i < len(h.entries); i++ {
		t := h.entries[i].Tag
		if j, ok := h.index[t]; ok && j >= ril {
			continue // an earlier dribble of the tag
		}
		h.index[t] = i
		if t == TagBaseNames {
			delete(h.index, TagOldFilenames)
		}
	}
}

func checkIntro(b []byte) (il, dl int, err error) {
	if !bytes.Equal(b[:8], headerMagic[:]) {
		return 0, 0, fmt.Errorf("%w: bad header magic % x", ErrFormat, b[:8])
	}
	nil32 := binary.BigEndian.Uint32(b[8:])
	ndl := binary.BigEndian.Uint32(b[12:])
	if nil32 < 1 || nil32 > MaxHeaderTags {
		return 0, 0, fmt.Errorf("%w: header has %d entries (allowed 1..%d)", ErrFormat, nil32, MaxHeaderTags)
	}
	if ndl > MaxHeaderData {
		return 0, 0, fmt.Errorf("%w: header data of %d bytes exceeds %d", ErrFormat, ndl, MaxHeaderData)
	}
	return int(nil32), int(ndl), nil
}

func parseEntry(b, store []byte, i int) (Entry, error) {
	e := Entry{
		Tag:    Tag(binary.BigEndian.Uint32(b)),
		Type:   Type(binary.BigEndian.Uint32(b[4:])),
		Offset: int32(binary.BigEndian.Uint32(b[8:])),
		Count:  binary.BigEndian.Uint32(b[12:]),
	}
	bad := func(msg string, args ...any) (Entry, error) {
		return Entry{}, fmt.Errorf("%w: header entry %d (tag %d, %s): %s", ErrFormat, i, e.Tag, e.Type, fmt.Sprintf(msg, args...))
	}
	if e.Type < TypeChar || e.Type > TypeI18NString {
		return bad("invalid type")
	}
	if e.Offset < 0 || int(e.Offset) >= len(store) {
		return bad("offset %d outside data store of %d bytes", e.Offset, len(store))
	}
	if e.Count < 1 {
		return bad("count 0")
	}
	if sz := e.Type.size(); sz > 1 && int(e.Offset)%sz != 0 {
		return bad("offset %d not aligned to %d", e.Offset, sz)
	}
	n, err := dataLength(e.Type, e.Count, store[e.Offset:])
	if err != nil {
		return bad("%v", err)
	}
	e.Data = store[e.Offset : int(e.Offset)+n]
	return e, nil
}

// dataLength is the byte length of count elements of type t at the start of b.
func dataLength(t Type, count uint32, b []byte) (int, error) {
	if t == TypeString && count != 1 {
		return 0, fmt.Errorf("string with count %d", count)
	}
	if t.isString() {
		n := 0
		for k := uint32(0); k < count; k++ {
			end := bytes.IndexByte(b[n:], 0)
			if end < 0 {
				return 0, fmt.Errorf("string %d of %d runs past the data store", k+1, count)
			}
			n += end + 1
		}
		return n, nil
	}
	size := uint64(1)
	if t != TypeBin {
		size = uint64(t.size())
	}
	if n := uint64(count) * size; n <= uint64(len(b)) {
		return int(n), nil
	}
	return 0, fmt.Errorf("%d elements run past the data store", count)
}

// parseRegion checks the region trailer when the first entry is a region tag,
// as rpm's hdrblobVerifyRegion does.
func (h *Header) parseRegion(store []byte) error {
	first := h.entries[0]
	if first.Tag != TagHeaderImmutable && first.Tag != TagHeaderSignatures && first.Tag != TagHeaderImage {
		return nil // a legacy header without a region
	}
	bad := func(msg string, args ...any) error {
		return fmt.Errorf("%w: region tag %d: %s", ErrFormat, first.Tag, fmt.Sprintf(msg, args...))
	}
	if first.Type != TypeBin || first.Count != regionSize {
		return bad("type %s count %d, want bin 16", first.Type, first.Count)
	}
	tr := first.Data
	tag := Tag(binary.BigEndian.Uint32(tr))
	if first.Tag == TagHeaderSignatures && tag == TagHeaderImage {
		tag = TagHeaderSignatures // old packages, fixed up as rpm does
	}
	typ := Type(binary.BigEndian.Uint32(tr[4:]))
	off := -int64(int32(binary.BigEndian.Uint32(tr[8:])))
	count := binary.BigEndian.Uint32(tr[12:])
	if tag != first.Tag || typ != TypeBin || count != regionSize {
		return bad("trailer says tag %d type %s count %d", tag, typ, count)
	}
	ril := off / entrySize
	if off%entrySize != 0 || ril < 1 || ril > int64(len(h.entries)) {
		return bad("trailer covers %d index bytes of %d entries", off, len(h.entries))
	}
	h.region = &Region{Tag: first.Tag, IndexCount: int(ril), DataLength: int(first.Offset) + regionSize}
	return nil
}

// Raw is the header exactly as stored in the package, magic included.
func (h *Header) Raw() []byte { return h.raw }

// Blob is the header without its 8-byte magic: the index count, data length,
// index and data store, which is what rpm's headerExport yields and the
// rpmdb stores.
func (h *Header) Blob() []byte { return h.raw[8:] }

// Region reports the immutable region, if the header has one.
func (h *Header) Region() (Region, bool) {
	if h.region == nil {
		return Region{}, false
	}
	return *h.region, true
}

// RegionBlob is the header cut down to its immutable region (magic, counts,
// the region's index entries and data), or nil without a region. For a header
// read from a package file it equals Raw.
func (h *Header) RegionBlob() []byte {
	if h.region == nil {
		return nil
	}
	il := len(h.entries)
	ril, rdl := h.region.IndexCount, h.region.DataLength
	out := make([]byte, 0, 16+ril*entrySize+rdl)
	out = append(out, headerMagic[:]...)
	out = binary.BigEndian.AppendUint32(out, uint32(ril))
	out = binary.BigEndian.AppendUint32(out, uint32(rdl))
	out = append(out, h.raw[16:16+ril*entrySize]...)
	store := h.raw[16+il*entrySize:]
	return append(out, store[:rdl]...)
}

// Entries lists the index entries in stored order, unknown tags included.
func (h *Header) Entries() []Entry { return h.entries }

// Get returns the first entry with tag.
func (h *Header) Get(tag Tag) (Entry, bool) {
	i, ok := h.index[tag]
	if !ok {
		return Entry{}, false
	}
	return h.entries[i], true
}

// Has reports whether tag is present.
func (h *Header) Has(tag Tag) bool { _, ok := h.index[tag]; return ok }

// String is the value of a string tag; for an i18n string, the first
// (untranslated "C") one.
func (h *Header) String(tag Tag) string {
	e, ok := h.Get(tag)
	if !ok || (e.Type != TypeString && e.Type != TypeI18NString) {
		return ""
	}
	return e.Strings()[0]
}

// Strings is the value of a string, string array or i18n string tag.
func (h *Header) Strings(tag Tag) []string {
	e, ok := h.Get(tag)
	if !ok {
		return nil
	}
	return e.Strings()
}

// Int is the first value of an integer tag of any width.
func (h *Header) Int(tag Tag) (uint64, bool) {
	e, ok := h.Get(tag)
	if !ok || e.Type.size() == 0 {
		return 0, false
	}
	return e.Ints()[0], true
}

// Ints is the value of an integer tag of any width, widened.
func (h *Header) Ints(tag Tag) []uint64 {
	e, ok := h.Get(tag)
	if !ok {
		return nil
	}
	return e.Ints()
}

// Bytes is the value of a bin tag.
func (h *Header) Bytes(tag Tag) []byte {
	e, ok := h.Get(tag)
	if !ok || e.Type != TypeBin {
		return nil
	}
	return e.Data
}

// Ints decodes an integer entry (char, int8/16/32/64); nil for other types.
func (e Entry) Ints() []uint64 {
	sz := e.Type.size()
	if sz == 0 {
		return nil
	}
	out := make([]uint64, e.Count)
	for i := range out {
		b := e.Data[i*sz:]
		switch sz {
		case 1:
			out[i] = uint64(b[0])
		case 2:
			out[i] = uint64(binary.BigEndian.Uint16(b))
		case 4:
			out[i] = uint64(binary.BigEndian.Uint32(b))
		case 8:
			out[i] = binary.BigEndian.Uint64(b)
		}
	}
	return out
}

// Strings decodes a string, string array or i18n string entry; nil otherwise.
func (e Entry) Strings() []string {
	if !e.Type.isString() {
		return nil
	}
	out := make([]string, 0, e.Count)
	b := e.Data
	for range e.Count {
		end := bytes.IndexByte(b, 0)
		out = append(out, string(b[:end]))
		b = b[end+1:]
	}
	return out
}

// readN returns prefix followed by n bytes read from r, growing the buffer
// as data arrives so a lying count cannot force a huge allocation.
func readN(r io.Reader, prefix []byte, n int64) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(prefix) + int(min(n, 1<<20)))
	buf.Write(prefix)
	got, err := io.CopyN(&buf, r, n)
	if err != nil {
		return nil, fmt.Errorf("read %d of %d bytes: %w", got, n, err)
	}
	return buf.Bytes(), nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
