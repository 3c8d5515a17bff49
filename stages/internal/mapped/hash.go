package mapped

import (
	"encoding/binary"
	"slices"
)

// A hash table maps a key (a string of the pool's string table) to a list
// of uint32 postings. Layout, little-endian u32s: slot count (a power of
// two), the slots (0 empty, else 1 + entry index), entry count, then per
// entry its key's string index, the start of its postings and their
// count, then the postings count and the postings.

// fnv1a is FNV-1a (64-bit): deterministic, unlike hash/maphash.
func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// HashBuilder collects a table's postings as key-value pairs, sorted when
// written (one flat array: a map of slices took several times the memory
// on a distribution's million keys).
type HashBuilder struct {
	pairs []uint64 // string index << 32 | posting
}

// Add files posting v under the key of string index k.
func (h *HashBuilder) Add(k, v uint32) { h.pairs = append(h.pairs, uint64(k)<<32|uint64(v)) }

// appendTo writes the table; str returns the key of a string index.
// Postings of a key are sorted, repeats dropped.
func (h *HashBuilder) appendTo(b []byte, str func(uint32) string) []byte {
	slices.Sort(h.pairs)
	h.pairs = slices.Compact(h.pairs)
	nkeys := 0
	for i, p := range h.pairs {
		if i == 0 || p>>32 != h.pairs[i-1]>>32 {
			nkeys++
		}
	}
	nslots := 1
	for nslots < 2*nkeys+1 {
		nslots *= 2
	}
	slots := make([]uint32, nslots)
	b = slices.Grow(b, 4*(3+nslots+3*nkeys+len(h.pairs)))
	// Entries in key order: key, start, count.
	entries := make([]byte, 0, 12*nkeys)
	for i, e := 0, 0; i < len(h.pairs); e++ {
		k := uint32(h.pairs[i] >> 32)
		j := i
		for j < len(h.pairs) && uint32(h.pairs[j]>>32) == k {
			j++
		}
		slot := fnv1a(str(k)) & uint64(nslots-1)
		for slots[slot] != 0 {
			slot = (slot + 1) & uint64(nslots-1)
		}
		slots[slot] = uint32(e + 1)
		entries = binary.LittleEndian.AppendUint32(entries, k)
		entries = binary.LittleEndian.AppendUint32(entries, uint32(i))
		entries = binary.LittleEndian.AppendUint32(entries, uint32(j-i))
		i = j
	}
	u := func(v uint32) { b = binary.LittleEndian.AppendUint32(b, v) }
	u(uint32(nslots))
	for _, s := range slots {
		u(s)
	}
	u(uint32(nkeys))
	b = append(b, entries...)
	u(uint32(len(h.pairs)))
	for _, p := range h.pairs {
		u(uint32(p))
	}
	return b
}

// hashTable reads a table written by appendTo, in place.
type hashTable struct {
	slots, entries, postings string // sections of the payload
	mask                     uint64
}

// readHashTable reads the table at the start of b and returns it and its
// length in bytes; ok is false when b is too short for what it declares.
func readHashTable(b string) (t hashTable, n int, ok bool) {
	word := func(off int) (uint32, bool) {
		if off < 0 || off+4 > len(b) {
			return 0, false
		}
		return U32(b, off), true
	}
	nslots, ok := word(0)
	if !ok || nslots == 0 || nslots&(nslots-1) != 0 || uint64(nslots)*4 > uint64(len(b)-4) {
		return t, 0, false
	}
	off := 4
	t.slots, off = b[off:off+4*int(nslots)], off+4*int(nslots)
	nent, ok := word(off)
	if !ok || uint64(nent)*12 > uint64(len(b)-off-4) {
		return t, 0, false
	}
	off += 4
	t.entries, off = b[off:off+12*int(nent)], off+12*int(nent)
	npost, ok := word(off)
	if !ok || uint64(npost)*4 > uint64(len(b)-off-4) {
		return t, 0, false
	}
	off += 4
	t.postings, off = b[off:off+4*int(npost)], off+4*int(npost)
	t.mask = uint64(nslots - 1)
	return t, off, true
}

// Lookup appends to dst the postings that table t (0 for the first the
// pool was written with) files under key, ascending.
func (p *Pool) Lookup(dst []uint32, t int, key string) []uint32 {
	h := &p.tables[t]
	if h.slots == "" {
		return dst
	}
	nent := uint32(len(h.entries) / 12)
	for j, probes := fnv1a(key)&h.mask, uint64(0); probes <= h.mask; j, probes = (j+1)&h.mask, probes+1 {
		s := U32(h.slots, int(j)*4)
		if s == 0 || s > nent {
			return dst
		}
		e := int(s-1) * 12
		if k, ok := p.Str(uint64(U32(h.entries, e))); !ok || k != key {
			continue
		}
		start, n := U32(h.entries, e+4), U32(h.entries, e+8)
		if uint64(start)+uint64(n) > uint64(len(h.postings)/4) {
			return dst
		}
		for i := start; i < start+n; i++ {
			dst = append(dst, U32(h.postings, int(i)*4))
		}
		return dst
	}
	return dst
}
