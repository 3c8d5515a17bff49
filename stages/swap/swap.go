// Package swap writes a Linux swap area (the "SWAPSPACE2" version-1
// header page that mkswap writes) into a file or partition image, with the
// UUID and label given, so the area is byte-reproducible.
//
// Entry points:
//   - Write puts the header page at offset 0 of an io.WriterAt; the rest of
//     the area is left as it is (zeros in a new or truncated file).
//   - Header returns that page.
//
// Hand-written because the header is one page of fixed fields; mkswap
// needs a real file and picks a random UUID unless told otherwise.
package swap

import (
	"encoding/binary"
	"fmt"
	"io"
)

// MinPages is the smallest area mkswap accepts, in pages.
const MinPages = 10

// Options fixes the identity of the swap area.
type Options struct {
	UUID     [16]byte // RFC 4122 byte order, as blkid prints it
	Label    string   // at most 16 bytes
	PageSize int      // 0 means 4096; must match the kernel that uses the area
}

// Header returns the first page of a swap area of size bytes: version 1,
// last_page = size/PageSize - 1, no bad pages, the UUID and label, and the
// SWAPSPACE2 signature at the page's end.
func Header(size int64, opts Options) ([]byte, error) {
	ps := opts.PageSize
	if ps == 0 {
		ps = 4096
	}
	if ps < 4096 || ps&(ps-1) != 0 {
		return nil, fmt.Errorf("swap: page size %d is not a power of two >= 4096", ps)
	}
	if len(opts.Label) > 16 {
		return nil, fmt.Errorf("swap: label %q is longer than 16 bytes", opts.Label)
	}
	pages := size / int64(ps)
	if pages < MinPages {
		return nil, fmt.Errorf("swap: area of %d bytes holds %d pages of %d bytes, need at least %d", size, pages, ps, MinPages)
	}
	if pages-1 > 0xffffffff {
		return nil, fmt.Errorf("swap: area of %d bytes has more pages than a version-1 header counts", size)
	}
	p := make([]byte, ps)
	binary.LittleEndian.PutUint32(p[1024:], 1)               // version
	binary.LittleEndian.PutUint32(p[1028:], uint32(pages-1)) // last_page
	binary.LittleEndian.PutUint32(p[1032:], 0)               // nr_badpages
	copy(p[1036:1052], opts.UUID[:])
	copy(p[1052:1068], opts.Label)
	copy(p[ps-10:], "SWAPSPACE2")
	return p, nil
}

// Write writes the header page of a swap area of size bytes at offset 0 of
// w. Pages past the first are not written: w must read back zeros there,
// or hold whatever the caller wants the kernel to overwrite.
func Write(w io.WriterAt, size int64, opts Options) error {
	p, err := Header(size, opts)
	if err != nil {
		return err
	}
	if _, err := w.WriteAt(p, 0); err != nil {
		return fmt.Errorf("swap: writing header: %w", err)
	}
	return nil
}
