package rpm

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/disco-build/disco/stages/rpm/cpio"
)

// PayloadEntry is one file read from the payload, joined to its header
// metadata. The header is authoritative for owner, mode, rdev and mtime.
type PayloadEntry struct {
	File *File
	// HardLinkOf is set for a hard-link member whose content came with an
	// earlier entry: create this path as a hard link to HardLinkOf.
	HardLinkOf string
}

// PayloadReader walks the payload in archive order. For each file it yields
// a PayloadEntry; the content of a regular file is then read from the
// PayloadReader itself, verified against FILEDIGESTS as it is read. %ghost
// files have no payload entry and are not yielded (they are in
// Package.Files). Hard links follow rpm: the group's content comes with one
// entry, and the other members are yielded after it with HardLinkOf set.
type PayloadReader struct {
	p       *Package
	files   []File
	byPath  map[string]int
	algo    uint32
	archive io.ReadCloser
	arc     *cpio.Reader
	raw     *digestReader // the compressed stream, for digest
	digest  Digest        // the payload digest checked on the way
	seen    []bool
	waiting map[int][]int // content member -> members seen before it
	queue   []PayloadEntry
	content *digestReader // content of the current entry, nil if none
	cur     *File
	left    int64
	matched bool // the current file's content was read and matched its digest
	done    bool
	err     error // sticky
}

// Payload opens the payload for iteration.
func (p *Package) Payload() (*PayloadReader, error) {
	if f := p.PayloadFormat(); f != "cpio" {
		return nil, fmt.Errorf("package %s: unsupported payload format %q", p.NEVRA(), f)
	}
	files, err := p.Files()
	if err != nil {
		return nil, err
	}
	raw, err := p.RawPayload()
	if err != nil {
		return nil, err
	}
	r := &PayloadReader{p: p, files: files, algo: p.FileDigestAlgo(),
		byPath: make(map[string]int, len(files)), seen: make([]bool, len(files)),
		waiting: map[int][]int{}}
	if d, ok := p.payloadDigest(); ok && !p.payloadVerified {
		r.digest = d
		r.raw = &digestReader{r: raw, h: d.Hash.New()}
		raw = r.raw
	}
	if r.archive, err = Decompress(raw, p.PayloadCompressor()); err != nil {
		return nil, fmt.Errorf("package %s: payload: %w", p.NEVRA(), err)
	}
	r.arc = cpio.NewReader(r.archive)
	for i := range files {
		r.byPath[files[i].Path] = i
	}
	return r, nil
}

// Close releases the decompressor.
func (r *PayloadReader) Close() error { return r.archive.Close() }

func (r *PayloadReader) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: package %s: payload: %s", ErrFormat, r.p.NEVRA(), fmt.Sprintf(format, args...))
}

func (r *PayloadReader) wrap(path string, err error) error {
	if path == "" {
		return fmt.Errorf("package %s: payload: %w", r.p.NEVRA(), err)
	}
	return fmt.Errorf("package %s: payload: %s: %w", r.p.NEVRA(), path, err)
}

// Next advances to the next file; it returns io.EOF at the end of the
// payload, after checking that every non-ghost file was present and, when the
// header records one, the payload digest.
func (r *PayloadReader) Next() (*PayloadEntry, error) {
	if r.err != nil {
		return nil, r.err
	}
	e, err := r.next()
	if err != nil && err != io.EOF {
		r.err = err
	}
	return e, err
}

func (r *PayloadReader) next() (*PayloadEntry, error) {
	if err := r.finishContent(); err != nil {
		return nil, err
	}
	r.matched = false
	if len(r.queue) > 0 {
		e := r.queue[0]
		r.queue = r.queue[1:]
		return &e, nil
	}
	if r.done {
		return nil, io.EOF
	}
	for {
		e, err := r.nextArchived()
		if err != nil || e != nil {
			return e, err
		}
	}
}

// nextArchived reads one archive entry; it returns (nil, nil) for an entry
// that yields nothing yet (a ghost, a hard link waiting for its content).
func (r *PayloadReader) nextArchived() (*PayloadEntry, error) {
	h, err := r.arc.Next()
	if err == io.EOF {
		return nil, r.finish()
	}
	if err != nil {
		return nil, r.wrap("", err)
	}
	i, err := r.lookup(h)
	if err != nil {
		return nil, err
	}
	f := &r.files[i]
	if f.IsGhost() { // rpm < 4.11 sometimes archived ghosts; rpm skips them
		return nil, nil
	}
	if r.seen[i] {
		return nil, r.errorf("%s: file appears twice in the archive", f.Path)
	}
	r.seen[i] = true
	if err := r.setSize(h, f); err != nil {
		return nil, err
	}
	return r.entryFor(f)
}

func (r *PayloadReader) lookup(h *cpio.Header) (int, error) {
	if h.Stripped {
		if h.Index >= len(r.files) {
			return 0, r.errorf("stripped archive entry names file %d of %d", h.Index, len(r.files))
		}
		return h.Index, nil
	}
	path := archivePath(h.Name)
	i, ok := r.byPath[path]
	if !ok {
		return 0, r.errorf("archive file %q not in header", h.Name)
	}
	return i, nil
}

// archivePath maps an archive name to the header's path the way rpm's
// rpmfnFindFN does: with or without the "./" prefix, absolute or not.
func archivePath(name string) string {
	name = strings.TrimPrefix(name, "./")
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	return name
}

// setSize fixes the entry's data size from the header as rpm does, checking
// a newc entry's own size agrees.
func (r *PayloadReader) setSize(h *cpio.Header, f *File) error {
	var want int64
	switch {
	case f.IsRegular() && f.HasContent(), f.IsSymlink():
		want = f.Size
	}
	if h.Stripped {
		if err := r.arc.SetSize(want); err != nil {
			return r.wrap(f.Path, err)
		}
	} else if h.Size != want {
		return r.errorf("%s: archive entry has %d bytes, header says %d", f.Path, h.Size, want)
	}
	return nil
}

func (r *PayloadReader) entryFor(f *File) (*PayloadEntry, error) {
	if !f.IsRegular() || len(f.Links) == 0 {
		return r.start(f), nil
	}
	last := f.Links[len(f.Links)-1]
	if f.Index != last {
		if r.seen[last] { // content already given: link to it now
			return &PayloadEntry{File: f, HardLinkOf: r.files[last].Path}, nil
		}
		r.waiting[last] = append(r.waiting[last], f.Index)
		return nil, nil
	}
	for _, w := range r.waiting[last] {
		r.queue = append(r.queue, PayloadEntry{File: &r.files[w], HardLinkOf: f.Path})
	}
	delete(r.waiting, last)
	return r.start(f), nil
}

// start makes f the current entry, with content for a regular file.
func (r *PayloadReader) start(f *File) *PayloadEntry {
	r.cur, r.content, r.left = f, nil, 0
	if f.IsRegular() {
		h, err := newHash(r.algo)
		if err != nil || f.Digest == "" {
			h = nil
		}
		r.content = &digestReader{r: r.arc, h: h}
		r.left = f.Size
	}
	return &PayloadEntry{File: f}
}

// Read reads the content of the current regular file. At its end the
// content is checked against the file's digest.
func (r *PayloadReader) Read(b []byte) (int, error) {
	if r.content == nil || r.left == 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > r.left {
		b = b[:r.left]
	}
	var n int
	var err error
	if r.content.h == nil {
		n, err = r.arc.Read(b)
	} else {
		n, err = r.content.Read(b)
	}
	r.left -= int64(n)
	if err == io.EOF && r.left > 0 {
		return n, r.errorf("%s: content ends %d bytes short", r.cur.Path, r.left)
	}
	if err != nil && err != io.EOF {
		return n, r.wrap(r.cur.Path, err)
	}
	if r.left == 0 {
		if err := r.verify(); err != nil {
			return n, err
		}
		return n, io.EOF
	}
	return n, nil
}

// VerifiedSHA256 is the current file's SHA-256 (hex) once its content has
// been read to the end and matched the header's digest, when the package
// records SHA-256 file digests; "" otherwise. (It implements tree.Verified,
// so installing a file does not hash it twice.)
func (r *PayloadReader) VerifiedSHA256() string {
	if r.matched && r.algo == DigestSHA256 {
		return r.cur.Digest
	}
	return ""
}

func (r *PayloadReader) verify() error {
	f := r.cur
	if f.Digest == "" {
		return nil
	}
	if r.content.h == nil {
		_, err := newHash(r.algo)
		return r.wrap(f.Path, err)
	}
	if r.content.matches(f.Digest) {
		r.matched = true
		return nil
	}
	if f.Size == 0 && r.algo == DigestMD5 && strings.Trim(f.Digest, "0") == "" {
		return nil // old packages record zeros for empty files
	}
	return r.wrap(f.Path, fmt.Errorf("%w: content does not match %s", ErrDigest, f.Digest))
}

// finishContent reads (and so verifies) what the caller left unread.
func (r *PayloadReader) finishContent() error {
	if r.content == nil || r.left == 0 {
		r.content = nil
		return nil
	}
	_, err := io.Copy(io.Discard, r)
	r.content = nil
	return err
}

// finish checks the archive held every file and the payload digest.
func (r *PayloadReader) finish() error {
	r.done = true
	for i := range r.files {
		if !r.seen[i] && !r.files[i].IsGhost() {
			return r.errorf("missing file(s): %s is in the header but not in the archive", r.files[i].Path)
		}
	}
	if r.raw == nil {
		return io.EOF
	}
	if _, err := io.Copy(io.Discard, r.archive); err != nil {
		return r.wrap("", err)
	}
	if _, err := io.Copy(io.Discard, r.raw); err != nil {
		return r.wrap("", err)
	}
	if got := hex.EncodeToString(r.raw.h.Sum(nil)); got != r.digest.Want {
		return &DigestError{Package: r.p.NEVRA(), Digest: r.digest, Got: got}
	}
	return io.EOF
}
