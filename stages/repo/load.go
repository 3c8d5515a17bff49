package repo

import (
	"context"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
)

// Options change what Load reads.
type Options struct {
	// WithFilelists loads filelists.xml too, so every package has all its
	// files (FilesComplete). Otherwise Repo.LoadFilelists does it later.
	WithFilelists bool
	// Cache, when set, keeps parsed metadata by checksum so a second load
	// of the same metadata reads no XML.
	Cache *Cache
	// Include and Exclude are package globs applied on top of the repo's
	// own includepkgs/excludepkgs, typically Main's.
	Include, Exclude []string
	// RepoMDHashes, when set (from a metalink), must include a matching
	// digest of repomd.xml.
	RepoMDHashes []Checksum
}

// Repo is a repository's metadata as loaded.
type Repo struct {
	ID       string
	MD       *RepoMD
	Packages []*Package // after includepkgs/excludepkgs, in primary.xml order
	// PrimaryCached tells that primary came from the Cache.
	PrimaryCached bool

	cache *Cache
}

// ChecksumError is a metadata file whose content does not match the
// checksum repomd.xml (or a metalink) gives for it.
type ChecksumError struct {
	RepoID string
	File   string
	Want   Checksum
	Got    string // hex of the same type
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("repo %s: %s: checksum mismatch: expected %s, file has %s:%s",
		e.RepoID, e.File, e.Want, e.Want.Type, e.Got)
}

const repomdPath = "repodata/repomd.xml"

// Load reads repository cfg through src: repomd.xml, then primary.xml (and
// filelists.xml when asked), each verified against its checksum before its
// packages are returned. Packages get RepoID = cfg.ID and are filtered by
// cfg's and opts' include/exclude globs.
func Load(ctx context.Context, cfg *Config, src Source, opts Options) (*Repo, error) {
	md, err := loadRepoMD(ctx, cfg.ID, src, opts.RepoMDHashes)
	if err != nil {
		return nil, err
	}
	prim := md.Find("primary")
	if prim == nil {
		return nil, fmt.Errorf("repo %s: %s has no primary metadata", cfg.ID, repomdPath)
	}
	r := &Repo{ID: cfg.ID, MD: md, cache: opts.Cache}
	pkgs, cached, err := r.loadData(ctx, src, prim, ReadPrimary, nil)
	if err != nil {
		return nil, err
	}
	r.PrimaryCached = cached
	r.Packages, err = filterPackages(pkgs, cfg, opts)
	if err != nil {
		return nil, err
	}
	for _, p := range r.Packages {
		p.RepoID = cfg.ID
	}
	if opts.WithFilelists {
		if err := r.LoadFilelists(ctx, src); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// LoadFilelists reads filelists.xml and completes every package's Files.
func (r *Repo) LoadFilelists(ctx context.Context, src Source) error {
	fl := r.MD.Find("filelists")
	if fl == nil {
		return fmt.Errorf("repo %s: %s has no filelists metadata", r.ID, repomdPath)
	}
	lists, _, err := r.loadData(ctx, src, fl, readFilelists, nil)
	if err != nil {
		return err
	}
	if err := applyFilelists(fl.Location, lists, r.Packages); err != nil {
		return fmt.Errorf("repo %s: %w", r.ID, err)
	}
	return nil
}

// LoadFilelistsFor reads filelists.xml as LoadFilelists does, but adds to
// each package's Files only those of paths it owns (FilesComplete does not
// change). A resolver needs no more than the paths dependencies name, and
// every file of a 60,000-package repository is about a million strings.
// Calling it again with other paths adds those.
func (r *Repo) LoadFilelistsFor(ctx context.Context, src Source, paths map[string]bool) error {
	fl := r.MD.Find("filelists")
	if fl == nil {
		return fmt.Errorf("repo %s: %s has no filelists metadata", r.ID, repomdPath)
	}
	if paths == nil {
		paths = map[string]bool{} // nil would mean every file
	}
	lists, _, err := r.loadData(ctx, src, fl, readFilelists, paths)
	if err != nil {
		return err
	}
	if err := mergeFilelists(fl.Location, lists, r.Packages); err != nil {
		return fmt.Errorf("repo %s: %w", r.ID, err)
	}
	return nil
}

func loadRepoMD(ctx context.Context, id string, src Source, hashes []Checksum) (*RepoMD, error) {
	rc, err := src.Open(ctx, repomdPath)
	if err != nil {
		return nil, fmt.Errorf("repo %s: %w", id, err)
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("repo %s: reading %s: %w", id, repomdPath, err)
	}
	if err := checkHashes(id, body, hashes); err != nil {
		return nil, err
	}
	md, err := ParseRepoMD(repomdPath, body)
	if err != nil {
		return nil, fmt.Errorf("repo %s: %w", id, err)
	}
	return md, nil
}

// checkHashes accepts body when hashes is empty or one of them matches.
func checkHashes(id string, body []byte, hashes []Checksum) error {
	var mismatch error
	for _, want := range hashes {
		h, err := newHash(want.Type)
		if err != nil {
			continue // metalinks list md5 too
		}
		h.Write(body)
		got := hex.EncodeToString(h.Sum(nil))
		if got == want.Value {
			return nil
		}
		mismatch = &ChecksumError{RepoID: id, File: repomdPath, Want: want, Got: got}
	}
	if mismatch == nil && len(hashes) > 0 {
		return fmt.Errorf("repo %s: %s: no usable checksum among %d given", id, repomdPath, len(hashes))
	}
	return mismatch
}

type mdReader func(r io.Reader, name string) ([]*Package, error)

// loadData returns the packages of one metadata file, from the cache when it
// holds that checksum, else by reading and verifying the file (and storing
// the result in the cache). With files set, packages keep only those of
// their Files.
func (r *Repo) loadData(ctx context.Context, src Source, d *RepoMDData, read mdReader, files map[string]bool) ([]*Package, bool, error) {
	if err := r.checkChecksum(d); err != nil {
		return nil, false, err
	}
	if r.cache != nil {
		if pkgs, ok := r.cache.get(d.Type, d.Checksum, files); ok {
			return pkgs, true, nil
		}
	}
	pkgs, err := r.readVerified(ctx, src, d, read)
	if err != nil {
		return nil, false, err
	}
	if r.cache != nil {
		if err := r.cache.put(d.Type, d.Checksum, pkgs); err != nil {
			return nil, false, fmt.Errorf("repo %s: %w", r.ID, err)
		}
	}
	if files != nil {
		keepFiles(pkgs, files)
	}
	return pkgs, false, nil
}

// checkChecksum checks that repomd.xml gives d a usable checksum: it
// names the cache file too, so it is checked before any use.
func (r *Repo) checkChecksum(d *RepoMDData) error {
	if _, err := newHash(d.Checksum.Type); err != nil {
		return fmt.Errorf("repo %s: %s: %w", r.ID, d.Location, err)
	}
	if _, err := hex.DecodeString(d.Checksum.Value); err != nil || d.Checksum.Value == "" {
		return fmt.Errorf("repo %s: %s: repomd.xml checksum %q is not hex", r.ID, d.Location, d.Checksum.Value)
	}
	return nil
}

// readVerified parses a metadata file while hashing it; the result is used
// only when the whole file matches its checksum. A checksum mismatch wins
// over a parse error, since it explains it.
func (r *Repo) readVerified(ctx context.Context, src Source, d *RepoMDData, read mdReader) ([]*Package, error) {
	loc := joinBase(d.Base, d.Location)
	h, _ := newHash(d.Checksum.Type) // loadData checked the type
	rc, err := src.Open(ctx, loc)
	if err != nil {
		return nil, fmt.Errorf("repo %s: %w", r.ID, err)
	}
	defer rc.Close()
	cr := &countingHash{r: rc, h: h}
	pr := prefetch(ctx, cr, loc)
	pkgs, perr := read(pr, loc) // its errors name the file
	pr.Close()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("repo %s: %s: %w", r.ID, loc, err)
	}
	if _, err := io.Copy(io.Discard, cr); err != nil && perr == nil {
		perr = err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != d.Checksum.Value {
		return nil, &ChecksumError{RepoID: r.ID, File: loc, Want: d.Checksum, Got: got}
	}
	if d.Size > 0 && cr.n != d.Size {
		return nil, fmt.Errorf("repo %s: %s: size %d, repomd.xml says %d", r.ID, loc, cr.n, d.Size)
	}
	if perr != nil {
		return nil, fmt.Errorf("repo %s: %w", r.ID, perr)
	}
	return pkgs, nil
}

// countingHash hashes and counts what is read through it.
type countingHash struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (c *countingHash) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	return n, err
}
