package repo

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// A pool file's payload (after the cache file's header), little-endian:
//
//	u32 package count, u32 string count
//	u32 table length, the string table (as the codec writes it)
//	8 bytes per string: offset (from the payload's start) and length
//	u32 records length, the packages as the codec encodes them
//	u32 per package and one more: where each record starts in them
//	the forward hash table (names, provides, files), then the reverse one
//	(obsoleted names, words of supplements)
//
// Every string of the records and every key of the tables is an index
// into the string table, found through the span section in place.

// poolEncoding is a pool file's payload with its sections located.
type poolEncoding struct {
	all      string
	n        int
	spans    string
	recs     string
	recOffs  string
	fwd, rev hashTable
}

// buildPool encodes pkgs and their file lists (lists[i] is pkgs[i]'s, or
// lists is nil) as a pool payload, returned in pieces to be written one
// after the other (joining them would copy a hundred megabytes). It
// clears lists as it goes, so that what was read of filelists.xml can be
// freed early.
func buildPool(pkgs, lists []*Package) [][]byte {
	// Sizes guessed from a distribution's metadata, so that the big
	// buffers rarely grow (each growth copies tens of megabytes).
	ndeps, nfiles := 0, 0
	for i, p := range pkgs {
		ndeps += len(p.Provides) + len(p.Requires)
		nfiles += len(p.Files)
		if lists != nil {
			nfiles += len(lists[i].Files)
		}
	}
	nstr := ndeps/2 + nfiles
	spans := make([]span, 0, nstr)
	e := &encoder{strs: make(map[string]uint64, nstr), spans: &spans}
	e.table = make([]byte, 0, 48*nstr)
	e.body = make([]byte, 0, 6*ndeps+2*nfiles)
	recOffs := make([]uint32, 0, len(pkgs)+1)
	var fwd, rev hashBuilder
	k := func(s string) uint32 { return uint32(e.intern(s)) }
	for i, p := range pkgs {
		recOffs = append(recOffs, uint32(len(e.body)))
		e.pkg(p)
		v := uint32(i) << postShift
		fwd.add(k(p.Name), v)
		for _, d := range p.Provides {
			fwd.add(k(d.Name), v)
		}
		for _, f := range p.Files {
			fwd.add(k(f), v)
		}
		if lists != nil {
			var primary map[string]bool
			if len(p.Files) > 8 {
				primary = make(map[string]bool, len(p.Files))
				for _, f := range p.Files {
					primary[f] = true
				}
			}
			l := lists[i]
			for j, f := range l.Files {
				if primary[f] || primary == nil && containsStr(p.Files, f) {
					continue
				}
				t := FilePlain
				if l.FileTypes != nil {
					t = l.FileTypes[j]
				}
				fwd.add(k(f), v|postFilelist|uint32(t)&postType)
			}
			lists[i] = nil
		}
		for _, d := range p.Obsoletes {
			rev.add(k(d.Name), v)
		}
		for _, d := range p.Supplements {
			for _, w := range depWords(d.Name) {
				if strings.HasPrefix(w, "/") {
					w = ""
				}
				rev.add(k(w), v)
			}
		}
	}
	recOffs = append(recOffs, uint32(len(e.body)))
	head := make([]byte, 0, 12+8*len(spans)+4)
	u := func(v uint32) { head = binary.LittleEndian.AppendUint32(head, v) }
	u(uint32(len(pkgs)))
	u(uint32(len(spans)))
	u(uint32(len(e.table)))
	base := uint32(len(head))
	mid := make([]byte, 0, 8*len(spans)+4)
	for _, s := range spans {
		mid = binary.LittleEndian.AppendUint32(mid, base+s.off)
		mid = binary.LittleEndian.AppendUint32(mid, s.n)
	}
	mid = binary.LittleEndian.AppendUint32(mid, uint32(len(e.body)))
	offs := make([]byte, 0, 4*len(recOffs))
	for _, o := range recOffs {
		offs = binary.LittleEndian.AppendUint32(offs, o)
	}
	str := func(i uint32) string { s := spans[i]; return string(e.table[s.off : s.off+s.n]) }
	tables := fwd.appendTo(nil, str)
	tables = rev.appendTo(tables, str)
	return [][]byte{head, e.table, mid, e.body, offs, tables}
}

func containsStr(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// depWords returns the words of a dependency: the name, or every
// whitespace- or parenthesis-separated word of a rich one.
func depWords(name string) []string {
	if !strings.HasPrefix(name, "(") {
		return []string{name}
	}
	return strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '(' || r == ')' })
}

// readPoolEncoding locates the sections of a pool payload, checking that
// each fits.
func readPoolEncoding(b string) (poolEncoding, error) {
	enc := poolEncoding{all: b}
	off := 0
	word := func() (int, bool) {
		if off+4 > len(b) {
			return 0, false
		}
		v := u32(b, off)
		off += 4
		return int(v), true
	}
	section := func(n int) (string, bool) {
		if n < 0 || n > len(b)-off {
			return "", false
		}
		s := b[off : off+n]
		off += n
		return s, true
	}
	bad := fmt.Errorf("%w: pool sections", errCodec)
	n, ok1 := word()
	nstr, ok2 := word()
	tlen, ok3 := word()
	if !ok1 || !ok2 || !ok3 || uint64(n)*4 > uint64(len(b)) || uint64(nstr)*8 > uint64(len(b)) {
		return enc, bad
	}
	enc.n = n
	var ok bool
	if _, ok = section(tlen); !ok {
		return enc, bad
	}
	if enc.spans, ok = section(8 * nstr); !ok {
		return enc, bad
	}
	rlen, ok := word()
	if !ok {
		return enc, bad
	}
	if enc.recs, ok = section(rlen); !ok {
		return enc, bad
	}
	if enc.recOffs, ok = section(4 * (n + 1)); !ok {
		return enc, bad
	}
	for _, t := range []*hashTable{&enc.fwd, &enc.rev} {
		var m int
		if *t, m, ok = readHashTable(b[off:]); !ok {
			return enc, bad
		}
		off += m
	}
	if off != len(b) {
		return enc, fmt.Errorf("%w: %d trailing bytes", errCodec, len(b)-off)
	}
	return enc, nil
}

// str returns string i of the table.
func (enc *poolEncoding) str(i uint32) (string, bool) {
	return fixedStr(enc.all, enc.spans, uint64(i))
}

// fixedStr reads string i through a span section.
func fixedStr(all, spans string, i uint64) (string, bool) {
	if i >= uint64(len(spans)/8) {
		return "", false
	}
	off, n := uint64(u32(spans, int(i)*8)), uint64(u32(spans, int(i)*8+4))
	if off+n > uint64(len(all)) {
		return "", false
	}
	return all[off : off+n], true
}

// record returns the encoding of package i.
func (enc *poolEncoding) record(i int) (string, bool) {
	lo, hi := u32(enc.recOffs, 4*i), u32(enc.recOffs, 4*i+4)
	if lo > hi || int(hi) > len(enc.recs) {
		return "", false
	}
	return enc.recs[lo:hi], true
}
