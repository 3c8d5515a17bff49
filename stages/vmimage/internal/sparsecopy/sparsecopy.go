// Package sparsecopy copies a raw disk to a writer whole, for formats that
// embed the disk byte for byte (fixed VHD, raw); when the writer is the end
// of a regular file, runs of zeros become holes instead of written zeros.
//
// Entry point: Copy.
package sparsecopy

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/disco-build/disco/stages/vmimage/internal/scan"
)

const chunk = 1 << 20

// Copy writes the size bytes of r to w. If w is an *os.File positioned at
// its end, all-zero 1 MiB chunks are skipped with Seek (leaving holes) and
// the file is extended to its full length at the end; the bytes read back
// are the same either way.
func Copy(ctx context.Context, w io.Writer, r io.ReaderAt, size int64) error {
	f, holes := w.(*os.File)
	if holes {
		holes = atEnd(f)
	}
	buf := make([]byte, chunk)
	pending := int64(0) // zeros skipped but not yet materialised
	for off := int64(0); off < size; off += chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := buf[:min(chunk, size-off)]
		if err := scan.ReadUnit(io.NewSectionReader(r, off, int64(len(b))), int64(len(b)), 0, b); err != nil {
			return fmt.Errorf("read raw disk at offset %d: %w", off, err)
		}
		if holes && scan.IsZero(b) {
			pending += int64(len(b))
			continue
		}
		if pending > 0 {
			if _, err := f.Seek(pending, io.SeekCurrent); err != nil {
				return fmt.Errorf("skip zeros: %w", err)
			}
			pending = 0
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	if pending > 0 {
		end, err := f.Seek(pending, io.SeekCurrent)
		if err == nil {
			err = f.Truncate(end)
		}
		if err != nil {
			return fmt.Errorf("extend %s over trailing zeros: %w", f.Name(), err)
		}
	}
	return nil
}

// atEnd reports whether f is a regular file whose offset is at its end, so
// seeking forward leaves holes rather than skipping over old content.
func atEnd(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	off, err := f.Seek(0, io.SeekCurrent)
	return err == nil && off == st.Size()
}
