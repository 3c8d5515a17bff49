package qcow2

import (
	"context"
	"fmt"
	"io"

	"github.com/klauspost/compress/flate"

	"github.com/disco-build/disco/stages/vmimage/internal/pipe"
	"github.com/disco-build/disco/stages/vmimage/internal/scan"
)

// compressor deflates clusters the way QEMU inflates them: raw deflate
// with a 4 KiB window.
type compressor struct{}

func newCompressor(opts Options) (*compressor, error) {
	if !opts.Compress {
		return nil, nil
	}
	return &compressor{}, nil
}

// newFunc returns a pipe.Func that compresses one cluster; an empty result
// means it does not shrink enough and is stored whole.
func (c *compressor) newFunc() pipe.Func {
	var out appender
	fw, err := flate.NewWriterWindow(&out, 4096)
	return func(dst, data []byte) ([]byte, error) {
		if err != nil {
			return nil, err
		}
		out.b = dst
		fw.Reset(&out)
		if _, err := fw.Write(data); err != nil {
			return nil, err
		}
		if err := fw.Close(); err != nil {
			return nil, err
		}
		if len(out.b) >= clusterSize-512 {
			return out.b[:0], nil
		}
		return out.b, nil
	}
}

// appender is an io.Writer appending to a slice it does not own.
type appender struct{ b []byte }

func (a *appender) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

// measure is the planning pass with compression: which clusters hold data
// and how long each one compresses to (0 when stored whole).
func (c *compressor) measure(ctx context.Context, r io.ReaderAt, size int64) (*scan.Map, []int32, error) {
	var lens []int32
	m := scan.NewMap(size, clusterSize)
	err := pipe.Ordered(ctx, r, size, clusterSize, c.newFunc, func(g int64, _, z []byte) error {
		lens = append(lens, int32(len(z)))
		m.Set(g)
		return nil
	})
	return m, lens, err
}

// writeData copies the data clusters, compressing again where planned; the
// compressor is deterministic, so each cluster lands where the L2 tables
// already point, which is checked.
func (l *layout) writeData(ctx context.Context, w *countWriter, r io.ReaderAt, c *compressor) error {
	var p placer
	k := 0
	put := func(g int64, data, z []byte) error {
		n := l.stored(k)
		k++
		if n != 0 && int32(len(z)) != n {
			return fmt.Errorf("cluster %d compressed to %d bytes, planned %d", g, len(z), n)
		}
		off := l.dataOff + p.place(n)
		if w.n > off {
			return fmt.Errorf("cluster %d: at offset %d, planned %d", g, w.n, off)
		}
		if err := w.pad(off); err != nil {
			return err
		}
		if n == 0 {
			z = data
		}
		_, err := w.Write(z)
		return err
	}
	var err error
	if c == nil {
		err = scan.Each(ctx, r, l.size, clusterSize, func(g int64, data []byte) error { return put(g, data, nil) })
	} else {
		err = pipe.Ordered(ctx, r, l.size, clusterSize, c.newFunc, put)
	}
	if err != nil {
		return err
	}
	if int64(k) != l.m.Count {
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
