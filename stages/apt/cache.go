package apt

import (
	"fmt"
	"path/filepath"

	"github.com/disco-build/disco/stages/internal/mapped"
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

func (c *Cache) path(sha256 string) string {
	return filepath.Join(c.Dir, "packages-"+sha256+".pool")
}

// put stores a payload, given in parts: written to a temporary name in
// the same directory, then renamed, so readers never see half a file.
func (c *Cache) put(sha256 string, parts [][]byte) error {
	if err := mapped.Write(c.Dir, ".tmp-packages-*", c.path(sha256), cacheMagic, parts...); err != nil {
		return fmt.Errorf("apt metadata cache: %w", err)
	}
	return nil
}

// mapFile returns the payload of a sound pool file, mapped (mapped.Map):
// only the pages lookups touch become resident, and decoded packages'
// strings point into it.
func (c *Cache) mapFile(sha256 string) (string, bool) {
	return mapped.Map(c.path(sha256), cacheMagic)
}
