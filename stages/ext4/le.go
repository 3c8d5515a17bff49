package ext4

import "encoding/binary"

// leBytes writes little-endian fields at byte offsets of b.
type leBytes struct{ b []byte }

func (l leBytes) put8(off int, v uint8)   { l.b[off] = v }
func (l leBytes) put16(off int, v uint16) { binary.LittleEndian.PutUint16(l.b[off:], v) }
func (l leBytes) put32(off int, v uint32) { binary.LittleEndian.PutUint32(l.b[off:], v) }
func (l leBytes) put64(off int, v uint64) { binary.LittleEndian.PutUint64(l.b[off:], v) }
