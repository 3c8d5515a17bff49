package repo

import (
	"encoding/binary"
	"hash/crc32"
	"io"
	"os"
	"syscall"
	"unsafe"
)

// mapFile returns the payload of a sound cache file mapped into memory
// (read-only), so that only the pages a lookup touches are read. Its
// CRC-32C is checked by streaming the file through a small buffer first,
// which leaves no copy behind. The mapping is never undone: the strings of
// the packages decoded from it point into it. Cache files are replaced by
// rename, never rewritten in place, so the mapped file does not change.
// Where mapping fails the file is read into memory instead.
func (c *Cache) mapFile(kind string, ck Checksum) (string, bool) {
	f, err := os.Open(c.path(kind, ck))
	if err != nil {
		return "", false
	}
	defer f.Close()
	st, err := f.Stat()
	hdr := len(cacheMagic) + cacheSumSize
	if err != nil || st.Size() < int64(hdr) || st.Size() > 1<<40 {
		return "", false
	}
	if !sumMatches(f, hdr) {
		return "", false
	}
	size := int(st.Size())
	m, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		b := make([]byte, size)
		if _, err := f.ReadAt(b, 0); err != nil {
			return "", false
		}
		m = b
	}
	all := unsafe.String(unsafe.SliceData(m), len(m))
	if all[:len(cacheMagic)] != cacheMagic {
		return "", false
	}
	return all[hdr:], true
}

// sumMatches reads f from its start: the magic, the CRC-32C, then the
// payload it must be the sum of.
func sumMatches(f *os.File, hdr int) bool {
	h := make([]byte, hdr)
	if _, err := io.ReadFull(f, h); err != nil || string(h[:len(cacheMagic)]) != cacheMagic {
		return false
	}
	sum := crc32.New(castagnoli)
	if _, err := io.CopyBuffer(sum, f, make([]byte, 1<<20)); err != nil {
		return false
	}
	return sum.Sum32() == binary.LittleEndian.Uint32(h[len(cacheMagic):])
}
