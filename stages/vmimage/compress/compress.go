// Package compress wraps a finished raw disk image in a stream compressor
// (zstd, xz or gzip) with fixed settings, so the compressed file is
// byte-identical on every run and every machine.
//
// Entry points: Methods (the compressors by name), Lookup, and Write, which
// compresses a raw disk to an io.Writer.
//
// Settings: zstd is klauspost's encoder at its default level with one
// goroutine (its multi-goroutine mode is not promised to give the same
// frames), a checksum, and no dictionary; xz is ulikunitz/xz with an 8 MiB
// dictionary and CRC64, single-threaded; gzip is klauspost's gzip at level 6
// with no name and a zero modification time in its header.
package compress

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Method is one compressor.
type Method struct {
	Name      string // as plans spell it: "gzip", "xz", "zstd"
	Extension string // appended to the image's file name, with its dot
	// NewWriter starts a compressed stream on w; Close ends it (and does
	// not close w).
	NewWriter func(w io.Writer) (io.WriteCloser, error)
}

// Methods lists the compressors, sorted by name.
var Methods = []Method{
	{"gzip", ".gz", newGzip},
	{"xz", ".xz", newXz},
	{"zstd", ".zst", newZstd},
}

// Lookup returns the method called name.
func Lookup(name string) (Method, error) {
	names := make([]string, len(Methods))
	for i, m := range Methods {
		if m.Name == name {
			return m, nil
		}
		names[i] = m.Name
	}
	return Method{}, fmt.Errorf("unknown compression %q (known: %s)", name, strings.Join(names, ", "))
}

func newGzip(w io.Writer) (io.WriteCloser, error) {
	return gzip.NewWriterLevel(w, 6) // the header's Name and ModTime stay empty
}

func newXz(w io.Writer) (io.WriteCloser, error) {
	return xz.WriterConfig{DictCap: 8 << 20, CheckSum: xz.CRC64}.NewWriter(w)
}

func newZstd(w io.Writer) (io.WriteCloser, error) {
	return zstd.NewWriter(w,
		zstd.WithEncoderLevel(zstd.SpeedDefault),
		zstd.WithEncoderConcurrency(1),
		zstd.WithEncoderCRC(true),
		zstd.WithZeroFrames(true),
	)
}

// Write compresses the size bytes of the raw disk r to w with the method
// called name. ctx is checked between 1 MiB reads.
func Write(ctx context.Context, w io.Writer, r io.ReaderAt, size int64, name string) error {
	m, err := Lookup(name)
	if err != nil {
		return fmt.Errorf("compress: %w", err)
	}
	cw, err := m.NewWriter(w)
	if err != nil {
		return fmt.Errorf("compress: start %s stream: %w", name, err)
	}
	buf := make([]byte, 1<<20)
	for off := int64(0); off < size; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if n == 0 && err != nil {
			return fmt.Errorf("compress: read raw disk at offset %d: %w", off, err)
		}
		if _, err := cw.Write(buf[:n]); err != nil {
			return fmt.Errorf("compress: %s: %w", name, err)
		}
		off += int64(n)
	}
	if err := cw.Close(); err != nil {
		return fmt.Errorf("compress: finish %s stream: %w", name, err)
	}
	return nil
}
