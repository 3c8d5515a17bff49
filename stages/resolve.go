package stages

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/rpmsig"
	"github.com/disco-build/disco/stages/rpmver"
	"github.com/disco-build/disco/stages/solve"
)

// rpmFormat is the RPM package format (packageFormat): rpm-md repositories
// read with yum/dnf semantics, resolved as dnf (libsolv) would; packages
// checked by their header and payload digests, and OpenPGP signatures
// where gpgcheck says so (fetch.go).
type rpmFormat struct {
	root, cache string
	client      *http.Client
	meta        *repo.Cache
	loaded      map[string]*loadedRepo
	failed      map[string]error // repositories that could not be loaded
	keys        *keyrings
	mirrors     *mirrors
	gpg         map[string]*rpmsig.Keyring // by item name, for gpgcheck=1 repos
}

type loadedRepo struct {
	cfg       *repo.Config
	pool      *repo.Pool
	repomd    string // sha256 of repomd.xml
	filelists bool   // file lists were consulted (Pool.AddFiles)
}

func newRPMFormat(root, cache string, client *http.Client) *rpmFormat {
	return &rpmFormat{
		root: root, cache: cache,
		client:  client,
		meta:    repo.NewCache(MetadataDir(cache)),
		loaded:  map[string]*loadedRepo{},
		failed:  map[string]error{},
		keys:    newKeyrings(root, client),
		mirrors: newMirrors(client),
		gpg:     map[string]*rpmsig.Keyring{},
	}
}

func (r *rpmFormat) resolve(ctx context.Context, m *plan.Machine, prev *lockfile.Machine, update []string) (*lockfile.Machine, error) {
	digest, err := m.Digest()
	if err != nil {
		return nil, err
	}
	cfgs, main, err := repoConfigs(r.root, r.cache, m)
	if err != nil {
		return nil, err
	}
	repos, err := r.loadAll(ctx, cfgs, main)
	if err != nil {
		return nil, err
	}
	names := requestNames(m)
	universe, err := reachable(repos, names)
	if err != nil {
		return nil, err
	}
	universe = pin(universe, prev, update)
	loadFilelists(repos, universe, names)
	res, err := solve.Resolve(ctx, universe, solve.Request{Install: names}, solve.Options{
		Arch:       m.Arch,
		Priorities: priorities(repos),
		WeakDeps:   weakDeps(m, main),
	})
	var u *solve.UnsolvableError
	if errors.As(err, &u) {
		return nil, &cannotResolve{text: u.Text()}
	}
	if err != nil {
		return nil, err
	}
	return lockEntry(digest, repos, res)
}

func requestNames(m *plan.Machine) []string {
	names := make([]string, len(m.Packages))
	for i, p := range m.Packages {
		names[i] = p.Name
	}
	return names
}

var weakDepsSet = regexp.MustCompile(`(?m)^\s*install_weak_deps\s*=`)

// weakDeps: off unless the plan asks, or a legacy yum.conf.template sets
// install_weak_deps itself (dnf's default of on does not apply: the yum
// discographer ran had no weak dependencies).
func weakDeps(m *plan.Machine, main repo.Main) bool {
	if m.WeakDeps {
		return true
	}
	return m.YumConf != nil && weakDepsSet.MatchString(m.YumConf.Template) && main.InstallWeakDeps
}

func (r *rpmFormat) loadAll(ctx context.Context, cfgs []*repo.Config, main repo.Main) ([]*loadedRepo, error) {
	var out []*loadedRepo
	for _, c := range cfgs {
		lr, err := r.load(ctx, c, main)
		if err != nil {
			return nil, err
		}
		out = append(out, lr)
	}
	return out, nil
}

func (r *rpmFormat) load(ctx context.Context, c *repo.Config, main repo.Main) (*loadedRepo, error) {
	key := fmt.Sprintf("%s|%q|%q|%q|%q|%q", c.ID, c.BaseURLs, c.Include, c.Exclude, main.Include, main.Exclude)
	if lr, ok := r.loaded[key]; ok {
		return lr, nil
	}
	// A repository that failed for one machine fails for the next at once
	// (locking many machines goes on past failures; each would wait out
	// the same dead mirrors again).
	if err, ok := r.failed[key]; ok {
		return nil, err
	}
	lr, err := r.loadMirrors(ctx, c, main)
	if err != nil {
		if ctx.Err() == nil {
			r.failed[key] = err
		}
		return nil, err
	}
	r.loaded[key] = lr
	return lr, nil
}

// loadMirrors loads c from the first of its base URLs and mirrors that works.
func (r *rpmFormat) loadMirrors(ctx context.Context, c *repo.Config, main repo.Main) (*loadedRepo, error) {
	urls, hashes, err := r.mirrors.candidates(ctx, c)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, u := range urls {
		lr, err := r.loadFrom(ctx, c, main, u, hashes)
		if err == nil {
			return lr, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("%s%w", repoPos(c), errors.Join(errs...))
}

// loadFrom loads c's metadata from one base URL.
func (r *rpmFormat) loadFrom(ctx context.Context, c *repo.Config, main repo.Main, base string, hashes []repo.Checksum) (*loadedRepo, error) {
	src, err := repo.NewSource(base, r.client)
	if err != nil {
		return nil, fmt.Errorf("repo %s: %w", c.ID, err)
	}
	raw, err := readRepoMD(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("repo %s (%s): %w", c.ID, base, err)
	}
	if err := r.keys.checkRepoMD(ctx, c, src, raw); err != nil {
		return nil, err
	}
	h := sha256.Sum256(raw)
	sum := hex.EncodeToString(h[:])
	pl, err := repo.LoadPool(ctx, c, src, repo.Options{Cache: r.meta, Include: main.Include, Exclude: main.Exclude, RepoMDHashes: hashes})
	if err != nil {
		return nil, fmt.Errorf("repo %s (%s): %w", c.ID, base, err)
	}
	return &loadedRepo{cfg: c, pool: pl, repomd: sum}, nil
}

func readRepoMD(ctx context.Context, src repo.Source) ([]byte, error) {
	rc, err := src.Open(ctx, "repodata/repomd.xml")
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 64<<20))
}

// loadFilelists completes the packages' file lists where a resolution
// needs them: in every repository when a requested path or a file
// dependency is in no primary file list, else only in repositories
// consulted so before. Only the paths the resolution may look up are
// added (solve.FilePaths): the answer is the one complete lists give,
// without holding a million paths of a large repository.
func loadFilelists(repos []*loadedRepo, universe []*repo.Package, names []string) {
	byID := map[string]*loadedRepo{}
	for _, lr := range repos {
		byID[lr.cfg.ID] = lr
	}
	complete := func(p *repo.Package) bool {
		lr := byID[p.RepoID]
		return p.FilesComplete || lr != nil && lr.filelists
	}
	need := false
	if !slices.ContainsFunc(universe, complete) {
		need = needFilelists(universe, names)
		if !need {
			return
		}
	}
	want := solve.FilePaths(universe, names)
	for _, lr := range repos {
		if need || lr.filelists {
			lr.pool.AddFiles(want)
			lr.filelists = true
		}
	}
}

// reachable returns the packages of repos that resolving names may look
// at (solve.Reachable), repositories in the machine's order, each in its
// primary.xml order (the order dnf numbers them in); the other packages
// are never decoded.
func reachable(repos []*loadedRepo, names []string) ([]*repo.Package, error) {
	pkgs := solve.Reachable(newCatalog(repos), names)
	for _, lr := range repos {
		if err := lr.pool.Err(); err != nil {
			return nil, err
		}
	}
	return pkgs, nil
}

// catalog numbers the packages of several repositories one after the
// other (solve.Catalog).
type catalog struct {
	pools []*repo.Pool
	start []int32 // ID of each pool's first package, and the total
}

func newCatalog(repos []*loadedRepo) *catalog {
	c := &catalog{start: []int32{0}}
	for _, lr := range repos {
		c.pools = append(c.pools, lr.pool)
		c.start = append(c.start, c.start[len(c.start)-1]+int32(lr.pool.Len()))
	}
	return c
}

func (c *catalog) Len() int { return int(c.start[len(c.start)-1]) }

func (c *catalog) Package(id int32) *repo.Package {
	for k, pl := range c.pools {
		if id < c.start[k+1] {
			return pl.Package(int(id - c.start[k]))
		}
	}
	return nil
}

func (c *catalog) Providers(dst []int32, key string) []int32 {
	return c.each(dst, key, (*repo.Pool).Providers)
}

func (c *catalog) Referrers(dst []int32, key string) []int32 {
	return c.each(dst, key, (*repo.Pool).Referrers)
}

// each appends what lookup finds for key in every pool, as catalog IDs.
func (c *catalog) each(dst []int32, key string, lookup func(*repo.Pool, []int32, string) []int32) []int32 {
	for k, pl := range c.pools {
		n := len(dst)
		dst = lookup(pl, dst, key)
		for i := n; i < len(dst); i++ {
			dst[i] += c.start[k]
		}
	}
	return dst
}

func priorities(repos []*loadedRepo) map[string]int {
	p := map[string]int{}
	for _, lr := range repos {
		p[lr.cfg.ID] = lr.cfg.Priority
	}
	return p
}

// pin keeps, for every package of prev not named in update, only the
// locked build, so that `disco lock --update X` changes X alone.
func pin(universe []*repo.Package, prev *lockfile.Machine, update []string) []*repo.Package {
	if prev == nil || len(update) == 0 {
		return universe
	}
	free := map[string]bool{}
	for _, u := range update {
		free[u] = true
	}
	locked := map[string]string{}
	for _, p := range prev.Packages {
		if !free[p.Name] {
			locked[p.Name+"."+p.Arch] = p.SHA256
		}
	}
	var out []*repo.Package
	for _, p := range universe {
		if sum, ok := locked[p.Name+"."+p.Arch]; ok && sum != p.Checksum {
			continue
		}
		out = append(out, p)
	}
	return out
}

// needFilelists reports whether a requested path, or a path some
// dependency resolved through file lists names (Requires, Conflicts,
// Obsoletes, Recommends, Supplements, a word of a rich one), is in no
// package's primary file list.
func needFilelists(universe []*repo.Package, names []string) bool {
	var paths []string
	for _, n := range names {
		if strings.HasPrefix(n, "/") {
			paths = append(paths, n)
		}
	}
	for _, p := range universe {
		for _, l := range [...][]rpmver.Dep{p.Requires, p.Conflicts, p.Obsoletes, p.Recommends, p.Supplements} {
			for _, d := range l {
				paths = appendPaths(paths, d)
			}
		}
	}
	if len(paths) == 0 {
		return false
	}
	have := map[string]bool{}
	for _, p := range universe {
		for _, f := range p.Files {
			have[f] = true
		}
	}
	return slices.ContainsFunc(paths, func(p string) bool { return !have[p] })
}

// appendPaths appends the paths d names: its name, or the words of a rich
// dependency that are paths.
func appendPaths(dst []string, d rpmver.Dep) []string {
	if !d.IsRich() {
		if strings.HasPrefix(d.Name, "/") {
			dst = append(dst, d.Name)
		}
		return dst
	}
	for _, w := range strings.FieldsFunc(d.Name, func(r rune) bool { return r == ' ' || r == '(' || r == ')' }) {
		if strings.HasPrefix(w, "/") {
			dst = append(dst, w)
		}
	}
	return dst
}

func lockEntry(digest string, repos []*loadedRepo, res *solve.Result) (*lockfile.Machine, error) {
	lm := &lockfile.Machine{Digest: digest}
	for _, lr := range repos {
		lm.Repos = append(lm.Repos, lockfile.Repo{ID: lr.cfg.ID, RepomdSHA256: lr.repomd})
	}
	sort.Slice(lm.Repos, func(i, j int) bool { return lm.Repos[i].ID < lm.Repos[j].ID })
	for _, c := range res.Packages {
		p := c.Package
		if p.ChecksumType != "sha256" {
			return nil, fmt.Errorf("repo %s: package %s has a %s checksum; disco pins sha256 (createrepo_c --checksum sha256)", p.RepoID, solve.NEVRA(p), p.ChecksumType)
		}
		loc := p.Location
		if p.LocationBase != "" {
			loc = strings.TrimSuffix(p.LocationBase, "/") + "/" + p.Location
		}
		lm.Packages = append(lm.Packages, lockfile.Package{
			Name: p.Name, Epoch: p.Epoch, Version: p.Version, Release: p.Release, Arch: p.Arch,
			Repo: p.RepoID, Location: loc, SHA256: p.Checksum, Size: p.PackageSize, BuildTime: p.BuildTime,
		})
	}
	return lm, nil
}
