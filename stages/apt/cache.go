package apt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"

	"github.com/disco-build/disco/stages/cachelock"
)

// Cache keeps parsed Packages indexes in a directory, one pool file per
// index content, named by the SHA-256 of the index: the same index is
// parsed once, whichever repository, mirror or compression it came
// through. Each file carries a CRC-32C of its payload, which guards
// against torn and damaged files (not tampering: the index was verified
// against the signed Release file before it was parsed; whoever can write
// the cache can write any sum). A file that fails the sum or does not
// decode is a miss, and is rewritten.
type Cache struct {
	Dir string
}

// NewCache returns a cache in dir (created on first write).
func NewCache(dir string) *Cache { return &Cache{Dir: dir} }

// cacheMagic starts every pool file; it carries the layout version so
// files of another layout are misses.
const cacheMagic = "DISCODEB" + string(rune('0'+poolVersion))

const cacheSumSize = 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (c *Cache) path(sha256 string) string {
	return filepath.Join(c.Dir, "packages-"+sha256+".pool")
}

// put stores a payload, given in parts: written to a temporary name in
// the same directory, then renamed, so readers never see half a file.
func (c *Cache) put(sha256 string, parts [][]byte) error {
	crc := uint32(0)
	for _, p := range parts {
		crc = crc32.Update(crc, castagnoli, p)
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return fmt.Errorf("apt metadata cache: %w", err)
	}
	f, err := cachelock.CreateTemp(c.Dir, ".tmp-packages-*") // locked while open: a later run removes it only if this one died
	if err != nil {
		return fmt.Errorf("apt metadata cache: %w", err)
	}
	_, err = f.Write(binary.LittleEndian.AppendUint32([]byte(cacheMagic), crc))
	for _, p := range parts {
		if err == nil {
			_, err = f.Write(p)
		}
	}
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Rename(f.Name(), c.path(sha256))
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("apt metadata cache: writing %s: %w", c.path(sha256), err)
	}
	return nil
}

// mapFile returns the payload of a sound pool file, mapped read-only so
// that only the pages lookups touch become resident; its CRC-32C is
// checked over the mapping a few megabytes at a time, each released once
// summed. The mapping is never undone: decoded packages' strings point into
// it. Pool files are replaced by rename, never rewritten in place. Where
// mapping fails the file is read into memory instead.
func (c *Cache) mapFile(sha256 string) (string, bool) {
	f, err := os.Open(c.path(sha256))
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
		if mapped {
			syscall.Munmap(m)
		}
		return "", false
	}
	return unsafe.String(unsafe.SliceData(m), len(m))[hdr:], true
}

const sumChunk = 4 << 20

// sumMatches checks the CRC-32C stored after the magic against the rest
// of m, releasing each summed chunk of a mapping (MADV_DONTNEED: the pages
// are the file's, read again when touched).
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
