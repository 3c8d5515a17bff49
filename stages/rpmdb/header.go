package rpmdb

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/disco-build/disco/stages/rpm"
)

// entry is one header entry to store after the immutable region: rpm's
// "dribble" entries, added with headerPut after the package was read.
type entry struct {
	tag   rpm.Tag
	typ   rpm.Type
	count uint32
	data  []byte // element bytes, big-endian integers, NUL-terminated strings
}

func int32Entry(tag rpm.Tag, v ...uint32) entry {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.BigEndian.AppendUint32(b, x)
	}
	return entry{tag: tag, typ: rpm.TypeInt32, count: uint32(len(v)), data: b}
}

func stringArrayEntry(tag rpm.Tag, v []string) entry {
	var b []byte
	for _, s := range v {
		b = append(append(b, s...), 0)
	}
	return entry{tag: tag, typ: rpm.TypeStringArray, count: uint32(len(v)), data: b}
}

// align is the alignment of a type's elements in the data store (rpm's
// typeAlign): integers align to their size, everything else to 1.
func align(t rpm.Type) int {
	switch t {
	case rpm.TypeInt16:
		return 2
	case rpm.TypeInt32:
		return 4
	case rpm.TypeInt64:
		return 8
	}
	return 1
}

// export builds the blob rpm's headerExport yields for a header read from a
// package with extra entries put into it afterwards: the index count, data
// length, the region's index entries unchanged, then the extra entries
// sorted by tag (how headerExport orders entries added after the region),
// and the data store: the region's data unchanged, then each extra entry's
// data at an offset aligned for its type. The region (entries, data and
// trailer) is copied byte for byte, so digests over it still verify.
// The result has no magic, as the rpmdb stores it.
func export(h *rpm.Header, extra []entry) ([]byte, error) {
	region, il := h.RegionBlob(), len(h.Entries())
	if region == nil {
		region, il = legacyRegion(h), il+1
	}
	ril := int(binary.BigEndian.Uint32(region[8:]))
	if ril != il {
		// Only a header read back from an rpmdb has entries past its
		// region; installing starts from the package file's header.
		return nil, fmt.Errorf("header has %d entries outside its immutable region", il-ril)
	}
	extra = slices.Clone(extra)
	slices.SortStableFunc(extra, func(a, b entry) int { return int(a.tag) - int(b.tag) })

	index := make([]byte, 0, 16*len(extra))
	store := slices.Clone(region[16+16*ril:])
	for _, e := range extra {
		for len(store)%align(e.typ) != 0 {
			store = append(store, 0)
		}
		index = binary.BigEndian.AppendUint32(index, uint32(e.tag))
		index = binary.BigEndian.AppendUint32(index, uint32(e.typ))
		index = binary.BigEndian.AppendUint32(index, uint32(len(store)))
		index = binary.BigEndian.AppendUint32(index, e.count)
		store = append(store, e.data...)
	}
	il = ril + len(extra)
	if il > rpm.MaxHeaderTags || len(store) > rpm.MaxHeaderData {
		return nil, fmt.Errorf("installed header too large: %d entries, %d data bytes", il, len(store))
	}
	out := make([]byte, 0, 8+16*il+len(store))
	out = binary.BigEndian.AppendUint32(out, uint32(il))
	out = binary.BigEndian.AppendUint32(out, uint32(len(store)))
	out = append(out, region[16:16+16*ril]...)
	out = append(out, index...)
	return append(out, store...), nil
}

// legacyRegion is what rpm makes of a header without an immutable region
// (rpm 3's) when it installs it: hdrblobImport wraps every entry in a
// legacy region, tag HEADERIMAGE, and headerExport writes that region's
// entry first and its trailer after the original data, so the original
// index and data stay byte for byte (lib/header.c doExport, the
// HEADERFLAG_LEGACY case).
func legacyRegion(h *rpm.Header) []byte {
	raw := h.Raw()
	il := len(h.Entries())
	dl := len(raw) - 16 - 16*il
	entry := func(b []byte, off int32) []byte {
		b = binary.BigEndian.AppendUint32(b, uint32(rpm.TagHeaderImage))
		b = binary.BigEndian.AppendUint32(b, uint32(rpm.TypeBin))
		b = binary.BigEndian.AppendUint32(b, uint32(off))
		return binary.BigEndian.AppendUint32(b, 16)
	}
	out := make([]byte, 0, len(raw)+32)
	out = append(out, magic...)
	out = binary.BigEndian.AppendUint32(out, uint32(il+1))
	out = binary.BigEndian.AppendUint32(out, uint32(dl+16))
	out = entry(out, int32(dl))
	out = append(out, raw[16:]...)
	return entry(out, -int32(16*(il+1)))
}

// magic opens a header outside the rpmdb; the rpmdb stores blobs without it.
var magic = []byte{0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0}

// parseBlob reads back a blob as stored in the rpmdb.
func parseBlob(blob []byte) (*rpm.Header, error) {
	return rpm.ParseHeader(append(slices.Clone(magic), blob...))
}
