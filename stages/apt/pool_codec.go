package apt

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/disco-build/disco/stages/debver"
)

// A pool payload (after the cache file's header), little-endian u32s and
// uvarints:
//
//	u32 package count, u32 string count
//	u32 length of the string bytes, the string bytes
//	8 bytes per string: its offset (from the payload's start) and length
//	u32 length of the records, the records (uvarints, strings as indexes)
//	u32 per package and one more: where each record starts
//	the hash table of names and provides (pool_hash.go)
//
// A record holds, in order: name, architecture, Multi-Arch, priority,
// section, source, filename, SHA256, description (string indexes);
// version and source version (epoch << 1 | explicit epoch, upstream,
// revision); flags
// (Essential 1, Protected 2); size, installed size; the eight relation
// lists of relationLists (count of alternatives, then per alternative the
// count of relations, then per relation name, architecture qualifier,
// operator and, when versioned, the version); the provides (count, then
// name, qualifier, operator, version as above).

// poolVersion changes whenever the layout above or the cache header does.
const poolVersion = 2

var errCorrupt = errors.New("corrupt pool encoding")

type poolEncoder struct {
	strs  map[string]uint32
	table []byte
	spans []uint32 // offset, length pairs relative to table
	body  []byte
}

func (e *poolEncoder) intern(s string) uint32 {
	if i, ok := e.strs[s]; ok {
		return i
	}
	i := uint32(len(e.spans) / 2)
	e.strs[s] = i
	e.spans = append(e.spans, uint32(len(e.table)), uint32(len(s)))
	e.table = append(e.table, s...)
	return i
}

func (e *poolEncoder) uint(v uint64) { e.body = binary.AppendUvarint(e.body, v) }
func (e *poolEncoder) str(s string)  { e.uint(uint64(e.intern(s))) }

// unique adds a string no other package has (a filename, a digest, most
// descriptions) without the cost of interning it.
func (e *poolEncoder) unique(s string) {
	e.uint(uint64(len(e.spans) / 2))
	e.spans = append(e.spans, uint32(len(e.table)), uint32(len(s)))
	e.table = append(e.table, s...)
}

func (e *poolEncoder) version(v debver.Version) {
	has := uint64(0)
	if v.HasEpoch {
		has = 1
	}
	e.uint(uint64(v.Epoch)<<1 | has)
	e.str(v.Upstream)
	e.str(v.Revision)
}

func (e *poolEncoder) relation(r debver.Relation) {
	e.str(r.Name)
	e.str(r.ArchQual)
	e.uint(uint64(r.Op))
	if r.Op != debver.None {
		e.version(r.Version)
	}
}

func (e *poolEncoder) pkg(p *Package) {
	for _, s := range [...]string{p.Name, p.Architecture, p.MultiArch, p.Priority, p.Section, p.Source} {
		e.str(s)
	}
	e.unique(p.Filename)
	e.unique(p.SHA256)
	e.unique(p.Description)
	e.version(p.Version)
	e.version(p.SourceVersion)
	flags := uint64(0)
	if p.Essential {
		flags |= 1
	}
	if p.Protected {
		flags |= 2
	}
	e.uint(flags)
	e.uint(uint64(p.Size))
	e.uint(uint64(p.InstalledSize))
	for _, l := range relationLists(p) {
		e.uint(uint64(len(*l)))
		for _, alts := range *l {
			e.uint(uint64(len(alts)))
			for _, r := range alts {
				e.relation(r)
			}
		}
	}
	e.uint(uint64(len(p.Provides)))
	for _, r := range p.Provides {
		e.relation(r)
	}
}

// poolDecoder reads records; the first error sticks.
type poolDecoder struct {
	enc *poolEncoding
	b   string
	err error
}

func (d *poolDecoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.b = ""
}

func (d *poolDecoder) uint() uint64 {
	v, n := uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a list length, which cannot exceed the bytes left.
func (d *poolDecoder) count() int {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *poolDecoder) str() string {
	s, ok := d.enc.str(d.uint())
	if !ok {
		d.fail()
	}
	return s
}

func (d *poolDecoder) version() debver.Version {
	e := d.uint()
	if e>>1 > 1<<31 {
		d.fail()
	}
	return debver.Version{Epoch: uint32(e >> 1), HasEpoch: e&1 != 0, Upstream: d.str(), Revision: d.str()}
}

func (d *poolDecoder) relation(r *debver.Relation) {
	r.Name, r.ArchQual = d.str(), d.str()
	op := d.uint()
	if op > uint64(debver.GT) {
		d.fail()
	}
	r.Op = debver.Op(op)
	if r.Op != debver.None {
		r.Version = d.version()
	}
}

func (d *poolDecoder) pkg(p *Package) {
	for _, s := range [...]*string{&p.Name, &p.Architecture, &p.MultiArch, &p.Priority, &p.Section, &p.Source, &p.Filename, &p.SHA256, &p.Description} {
		*s = d.str()
	}
	p.Version, p.SourceVersion = d.version(), d.version()
	flags := d.uint()
	p.Essential, p.Protected = flags&1 != 0, flags&2 != 0
	p.Size, p.InstalledSize = int64(d.uint()), int64(d.uint())
	if p.Size < 0 || p.InstalledSize < 0 {
		d.fail()
	}
	for _, l := range relationLists(p) {
		*l = d.relations()
	}
	if n := d.count(); n > 0 {
		p.Provides = make([]debver.Relation, n)
		for i := range p.Provides {
			d.relation(&p.Provides[i])
		}
	}
}

func (d *poolDecoder) relations() []debver.Alternatives {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]debver.Alternatives, n)
	for i := range out {
		m := d.count()
		if m == 0 {
			d.fail() // an empty alternative never is encoded
			return nil
		}
		out[i] = make(debver.Alternatives, m)
		for j := range out[i] {
			d.relation(&out[i][j])
		}
	}
	return out
}

// uvarint is binary.Uvarint over a string.
func uvarint(s string) (uint64, int) {
	var x uint64
	var sh uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		c := s[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				return 0, -(i + 1)
			}
			return x | uint64(c)<<sh, i + 1
		}
		x |= uint64(c&0x7f) << sh
		sh += 7
	}
	return 0, 0
}

func u32(s string, i int) uint32 {
	return uint32(s[i]) | uint32(s[i+1])<<8 | uint32(s[i+2])<<16 | uint32(s[i+3])<<24
}

// poolBuilder encodes packages one at a time into a pool payload.
type poolBuilder struct {
	e     poolEncoder
	offs  []byte
	names hashBuilder
	n     int
}

// newPoolBuilder sizes its buffers for about n packages.
func newPoolBuilder(n int) *poolBuilder {
	b := &poolBuilder{e: poolEncoder{strs: make(map[string]uint32, n*3)}}
	b.e.body = make([]byte, 0, n*160)
	b.e.table = make([]byte, 0, n*200)
	b.e.spans = make([]uint32, 0, n*16)
	b.offs = make([]byte, 0, 4*(n+1))
	return b
}

// add encodes the next package.
func (b *poolBuilder) add(p *Package) {
	b.offs = binary.LittleEndian.AppendUint32(b.offs, uint32(len(b.e.body)))
	b.e.pkg(p)
	v := uint32(b.n) << 1
	b.names.add(b.e.intern(p.Name), v)
	for _, r := range p.Provides {
		b.names.add(b.e.intern(r.Name), v|1)
	}
	b.n++
}

// finish returns the payload in parts to be written one after the other.
func (b *poolBuilder) finish() [][]byte {
	e := &b.e
	offs := binary.LittleEndian.AppendUint32(b.offs, uint32(len(e.body)))
	nstr := len(e.spans) / 2
	head := make([]byte, 0, 12)
	head = binary.LittleEndian.AppendUint32(head, uint32(b.n))
	head = binary.LittleEndian.AppendUint32(head, uint32(nstr))
	head = binary.LittleEndian.AppendUint32(head, uint32(len(e.table)))
	base := uint32(len(head))
	mid := make([]byte, 0, 8*nstr+4)
	for k := 0; k < len(e.spans); k += 2 {
		mid = binary.LittleEndian.AppendUint32(mid, base+e.spans[k])
		mid = binary.LittleEndian.AppendUint32(mid, e.spans[k+1])
	}
	mid = binary.LittleEndian.AppendUint32(mid, uint32(len(e.body)))
	str := func(i uint32) string {
		return string(e.table[e.spans[2*i] : e.spans[2*i]+e.spans[2*i+1]])
	}
	return [][]byte{head, e.table, mid, e.body, offs, b.names.appendTo(nil, str)}
}

// buildPool encodes pkgs as a pool payload.
func buildPool(pkgs []*Package) [][]byte {
	b := newPoolBuilder(len(pkgs))
	for _, p := range pkgs {
		b.add(p)
	}
	return b.finish()
}

// poolEncoding is a pool payload with its sections located.
type poolEncoding struct {
	all     string
	n       int
	spans   string
	recs    string
	recOffs string
	names   hashTable
}

// readPoolEncoding locates the sections of a payload, checking that each
// fits and nothing trails.
func readPoolEncoding(b string) (*poolEncoding, error) {
	enc := &poolEncoding{all: b}
	off := 0
	bad := fmt.Errorf("%w: sections", errCorrupt)
	word := func() (int, bool) {
		if off+4 > len(b) {
			return 0, false
		}
		off += 4
		return int(u32(b, off-4)), true
	}
	section := func(n int) (string, bool) {
		if n < 0 || n > len(b)-off {
			return "", false
		}
		off += n
		return b[off-n : off], true
	}
	n, ok1 := word()
	nstr, ok2 := word()
	tlen, ok3 := word()
	if !ok1 || !ok2 || !ok3 || uint64(n)*4 > uint64(len(b)) || uint64(nstr)*8 > uint64(len(b)) {
		return nil, bad
	}
	enc.n = n
	var ok bool
	if _, ok = section(tlen); !ok {
		return nil, bad
	}
	if enc.spans, ok = section(8 * nstr); !ok {
		return nil, bad
	}
	rlen, ok := word()
	if !ok {
		return nil, bad
	}
	if enc.recs, ok = section(rlen); !ok {
		return nil, bad
	}
	if enc.recOffs, ok = section(4 * (n + 1)); !ok {
		return nil, bad
	}
	t, m, ok := readHashTable(b[off:])
	if !ok {
		return nil, bad
	}
	enc.names = t
	if off+m != len(b) {
		return nil, fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(b)-off-m)
	}
	return enc, nil
}

// str returns string i of the table.
func (enc *poolEncoding) str(i uint64) (string, bool) {
	if i >= uint64(len(enc.spans)/8) {
		return "", false
	}
	off, n := uint64(u32(enc.spans, int(i)*8)), uint64(u32(enc.spans, int(i)*8+4))
	if off+n > uint64(len(enc.all)) {
		return "", false
	}
	return enc.all[off : off+n], true
}

// record returns the encoding of package i.
func (enc *poolEncoding) record(i int) (string, bool) {
	lo, hi := u32(enc.recOffs, 4*i), u32(enc.recOffs, 4*i+4)
	if lo > hi || int(hi) > len(enc.recs) {
		return "", false
	}
	return enc.recs[lo:hi], true
}
