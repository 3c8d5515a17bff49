package mapped

import "encoding/binary"

// Reader reads uvarints from what remains of a record, B. The first
// failure sticks: Err becomes Corrupt and B empty.
type Reader struct {
	B       string
	Err     error
	Corrupt error // the error a malformed read sets
}

// Fail records Corrupt (unless an error is already set) and stops reading.
func (r *Reader) Fail() {
	if r.Err == nil {
		r.Err = r.Corrupt
	}
	r.B = ""
}

// Uint reads a uvarint.
func (r *Reader) Uint() uint64 {
	v, n := Uvarint(r.B)
	if n <= 0 {
		r.Fail()
		return 0
	}
	r.B = r.B[n:]
	return v
}

// Count reads a length that must not exceed what remains (every item
// takes at least one byte), so corrupt input cannot ask for huge memory.
func (r *Reader) Count() int {
	n := r.Uint()
	if n > uint64(len(r.B)) {
		r.Fail()
		return 0
	}
	return int(n)
}

// Uvarint is binary.Uvarint over a string.
func Uvarint(s string) (uint64, int) {
	var x uint64
	var sh uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		c := s[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				return 0, -(i + 1) // overflow
			}
			return x | uint64(c)<<sh, i + 1
		}
		x |= uint64(c&0x7f) << sh
		sh += 7
	}
	return 0, 0
}

// U32 reads the little-endian uint32 at s[i:].
func U32(s string, i int) uint32 {
	return uint32(s[i]) | uint32(s[i+1])<<8 | uint32(s[i+2])<<16 | uint32(s[i+3])<<24
}
