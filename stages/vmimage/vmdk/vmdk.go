package vmdk

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/disco-build/disco/stages/vmimage/internal/scan"
)

const (
	sector       = 512
	grainSectors = 128 // 64 KiB grains
	grainSize    = grainSectors * sector
	gtEntries    = 512 // grain table entries: a table spans 32 MiB
	descSectors  = 20
	overhead     = grainSectors // header and descriptor fill the first grain
)

// Options describe the disk; the zero value is valid but anonymous.
type Options struct {
	// CID is the descriptor's content ID. Callers derive it from names.
	CID uint32
	// UUID becomes ddb.uuid.image.
	UUID [16]byte
	// AdapterType is ddb.adapterType: "lsilogic" (the default), "ide",
	// "buslogic", "lsisas1068" or "pvscsi".
	AdapterType string
	// FileName is the extent's file name written in the descriptor; the
	// default is "disk.vmdk".
	FileName string
	// Level is the zlib level, 1 (fastest) to 9; 0 means 6.
	Level int
}

// Stats tell what Write wrote.
type Stats struct {
	Grains int64 // 64 KiB grains that hold data
	Size   int64 // bytes written
}

var adapters = []string{"buslogic", "ide", "lsilogic", "lsisas1068", "pvscsi"}

func (o *Options) defaults() error {
	if o.AdapterType == "" {
		o.AdapterType = "lsilogic"
	}
	found := false
	for _, a := range adapters {
		found = found || a == o.AdapterType
	}
	if !found {
		return fmt.Errorf("vmdk: unknown adapter type %q (known: %s)", o.AdapterType, strings.Join(adapters, ", "))
	}
	if o.FileName == "" {
		o.FileName = "disk.vmdk"
	}
	if strings.ContainsAny(o.FileName, "\"\n") {
		return fmt.Errorf("vmdk: file name %q has a quote or newline", o.FileName)
	}
	if o.Level == 0 {
		o.Level = 6
	}
	if o.Level < 1 || o.Level > 9 {
		return fmt.Errorf("vmdk: zlib level %d not in 1..9", o.Level)
	}
	return nil
}

// Write writes the raw disk r of size bytes (a multiple of 512) to w as a
// streamOptimized VMDK.
func Write(ctx context.Context, w io.Writer, r io.ReaderAt, size int64, opts Options) (Stats, error) {
	if size <= 0 || size%sector != 0 {
		return Stats{}, fmt.Errorf("vmdk: disk size %d is not a positive multiple of %d", size, sector)
	}
	if err := opts.defaults(); err != nil {
		return Stats{}, err
	}
	s := newStream(w, size, opts)
	if err := s.writeHead(); err != nil {
		return Stats{}, fmt.Errorf("vmdk: write header: %w", err)
	}
	err := compressGrains(ctx, r, size, opts.Level, s.grain)
	if err == nil {
		err = s.finish()
	}
	if err != nil {
		return Stats{}, fmt.Errorf("vmdk: %w", err)
	}
	return Stats{Grains: s.grains, Size: s.n}, nil
}

// grainCount is the number of grains that cover the disk.
func grainCount(size int64) int64 { return scan.Units(size, grainSize) }
