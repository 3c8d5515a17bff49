package apt

import (
	"fmt"

	"github.com/disco-build/disco/stages/internal/mapped"
)

// Pool is one Packages index opened for resolving: its packages stay
// encoded in one cache file (mapped, not read), with a hash table that
// answers which packages a name leads to, as package name or as provide.
// A package is decoded when first asked for, once. A Pool is not safe for
// concurrent use.
type Pool struct {
	// Repo names the repository (Package.Repo of every package).
	Repo string
	// Index is the index file read, relative to the repository base
	// ("dists/bookworm/main/binary-amd64/Packages.xz").
	Index string
	// SHA256 identifies the index content (of the uncompressed index when
	// the Release file lists it, else of the file read): the cache key.
	SHA256 string
	// Cached tells the pool came from the cache, without reading the index.
	Cached bool

	enc     *mapped.Pool
	pkgs    []*Package
	state   []uint8 // 0 not decoded, 1 decoded, 2 failed
	err     error
	scratch []uint32
}

func newPool(enc *mapped.Pool) *Pool {
	return &Pool{enc: enc, pkgs: make([]*Package, enc.Len()), state: make([]uint8, enc.Len())}
}

// Len is the number of packages, in index order: IDs are 0 to Len()-1.
func (p *Pool) Len() int { return p.enc.Len() }

// Err reports the first package that failed to decode (a damaged cache
// file that passed its checksum); such packages are nil.
func (p *Pool) Err() error { return p.err }

// Package returns package i, decoded on first use (the same pointer every
// time); nil when it fails to decode.
func (p *Pool) Package(i int) *Package {
	if i < 0 || i >= p.enc.Len() {
		return nil
	}
	switch p.state[i] {
	case 1:
		return p.pkgs[i]
	case 2:
		return nil
	}
	p.state[i] = 2
	pk := &Package{Repo: p.Repo}
	d := poolDecoder{Reader: mapped.Reader{Corrupt: errCorrupt}, enc: p.enc}
	if d.Start(p.enc, i) {
		d.pkg(pk)
	}
	if err := d.End(); err != nil {
		p.fail(i, err)
		return nil
	}
	p.state[i], p.pkgs[i] = 1, pk
	return pk
}

func (p *Pool) fail(i int, err error) {
	if p.err == nil {
		p.err = fmt.Errorf("apt repository %s: cached pool of %s: package %d: %w", p.Repo, p.Index, i, err)
	}
}

// Providers appends to dst the IDs of the packages named name or
// providing it, ascending.
func (p *Pool) Providers(dst []int32, name string) []int32 { return p.lookup(dst, name, true) }

// Named appends to dst the IDs of the packages named name (every version
// and architecture the index has), ascending.
func (p *Pool) Named(dst []int32, name string) []int32 { return p.lookup(dst, name, false) }

func (p *Pool) lookup(dst []int32, name string, provides bool) []int32 {
	p.scratch = p.enc.Lookup(p.scratch[:0], tableNames, name)
	n := len(dst)
	for _, post := range p.scratch {
		if post&1 != 0 && !provides {
			continue
		}
		i := int32(post >> 1)
		if int(i) < p.enc.Len() && (len(dst) == n || dst[len(dst)-1] != i) {
			dst = append(dst, i)
		}
	}
	return dst
}
