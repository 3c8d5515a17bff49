package vfat

import (
	"encoding/binary"
	"unicode/utf16"
)

// Directory entry attributes.
const (
	attrReadOnly = 0x01
	attrVolume   = 0x08
	attrDir      = 0x10
	attrArchive  = 0x20
	attrLFN      = 0x0f
)

// shortEntry encodes one 32-byte 8.3 directory entry.
func shortEntry(name [11]byte, attr byte, first uint32, size uint32, ts stamp) []byte {
	b := make([]byte, dirEntSize)
	le := binary.LittleEndian
	copy(b, name[:])
	b[11] = attr
	b[13] = ts.tenths
	le.PutUint16(b[14:], ts.time)
	le.PutUint16(b[16:], ts.date)
	le.PutUint16(b[18:], ts.date)
	le.PutUint16(b[20:], uint16(first>>16))
	le.PutUint16(b[22:], ts.time)
	le.PutUint16(b[24:], ts.date)
	le.PutUint16(b[26:], uint16(first))
	le.PutUint32(b[28:], size)
	return b
}

// lfnSlots are the byte offsets of the 13 UTF-16 units in an LFN entry.
var lfnSlots = [13]int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30}

// lfnEntryBytes encodes the LFN entries of name, last part first, as they
// precede the short entry whose name sums to sum.
func lfnEntryBytes(name string, sum byte) []byte {
	u := utf16.Encode([]rune(name))
	n := (len(u) + 12) / 13
	out := make([]byte, 0, n*dirEntSize)
	for seq := n; seq >= 1; seq-- {
		b := make([]byte, dirEntSize)
		b[0] = byte(seq)
		if seq == n {
			b[0] |= 0x40
		}
		b[11], b[13] = attrLFN, sum
		for i, off := range lfnSlots {
			k := (seq-1)*13 + i
			c := uint16(0xffff)
			switch {
			case k < len(u):
				c = u[k]
			case k == len(u):
				c = 0
			}
			binary.LittleEndian.PutUint16(b[off:], c)
		}
		out = append(out, b...)
	}
	return out
}

// dirBytes encodes directory n's entries; parent is nil for the root. The
// rest of the directory's space is left to read back as zeros (the end
// marker).
func (img *image) dirBytes(n *node, parent *node) []byte {
	ts := fatStamp(img.opts.Epoch)
	var out []byte
	if parent == nil {
		if img.opts.Label != "" {
			var l [11]byte
			copy(l[:], labelField(img.opts.Label))
			out = append(out, shortEntry(l, attrVolume, 0, 0, ts)...)
		}
	} else {
		out = append(out, shortEntry(pad(".", ""), attrDir, n.first, 0, ts)...)
		up := parent.first // 0 when the parent is the root, even on FAT32
		if parent == img.t.root {
			up = 0
		}
		out = append(out, shortEntry(pad("..", ""), attrDir, up, 0, ts)...)
	}
	for _, c := range n.children {
		if c.lfn {
			out = append(out, lfnEntryBytes(c.name, checksum(c.short))...)
		}
		attr, size := byte(attrDir), uint32(0)
		if !c.dir {
			attr, size = attrArchive, uint32(c.entry.Size)
			if c.entry.Mode&0o200 == 0 {
				attr |= attrReadOnly
			}
		}
		out = append(out, shortEntry(c.short, attr, c.first, size, ts)...)
	}
	return out
}
