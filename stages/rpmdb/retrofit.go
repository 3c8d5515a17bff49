package rpmdb

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/disco-build/disco/stages/rpm"
)

// RPMSENSE_EQUAL, the flags of the "name = EVR" provide rpm adds.
const senseEqual = 8

// retrofits are the entries rpm's applyRetrofits (lib/package.c) puts into
// an old package's header when it reads it, to be stored after the region
// like any other added entry: the compressed file list (DIRINDEXES,
// BASENAMES, DIRNAMES) of a header that has only the flat OLDFILENAMES,
// and, for an rpm 3 header (no immutable region), the "Provides: name =
// EVR" that rpm 3.0.3 and later write (headerutil.c providePackageNVR).
// An entry for a tag the region has replaces it when the header is read
// back, as rpm's dribble entries do.
func retrofits(p *rpm.Package) []entry {
	h := p.Header
	var out []entry
	if !h.Has(rpm.TagDirNames) {
		out = append(out, compressFilelist(h.Strings(rpm.TagOldFilenames))...)
	}
	if _, ok := h.Region(); !ok {
		out = append(out, provideNVR(p)...)
	}
	return out
}

// compressFilelist splits full paths into directories and base names as
// rpm's compressFilelist does, looking directories up with a binary search
// over those seen so far (bsearch with strcmp).
func compressFilelist(paths []string) []entry {
	if len(paths) == 0 || !strings.HasPrefix(paths[0], "/") {
		return nil // none, or a source package's relative names
	}
	var dirs, bases []string
	idx := make([]uint32, 0, len(paths))
	for _, p := range paths {
		cut := strings.LastIndexByte(p, '/') + 1
		dir, base := p[:cut], p[cut:]
		i, ok := bsearch(dirs, dir)
		if !ok {
			i = len(dirs)
			dirs = append(dirs, dir)
		}
		idx = append(idx, uint32(i))
		bases = append(bases, base)
	}
	return []entry{int32Entry(rpm.TagDirIndexes, idx...), stringArrayEntry(rpm.TagBaseNames, bases),
		stringArrayEntry(rpm.TagDirNames, dirs)}
}

// bsearch is glibc's bsearch over list with strcmp: on a list that is not
// sorted it may miss an element that is there, as rpm's then does.
func bsearch(list []string, key string) (int, bool) {
	l, u := 0, len(list)
	for l < u {
		i := (l + u) / 2
		switch c := strings.Compare(key, list[i]); {
		case c < 0:
			u = i
		case c > 0:
			l = i + 1
		default:
			return i, true
		}
	}
	return 0, false
}

// provideNVR is providePackageNVR: unless the package already provides
// exactly "name = EVR", append that provide; for a package whose provides
// have no versions at all (rpm before 3.0.3), give each an empty version
// and no flags first. Entries rpm appends to carry the old values too.
func provideNVR(p *rpm.Package) []entry {
	h := p.Header
	name, evr := p.Name(), p.EVR()
	names := h.Strings(rpm.TagProvideName)
	var flags []uint32
	for _, f := range h.Ints(rpm.TagProvideFlags) {
		flags = append(flags, uint32(f))
	}
	vers := h.Strings(rpm.TagProvideVersion)
	switch {
	case len(names) == 0:
	case !h.Has(rpm.TagProvideVersion):
		vers = make([]string, len(names))
		flags = make([]uint32, len(names))
	default:
		for i, n := range names {
			if n == name && i < len(vers) && vers[i] == evr && i < len(flags) && flags[i] == senseEqual {
				return nil
			}
		}
	}
	names = append(slices.Clone(names), name)
	vers = append(slices.Clone(vers), evr)
	flags = append(slices.Clone(flags), senseEqual)
	f := make([]byte, 0, 4*len(flags))
	for _, x := range flags {
		f = binary.BigEndian.AppendUint32(f, x)
	}
	return []entry{stringArrayEntry(rpm.TagProvideName, names),
		{tag: rpm.TagProvideFlags, typ: rpm.TypeInt32, count: uint32(len(flags)), data: f},
		stringArrayEntry(rpm.TagProvideVersion, vers)}
}
