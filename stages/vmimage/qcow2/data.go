package qcow2

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/klauspost/compress/flate"

	"github.com/disco-build/disco/stages/vmimage/internal/scan"
)

// compressor deflates clusters the way QEMU inflates them: raw deflate,
// 4 KiB window.
type compressor struct {
	level int
	buf   bytes.Buffer
	fw    *flate.Writer
}

func newCompressor(opts Options) (*compressor, error) {
	if !opts.Compress {
		return nil, nil
	}
	level := opts.Level
	if level == 0 {
		level = 6
	}
	if level < 1 || level > 9 {
		return nil, fmt.Errorf("qcow2: compression level %d not in 1..9", level)
	}
	return &compressor{level: level}, nil
}

// deflate compresses one cluster; nil means it does not shrink and is
// stored whole.
func (c *compressor) deflate(data []byte) ([]byte, error) {
	c.buf.Reset()
	if c.fw == nil {
		fw, err := flate.NewWriterWindow(&c.buf, 4096)
		if err != nil {
			return nil, err
		}
		c.fw = fw
	} else {
		c.fw.Reset(&c.buf)
	}
	if _, err := c.fw.Write(data); err != nil {
		return nil, err
	}
	if err := c.fw.Close(); err != nil {
		return nil, err
	}
	if c.buf.Len() >= clusterSize-512 {
		return nil, nil
	}
	return c.buf.Bytes(), nil
}

// measure is the planning pass with compression: which clusters hold data
// and how long each one compresses to (0 when stored whole).
func (c *compressor) measure(ctx context.Context, r io.ReaderAt, size int64) (*scan.Map, []int32, error) {
	var lens []int32
	m := scan.NewMap(size, clusterSize)
	err := scan.Each(ctx, r, size, clusterSize, func(g int64, data []byte) error {
		z, err := c.deflate(data)
		lens = append(lens, int32(len(z)))
		m.Set(g)
		return err
	})
	return m, lens, err
}

// writeData copies the data clusters, compressing again where planned; the
// compressor is deterministic, so each cluster lands where the L2 tables
// already point, which is checked.
func (l *layout) writeData(ctx context.Context, w *countWriter, r io.ReaderAt, c *compressor) error {
	var p placer
	k := 0
	err := scan.Each(ctx, r, l.size, clusterSize, func(g int64, data []byte) error {
		n := l.stored(k)
		k++
		off := l.dataOff + p.place(n)
		if w.n > off {
			return fmt.Errorf("cluster %d: at offset %d, planned %d", g, w.n, off)
		}
		if err := w.pad(off); err != nil {
			return err
		}
		if n == 0 {
			_, err := w.Write(data)
			return err
		}
		z, err := c.deflate(data)
		if err != nil {
			return err
		}
		if int32(len(z)) != n {
			return fmt.Errorf("cluster %d compressed to %d bytes, planned %d", g, len(z), n)
		}
		_, err = w.Write(z)
		return err
	})
	if err != nil {
		return err
	}
	if k != len(l.lens) && l.lens != nil || int64(k) != l.m.Count {
		return fmt.Errorf("raw disk changed while writing: %d data clusters, planned %d", k, l.m.Count)
	}
	if err := w.pad(l.total * clusterSize); err != nil {
		return err
	}
	if w.n != l.total*clusterSize {
		return fmt.Errorf("wrote %d bytes, planned %d", w.n, l.total*clusterSize)
	}
	return nil
}
