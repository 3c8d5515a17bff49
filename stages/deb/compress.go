package deb

import (
	"bufio"
	"compress/bzip2"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"

	"github.com/disco-build/disco/stages/deb/ar"
	"github.com/disco-build/disco/stages/deb/tar"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// controlCompressors are the control.tar extensions dpkg-deb accepts;
// dataCompressors those of data.tar (compressor_find_by_extension).
var (
	controlCompressors = map[string]bool{"": true, ".gz": true, ".xz": true, ".zst": true}
	dataCompressors    = map[string]bool{"": true, ".gz": true, ".xz": true, ".zst": true, ".bz2": true, ".lzma": true}
)

// decompress wraps r in the decompressor for a member name's extension
// ("" for an uncompressed member). Closing it releases the decompressor.
// Read errors of r come back as they are; any other decompressor error
// wraps errCorrupt.
func decompress(r io.Reader, ext string) (io.ReadCloser, error) {
	src := &sourceReader{r: r}
	rc, err := newDecompressor(src, ext)
	if err != nil {
		if src.err != nil {
			return nil, src.err
		}
		return nil, fmt.Errorf("%w (%s): %w", errCorrupt, compressorNames[ext], err)
	}
	return &decoded{ReadCloser: rc, src: src, name: compressorNames[ext]}, nil
}

var compressorNames = map[string]string{"": "tar", ".gz": "gzip", ".xz": "xz", ".zst": "zstd", ".bz2": "bzip2", ".lzma": "lzma"}

// sourceReader remembers the last error reading the compressed bytes.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(b []byte) (int, error) {
	n, err := s.r.Read(b)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// decoded tells the source's errors from the decompressor's.
type decoded struct {
	io.ReadCloser
	src  *sourceReader
	name string
}

func (d *decoded) Read(b []byte) (int, error) {
	n, err := d.ReadCloser.Read(b)
	if err == nil || err == io.EOF {
		return n, err
	}
	if d.src.err != nil {
		return n, d.src.err
	}
	return n, fmt.Errorf("%w (%s): %w", errCorrupt, d.name, err)
}

// errCorrupt is wrapped by decompressor errors.
var errCorrupt = errors.New("corrupt compressed data")

// isFormat reports an error about malformed bytes from any layer.
func isFormat(err error) bool {
	return errors.Is(err, ErrFormat) || errors.Is(err, errCorrupt) || errors.Is(err, ar.ErrFormat) || errors.Is(err, tar.ErrFormat)
}

// formatError wraps err with ErrFormat, after prefix, when it is about
// malformed bytes.
func formatError(prefix string, err error) error {
	if isFormat(err) && !errors.Is(err, ErrFormat) {
		return fmt.Errorf("%w: %s: %w", ErrFormat, prefix, err)
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

func newDecompressor(r io.Reader, ext string) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	switch ext {
	case "":
		return io.NopCloser(br), nil
	case ".gz":
		g, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return g, nil
	case ".xz":
		x, err := xz.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("xz: %w", err)
		}
		return io.NopCloser(x), nil
	case ".zst":
		return newZstd(br)
	case ".bz2":
		return io.NopCloser(bzip2.NewReader(br)), nil
	case ".lzma":
		if err := checkLZMAHeader(br); err != nil {
			return nil, err
		}
		l, err := lzma.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("lzma: %w", err)
		}
		return io.NopCloser(l), nil
	}
	return nil, fmt.Errorf("unknown compression %q", ext)
}

// zstdDecoders holds idle zstd decoders: a new one allocates its window
// afresh, and a build decompresses many members in a row.
var zstdDecoders sync.Pool

type zstdReader struct{ d *zstd.Decoder }

func newZstd(r io.Reader) (io.ReadCloser, error) {
	if d, ok := zstdDecoders.Get().(*zstd.Decoder); ok {
		if err := d.Reset(r); err == nil {
			return &zstdReader{d: d}, nil
		}
	}
	d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(MaxZstdWindow))
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return &zstdReader{d: d}, nil
}

func (z *zstdReader) Read(b []byte) (int, error) {
	if z.d == nil {
		return 0, fs.ErrClosed
	}
	return z.d.Read(b)
}

func (z *zstdReader) Close() error {
	if z.d != nil {
		z.d.Reset(nil)
		zstdDecoders.Put(z.d)
		z.d = nil
	}
	return nil
}

// MaxZstdWindow bounds the memory a zstd member may ask for; dpkg-deb
// writes windows of at most 128 MiB (--zstd long mode).
const MaxZstdWindow = 1 << 31

// MaxLZMADict bounds the dictionary a legacy .lzma member may ask for.
const MaxLZMADict = 1 << 30

// checkLZMAHeader rejects a .lzma header whose dictionary size would force
// an absurd allocation (bytes 1-4, little-endian).
func checkLZMAHeader(br *bufio.Reader) error {
	h, err := br.Peek(5)
	if err != nil {
		return fmt.Errorf("lzma: header: %w", noEOF(err))
	}
	if dict := binary.LittleEndian.Uint32(h[1:]); dict > MaxLZMADict {
		return fmt.Errorf("lzma: dictionary of %d bytes exceeds %d", dict, MaxLZMADict)
	}
	return nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
