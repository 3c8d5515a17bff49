package mapped

import (
	"encoding/binary"
	"fmt"
)

// Reader reads uvarints from what remains of a record, B. The first
// failure sticks: Err becomes Corrupt and B empty.
type Reader struct {
	B       string
	Err     error
	Corrupt error // the error a malformed read sets
}

// Start points r at record i of p and clears Err; false (Err set) when
// the record's offsets are out of range.
func (r *Reader) Start(p *Pool, i int) bool {
	var ok bool
	r.Err = nil
	if r.B, ok = p.Record(i); !ok {
		r.Fail()
	}
	return ok
}

// End returns the first failure, or an error when bytes of the record are
// left unread.
func (r *Reader) End() error {
	if r.Err == nil && r.B != "" {
		r.Err = fmt.Errorf("%w: %d trailing bytes", r.Corrupt, len(r.B))
	}
	return r.Err
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
