package qcow2

import (
	"context"
	"fmt"
	"io"

	"github.com/disco-build/disco/stages/vmimage/internal/scan"
)

const (
	clusterBits  = 16
	clusterSize  = 1 << clusterBits
	l2Entries    = clusterSize / 8 // entries per L2 table
	refsPerBlock = clusterSize / 2 // 16-bit refcounts per refcount block
	rtPerCluster = clusterSize / 8 // refcount table entries per cluster
)

// Options tune the image; the zero value writes uncompressed clusters.
type Options struct {
	// Compress stores each cluster that shrinks as deflate data.
	Compress bool
}

// Write writes the raw disk r of size bytes (a multiple of 512) to w as a
// qcow2 image.
func Write(ctx context.Context, w io.Writer, r io.ReaderAt, size int64, opts Options) error {
	if size <= 0 || size%512 != 0 {
		return fmt.Errorf("qcow2: disk size %d is not a positive multiple of 512", size)
	}
	c, err := newCompressor(opts)
	if err != nil {
		return err
	}
	l, err := plan(ctx, r, size, c)
	if err != nil {
		return err
	}
	cw := &countWriter{w: w}
	if err := l.writeMetadata(cw); err != nil {
		return fmt.Errorf("qcow2: write metadata: %w", err)
	}
	if err := l.writeData(ctx, cw, r, c); err != nil {
		return fmt.Errorf("qcow2: %w", err)
	}
	return nil
}

// plan reads the disk once and lays the image out.
func plan(ctx context.Context, r io.ReaderAt, size int64, c *compressor) (*layout, error) {
	var (
		m    *scan.Map
		lens []int32
		err  error
	)
	if c == nil {
		m, err = scan.Scan(ctx, r, size, clusterSize)
	} else {
		m, lens, err = c.measure(ctx, r, size)
	}
	if err != nil {
		return nil, fmt.Errorf("qcow2: scan raw disk: %w", err)
	}
	return newLayout(size, m, lens), nil
}

// countWriter counts what passes through, so the data pass can check that
// every cluster lands where the tables say.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// pad writes zeros up to offset off.
func (c *countWriter) pad(off int64) error {
	var zero [4096]byte
	for c.n < off {
		if _, err := c.Write(zero[:min(off-c.n, int64(len(zero)))]); err != nil {
			return err
		}
	}
	return nil
}
