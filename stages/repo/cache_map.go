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
// (read-only), so that only the pages a lookup touches stay resident. Its
// CRC-32C is checked over the mapping a few megabytes at a time, each
// released once summed (no copy of the file is made, and it never is
// resident whole). The mapping is never undone: the strings of the
// packages decoded from it point into it. Cache files are replaced by
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
	size := int(st.Size())
	m, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	mapped := err == nil
	if !mapped {
		m = make([]byte, size)
		if _, err := io.ReadFull(f, m); err != nil {
			return "", false
		}
	}
	if string(m[:len(cacheMagic)]) != cacheMagic || !sumMatches(m, hdr, mapped) {
		return "", false
	}
	return unsafe.String(unsafe.SliceData(m), len(m))[hdr:], true
}

// sumChunk is how much of a mapped file is summed before it is released.
const sumChunk = 4 << 20

// sumMatches checks the CRC-32C after the magic against the rest of m;
// when m is a mapping, each chunk summed is released (MADV_DONTNEED: the
// pages are the file's, read again if touched).
func sumMatches(m []byte, hdr int, mapped bool) bool {
	crc := uint32(0)
	for off := 0; off < len(m); off += sumChunk {
		end := min(off+sumChunk, len(m))
		crc = crc32.Update(crc, castagnoli, m[max(off, hdr):end])
		if mapped {
			syscall.Madvise(m[off:end], syscall.MADV_DONTNEED)
		}
	}
	return crc == binary.LittleEndian.Uint32(m[len(cacheMagic):hdr])
}
