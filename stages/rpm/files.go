package rpm

import (
	"fmt"
	"io/fs"
)

// FileFlags are rpm's RPMFILE_* bits of a file (the %files attributes).
type FileFlags uint32

// The RPMFILE_* bits (include/rpm/rpmfiles.h).
const (
	FileConfig    FileFlags = 1 << 0 // %config
	FileDoc       FileFlags = 1 << 1 // %doc
	FileIcon      FileFlags = 1 << 2
	FileMissingOK FileFlags = 1 << 3 // %config(missingok)
	FileNoReplace FileFlags = 1 << 4 // %config(noreplace)
	FileSpecFile  FileFlags = 1 << 5
	FileGhost     FileFlags = 1 << 6 // %ghost: owned, not in the payload
	FileLicense   FileFlags = 1 << 7 // %license
	FileReadme    FileFlags = 1 << 8 // %readme
	FilePubKey    FileFlags = 1 << 11
	FileArtifact  FileFlags = 1 << 12 // %artifact
)

// Digest algorithms of FILEDIGESTALGO (PGP hash numbers).
const (
	DigestMD5      = 1
	DigestSHA1     = 2
	DigestSHA256   = 8
	DigestSHA384   = 9
	DigestSHA512   = 10
	DigestSHA224   = 11
	DigestSHA3_256 = 12
	DigestSHA3_512 = 14
)

// The S_IFMT file type bits of File.Mode.
const (
	ModeTypeMask = 0o170000
	ModeSocket   = 0o140000
	ModeSymlink  = 0o120000
	ModeRegular  = 0o100000
	ModeBlock    = 0o060000
	ModeDir      = 0o040000
	ModeChar     = 0o020000
	ModeFIFO     = 0o010000
)

// File is one entry of the header's file list. The header is authoritative
// for all of it; the payload only carries content.
type File struct {
	Index     int    // position in the header's file arrays
	Path      string // absolute, as the header gives it
	Mode      uint32 // st_mode: type bits and permissions (setuid etc.)
	Rdev      uint32 // device number of a device node (old 16-bit encoding)
	User      string // owner name (FILEUSERNAME)
	Group     string // group name (FILEGROUPNAME)
	Mtime     uint32
	Flags     FileFlags
	Size      int64  // FILESIZES, else LONGFILESIZES; for a symlink the target length
	Digest    string // hex digest of the content (FILEDIGESTS), "" if none
	LinkTo    string // symlink target (FILELINKTOS)
	Caps      string // capabilities in cap_to_text form, e.g. "cap_net_raw=ep"
	Inode     uint32 // FILEINODES: identity within the package
	Device    uint32 // FILEDEVICES
	Lang      string // FILELANGS
	Verify    uint32 // FILEVERIFYFLAGS
	Color     uint32 // FILECOLORS
	Signature string // IMA signature, hex (FILESIGNATURES)
	// Links lists the indexes of the hard-link group this file is in, in
	// ascending order and itself included; nil when it is not hard-linked.
	// As in rpm, the payload carries the content with the last member.
	Links []int
}

// Type is the file type part of Mode.
func (f File) Type() uint32 { return f.Mode & ModeTypeMask }

// IsRegular reports a regular file.
func (f File) IsRegular() bool { return f.Type() == ModeRegular }

// IsDir reports a directory.
func (f File) IsDir() bool { return f.Type() == ModeDir }

// IsSymlink reports a symbolic link.
func (f File) IsSymlink() bool { return f.Type() == ModeSymlink }

// IsGhost reports a %ghost file, which has no payload entry.
func (f File) IsGhost() bool { return f.Flags&FileGhost != 0 }

// IsConfig reports a %config file.
func (f File) IsConfig() bool { return f.Flags&FileConfig != 0 }

// Perm is the permission part of Mode, setuid, setgid and sticky included.
func (f File) Perm() uint32 { return f.Mode & 0o7777 }

// FileMode converts Mode to an io/fs mode.
func (f File) FileMode() fs.FileMode {
	m := fs.FileMode(f.Mode & 0o777)
	if f.Mode&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if f.Mode&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if f.Mode&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	switch f.Type() {
	case ModeDir:
		m |= fs.ModeDir
	case ModeSymlink:
		m |= fs.ModeSymlink
	case ModeFIFO:
		m |= fs.ModeNamedPipe
	case ModeSocket:
		m |= fs.ModeSocket
	case ModeChar:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case ModeBlock:
		m |= fs.ModeDevice
	}
	return m
}

// Major is the major number of Rdev (Linux dev_t encoding).
func (f File) Major() uint32 { return (f.Rdev >> 8) & 0xfff }

// Minor is the minor number of Rdev (Linux dev_t encoding).
func (f File) Minor() uint32 { return (f.Rdev & 0xff) | ((f.Rdev >> 12) & 0xfff00) }

// HasContent reports whether the payload carries this file's bytes: a
// regular file that is not a ghost and, when hard-linked, the last of its
// group.
func (f File) HasContent() bool {
	if !f.IsRegular() || f.IsGhost() {
		return false
	}
	return len(f.Links) == 0 || f.Links[len(f.Links)-1] == f.Index
}

// FileDigestAlgo is the algorithm of the file digests (FILEDIGESTALGO;
// MD5 when absent, as rpm assumes).
func (p *Package) FileDigestAlgo() uint32 {
	if v, ok := p.Header.Int(TagFileDigestAlgo); ok {
		return uint32(v)
	}
	return DigestMD5
}

// Files lists the header's files in header order (sorted by path, as rpm
// writes them). The result is computed once and shared: do not modify it.
func (p *Package) Files() ([]File, error) {
	if p.files == nil && p.filesErr == nil {
		p.files, p.filesErr = p.buildFiles()
		if p.files == nil && p.filesErr == nil {
			p.files = []File{}
		}
	}
	return p.files, p.filesErr
}

func (p *Package) buildFiles() ([]File, error) {
	paths, err := p.filePaths()
	if err != nil || len(paths) == 0 {
		return nil, err
	}
	a := fileArrays{h: p.Header, n: len(paths)}
	files := make([]File, len(paths))
	for i := range files {
		files[i] = File{Index: i, Path: paths[i]}
	}
	a.ints(TagFileModes, func(i int, v uint64) { files[i].Mode = uint32(v) })
	a.ints(TagFileRdevs, func(i int, v uint64) { files[i].Rdev = uint32(v) })
	a.ints(TagFileMtimes, func(i int, v uint64) { files[i].Mtime = uint32(v) })
	a.ints(TagFileFlags, func(i int, v uint64) { files[i].Flags = FileFlags(v) })
	sizeTag := TagFileSizes // rpmfilesFSize: FILESIZES, else LONGFILESIZES
	if !p.Header.Has(TagFileSizes) {
		sizeTag = TagLongFileSizes
	}
	a.ints(sizeTag, func(i int, v uint64) { files[i].Size = int64(min(v, 1<<62)) })
	a.ints(TagFileInodes, func(i int, v uint64) { files[i].Inode = uint32(v) })
	a.ints(TagFileDevices, func(i int, v uint64) { files[i].Device = uint32(v) })
	a.ints(TagFileVerifyFlags, func(i int, v uint64) { files[i].Verify = uint32(v) })
	a.ints(TagFileColors, func(i int, v uint64) { files[i].Color = uint32(v) })
	a.strs(TagFileUserName, func(i int, s string) { files[i].User = s })
	a.strs(TagFileGroupName, func(i int, s string) { files[i].Group = s })
	a.strs(TagFileDigests, func(i int, s string) { files[i].Digest = s })
	a.strs(TagFileLinkTos, func(i int, s string) { files[i].LinkTo = s })
	a.strs(TagFileCaps, func(i int, s string) { files[i].Caps = s })
	a.strs(TagFileLangs, func(i int, s string) { files[i].Lang = s })
	a.strs(TagFileSignatures, func(i int, s string) { files[i].Signature = s })
	if a.err != nil {
		return nil, fmt.Errorf("%w: package %s: %w", ErrFormat, p.NEVRA(), a.err)
	}
	linkGroups(files, p.Header.Has(TagFileInodes) && p.Header.Has(TagFileDevices))
	return files, nil
}

// filePaths joins DIRNAMES[DIRINDEXES[i]] + BASENAMES[i], or takes the old
// flat FILENAMES list.
func (p *Package) filePaths() ([]string, error) {
	h := p.Header
	base := h.Strings(TagBaseNames)
	if base == nil {
		return h.Strings(TagOldFilenames), nil
	}
	dirs, idx := h.Strings(TagDirNames), h.Ints(TagDirIndexes)
	if len(idx) != len(base) {
		return nil, fmt.Errorf("%w: package %s: %d basenames but %d dirindexes", ErrFormat, p.NEVRA(), len(base), len(idx))
	}
	out := make([]string, len(base))
	for i, b := range base {
		if idx[i] >= uint64(len(dirs)) {
			return nil, fmt.Errorf("%w: package %s: file %q: dirindex %d of %d dirnames",
				ErrFormat, p.NEVRA(), b, idx[i], len(dirs))
		}
		out[i] = dirs[idx[i]] + b
	}
	return out, nil
}

// fileArrays applies per-file header arrays, checking each has one element
// per file. Absent arrays leave zero values.
type fileArrays struct {
	h   *Header
	n   int
	err error
}

func (a *fileArrays) ints(tag Tag, set func(int, uint64)) {
	v := a.h.Ints(tag)
	if a.check(tag, len(v), a.h.Has(tag)) {
		for i, x := range v {
			set(i, x)
		}
	}
}

func (a *fileArrays) strs(tag Tag, set func(int, string)) {
	v := a.h.Strings(tag)
	if a.check(tag, len(v), a.h.Has(tag)) {
		for i, s := range v {
			set(i, s)
		}
	}
}

func (a *fileArrays) check(tag Tag, n int, present bool) bool {
	if !present || a.err != nil {
		return false
	}
	if n != a.n {
		a.err = fmt.Errorf("tag %d has %d elements for %d files", tag, n, a.n)
		return false
	}
	return true
}

// linkGroups finds hard-link groups as rpm's rpmfilesBuildNLink does:
// regular, non-ghost files sharing (FILEDEVICES, FILEINODES), inode > 0.
func linkGroups(files []File, have bool) {
	if !have {
		return
	}
	type id struct{ dev, ino uint32 }
	groups := map[id][]int{}
	for i := range files {
		f := &files[i]
		if !f.IsRegular() || f.IsGhost() || f.Inode == 0 {
			continue
		}
		k := id{f.Device, f.Inode}
		groups[k] = append(groups[k], i)
	}
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		for _, i := range g {
			files[i].Links = g
		}
	}
}
