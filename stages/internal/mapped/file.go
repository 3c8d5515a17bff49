package mapped

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"syscall"
	"unsafe"

	"github.com/disco-build/disco/stages/cachelock"
)

// sumSize is the length of the CRC-32C that follows the magic.
const sumSize = 4

// sumChunk is how much of a mapped file is summed before it is released.
const sumChunk = 4 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Write stores a payload, given in parts, at path with the magic and the
// payload's CRC-32C before it: written to a temporary name in dir (made
// when missing) from pattern (os.CreateTemp's), then renamed, so readers
// never see half a file. The temporary file is locked while open, so that
// only a killed writer's is removed as a leftover (cachelock.RemoveIfDead);
// it is renamed before it is closed.
func Write(dir, pattern, path, magic string, parts ...[]byte) error {
	crc := uint32(0)
	for _, p := range parts {
		crc = crc32.Update(crc, castagnoli, p)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := cachelock.CreateTemp(dir, pattern)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Write(binary.LittleEndian.AppendUint32([]byte(magic), crc))
	for _, p := range parts {
		if err == nil {
			_, err = f.Write(p)
		}
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// Map returns the payload of the file at path when it starts with magic
// and its CRC-32C matches, mapped read-only so that only the pages that
// are used become resident. The sum is checked over the mapping a few
// megabytes at a time, each chunk released once summed (no copy of the
// file is made). The mapping is never undone: what is decoded from the
// payload points into it (Write replaces files by rename, never in place).
// Where mapping fails the file is read into memory instead.
func Map(path, magic string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	st, err := f.Stat()
	hdr := len(magic) + sumSize
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
	if string(m[:len(magic)]) != magic || !sumMatches(m, len(magic), mapped) {
		if mapped {
			syscall.Munmap(m)
		}
		return "", false
	}
	return unsafe.String(unsafe.SliceData(m), len(m))[hdr:], true
}

// sumMatches checks the CRC-32C stored at m[at:] against the rest of m;
// when m is a mapping, each chunk summed is released (MADV_DONTNEED: the
// pages are the file's, read again when touched).
func sumMatches(m []byte, at int, mapped bool) bool {
	hdr := at + sumSize
	crc := uint32(0)
	for off := 0; off < len(m); off += sumChunk {
		end := min(off+sumChunk, len(m))
		crc = crc32.Update(crc, castagnoli, m[max(off, hdr):end])
		if mapped {
			syscall.Madvise(m[off:end], syscall.MADV_DONTNEED)
		}
	}
	return crc == binary.LittleEndian.Uint32(m[at:hdr])
}
