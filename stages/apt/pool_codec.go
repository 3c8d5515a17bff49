package apt

import (
	"encoding/binary"
	"errors"

	"github.com/disco-build/disco/stages/debver"
	"github.com/disco-build/disco/stages/internal/mapped"
)

// A pool payload (after the cache file's header) is laid out as package
// mapped has it: the string bytes, the records (uvarints, strings as
// indexes) and one hash table, of names and provides.
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

// The pool's one hash table files packages under their names (posting
// ID << 1) and their provides (ID << 1 | 1).
const (
	tableNames = iota
	nTables
)

type poolEncoder struct {
	strs  map[string]uint32
	table []byte
	spans []mapped.Span // relative to table
	body  []byte
}

func (e *poolEncoder) intern(s string) uint32 {
	if i, ok := e.strs[s]; ok {
		return i
	}
	i := uint32(len(e.spans))
	e.strs[s] = i
	e.spans = append(e.spans, mapped.Span{Off: uint32(len(e.table)), N: uint32(len(s))})
	e.table = append(e.table, s...)
	return i
}

func (e *poolEncoder) uint(v uint64) { e.body = binary.AppendUvarint(e.body, v) }
func (e *poolEncoder) str(s string)  { e.uint(uint64(e.intern(s))) }

// unique adds a string no other package has (a filename, a digest, most
// descriptions) without the cost of interning it.
func (e *poolEncoder) unique(s string) {
	e.uint(uint64(len(e.spans)))
	e.spans = append(e.spans, mapped.Span{Off: uint32(len(e.table)), N: uint32(len(s))})
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

// poolDecoder reads records; the first error sticks (mapped.Reader,
// whose Corrupt is errCorrupt).
type poolDecoder struct {
	mapped.Reader
	enc *mapped.Pool
}

func (d *poolDecoder) str() string {
	s, ok := d.enc.Str(d.Uint())
	if !ok {
		d.Fail()
	}
	return s
}

func (d *poolDecoder) version() debver.Version {
	e := d.Uint()
	if e>>1 > 1<<31 {
		d.Fail()
	}
	return debver.Version{Epoch: uint32(e >> 1), HasEpoch: e&1 != 0, Upstream: d.str(), Revision: d.str()}
}

func (d *poolDecoder) relation(r *debver.Relation) {
	r.Name, r.ArchQual = d.str(), d.str()
	op := d.Uint()
	if op > uint64(debver.GT) {
		d.Fail()
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
	flags := d.Uint()
	p.Essential, p.Protected = flags&1 != 0, flags&2 != 0
	p.Size, p.InstalledSize = int64(d.Uint()), int64(d.Uint())
	if p.Size < 0 || p.InstalledSize < 0 {
		d.Fail()
	}
	for _, l := range relationLists(p) {
		*l = d.relations()
	}
	if n := d.Count(); n > 0 {
		p.Provides = make([]debver.Relation, n)
		for i := range p.Provides {
			d.relation(&p.Provides[i])
		}
	}
}

func (d *poolDecoder) relations() []debver.Alternatives {
	n := d.Count()
	if n == 0 {
		return nil
	}
	out := make([]debver.Alternatives, n)
	for i := range out {
		m := d.Count()
		if m == 0 {
			d.Fail() // an empty alternative never is encoded
			return nil
		}
		out[i] = make(debver.Alternatives, m)
		for j := range out[i] {
			d.relation(&out[i][j])
		}
	}
	return out
}

// poolBuilder encodes packages one at a time into a pool payload.
type poolBuilder struct {
	e     poolEncoder
	offs  []uint32
	names mapped.HashBuilder
	n     int
}

// newPoolBuilder sizes its buffers for about n packages.
func newPoolBuilder(n int) *poolBuilder {
	b := &poolBuilder{e: poolEncoder{strs: make(map[string]uint32, n*3)}}
	b.e.body = make([]byte, 0, n*160)
	b.e.table = make([]byte, 0, n*200)
	b.e.spans = make([]mapped.Span, 0, n*8)
	b.offs = make([]uint32, 0, n+1)
	return b
}

// add encodes the next package.
func (b *poolBuilder) add(p *Package) {
	b.offs = append(b.offs, uint32(len(b.e.body)))
	b.e.pkg(p)
	v := uint32(b.n) << 1
	b.names.Add(b.e.intern(p.Name), v)
	for _, r := range p.Provides {
		b.names.Add(b.e.intern(r.Name), v|1)
	}
	b.n++
}

// finish returns the payload in parts to be written one after the other.
func (b *poolBuilder) finish() [][]byte {
	offs := append(b.offs, uint32(len(b.e.body)))
	return mapped.PoolParts(b.e.table, b.e.spans, b.e.body, offs, &b.names)
}

// buildPool encodes pkgs as a pool payload.
func buildPool(pkgs []*Package) [][]byte {
	b := newPoolBuilder(len(pkgs))
	for _, p := range pkgs {
		b.add(p)
	}
	return b.finish()
}

// readPoolEncoding locates the sections of a payload, checking that each
// fits and nothing trails.
func readPoolEncoding(b string) (*mapped.Pool, error) {
	return mapped.ReadPool(b, nTables, errCorrupt)
}
