package disk

import (
	"bytes"
	"fmt"
	"io"
)

// SectorSize is the logical sector size of every image written here.
const SectorSize = 512

// DefaultAlign is where partitions start: multiples of 1 MiB.
const DefaultAlign = 1 << 20

// Layout describes a whole disk image.
type Layout struct {
	Table      string   // "gpt" or "mbr"
	Size       int64    // bytes; 0 means the partitions plus the tables, rounded up to Align
	Align      int64    // partition start alignment in bytes; 0 means DefaultAlign
	DiskGUID   [16]byte // GPT disk GUID, RFC 4122 byte order (ids.UUID)
	DiskID     uint32   // MBR disk signature (ids.VolumeID); Linux PARTUUIDs are "%08x-%02x"
	Partitions []Partition
}

// Partition is one partition of a Layout.
type Partition struct {
	Name     string   // names the partition in errors and plans, e.g. "root"
	Size     int64    // bytes; 0 means fill the rest of the disk (one partition at most)
	Type     string   // a name (see TypeGUID, MBRType), a GUID (GPT) or a hex byte (MBR)
	GUID     [16]byte // GPT unique partition GUID, RFC 4122 byte order (ids.UUID)
	Label    string   // GPT partition name, at most 36 UTF-16 code units
	Bootable bool     // MBR active flag; GPT "legacy BIOS bootable" attribute
	Content  Content  // nil leaves the partition zero

	// Used only by Fstab.
	Mount   string // mount point, e.g. "/boot/efi"; "" keeps the partition out of fstab (except swap)
	FSType  string // e.g. "ext4", "vfat", "swap"
	FSUUID  string // filesystem UUID as blkid prints it, for Fstab(..., "uuid")
	Options string // mount options; "" means "defaults"
}

// Content fills a partition.
type Content interface {
	// Size is the smallest partition, in bytes, the content fits in.
	Size() int64
	// Fill writes the content into w, whose offset 0 is the partition's
	// first byte and which rejects writes past size (the partition's size).
	// w reads back as zeros wherever nothing is written.
	Fill(w io.WriterAt, size int64) error
}

// FromReaderAt returns the Content of a prebuilt image of size bytes, such
// as a filesystem image file. All-zero 64 KiB blocks are not written.
func FromReaderAt(r io.ReaderAt, size int64) Content {
	return readerContent{r: r, size: size}
}

// FromFunc returns a Content of at least min bytes written by fill, e.g. a
// filesystem writer that sizes the filesystem to the partition.
func FromFunc(min int64, fill func(w io.WriterAt, size int64) error) Content {
	return funcContent{min: min, fill: fill}
}

type funcContent struct {
	min  int64
	fill func(io.WriterAt, int64) error
}

func (c funcContent) Size() int64                          { return c.min }
func (c funcContent) Fill(w io.WriterAt, size int64) error { return c.fill(w, size) }

type readerContent struct {
	r    io.ReaderAt
	size int64
}

func (c readerContent) Size() int64 { return c.size }

const copyBlock = 64 << 10

func (c readerContent) Fill(w io.WriterAt, _ int64) error {
	buf := make([]byte, 16*copyBlock)
	zero := make([]byte, copyBlock)
	for off := int64(0); off < c.size; {
		n := int(min(int64(len(buf)), c.size-off))
		if m, err := c.r.ReadAt(buf[:n], off); m < n {
			return fmt.Errorf("reading content at %d: %w", off, err)
		}
		for i := 0; i < n; i += copyBlock {
			b := buf[i:min(i+copyBlock, n)]
			if bytes.Equal(b, zero[:len(b)]) {
				continue
			}
			if _, err := w.WriteAt(b, off+int64(i)); err != nil {
				return err
			}
		}
		off += int64(n)
	}
	return nil
}

// section is the partition view of the disk that Content.Fill gets.
type section struct {
	w          io.WriterAt
	name       string
	start, end int64
}

func (s section) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 || off+int64(len(p)) > s.end-s.start {
		return 0, fmt.Errorf("partition %s: write of %d bytes at %d is past its end (%d bytes)", s.name, len(p), off, s.end-s.start)
	}
	return s.w.WriteAt(p, s.start+off)
}
