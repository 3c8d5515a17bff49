package repo

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/disco-build/disco/stages/internal/mapped"
	"github.com/disco-build/disco/stages/rpmver"
)

// The cache encoding of []*Package, written by hand because encoding/gob
// decoded a 60,000-package primary slower than the XML parser read it.
// Layout: a string table (count, then length-prefixed bytes; every string
// of the packages once), then the packages, each a fixed sequence of
// uvarints: string-table indexes, integers, list lengths. Decoding reads
// from one string holding the whole encoding (the cache reads the file
// straight into it), whose slices the decoded strings are, and carves Deps
// from blocks, so it allocates little and copies nothing.

// codecVersion changes whenever the layout below (or the cache file's
// header) changes.
const codecVersion = 3

// codecFields is the number of fields of Package the codec writes (EVR
// counted as its four); a test
// fails when Package grows a field the codec does not know.
const codecFields = 28

type encoder struct {
	strs  map[string]uint64
	table []byte
	nstr  uint64
	body  []byte
	// spans, when set, records where each string's bytes are in table
	// (the pool file keeps them so that it can find a string by index).
	spans *[]mapped.Span
}

func encodePackages(pkgs []*Package) ([]byte, error) {
	e := &encoder{strs: map[string]uint64{}}
	e.uint(uint64(len(pkgs)))
	for _, p := range pkgs {
		e.pkg(p)
	}
	out := binary.AppendUvarint(nil, e.nstr)
	out = append(out, e.table...)
	return append(out, e.body...), nil
}

func (e *encoder) uint(v uint64) { e.body = binary.AppendUvarint(e.body, v) }
func (e *encoder) int(v int64)   { e.body = binary.AppendVarint(e.body, v) }

func (e *encoder) bool(b bool) {
	if b {
		e.uint(1)
	} else {
		e.uint(0)
	}
}

func (e *encoder) str(s string) { e.uint(e.intern(s)) }

// intern returns s's index in the string table, adding it when new.
func (e *encoder) intern(s string) uint64 {
	i, ok := e.strs[s]
	if !ok {
		i = e.nstr
		e.nstr++
		e.strs[s] = i
		e.table = binary.AppendUvarint(e.table, uint64(len(s)))
		if e.spans != nil {
			*e.spans = append(*e.spans, mapped.Span{Off: uint32(len(e.table)), N: uint32(len(s))})
		}
		e.table = append(e.table, s...)
	}
	return i
}

func (e *encoder) evr(v rpmver.EVR) {
	e.int(int64(v.Epoch))
	e.bool(v.HasEpoch)
	e.str(v.Version)
	e.str(v.Release)
}

func (e *encoder) pkg(p *Package) {
	e.str(p.Name)
	e.str(p.Arch)
	e.evr(p.EVR)
	for _, s := range []string{p.RepoID, p.ChecksumType, p.Checksum, p.Location, p.LocationBase} {
		e.str(s)
	}
	for _, n := range []int64{p.PackageSize, p.InstalledSize, p.BuildTime, p.FileTime} {
		e.int(n)
	}
	e.str(p.SourceRPM)
	e.str(p.Summary)
	for _, l := range depLists(p) {
		e.deps(*l)
	}
	e.uint(uint64(len(p.Files)))
	for _, f := range p.Files {
		e.str(f)
	}
	e.bool(p.FilesComplete)
	e.bool(p.FileTypes != nil)
	for _, t := range p.FileTypes {
		e.uint(uint64(t))
	}
}

func (e *encoder) deps(l []rpmver.Dep) {
	e.uint(uint64(len(l)))
	for _, d := range l {
		e.str(d.Name)
		flags := uint64(d.Flags) << 1
		if d.Pre {
			flags |= 1
		}
		e.uint(flags)
		if d.Flags != rpmver.Any {
			e.evr(d.EVR)
		}
	}
}

func depLists(p *Package) [8]*[]rpmver.Dep {
	return [8]*[]rpmver.Dep{&p.Provides, &p.Requires, &p.Conflicts, &p.Obsoletes,
		&p.Recommends, &p.Suggests, &p.Supplements, &p.Enhances}
}

// decoder reads the encoding; the first error sticks (mapped.Reader,
// whose Corrupt is errCodec).
type decoder struct {
	mapped.Reader
	all  string        // the whole encoding
	strs []mapped.Span // the string table: string i is all[strs[i].Off:][:strs[i].N]
	// pool, when set, replaces strs: the strings are a pool file's, read
	// in place.
	pool *mapped.Pool
	deps []rpmver.Dep // block the dep lists are carved from
	// files, when set, keeps of each package's Files only these paths
	// (copied out of the table, so that it can be freed).
	files map[string]bool
}

var errCodec = errors.New("corrupt cache encoding")

func (d *decoder) int() int64 {
	u := d.Uint()
	v := int64(u >> 1) // binary.Varint's zig-zag
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *decoder) str() string {
	i := d.Uint()
	if d.pool != nil {
		s, ok := d.pool.Str(i)
		if !ok {
			d.Fail()
		}
		return s
	}
	if i >= uint64(len(d.strs)) {
		d.Fail()
		return ""
	}
	s := d.strs[i]
	return d.all[s.Off : s.Off+s.N]
}

func (d *decoder) bool() bool { return d.Uint() != 0 }

func (d *decoder) evr() rpmver.EVR {
	return rpmver.EVR{Epoch: int(d.int()), HasEpoch: d.bool(), Version: d.str(), Release: d.str()}
}

func decodePackages(b []byte) ([]*Package, error) { return decodeFiltered(string(b), nil) }

// decodeFiltered decodes packages; with files set, each keeps only those
// of its Files. The strings of the packages are slices of b.
func decodeFiltered(b string, files map[string]bool) ([]*Package, error) {
	if len(b) > math.MaxUint32 {
		return nil, fmt.Errorf("%w: %d bytes", errCodec, len(b))
	}
	d := &decoder{Reader: mapped.Reader{B: b, Corrupt: errCodec}, all: b, files: files}
	d.table()
	n := d.Count()
	pkgs := make([]*Package, n)
	block := make([]Package, n)
	for i := range pkgs {
		pkgs[i] = &block[i]
		d.pkg(pkgs[i])
		if d.Err != nil {
			return nil, fmt.Errorf("package %d: %w", i, d.Err)
		}
	}
	if err := d.End(); err != nil {
		return nil, err
	}
	return pkgs, nil
}

// table reads where the strings of the string table are.
func (d *decoder) table() {
	n := d.Count()
	d.strs = make([]mapped.Span, n)
	for i := range d.strs {
		l := d.Count()
		if l > len(d.B) {
			d.Fail()
			return
		}
		d.strs[i] = mapped.Span{Off: uint32(len(d.all) - len(d.B)), N: uint32(l)}
		d.B = d.B[l:]
	}
}
