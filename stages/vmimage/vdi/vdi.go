// Package vdi writes a raw disk image as a dynamic VirtualBox Disk Image
// (VDI, header version 1.1), byte-identical for the same input and options.
//
// Entry point: Write, which streams to an io.Writer. It reads the raw disk
// twice: once to find the 1 MiB blocks that hold data, then to copy them.
// Layout, as QEMU's block/vdi.c writes it: the 512-byte pre-header and
// header, the block map (one little-endian uint32 per block, 0xffffffff for
// an unallocated block, which reads as zeros) padded to a sector, then the
// allocated blocks in disk order. UUIDs are stored the way VirtualBox's IPRT
// keeps them: the first three fields little-endian.
package vdi

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/disco-build/disco/stages/vmimage/internal/scan"
)

const (
	blockSize   = 1 << 20
	headerSize  = 512
	unallocated = 0xffffffff
	maxBlocks   = 0x3fffffff
)

// Options give the image its identity.
type Options struct {
	// UUID is the image's UUID (uuid_image).
	UUID [16]byte
	// ModificationUUID is uuid_last_snap, which VirtualBox changes on every
	// write; zero means UUID.
	ModificationUUID [16]byte
}

// Write writes the raw disk r of size bytes (a multiple of 512) to w as a
// dynamic VDI.
func Write(ctx context.Context, w io.Writer, r io.ReaderAt, size int64, opts Options) error {
	blocks := scan.Units(size, blockSize)
	if size <= 0 || size%512 != 0 || blocks > maxBlocks {
		return fmt.Errorf("vdi: disk size %d is not a positive multiple of 512 below %d", size, int64(maxBlocks)*blockSize)
	}
	m, err := scan.Scan(ctx, r, size, blockSize)
	if err != nil {
		return fmt.Errorf("vdi: scan raw disk: %w", err)
	}
	head := header(size, m, opts)
	if _, err := w.Write(head); err != nil {
		return fmt.Errorf("vdi: write header: %w", err)
	}
	n := int64(0)
	err = scan.Each(ctx, r, size, blockSize, func(i int64, data []byte) error {
		if !m.Has(i) {
			return fmt.Errorf("block %d holds data that the first pass did not see", i)
		}
		n++
		_, err := w.Write(data)
		return err
	})
	if err == nil && n != m.Count {
		err = fmt.Errorf("raw disk changed while writing: %d blocks, planned %d", n, m.Count)
	}
	if err != nil {
		return fmt.Errorf("vdi: %w", err)
	}
	return nil
}

// header returns the header and the block map, padded to the data offset.
func header(size int64, m *scan.Map, opts Options) []byte {
	le := binary.LittleEndian
	blocks := m.Units()
	mapBytes := (blocks*4 + 511) / 512 * 512
	b := make([]byte, headerSize+mapBytes)
	copy(b, "<<< Oracle VM VirtualBox Disk Image >>>\n")
	le.PutUint32(b[0x40:], 0xbeda107f) // signature
	le.PutUint32(b[0x44:], 0x00010001) // version 1.1
	le.PutUint32(b[0x48:], 0x180)      // header size
	le.PutUint32(b[0x4c:], 1)          // dynamic image
	le.PutUint32(b[0x154:], headerSize)
	le.PutUint32(b[0x158:], uint32(headerSize+mapBytes))
	le.PutUint32(b[0x168:], 512) // sector size
	le.PutUint64(b[0x170:], uint64(size))
	le.PutUint32(b[0x178:], blockSize)
	le.PutUint32(b[0x180:], uint32(blocks))
	le.PutUint32(b[0x184:], uint32(m.Count))
	mod := opts.ModificationUUID
	if mod == ([16]byte{}) {
		mod = opts.UUID
	}
	putUUID(b[0x188:], opts.UUID)
	putUUID(b[0x198:], mod)
	next := uint32(0)
	for i := int64(0); i < blocks; i++ {
		v := uint32(unallocated)
		if m.Has(i) {
			v = next
			next++
		}
		le.PutUint32(b[headerSize+i*4:], v)
	}
	return b
}

// putUUID stores u (RFC 4122 byte order) in IPRT's layout.
func putUUID(b []byte, u [16]byte) {
	b[0], b[1], b[2], b[3] = u[3], u[2], u[1], u[0]
	b[4], b[5] = u[5], u[4]
	b[6], b[7] = u[7], u[6]
	copy(b[8:16], u[8:])
}
