package mapped

import (
	"encoding/binary"
	"fmt"
)

// Span is where a string's bytes are in a string table being written.
type Span struct{ Off, N uint32 }

// PoolParts lays out a pool payload (see the package doc): the string
// table and each string's span in it, the records and where each starts
// (offs has one more entry, the records' end), and the hash tables, whose
// keys are string indexes. The payload is returned in parts to be written
// one after the other (joining them would copy it whole).
func PoolParts(table []byte, spans []Span, recs []byte, offs []uint32, tables ...*HashBuilder) [][]byte {
	head := make([]byte, 0, 12)
	head = binary.LittleEndian.AppendUint32(head, uint32(len(offs)-1))
	head = binary.LittleEndian.AppendUint32(head, uint32(len(spans)))
	head = binary.LittleEndian.AppendUint32(head, uint32(len(table)))
	base := uint32(len(head))
	mid := make([]byte, 0, 8*len(spans)+4)
	for _, s := range spans {
		mid = binary.LittleEndian.AppendUint32(mid, base+s.Off)
		mid = binary.LittleEndian.AppendUint32(mid, s.N)
	}
	mid = binary.LittleEndian.AppendUint32(mid, uint32(len(recs)))
	offb := make([]byte, 0, 4*len(offs))
	for _, o := range offs {
		offb = binary.LittleEndian.AppendUint32(offb, o)
	}
	str := func(i uint32) string { s := spans[i]; return string(table[s.Off : s.Off+s.N]) }
	var hashes []byte
	for _, t := range tables {
		hashes = t.appendTo(hashes, str)
	}
	return [][]byte{head, table, mid, recs, offb, hashes}
}

// Pool is a pool payload with its sections located, read in place.
type Pool struct {
	all     string
	n       int
	spans   string
	recs    string
	recOffs string
	tables  []hashTable
}

// ReadPool locates the sections of a pool payload with ntables hash
// tables, checking that each fits and nothing trails; errors wrap corrupt.
func ReadPool(b string, ntables int, corrupt error) (*Pool, error) {
	p := &Pool{all: b, tables: make([]hashTable, ntables)}
	off := 0
	word := func() (int, bool) {
		if off+4 > len(b) {
			return 0, false
		}
		off += 4
		return int(U32(b, off-4)), true
	}
	section := func(n int) (string, bool) {
		if n < 0 || n > len(b)-off {
			return "", false
		}
		off += n
		return b[off-n : off], true
	}
	bad := fmt.Errorf("%w: sections", corrupt)
	n, ok1 := word()
	nstr, ok2 := word()
	tlen, ok3 := word()
	if !ok1 || !ok2 || !ok3 || uint64(n)*4 > uint64(len(b)) || uint64(nstr)*8 > uint64(len(b)) {
		return nil, bad
	}
	p.n = n
	var ok bool
	if _, ok = section(tlen); !ok {
		return nil, bad
	}
	if p.spans, ok = section(8 * nstr); !ok {
		return nil, bad
	}
	rlen, ok := word()
	if !ok {
		return nil, bad
	}
	if p.recs, ok = section(rlen); !ok {
		return nil, bad
	}
	if p.recOffs, ok = section(4 * (n + 1)); !ok {
		return nil, bad
	}
	for i := range p.tables {
		var m int
		if p.tables[i], m, ok = readHashTable(b[off:]); !ok {
			return nil, bad
		}
		off += m
	}
	if off != len(b) {
		return nil, fmt.Errorf("%w: %d trailing bytes", corrupt, len(b)-off)
	}
	return p, nil
}

// Len is the number of records.
func (p *Pool) Len() int { return p.n }

// Str returns string i of the table; false when there is no such string.
func (p *Pool) Str(i uint64) (string, bool) {
	if i >= uint64(len(p.spans)/8) {
		return "", false
	}
	off, n := uint64(U32(p.spans, int(i)*8)), uint64(U32(p.spans, int(i)*8+4))
	if off+n > uint64(len(p.all)) {
		return "", false
	}
	return p.all[off : off+n], true
}

// Record returns the encoding of record i (0 <= i < Len()); false when
// its offsets are out of range.
func (p *Pool) Record(i int) (string, bool) {
	lo, hi := U32(p.recOffs, 4*i), U32(p.recOffs, 4*i+4)
	if lo > hi || int(hi) > len(p.recs) {
		return "", false
	}
	return p.recs[lo:hi], true
}
