package vfat

import (
	"fmt"
	"io"

	"github.com/disco-build/disco/stages/ext4"
)

// Entry is one path of the filesystem: the manifest entry shared with
// package ext4. Only directories and regular files are accepted; owners,
// permissions other than the owner write bit (read-only attribute) and
// xattrs are not stored.
type Entry = ext4.Entry

// Options fixes everything about the image that is not in the entries.
type Options struct {
	Size          int64  // image size in bytes (a multiple of 512 is used)
	FAT           int    // 0 picks as mkfs.fat does (16 below 512 MiB, else 32); or 16, 32
	ClusterSize   int    // bytes; 0 picks as mkfs.fat does
	VolumeID      uint32 // volume serial number (ids.VolumeID)
	Label         string // volume label, at most 11 characters valid in a short name
	Epoch         int64  // every timestamp, in seconds since 1970 (UTC)
	HiddenSectors uint32 // sectors before the filesystem on its disk (the partition start LBA)
}

// Stats describes a written image.
type Stats struct {
	FAT          int   // 16 or 32
	ClusterSize  int   // bytes
	Clusters     int64 // data clusters
	FreeClusters int64
}

// Write writes a filesystem holding entries to w, which must read back as
// zeros wherever nothing is written (a new or truncated file). Entries may
// come in any order; missing parent directories are created.
func Write(w io.WriterAt, entries []Entry, opts Options) (Stats, error) {
	t, err := buildTree(entries)
	if err != nil {
		return Stats{}, fmt.Errorf("vfat: %w", err)
	}
	if err := checkLabel(opts.Label); err != nil {
		return Stats{}, fmt.Errorf("vfat: %w", err)
	}
	g, err := newGeometry(opts.Size, opts.FAT, opts.ClusterSize)
	if err != nil {
		return Stats{}, fmt.Errorf("vfat: %w", err)
	}
	if err := t.allocate(g, opts.Label != ""); err != nil {
		return Stats{}, fmt.Errorf("vfat: %w", err)
	}
	img := &image{w: w, g: g, t: t, opts: opts}
	if err := img.write(); err != nil {
		return Stats{}, fmt.Errorf("vfat: %w", err)
	}
	return Stats{FAT: g.fat, ClusterSize: int(g.clusterBytes()), Clusters: g.clusters, FreeClusters: g.clusters - t.used}, nil
}

// MinSize returns the smallest Options.Size, in whole MiB, with which
// Write can hold entries (with opts.FAT and opts.ClusterSize as given).
func MinSize(entries []Entry, opts Options) (int64, error) {
	t, err := buildTree(entries)
	if err != nil {
		return 0, fmt.Errorf("vfat: %w", err)
	}
	var lastErr error
	for size := max(t.dataBytes/(1<<20)*(1<<20), 1<<20); size <= maxSize; size = next(size) {
		g, err := newGeometry(size, opts.FAT, opts.ClusterSize)
		if err == nil {
			err = t.allocate(g, opts.Label != "")
		}
		if err == nil {
			return size, nil
		}
		lastErr = err
	}
	return 0, fmt.Errorf("vfat: no size up to %d bytes fits: %w", int64(maxSize), lastErr)
}

// maxSize is the largest image MinSize considers (2 TiB).
const maxSize = 2 << 40

// next steps MinSize's search by 1 MiB, or by about 1/64 for large sizes.
func next(size int64) int64 {
	step := max(size/64, 1<<20)
	return (size + step) / (1 << 20) * (1 << 20)
}
