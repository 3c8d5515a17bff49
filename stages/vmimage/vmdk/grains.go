package vmdk

import (
	"context"
	"io"

	"github.com/klauspost/compress/zlib"

	"github.com/disco-build/disco/stages/vmimage/internal/pipe"
)

// compressGrains zlib-compresses every grain that holds data, on all cores,
// and hands them to put in disk order.
func compressGrains(ctx context.Context, r io.ReaderAt, size int64, level int, put func(g int64, z []byte) error) error {
	newFunc := func() pipe.Func {
		var out appender
		zw, _ := zlib.NewWriterLevel(&out, level) // level is checked by Options.defaults
		return func(dst, data []byte) ([]byte, error) {
			out.b = dst
			zw.Reset(&out)
			if _, err := zw.Write(data); err != nil {
				return nil, err
			}
			if err := zw.Close(); err != nil {
				return nil, err
			}
			return out.b, nil
		}
	}
	return pipe.Ordered(ctx, r, size, grainSize, newFunc, func(g int64, _, z []byte) error {
		return put(g, z)
	})
}

// appender is an io.Writer that appends to a slice it does not own.
type appender struct{ b []byte }

func (a *appender) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}
