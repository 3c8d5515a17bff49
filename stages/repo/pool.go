package repo

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/disco-build/disco/stages/internal/mapped"
)

// Pool is a repository's metadata opened for resolving, the way libsolv's
// .solv cache is: the packages stay encoded in one cached file (mapped,
// not read), and hash tables in the same file answer which packages a
// name, provide or path leads to. A package is decoded when a lookup first
// returns it, so a warm resolution of a small request in a 60,000-package
// repository decodes a few hundred packages and builds no map of names.
//
// Lookups give package indexes (primary.xml order): Providers (packages
// named key, providing key, or owning the path key per primary.xml or
// filelists.xml) and Referrers (packages whose Obsoletes name key or whose
// Supplements mention it). Package(i) decodes one, once (the same pointer
// every time), with RepoID set; includepkgs/excludepkgs make it nil.
// AddFiles completes the packages' Files with the paths a resolution looks
// up, as Repo.LoadFilelistsFor does. A Pool is not safe for concurrent use.
type Pool struct {
	ID string
	MD *RepoMD
	// Cached tells that the pool came from the Cache.
	Cached bool

	enc     *mapped.Pool
	dec     decoder
	keep    func(*Package) bool  // includepkgs/excludepkgs; nil keeps all
	pkgs    []*Package           // decoded packages by index, nil until then
	state   []uint8              // per index: 0 not decoded, 1 kept, 2 filtered out
	pending map[int32][]poolFile // filelists paths for packages not decoded yet
	added   map[string]bool      // paths AddFiles has added
	err     error
	scratch []uint32
}

type poolFile struct {
	path string
	typ  FileType
}

// Posting bits: a package index shifted left by 3, bit 2 set for a path
// known from filelists.xml only (not in the package's primary files), bits
// 0-1 its FileType.
const (
	postShift    = 3
	postFilelist = 1 << 2
	postType     = 3
)

// poolKind names pool files in the Cache.
const poolKind = "pool"

// LoadPool opens repository cfg's metadata through src as a Pool: from
// opts.Cache when it holds the pool of this primary.xml and filelists.xml
// (by checksum), else by reading and verifying both (filelists.xml when
// repomd.xml lists it) and building the pool, which is then cached.
// opts.WithFilelists does not apply: a pool always knows the files.
func LoadPool(ctx context.Context, cfg *Config, src Source, opts Options) (*Pool, error) {
	md, err := loadRepoMD(ctx, cfg.ID, src, opts.RepoMDHashes)
	if err != nil {
		return nil, err
	}
	prim, fl := md.Find("primary"), md.Find("filelists")
	if prim == nil {
		return nil, fmt.Errorf("repo %s: %s has no primary metadata", cfg.ID, repomdPath)
	}
	r := &Repo{ID: cfg.ID, MD: md}
	key := Checksum{Type: prim.Checksum.Type, Value: prim.Checksum.Value}
	for _, d := range []*RepoMDData{prim, fl} {
		if d == nil {
			continue
		}
		if err := r.checkChecksum(d); err != nil {
			return nil, err
		}
		if d == fl {
			key.Value += "-" + d.Checksum.Type + "-" + d.Checksum.Value
		}
	}
	p := &Pool{ID: cfg.ID, MD: md}
	if p.keep, err = packageFilter(cfg, opts); err != nil {
		return nil, err
	}
	if opts.Cache != nil {
		if data, ok := opts.Cache.mapFile(poolKind, key); ok {
			if enc, err := readPoolEncoding(data); err == nil {
				p.Cached = true
				p.init(enc)
				return p, nil
			}
		}
	}
	pkgs, err := r.readVerified(ctx, src, prim, ReadPrimary)
	if err != nil {
		return nil, err
	}
	var lists []*Package
	if fl != nil {
		all, err := r.readVerified(ctx, src, fl, readFilelists)
		if err != nil {
			return nil, err
		}
		if lists, err = matchFilelists(fl.Location, all, pkgs); err != nil {
			return nil, fmt.Errorf("repo %s: %w", cfg.ID, err)
		}
	}
	parts := buildPool(pkgs, lists)
	pkgs, lists = nil, nil
	var data string
	if opts.Cache != nil {
		if err := opts.Cache.putBytes(poolKind, key, parts...); err != nil {
			return nil, fmt.Errorf("repo %s: %w", cfg.ID, err)
		}
		data, _ = opts.Cache.mapFile(poolKind, key)
	}
	if data == "" {
		data = string(bytes.Join(parts, nil))
	}
	enc, err := readPoolEncoding(data)
	if err != nil {
		return nil, fmt.Errorf("repo %s: pool: %w", cfg.ID, err)
	}
	p.init(enc)
	return p, nil
}

func (p *Pool) init(enc *mapped.Pool) {
	p.enc = enc
	p.dec = decoder{Reader: mapped.Reader{Corrupt: errCodec}, pool: enc}
	p.pkgs = make([]*Package, enc.Len())
	p.state = make([]uint8, enc.Len())
	p.pending = map[int32][]poolFile{}
	p.added = map[string]bool{}
}

// packageFilter returns the includepkgs/excludepkgs test of cfg and opts
// (nil when there are none), checking the globs.
func packageFilter(cfg *Config, opts Options) (func(*Package) bool, error) {
	if _, err := filterPackages(nil, cfg, opts); err != nil {
		return nil, err
	}
	if len(cfg.Include)+len(opts.Include)+len(cfg.Exclude)+len(opts.Exclude) == 0 {
		return nil, nil
	}
	return func(pk *Package) bool {
		out, _ := filterPackages([]*Package{pk}, cfg, opts)
		return len(out) == 1
	}, nil
}

// Len is the number of packages in the repository's primary.xml (before
// includepkgs/excludepkgs).
func (p *Pool) Len() int { return p.enc.Len() }

// Err reports the first package that failed to decode (a damaged cache
// entry that passed its checksum); lookups skip such packages.
func (p *Pool) Err() error { return p.err }

// Providers appends to dst the indexes (in primary.xml) of the packages
// named key, providing key, or owning the path key (per primary.xml or
// filelists.xml), ascending; Package(i) is nil for those
// includepkgs/excludepkgs drop.
func (p *Pool) Providers(dst []int32, key string) []int32 { return p.lookup(dst, tableFwd, key) }

// Referrers appends to dst the indexes of the packages whose Obsoletes
// name key or whose Supplements mention key (every word of a rich one).
// Packages whose Supplements mention a path are filed under "".
func (p *Pool) Referrers(dst []int32, key string) []int32 { return p.lookup(dst, tableRev, key) }

func (p *Pool) lookup(dst []int32, table int, key string) []int32 {
	p.scratch = p.enc.Lookup(p.scratch[:0], table, key)
	n := len(dst)
	for _, post := range p.scratch {
		i := int32(post >> postShift)
		if int(i) < p.enc.Len() && (len(dst) == n || dst[len(dst)-1] != i) {
			dst = append(dst, i)
		}
	}
	return dst
}

// Package returns the i-th package of primary.xml, decoded on first use;
// nil when includepkgs/excludepkgs drop it or it fails to decode.
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
	pk := &Package{}
	if p.dec.Start(p.enc, i) {
		p.dec.pkg(pk)
	}
	if err := p.dec.End(); err != nil {
		p.fail(i, err)
		return nil
	}
	pk.RepoID = p.ID
	if p.keep != nil && !p.keep(pk) {
		return nil
	}
	for _, f := range p.pending[int32(i)] {
		if !slices.Contains(pk.Files, f.path) {
			addFile(pk, f.path, f.typ)
		}
	}
	delete(p.pending, int32(i))
	p.state[i], p.pkgs[i] = 1, pk
	return pk
}

func (p *Pool) fail(i int, err error) {
	if p.err == nil {
		p.err = fmt.Errorf("repo %s: cached pool: package %d: %w", p.ID, i, err)
	}
}

// AddFiles adds to the Files of the packages owning one of paths per
// filelists.xml (and not per primary.xml) that path, as
// Repo.LoadFilelistsFor does: now to those decoded, later to the others
// when they are. FilesComplete does not change.
func (p *Pool) AddFiles(paths map[string]bool) {
	var todo []string
	for path := range paths {
		if !p.added[path] {
			todo = append(todo, path)
		}
	}
	sort.Strings(todo) // each package's Files grow in one order
	for _, path := range todo {
		p.added[path] = true
		p.scratch = p.enc.Lookup(p.scratch[:0], tableFwd, path)
		for _, post := range p.scratch {
			if post&postFilelist == 0 {
				continue
			}
			i := int32(post >> postShift)
			f := poolFile{path, FileType(post & postType)}
			switch p.state[i] {
			case 0:
				p.pending[i] = append(p.pending[i], f)
			case 1:
				if pk := p.pkgs[i]; !slices.Contains(pk.Files, path) {
					addFile(pk, path, f.typ)
				}
			}
		}
	}
}
