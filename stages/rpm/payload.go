package rpm

import (
	"bufio"
	"compress/bzip2"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// RawPayload returns the payload bytes as stored (compressed). With a source
// that is an io.ReaderAt it may be called any number of times; otherwise
// once.
func (p *Package) RawPayload() (io.Reader, error) {
	if p.at != nil {
		return io.NewSectionReader(p.at, p.PayloadOffset, math.MaxInt64-p.PayloadOffset), nil
	}
	if p.used {
		return nil, fmt.Errorf("package %s: payload already read from a stream that cannot rewind", p.NEVRA())
	}
	p.used = true
	return p.src, nil
}

// PayloadArchive returns the decompressed payload (the cpio archive).
// Closing it releases the decompressor.
func (p *Package) PayloadArchive() (io.ReadCloser, error) {
	raw, err := p.RawPayload()
	if err != nil {
		return nil, err
	}
	rc, err := Decompress(raw, p.PayloadCompressor())
	if err != nil {
		return nil, fmt.Errorf("package %s: payload: %w", p.NEVRA(), err)
	}
	return rc, nil
}

// Decompress wraps r in the decompressor rpm uses for a PAYLOADCOMPRESSOR
// value. An empty name sniffs for gzip and otherwise passes data through, as
// rpm's zlib-based reader does.
func Decompress(r io.Reader, compressor string) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	switch compressor {
	case "":
		if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
			return newGzip(br)
		}
		return io.NopCloser(br), nil
	case "identity", "none":
		return io.NopCloser(br), nil
	case "gzip":
		return newGzip(br)
	case "bzip2":
		return io.NopCloser(bzip2.NewReader(br)), nil
	case "xz":
		x, err := xz.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("xz: %w", err)
		}
		return io.NopCloser(x), nil
	case "lzma":
		if err := checkLZMAHeader(br); err != nil {
			return nil, err
		}
		l, err := lzma.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("lzma: %w", err)
		}
		return io.NopCloser(l), nil
	case "zstd":
		return newZstd(br)
	}
	return nil, fmt.Errorf("unsupported payload compressor %q", compressor)
}

// zstdDecoders holds idle zstd decoders: a new one allocates its window
// (megabytes) afresh, and a build decompresses many payloads in a row.
var zstdDecoders sync.Pool

// zstdReader is a pooled decoder; Close hands it back.
type zstdReader struct{ d *zstd.Decoder }

func newZstd(r io.Reader) (io.ReadCloser, error) {
	if d, ok := zstdDecoders.Get().(*zstd.Decoder); ok {
		if err := d.Reset(r); err == nil {
			return &zstdReader{d: d}, nil
		}
	}
	d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
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
		z.d.Reset(nil) // drops the source; the decoder keeps its buffers
		zstdDecoders.Put(z.d)
		z.d = nil
	}
	return nil
}

// MaxLZMADict bounds the dictionary a legacy .lzma payload may ask for (the
// decoder allocates it up front); xz's largest preset uses 64 MiB.
const MaxLZMADict = 1 << 30

// checkLZMAHeader rejects a .lzma header whose dictionary size would force an
// absurd allocation: byte 0 is the properties, bytes 1-4 the little-endian
// dictionary size.
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

func newGzip(r io.Reader) (io.ReadCloser, error) {
	g, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return g, nil
}

// newHash returns the hash for a PGP hash algorithm number.
func newHash(algo uint32) (hash.Hash, error) {
	h, err := HashAlgo(algo)
	if err != nil {
		return nil, err
	}
	return h.New(), nil
}

// ErrDigest is wrapped by errors about content that does not match the
// digest the header records for it.
var ErrDigest = errors.New("digest mismatch")

// digestReader hashes what passes through it.
type digestReader struct {
	r io.Reader
	h hash.Hash
}

func (d *digestReader) Read(b []byte) (int, error) {
	n, err := d.r.Read(b)
	d.h.Write(b[:n])
	return n, err
}

func (d *digestReader) matches(want string) bool {
	return hex.EncodeToString(d.h.Sum(nil)) == want
}
