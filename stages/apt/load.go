package apt

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/disco-build/disco/stages/internal/mapped"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// LoadPool opens a Packages index of the suite as a Pool: from the cache
// when it holds the index's content (by SHA-256; no download then), else by
// fetching the index (by-hash first), checking its size and digests
// against the signed Release file, decompressing it, checking the
// decompressed text against the Release file's entry for it when there is
// one, parsing it and caching the result. cache may be nil.
func LoadPool(ctx context.Context, s *Suite, idx IndexFile, f Fetcher, cache *Cache) (*Pool, error) {
	key := idx.key()
	if key == "" && !s.Repo.AllowWeak && !s.Repo.Trusted {
		return nil, s.Repo.errorf(s.Base, fmt.Errorf("%s: %w: the Release file gives no SHA256 or SHA512 digest of %s", s.File, ErrWeak, idx.Path))
	}
	name := "dists/" + s.Repo.Suite + "/" + idx.Path
	setup := func(enc *mapped.Pool, cached bool) *Pool {
		p := newPool(enc)
		p.Repo, p.Index, p.SHA256, p.Cached = s.Repo.Name, name, key, cached
		return p
	}
	if cache != nil && key != "" {
		if data, ok := cache.mapFile(key); ok {
			if enc, err := readPoolEncoding(data); err == nil {
				return setup(enc, true), nil
			}
		}
	}
	hint := 1000
	if idx.Plain != nil {
		hint = int(min(idx.Plain.Size/800, 1<<22)) // about 800 bytes a package in Debian's indexes
	}
	b := newPoolBuilder(hint)
	err := s.streamIndex(ctx, idx, f, func(text string, line int) error {
		return parsePackages(text, name, line, b.add)
	})
	if err != nil {
		return nil, s.Repo.errorf(s.Base, err)
	}
	parts := b.finish()
	b = nil
	var data string
	if cache != nil && key != "" {
		if err := cache.put(key, parts); err != nil {
			return nil, s.Repo.errorf(s.Base, err)
		}
		data, _ = cache.mapFile(key)
	}
	if data == "" {
		data = string(bytes.Join(parts, nil))
	}
	enc, err := readPoolEncoding(data)
	if err != nil {
		return nil, s.Repo.errorf(s.Base, fmt.Errorf("pool of %s: %w", name, err))
	}
	return setup(enc, false), nil
}

// streamIndex fetches an index and hands its decompressed text to parse
// in parts that end at paragraph boundaries, with the number of each
// part's first line. Decompression runs on a goroutine of its own, so that
// parsing overlaps it. Every byte is checked against the Release file
// (the file, and the decompressed text when the Release file lists it):
// a mismatch is the error, whatever parse said about the bytes.
func (s *Suite) streamIndex(ctx context.Context, idx IndexFile, f Fetcher, parse func(text string, line int) error) error {
	name := "dists/" + s.Repo.Suite + "/" + idx.Path
	bases := append([]string{s.Base}, s.Repo.URIs...)
	rc, err := f.Open(ctx, dedupe(bases), s.paths(idx), idx.Info.SHA256, idx.Info.Size)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer rc.Close()
	check := newChecker(rc, idx.Info)
	// Decoders read a byte at a time: give them a buffer, not the file.
	dec, closeDec, err := decompressor(bufio.NewReaderSize(check, 1<<20), idx.Compression)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer closeDec()
	var plain *checker
	var r io.Reader = dec
	if idx.Plain != nil && idx.Compression != "" {
		plain = newChecker(dec, idx.Plain)
		r = plain
	}
	chunks := make(chan []byte, 2)
	var readErr error
	go func() {
		defer close(chunks)
		for {
			buf := make([]byte, 4<<20)
			n, err := io.ReadFull(r, buf)
			if n > 0 {
				chunks <- buf[:n]
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return
			}
			if err != nil {
				readErr = err
				return
			}
		}
	}()
	pending, line := "", 1
	var parseErr error
	for c := range chunks {
		if parseErr != nil {
			continue // drain, to check the digests
		}
		text := pending + string(c)
		cut := strings.LastIndex(text, "\n\n")
		if cut < 0 {
			pending = text
			continue
		}
		parseErr = parse(text[:cut+2], line)
		line += strings.Count(text[:cut+2], "\n")
		pending = text[cut+2:]
	}
	if _, err := io.Copy(io.Discard, check); err != nil && readErr == nil {
		readErr = err
	}
	if err := check.verify(name); err != nil {
		return err // a bad download shows as a decoding or parse error first
	}
	if readErr != nil {
		return fmt.Errorf("%s: %w", name, readErr)
	}
	if plain != nil {
		if err := plain.verify(name + " (decompressed)"); err != nil {
			return err
		}
	}
	if parseErr == nil && pending != "" {
		parseErr = parse(pending, line)
	}
	return parseErr
}

func dedupe(l []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// checker hashes and counts what is read through it.
type checker struct {
	r      io.Reader
	want   *FileInfo
	n      int64
	sha256 hash.Hash
	sha512 hash.Hash
}

func newChecker(r io.Reader, want *FileInfo) *checker {
	c := &checker{r: r, want: want}
	if want.SHA256 != "" {
		c.sha256 = sha256.New()
	}
	if want.SHA512 != "" {
		c.sha512 = sha512.New()
	}
	return c
}

func (c *checker) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	if c.sha256 != nil {
		c.sha256.Write(b[:n])
	}
	if c.sha512 != nil {
		c.sha512.Write(b[:n])
	}
	return n, err
}

// verify compares size and digests with the Release file's entry.
func (c *checker) verify(name string) error {
	if c.n != c.want.Size {
		return fmt.Errorf("%s: %w: %d bytes, the Release file says %d", name, ErrHashMismatch, c.n, c.want.Size)
	}
	for _, h := range []struct {
		h    hash.Hash
		want string
		kind string
	}{{c.sha256, c.want.SHA256, "SHA256"}, {c.sha512, c.want.SHA512, "SHA512"}} {
		if h.h == nil {
			continue
		}
		if got := hex.EncodeToString(h.h.Sum(nil)); got != h.want {
			return fmt.Errorf("%s: %w: %s %s, the Release file says %s", name, ErrHashMismatch, h.kind, got, h.want)
		}
	}
	return nil
}

// decompressor reads an index compressed as its extension says.
func decompressor(r io.Reader, compression string) (io.Reader, func(), error) {
	nop := func() {}
	switch compression {
	case "":
		return r, nop, nil
	case "gz":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, func() { zr.Close() }, nil
	case "xz":
		zr, err := xz.NewReader(r)
		if err != nil {
			return nil, nil, fmt.Errorf("xz: %w", err)
		}
		return zr, nop, nil
	case "lzma":
		zr, err := lzma.NewReader(r)
		if err != nil {
			return nil, nil, fmt.Errorf("lzma: %w", err)
		}
		return zr, nop, nil
	case "bz2":
		return bzip2.NewReader(r), nop, nil
	case "zst":
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, fmt.Errorf("zstd: %w", err)
		}
		return zr, zr.Close, nil
	}
	return nil, nil, fmt.Errorf("unsupported compression %q", compression)
}
