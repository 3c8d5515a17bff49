package dpkgdb

import (
	"fmt"
	"sort"
	"strings"
)

// fsysBins is the size of dpkg's file name hash table (lib/dpkg/fsys-hash.c).
const fsysBins = 262139

// fsysBin is the bucket dpkg's file name table puts a path in: the FNV-1a
// hash of the name without its leading "/" and "./", each byte taken as a
// signed char as C does on x86, modulo fsysBins. dpkg-divert and
// dpkg-statoverride write their records in bucket order.
func fsysBin(path string) uint32 {
	h := uint32(0x811c9dc5)
	for _, c := range []byte(skipSlashDot(path)) {
		h ^= uint32(int32(int8(c)))
		h *= 0x01000193
	}
	return h % fsysBins
}

// inHashOrder sorts indexes of paths into dpkg's table order; paths in
// the same bucket keep their order (dpkg's: the order it met them).
func inHashOrder(paths []string) []int {
	idx := make([]int, len(paths))
	bins := make([]uint32, len(paths))
	for i, p := range paths {
		idx[i], bins[i] = i, fsysBin(p)
	}
	sort.SliceStable(idx, func(a, b int) bool { return bins[idx[a]] < bins[idx[b]] })
	return idx
}

// diversions writes the diversions file as dpkg-divert does: three lines
// per diversion (from, to, package or ":" for a local one).
func diversions(ds []Diversion) []byte {
	paths := make([]string, len(ds))
	for i, d := range ds {
		paths[i] = d.From
	}
	var b strings.Builder
	for _, i := range inHashOrder(paths) {
		pkg := ds[i].Package
		if pkg == "" {
			pkg = ":"
		}
		b.WriteString(ds[i].From + "\n" + ds[i].To + "\n" + pkg + "\n")
	}
	return []byte(b.String())
}

// statOverrides writes the statoverride file as dpkg-statoverride does.
func statOverrides(so []StatOverride) []byte {
	paths := make([]string, len(so))
	for i, s := range so {
		paths[i] = s.Path
	}
	var b strings.Builder
	for _, i := range inHashOrder(paths) {
		s := so[i]
		fmt.Fprintf(&b, "%s %s %o %s\n", s.User, s.Group, s.Mode&0o7777, s.Path)
	}
	return []byte(b.String())
}
