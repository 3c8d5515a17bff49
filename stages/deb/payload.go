package deb

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"math"
	"path"

	"github.com/disco-build/disco/stages/deb/ar"
	"github.com/disco-build/disco/stages/deb/tar"
)

// PayloadEntry is one entry of the data archive.
type PayloadEntry struct {
	File *File
	// HardLinkOf is set for a hard link: create File.Path as a hard link
	// to HardLinkOf, a regular file the archive gave earlier.
	HardLinkOf string
}

// PayloadReader walks the data archive in the order dpkg unpacks it: every
// entry but symbolic links in archive order, then the symbolic links in
// archive order (tar_extractor defers them to the end). For each entry it
// yields a PayloadEntry; a regular file's content is then read from the
// PayloadReader itself.
//
// Entries are checked as they come, and the walk stops at the first
// problem, before anything of the bad entry is yielded: a path that is not
// clean once dpkg's leading "/" and "./" are dropped (a ".." component
// included), a path given twice, a hard link to anything but a regular
// file given earlier, an empty symbolic link target, a top folder that is
// not a folder, and an entry below a path the same archive makes a
// symbolic link (dpkg, which creates links last, would place such an entry
// wherever the link then points, even outside its root).
type PayloadReader struct {
	p       *Package
	archive io.ReadCloser
	tr      *tar.Reader
	index   int
	kinds   map[string]uint32   // path -> type bits of every entry so far
	parents map[string]struct{} // every proper ancestor of those paths
	links   []File              // symbolic links, yielded at the end
	linkAt  int
	cur     *File
	md5     hash.Hash // content hash of the current entry
	sum     string
	sums    map[string]string // MD5 of every file hashed, for hard links
	hashAll bool              // no md5sums control file: dpkg makes one
	done    bool
	err     error // sticky
}

// Payload opens the data archive for reading. With a source that is an
// io.ReaderAt it may be called any number of times; otherwise once.
func (p *Package) Payload() (*PayloadReader, error) {
	raw, err := p.rawData()
	if err != nil {
		return nil, err
	}
	ext := p.DataName[len(DataMember):]
	var archive io.ReadCloser
	if ext == ".xz" && p.at != nil {
		archive = newParallelXZ(io.NewSectionReader(p.at, p.DataOffset, p.DataSize), p.DataSize, p.XZWorkers)
	}
	if archive == nil {
		archive, err = decompress(raw, ext)
	}
	if err != nil {
		return nil, formatError("package "+p.ID()+": "+p.DataName, err)
	}
	_, hasSums := p.File("md5sums")
	return &PayloadReader{p: p, archive: archive, tr: tar.NewReader(archive),
		kinds: map[string]uint32{}, parents: map[string]struct{}{}, sums: map[string]string{}, hashAll: !hasSums}, nil
}

// RawData returns the data member's bytes as stored (compressed).
func (p *Package) RawData() (io.Reader, error) { return p.rawData() }

func (p *Package) rawData() (io.Reader, error) {
	if p.at != nil {
		return &sectionReader{r: io.NewSectionReader(p.at, p.DataOffset, p.DataSize), left: p.DataSize, name: p.DataName}, nil
	}
	if p.used {
		return nil, fmt.Errorf("package %s: data archive already read from a stream that cannot rewind", p.ID())
	}
	p.used = true
	return p.src, nil
}

// sectionReader reads a member through an io.ReaderAt, failing when the
// file ends before the member does.
type sectionReader struct {
	r    io.Reader
	left int64
	name string
}

func (s *sectionReader) Read(b []byte) (int, error) {
	n, err := s.r.Read(b)
	s.left -= int64(n)
	if err == io.EOF && s.left > 0 {
		return n, fmt.Errorf("%w: member %s: archive truncated, %d bytes missing", ar.ErrFormat, s.name, s.left)
	}
	return n, err
}

// Close releases the decompressor.
func (r *PayloadReader) Close() error { return r.archive.Close() }

func (r *PayloadReader) wrap(name string, err error) error {
	prefix := "package " + r.p.ID() + ": " + r.p.DataName
	if name != "" {
		prefix += ": " + name
	}
	return formatError(prefix, err)
}

func (r *PayloadReader) refuse(name, format string, args ...any) error {
	return fmt.Errorf("%w: package %s: %s: %s: %s", ErrFormat, r.p.ID(), r.p.DataName, name, fmt.Sprintf(format, args...))
}

// Next advances to the next entry; it returns io.EOF after the last one,
// once the data member was read to its end.
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
	r.cur, r.md5, r.sum = nil, nil, ""
	for !r.done {
		h, err := r.tr.Next()
		if err == io.EOF {
			if err := r.drain(); err != nil {
				return nil, err
			}
			r.done = true
			break
		}
		if err != nil {
			return nil, r.wrap("", err)
		}
		e, err := r.entry(h)
		if err != nil || e != nil {
			return e, err
		}
	}
	if r.linkAt == len(r.links) {
		return nil, io.EOF
	}
	f := &r.links[r.linkAt]
	r.linkAt++
	f.Index = r.index
	r.index++
	return &PayloadEntry{File: f}, nil
}

// drain reads what follows the end of the tar archive, as dpkg does, so
// that a corrupt compressed stream is noticed.
func (r *PayloadReader) drain() error {
	if _, err := io.Copy(io.Discard, r.archive); err != nil {
		return r.wrap("", fmt.Errorf("after the end of the tar archive: %w", err))
	}
	return nil
}

// entry checks one archive entry and returns what to yield now (nil for a
// symbolic link, which waits for the end).
func (r *PayloadReader) entry(h *tar.Header) (*PayloadEntry, error) {
	p, list, err := entryPath(h.Name)
	if err != nil {
		return nil, r.refuse(h.Name, "%v", err)
	}
	f := File{Path: p, ListName: list, Name: h.Name, Mode: h.Mode, User: h.Uname, Group: h.Gname,
		UID: h.UID, GID: h.GID, Mtime: h.Mtime, Config: r.p.conff[p]}
	if err := r.place(&f); err != nil {
		return nil, err
	}
	e := &PayloadEntry{File: &f}
	switch h.Type {
	case tar.TypeReg:
		f.Size = h.Size
		if f.Config || r.hashAll {
			r.md5 = md5.New()
		}
	case tar.TypeLink:
		target, _, err := entryPath(h.Linkname)
		if err != nil || r.kinds[target] != ModeRegular || target == p {
			return nil, r.refuse(h.Name, "hard link to %q, which is not a regular file given earlier in the archive", h.Linkname)
		}
		f.LinkTo, e.HardLinkOf = target, target
		r.sum = r.sums[target]
	case tar.TypeSymlink:
		if h.Linkname == "" {
			return nil, r.refuse(h.Name, "symbolic link with an empty target")
		}
		f.LinkTo = h.Linkname
		r.links = append(r.links, f)
		return nil, nil
	case tar.TypeChar, tar.TypeBlock:
		if h.Devmajor > math.MaxUint32 || h.Devminor > math.MaxUint32 {
			return nil, r.refuse(h.Name, "device number out of range")
		}
		f.DevMajor, f.DevMinor = uint32(h.Devmajor), uint32(h.Devminor)
	}
	f.Index = r.index
	r.index++
	r.cur = &f
	return e, nil
}

// place records f's path, refusing a second entry for a path, a top folder
// that is not a folder, and a path below a symbolic link of this archive
// (in either order).
func (r *PayloadReader) place(f *File) error {
	if _, dup := r.kinds[f.Path]; dup {
		return r.refuse(f.Name, "%s appears twice in the archive", f.Path)
	}
	if f.Path == "/" {
		if f.Type() != ModeDir {
			return r.refuse(f.Name, "the top folder is not a folder")
		}
		r.kinds["/"] = ModeDir
		return nil
	}
	if f.Type() == ModeSymlink {
		if _, under := r.parents[f.Path]; under {
			return r.refuse(f.Name, "symbolic link %s is a folder of entries given before it", f.Path)
		}
	}
	for d := path.Dir(f.Path); d != "/"; d = path.Dir(d) {
		if r.kinds[d] == ModeSymlink {
			return r.refuse(f.Name, "%s lies below %s, a symbolic link in the same archive", f.Path, d)
		}
		if _, ok := r.parents[d]; ok {
			break // its own ancestors were checked and recorded with it
		}
		r.parents[d] = struct{}{}
	}
	r.kinds[f.Path] = f.Type()
	return nil
}

// Read reads the content of the current regular file.
func (r *PayloadReader) Read(b []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.cur == nil || r.cur.Type() != ModeRegular {
		return 0, io.EOF
	}
	n, err := r.tr.Read(b)
	if r.md5 != nil {
		r.md5.Write(b[:n])
	}
	if err == io.EOF {
		if r.md5 != nil {
			r.sum, r.md5 = hex.EncodeToString(r.md5.Sum(nil)), nil
			r.sums[r.cur.Path] = r.sum
		}
		return n, io.EOF
	}
	if err != nil {
		r.err = r.wrap("", err)
		return n, r.err
	}
	return n, nil
}

// MD5 is the hex MD5 digest of the current entry's content once it has been
// read to its end, or of the file a hard link links to: for a conffile
// (the hash dpkg records in its status file) and, when the package has no
// md5sums control file, for every regular file (dpkg then writes one from
// these); "" otherwise.
func (r *PayloadReader) MD5() string { return r.sum }

// Files reads the whole data archive and returns its entries in unpack
// order. For a hard link, LinkTo is the path it links to.
func (p *Package) Files() ([]File, error) {
	r, err := p.Payload()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []File
	for {
		e, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, *e.File)
	}
}
