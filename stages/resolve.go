package stages

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/solve"
)

// Resolver is the resolve stage: it turns a machine's packages and
// repositories into the pinned package set of its lock entry. It loads each
// repository once per run, however many machines use it.
type Resolver struct {
	root, cache string
	client      *http.Client
	meta        *repo.Cache
	loaded      map[string]*loadedRepo
	keys        *keyrings
	mirrors     *mirrors
}

type loadedRepo struct {
	cfg       *repo.Config
	src       repo.Source
	repo      *repo.Repo
	repomd    string // sha256 of repomd.xml
	filelists bool   // file lists were loaded, for the paths in paths
	paths     map[string]bool
}

// NewResolver returns a resolve stage for the config root (absolute) whose
// metadata cache lives in the cache folder (see MetadataDir).
func NewResolver(root, cache string) *Resolver {
	return &Resolver{
		root: root, cache: cache,
		client:  http.DefaultClient,
		meta:    repo.NewCache(MetadataDir(cache)),
		loaded:  map[string]*loadedRepo{},
		keys:    newKeyrings(root, http.DefaultClient),
		mirrors: newMirrors(http.DefaultClient),
	}
}

// Resolve resolves m. With prev and update, only the packages named in
// update may change: every other package of prev stays at its locked
// version.
func (r *Resolver) Resolve(ctx context.Context, m *plan.Machine, prev *lockfile.Machine, update []string) (*lockfile.Machine, error) {
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
	universe := pin(collect(repos), prev, update)
	names := requestNames(m)
	if err := r.loadFilelists(ctx, repos, universe, names); err != nil {
		return nil, err
	}
	res, err := solve.Resolve(ctx, universe, solve.Request{Install: names}, solve.Options{
		Arch:       m.Arch,
		Priorities: priorities(repos),
		WeakDeps:   weakDeps(m, main),
	})
	if err != nil {
		return nil, unsolvable(m, err, prev != nil && len(update) > 0)
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

func (r *Resolver) loadAll(ctx context.Context, cfgs []*repo.Config, main repo.Main) ([]*loadedRepo, error) {
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

func (r *Resolver) load(ctx context.Context, c *repo.Config, main repo.Main) (*loadedRepo, error) {
	key := fmt.Sprintf("%s|%q|%q|%q|%q|%q", c.ID, c.BaseURLs, c.Include, c.Exclude, main.Include, main.Exclude)
	if lr, ok := r.loaded[key]; ok {
		return lr, nil
	}
	urls, hashes, err := r.mirrors.candidates(ctx, c)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, u := range urls {
		lr, err := r.loadFrom(ctx, c, main, u, hashes)
		if err == nil {
			r.loaded[key] = lr
			return lr, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// loadFrom loads c's metadata from one base URL.
func (r *Resolver) loadFrom(ctx context.Context, c *repo.Config, main repo.Main, base string, hashes []repo.Checksum) (*loadedRepo, error) {
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
	rp, err := repo.Load(ctx, c, src, repo.Options{Cache: r.meta, Include: main.Include, Exclude: main.Exclude, RepoMDHashes: hashes})
	if err != nil {
		return nil, fmt.Errorf("repo %s (%s): %w", c.ID, base, err)
	}
	return &loadedRepo{cfg: c, src: src, repo: rp, repomd: sum}, nil
}

func readRepoMD(ctx context.Context, src repo.Source) ([]byte, error) {
	rc, err := src.Open(ctx, "repodata/repomd.xml")
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 64<<20))
}

// loadFilelists loads the file lists a resolution needs: every
// repository's when a requested path or a file dependency is in no
// primary file list, else only those of repositories loaded so before.
// Of each list only the paths the resolution may look up are kept
// (solve.FilePaths): the answer is the one complete lists give, without
// holding a million paths of a large repository.
func (r *Resolver) loadFilelists(ctx context.Context, repos []*loadedRepo, universe []*repo.Package, names []string) error {
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
			return nil
		}
	}
	want := solve.FilePaths(universe, names)
	for _, lr := range repos {
		if !need && !lr.filelists {
			continue
		}
		missing := map[string]bool{}
		for p := range want {
			if !lr.paths[p] {
				missing[p] = true
			}
		}
		if lr.filelists && len(missing) == 0 {
			continue
		}
		if err := lr.repo.LoadFilelistsFor(ctx, lr.src, missing); err != nil {
			return fmt.Errorf("repo %s: %w", lr.cfg.ID, err)
		}
		if lr.paths == nil {
			lr.paths = map[string]bool{}
		}
		maps.Copy(lr.paths, missing)
		lr.filelists = true
	}
	return nil
}

func collect(repos []*loadedRepo) []*repo.Package {
	var out []*repo.Package
	for _, lr := range repos {
		out = append(out, lr.repo.Packages...)
	}
	return out
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

// needFilelists reports whether a requested path or a file dependency is
// provided by no package's primary file list.
func needFilelists(universe []*repo.Package, names []string) bool {
	have := map[string]bool{}
	for _, p := range universe {
		for _, f := range p.Files {
			have[f] = true
		}
	}
	for _, n := range names {
		if strings.HasPrefix(n, "/") && !have[n] {
			return true
		}
	}
	for _, p := range universe {
		for _, d := range p.Requires {
			if strings.HasPrefix(d.Name, "/") && !have[d.Name] {
				return true
			}
		}
	}
	return false
}

func unsolvable(m *plan.Machine, err error, pinned bool) error {
	var u *solve.UnsolvableError
	if !errors.As(err, &u) {
		return fmt.Errorf("%s: resolving: %w", m.ID(), err)
	}
	msg := fmt.Sprintf("%s: %s: cannot resolve packages:\n  %s", m.Pos, m.ID(), strings.Join(u.Problems, "\n  "))
	if pinned {
		msg += "\n  (other packages are held at their locked versions; name them in --update too, or run disco lock without --update)"
	}
	return errors.New(msg)
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
