package repo

import (
	"strings"

	"github.com/disco-build/disco/stages/internal/mapped"
)

// A pool file's payload (after the cache file's header) is laid out as
// package mapped has it: the string table (as the codec writes it, each
// string after its length), the packages as the codec encodes them, and
// two hash tables: the forward one (names, provides, files: tableFwd),
// then the reverse one (obsoleted names, words of supplements: tableRev).
// Every string of the records and every key of the tables is an index
// into the string table, found through the span section in place.

const (
	tableFwd = iota
	tableRev
	nTables
)

// buildPool encodes pkgs and their file lists (lists[i] is pkgs[i]'s, or
// lists is nil) as a pool payload, returned in pieces to be written one
// after the other (joining them would copy a hundred megabytes). It
// clears lists as it goes, so that what was read of filelists.xml can be
// freed early.
func buildPool(pkgs, lists []*Package) [][]byte {
	// Sizes guessed from a distribution's metadata, so that the big
	// buffers rarely grow (each growth copies tens of megabytes).
	ndeps, nfiles := 0, 0
	for i, p := range pkgs {
		ndeps += len(p.Provides) + len(p.Requires)
		nfiles += len(p.Files)
		if lists != nil {
			nfiles += len(lists[i].Files)
		}
	}
	nstr := ndeps/2 + nfiles
	spans := make([]mapped.Span, 0, nstr)
	e := &encoder{strs: make(map[string]uint64, nstr), spans: &spans}
	e.table = make([]byte, 0, 48*nstr)
	e.body = make([]byte, 0, 6*ndeps+2*nfiles)
	recOffs := make([]uint32, 0, len(pkgs)+1)
	var fwd, rev mapped.HashBuilder
	k := func(s string) uint32 { return uint32(e.intern(s)) }
	for i, p := range pkgs {
		recOffs = append(recOffs, uint32(len(e.body)))
		e.pkg(p)
		v := uint32(i) << postShift
		fwd.Add(k(p.Name), v)
		for _, d := range p.Provides {
			fwd.Add(k(d.Name), v)
		}
		for _, f := range p.Files {
			fwd.Add(k(f), v)
		}
		if lists != nil {
			var primary map[string]bool
			if len(p.Files) > 8 {
				primary = make(map[string]bool, len(p.Files))
				for _, f := range p.Files {
					primary[f] = true
				}
			}
			l := lists[i]
			for j, f := range l.Files {
				if primary[f] || primary == nil && containsStr(p.Files, f) {
					continue
				}
				t := FilePlain
				if l.FileTypes != nil {
					t = l.FileTypes[j]
				}
				fwd.Add(k(f), v|postFilelist|uint32(t)&postType)
			}
			lists[i] = nil
		}
		for _, d := range p.Obsoletes {
			rev.Add(k(d.Name), v)
		}
		for _, d := range p.Supplements {
			for _, w := range depWords(d.Name) {
				if strings.HasPrefix(w, "/") {
					w = ""
				}
				rev.Add(k(w), v)
			}
		}
	}
	recOffs = append(recOffs, uint32(len(e.body)))
	return mapped.PoolParts(e.table, spans, e.body, recOffs, &fwd, &rev)
}

func containsStr(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// depWords returns the words of a dependency: the name, or every
// whitespace- or parenthesis-separated word of a rich one.
func depWords(name string) []string {
	if !strings.HasPrefix(name, "(") {
		return []string{name}
	}
	return strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '(' || r == ')' })
}

// readPoolEncoding locates the sections of a pool payload, checking that
// each fits.
func readPoolEncoding(b string) (*mapped.Pool, error) {
	return mapped.ReadPool(b, nTables, errCodec)
}
