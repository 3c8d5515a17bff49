// Package vhd writes a raw disk image as a fixed VHD (Microsoft Virtual
// Hard Disk, the format Azure and Hyper-V import): the disk byte for byte,
// then a 512-byte footer. Output is byte-identical for the same input and
// options.
//
// Entry point: Write, which streams to an io.Writer; when that writer is an
// *os.File at its end, runs of zeros become holes, so a sparse raw disk
// gives a sparse VHD (the bytes are the same).
//
// The footer follows the "Virtual Hard Disk Image Format Specification"
// (version 1.0): cookie "conectix", fixed disk type, CHS geometry from the
// spec's algorithm, the timestamp and unique ID from Options, and the
// one's-complement checksum. The creator application defaults to "win ",
// because readers (QEMU among them) take the size of such a disk from the
// footer's current size; for other creators QEMU rounds the size down to the
// CHS geometry.
package vhd

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/disco-build/disco/stages/vmimage/internal/sparsecopy"
)

// MaxSize is the largest disk a VHD holds (2040 GiB).
const MaxSize = 2040 << 30

// Options fill the footer.
type Options struct {
	// Time is the footer's timestamp; times before 2000 are written as 0.
	Time time.Time
	// UUID is the footer's unique ID.
	UUID [16]byte
	// CreatorApp is the four-character creator application; default "win ".
	CreatorApp string
}

// epoch is the VHD timestamp base: 2000-01-01 00:00:00 UTC.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Write writes the raw disk r of size bytes (a multiple of 512, at most
// MaxSize) to w as a fixed VHD.
func Write(ctx context.Context, w io.Writer, r io.ReaderAt, size int64, opts Options) error {
	if size <= 0 || size%512 != 0 || size > MaxSize {
		return fmt.Errorf("vhd: disk size %d is not a positive multiple of 512 up to %d", size, int64(MaxSize))
	}
	if opts.CreatorApp != "" && len(opts.CreatorApp) != 4 {
		return fmt.Errorf("vhd: creator application %q is not 4 bytes", opts.CreatorApp)
	}
	if err := sparsecopy.Copy(ctx, w, r, size); err != nil {
		return fmt.Errorf("vhd: %w", err)
	}
	if _, err := w.Write(Footer(size, opts)); err != nil {
		return fmt.Errorf("vhd: write footer: %w", err)
	}
	return nil
}

// Footer returns the 512-byte footer of a fixed VHD of size bytes; Write
// checks the options it uses.
func Footer(size int64, opts Options) []byte {
	b := make([]byte, 512)
	be := binary.BigEndian
	copy(b[0:], "conectix")
	be.PutUint32(b[8:], 2)           // features: reserved bit, always set
	be.PutUint32(b[12:], 0x10000)    // format version 1.0
	be.PutUint64(b[16:], ^uint64(0)) // data offset: none for fixed disks
	be.PutUint32(b[24:], timestamp(opts.Time))
	copy(b[28:32], cmp.Or(opts.CreatorApp, "win "))
	be.PutUint32(b[32:], 0x10000) // creator version 1.0
	copy(b[36:40], "Wi2k")
	be.PutUint64(b[40:], uint64(size)) // original size
	be.PutUint64(b[48:], uint64(size)) // current size
	c, h, s := geometry(size / 512)
	be.PutUint16(b[56:], c)
	b[58], b[59] = h, s
	be.PutUint32(b[60:], 2) // disk type: fixed
	copy(b[68:84], opts.UUID[:])
	be.PutUint32(b[64:], checksum(b))
	return b
}

func timestamp(t time.Time) uint32 {
	if t.Before(epoch) {
		return 0
	}
	return uint32(t.Sub(epoch) / time.Second)
}

// checksum is the one's complement of the byte sum, taken while the
// checksum field is zero.
func checksum(b []byte) uint32 {
	var sum uint32
	for _, c := range b {
		sum += uint32(c)
	}
	return ^sum
}

// geometry is the spec's CHS algorithm for a disk of the given sectors.
func geometry(sectors int64) (cyls uint16, heads, spt uint8) {
	total := min(sectors, 65535*16*255)
	var h, s, cth int64
	if total >= 65535*16*63 {
		s, h = 255, 16
		cth = total / s
	} else {
		s = 17
		cth = total / s
		h = max((cth+1023)/1024, 4)
		if cth >= h*1024 || h > 16 {
			s, h = 31, 16
			cth = total / s
		}
		if cth >= h*1024 {
			s, h = 63, 16
			cth = total / s
		}
	}
	return uint16(cth / h), uint8(h), uint8(s)
}
