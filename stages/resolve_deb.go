package stages

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/apt"
	"github.com/disco-build/disco/stages/aptsolve"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/store"
)

// debFormat is the Debian package format (packageFormat): apt
// repositories read as apt update reads them (package apt: the Release
// file verified against the repository's keyring, every index against the
// Release file), resolved as apt-get install would (package aptsolve);
// packages fetched by the SHA-256 their index gives (fetch_deb.go).
type debFormat struct {
	root, cache string
	client      *http.Client
	now         func() time.Time
	meta        *apt.Cache
	indexes     *apt.StoreFetcher // created on first use: it opens the store
	keys        map[string]*apt.Keyring
	suites      map[string]*debSuite
	failed      map[string]error // repositories that could not be loaded
	universes   map[string]*aptsolve.Universe
}

// debSuite is a repository as loaded: its verified Release file and the
// pools of its Packages indexes, in apt's order (components as listed,
// binary-ARCH then binary-all).
type debSuite struct {
	suite *apt.Suite
	pools []*apt.Pool
}

func newDebFormat(root, cache string, client *http.Client, now func() time.Time) *debFormat {
	return &debFormat{root: root, cache: cache, client: client, now: now,
		meta: apt.NewCache(MetadataDir(cache)), keys: map[string]*apt.Keyring{},
		suites: map[string]*debSuite{}, failed: map[string]error{}, universes: map[string]*aptsolve.Universe{}}
}

func (d *debFormat) resolve(ctx context.Context, m *plan.Machine, prev *lockfile.Machine, update []string) (*lockfile.Machine, error) {
	digest, err := m.Digest()
	if err != nil {
		return nil, err
	}
	repos, err := debRepos(d.root, d.cache, m, d.keys)
	if err != nil {
		return nil, err
	}
	suites := make([]*debSuite, len(repos))
	for i, r := range repos {
		if suites[i], err = d.load(ctx, r, m.Arch); err != nil {
			return nil, err
		}
	}
	u, err := d.universe(m.Arch, repos, suites)
	if err != nil {
		return nil, err
	}
	requests, err := debRequests(u, m, prev, update)
	if err != nil {
		return nil, err
	}
	pkgs, err := aptsolve.Resolve(u, requests, aptsolve.Options{Recommends: m.WeakDeps})
	var unmet *aptsolve.Error
	if errors.As(err, &unmet) {
		return nil, &cannotResolve{text: indent(unmet.Error())}
	}
	if err != nil {
		return nil, err
	}
	return debLockEntry(digest, repos, suites, pkgs)
}

// load opens a repository's suite and the Packages indexes of its
// components for arch, once per run; a repository that failed fails the
// next machine at once.
func (d *debFormat) load(ctx context.Context, r *debRepo, arch string) (*debSuite, error) {
	key := r.key() + "|" + arch
	if s, ok := d.suites[key]; ok {
		return s, nil
	}
	if err, ok := d.failed[key]; ok {
		return nil, err
	}
	s, err := d.loadSuite(ctx, r, arch)
	if err != nil {
		err = fmt.Errorf("%s: %w", r.Pos, err)
		if ctx.Err() == nil {
			d.failed[key] = err
		}
		return nil, err
	}
	d.suites[key] = s
	return s, nil
}

func (d *debFormat) loadSuite(ctx context.Context, r *debRepo, arch string) (*debSuite, error) {
	if d.indexes == nil {
		st, err := store.Open(StoreDir(d.cache))
		if err != nil {
			return nil, err
		}
		d.indexes = &apt.StoreFetcher{Store: st, Client: d.client}
	}
	if d.now == nil {
		return nil, errors.New("no clock to check the Release file's validity against")
	}
	s, err := apt.OpenSuite(ctx, r.repository(), d.indexes, d.now())
	if err != nil {
		return nil, withHint(err)
	}
	out := &debSuite{suite: s}
	for _, comp := range r.Components {
		idxs, err := s.PackagesIndexes(comp, arch, apt.FastCompression)
		if err != nil {
			return nil, err
		}
		for _, idx := range idxs {
			p, err := apt.LoadPool(ctx, s, idx, d.indexes, d.meta)
			if err != nil {
				return nil, err
			}
			out.pools = append(out.pools, p)
		}
	}
	return out, nil
}

// withHint adds to a refused Release file what the definition may say to
// accept it.
func withHint(err error) error {
	switch {
	case errors.Is(err, apt.ErrUnsigned):
		return fmt.Errorf("%w (allow_unsigned = True, or allow-insecure=yes in a sources file, accepts an unsigned repository)", err)
	case errors.Is(err, apt.ErrExpired):
		return fmt.Errorf("%w (allow_expired = True, or check-valid-until=no in a sources file, accepts an expired one)", err)
	}
	return err
}

// universe prepares the machine's pools for resolving, once for every
// machine with the same repositories and architecture.
func (d *debFormat) universe(arch string, repos []*debRepo, suites []*debSuite) (*aptsolve.Universe, error) {
	var sources []aptsolve.Source
	key := arch
	for i, s := range suites {
		for _, p := range s.pools {
			sources = append(sources, aptsolve.Source{Pool: p, Priority: repos[i].Priority})
			key += fmt.Sprintf("|%s %s %d", p.Repo, p.SHA256, repos[i].Priority)
		}
	}
	if u, ok := d.universes[key]; ok {
		return u, nil
	}
	u, err := aptsolve.NewUniverse(arch, sources...)
	if err != nil {
		return nil, err
	}
	for _, s := range sources {
		if err := s.Pool.Err(); err != nil {
			return nil, err
		}
	}
	d.universes[key] = u
	return u, nil
}

// debRequests are the machine's requests as apt-get install takes them:
// package sets expanded (aptsolve.Variant), then the names as given. With
// prev and update, every package of prev not named in update is requested
// at its locked version, so that only those named change (and what their
// new versions newly need).
func debRequests(u *aptsolve.Universe, m *plan.Machine, prev *lockfile.Machine, update []string) ([]string, error) {
	var out []string
	for _, p := range m.Packages {
		if !p.Set {
			out = append(out, p.Name)
			continue
		}
		names, err := aptsolve.Variant(u, p.Name)
		if err != nil {
			return nil, plan.Errorf(p.Pos, "%v", err)
		}
		out = append(out, names...)
	}
	if prev == nil || len(update) == 0 || prev.Format != lockfile.FormatDeb {
		return out, nil
	}
	free := map[string]bool{}
	for _, n := range update {
		free[n] = true
	}
	for _, p := range prev.Packages {
		if !free[p.Name] {
			out = append(out, p.Name+"="+p.Version)
		}
	}
	return out, nil
}

// debLockEntry pins the chosen packages: each by the record of the source
// it was chosen from (its Filename, size and SHA-256, which the signed
// Release file vouches for through the index), and each repository by its
// Release file's digest.
func debLockEntry(digest string, repos []*debRepo, suites []*debSuite, pkgs []aptsolve.Package) (*lockfile.Machine, error) {
	lm := &lockfile.Machine{Digest: digest, Format: lockfile.FormatDeb, Packages: []lockfile.Package{}}
	for i, s := range suites {
		lm.Repos = append(lm.Repos, lockfile.Repo{ID: repos[i].Name, Release: s.suite.File, ReleaseSHA256: s.suite.SHA256})
	}
	sort.Slice(lm.Repos, func(i, j int) bool { return lm.Repos[i].ID < lm.Repos[j].ID })
	for _, p := range pkgs {
		rec := p.Record
		if rec.SHA256 == "" || rec.Filename == "" {
			return nil, fmt.Errorf("apt repository %s: package %s has no SHA256 or no Filename in its index; disco pins packages by SHA-256", rec.Repo, rec)
		}
		lm.Packages = append(lm.Packages, lockfile.Package{Name: p.Name, Version: p.Version, Arch: p.Arch,
			Repo: rec.Repo, Location: rec.Filename, SHA256: rec.SHA256, Size: rec.Size})
	}
	return lm, nil
}

// indent indents an explanation's lines under the machine's line.
func indent(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}
