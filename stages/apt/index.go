package apt

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// IndexFile is one index a Release file lists, in the compression chosen.
type IndexFile struct {
	// Path is relative to the suite's directory
	// ("main/binary-amd64/Packages.xz").
	Path string
	// Info is the Release file's entry for Path.
	Info *FileInfo
	// Plain is the entry of the uncompressed index, when the Release file
	// lists it (its digests then check the decompressed text too).
	Plain *FileInfo
	// Compression is the extension of Path without the dot ("" for none).
	Compression string
}

// DefaultCompression is apt's default preference among index compressions
// (Acquire::CompressionTypes: xz, bz2, lzma, gz, lz4, zst, then
// uncompressed), less lz4, which disco cannot read.
var DefaultCompression = []string{"xz", "bz2", "lzma", "gz", "zst", ""}

// FastCompression prefers the indexes quickest to decode over the smallest
// download: Go's xz decoder takes about five times the CPU of gzip on
// Debian's 50 MB main/binary-amd64/Packages (BenchmarkBookworm).
var FastCompression = []string{"zst", "gz", "", "xz", "bz2", "lzma"}

// PackagesIndexes returns the Packages indexes of component for arch, as
// apt update would fetch them: binary-<arch>, and binary-all when the
// Release file lists it and does not say (No-Support-for-Architecture-all:
// Packages) that Architecture: all packages are in every architecture's
// index. Each is in the first compression of order (nil: DefaultCompression)
// that the Release file lists. An architecture or component the Release
// file does not list, or an index it does not have, is an error.
func (s *Suite) PackagesIndexes(component, arch string, order []string) ([]IndexFile, error) {
	r := s.Release
	if len(r.Components) > 0 && !slices.Contains(r.Components, component) && !slices.ContainsFunc(r.Components, func(c string) bool {
		return strings.HasSuffix(c, "/"+component) // security archives write "updates/main"
	}) {
		return nil, s.Repo.errorf(s.Base, fmt.Errorf("%s: no component %q (the Release file lists %s)", s.File, component, strings.Join(r.Components, " ")))
	}
	if len(r.Architectures) > 0 && !slices.Contains(r.Architectures, arch) {
		return nil, s.Repo.errorf(s.Base, fmt.Errorf("%s: no architecture %q (the Release file lists %s)", s.File, arch, strings.Join(r.Architectures, " ")))
	}
	main, ok := r.chooseIndex(component+"/binary-"+arch+"/Packages", order)
	if !ok {
		return nil, s.Repo.errorf(s.Base, fmt.Errorf("%s lists no %s/binary-%s/Packages index (apt would skip it, finding no packages)", s.File, component, arch))
	}
	out := []IndexFile{main}
	if !slices.Contains(r.NoSupportForArchitectureAll, "Packages") {
		if all, ok := r.chooseIndex(component+"/binary-all/Packages", order); ok {
			out = append(out, all)
		}
	}
	return out, nil
}

// chooseIndex picks the first compression of order the Release file
// lists for the index key. Like apt, it requires the uncompressed index to
// be listed (apt's "MetaKey"), even when only compressed forms are on the
// server: apt skips an index whose Release file lists only compressed
// forms.
func (r *Release) chooseIndex(key string, order []string) (IndexFile, bool) {
	if order == nil {
		order = DefaultCompression
	}
	if r.Files[key] == nil {
		return IndexFile{}, false
	}
	for _, c := range order {
		p := key
		if c != "" {
			p += "." + c
		}
		if fi, ok := r.Files[p]; ok {
			return IndexFile{Path: p, Info: fi, Plain: r.Files[key], Compression: c}, true
		}
	}
	return IndexFile{}, false
}

// paths returns where to fetch the index from, relative to a base URL:
// by-hash first when the Release file offers it, then the index's own
// path (apt falls back to it too).
func (s *Suite) paths(idx IndexFile) []string {
	dir := "dists/" + s.Repo.Suite + "/"
	plain := dir + idx.Path
	if !s.Release.AcquireByHash || idx.Info.SHA256 == "" {
		return []string{plain}
	}
	return []string{dir + path.Dir(idx.Path) + "/by-hash/SHA256/" + idx.Info.SHA256, plain}
}

// key is the cache key of an index: the SHA-256 of its uncompressed text
// when the Release file gives it, else of the file.
func (idx IndexFile) key() string {
	if idx.Plain != nil && idx.Plain.SHA256 != "" {
		return idx.Plain.SHA256
	}
	return idx.Info.SHA256
}
