package repo

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/disco-build/disco/stages/cachelock"
)

// Cache keeps parsed metadata in a directory, one file per metadata file,
// named by the metadata file's checksum: the same primary.xml (by content)
// is parsed once. Each cache file carries a CRC-32C of its payload (it
// guards against torn or damaged files, not tampering: whoever can write the
// cache can write any sum; the metadata was verified against repomd.xml
// before it was stored); an entry that fails it (or fails to decode) is a
// miss, and is rewritten. CRC-32C runs at memory speed, where a SHA-256 of a
// 60,000-package primary and filelists took about 0.15 s of CPU per load.
type Cache struct {
	Dir string
}

// NewCache returns a cache in dir (created on first write).
func NewCache(dir string) *Cache { return &Cache{Dir: dir} }

// cacheMagic starts every cache file; it carries the codec's version and
// field count so entries written by another layout are misses, not garbage.
const cacheMagic = "DISCOMD" + string(rune(codecVersion)) + string(rune(codecFields))

func (c *Cache) path(kind string, ck Checksum) string {
	return filepath.Join(c.Dir, fmt.Sprintf("%s-%s-%s.bin", kind, ck.Type, ck.Value))
}

// get returns the packages stored for the metadata file, if a sound entry
// exists; with files set, each package keeps only those of its Files.
func (c *Cache) get(kind string, ck Checksum, files map[string]bool) ([]*Package, bool) {
	payload, ok := readCacheFile(c.path(kind, ck))
	if !ok {
		return nil, false
	}
	pkgs, err := decodeFiltered(payload, files)
	if err != nil {
		return nil, false
	}
	return pkgs, true
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const cacheSumSize = 4

// readCacheFile returns the payload of a sound cache file. It is read
// straight into a string (summed on the way), which the decoded packages'
// strings are slices of: no copy of it is made.
func readCacheFile(name string) (string, bool) {
	f, err := os.Open(name)
	if err != nil {
		return "", false
	}
	defer f.Close()
	hdr := make([]byte, len(cacheMagic)+cacheSumSize)
	if _, err := io.ReadFull(f, hdr); err != nil || string(hdr[:len(cacheMagic)]) != cacheMagic {
		return "", false
	}
	var payload strings.Builder
	if st, err := f.Stat(); err == nil && st.Size() > int64(len(hdr)) {
		payload.Grow(int(st.Size()) - len(hdr))
	}
	sum := crc32.New(castagnoli)
	if _, err := io.Copy(io.MultiWriter(&payload, sum), f); err != nil {
		return "", false
	}
	if sum.Sum32() != binary.LittleEndian.Uint32(hdr[len(cacheMagic):]) {
		return "", false
	}
	return payload.String(), true
}

// put stores pkgs for the metadata file: written to a temporary name in the
// same directory, then renamed, so readers never see half a file.
func (c *Cache) put(kind string, ck Checksum, pkgs []*Package) error {
	payload, err := encodePackages(pkgs)
	if err != nil {
		return fmt.Errorf("metadata cache: encoding %s: %w", kind, err)
	}
	return c.putBytes(kind, ck, payload)
}

// putBytes stores a payload, given in parts, under kind and ck.
func (c *Cache) putBytes(kind string, ck Checksum, parts ...[]byte) error {
	crc := uint32(0)
	for _, p := range parts {
		crc = crc32.Update(crc, castagnoli, p)
	}
	sum := binary.LittleEndian.AppendUint32(nil, crc)
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return fmt.Errorf("metadata cache: %w", err)
	}
	// Locked while open, so that only a killed writer's is removed as a
	// leftover (package cachelock); renamed before it is closed.
	f, err := cachelock.CreateTemp(c.Dir, ".tmp-"+kind+"-*")
	if err != nil {
		return fmt.Errorf("metadata cache: %w", err)
	}
	defer f.Close()
	_, err = f.Write(append([]byte(cacheMagic), sum[:]...))
	for _, p := range parts {
		if err == nil {
			_, err = f.Write(p)
		}
	}
	if err == nil {
		err = os.Rename(f.Name(), c.path(kind, ck))
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("metadata cache: writing %s: %w", c.path(kind, ck), err)
	}
	return nil
}
