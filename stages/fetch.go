package stages

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/fetch"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/rpm"
	"github.com/disco-build/disco/stages/rpmsig"
	"github.com/disco-build/disco/stages/store"
)

// Fetcher is the fetch stage: it brings every package a lock entry names
// into the shared store, verified by sha256 and by the checks of the
// machine's package format.
type Fetcher struct {
	store   *store.Store
	opts    fetch.Options
	formats *formats
	byItem  map[string]packageFormat // the format that checks each item
}

// NewFetcher opens the store under cache. opts.Progress receives events.
func NewFetcher(root, cache string, opts fetch.Options) (*Fetcher, error) {
	st, err := store.Open(StoreDir(cache))
	if err != nil {
		return nil, err
	}
	return &Fetcher{store: st, opts: opts, formats: newFormats(root, cache, nil), byItem: map[string]packageFormat{}}, nil
}

// Store is the package store.
func (f *Fetcher) Store() *store.Store { return f.store }

// Items lists what machines' lock entries need, each package once, with
// every URL of its repository as a candidate (mirror failover).
func (f *Fetcher) Items(ctx context.Context, machines []*plan.Machine, l *lockfile.Lock) ([]fetch.Item, error) {
	seen := map[string]bool{}
	var items []fetch.Item
	for _, m := range machines {
		lm := l.Machines[m.ID()]
		if lm == nil {
			return nil, plan.Errorf(m.Pos, "machine %s is not in %s; run disco lock", m.ID(), lockfile.Name)
		}
		if lm.Format != m.Format {
			return nil, plan.Errorf(m.Pos, "machine %s is a %s machine, and its entry in %s is not; run disco lock", m.ID(), m.PackageFormat(), lockfile.Name)
		}
		pf, err := f.formats.of(m)
		if err != nil {
			return nil, err
		}
		its, err := pf.items(ctx, m, lm)
		if err != nil {
			return nil, err
		}
		for _, it := range its {
			if seen[it.SHA256] {
				continue
			}
			seen[it.SHA256] = true
			f.byItem[it.Name] = pf
			items = append(items, it)
		}
	}
	return items, nil
}

// Fetch brings items into the store. Every download is checked by its
// format (an RPM's header and payload digests, and its signatures for
// gpgcheck=1 repositories) before it enters the store; packages already
// in the store were checked when they entered it, and are checked again
// for what their repository asks beyond that (signatures); the install
// stage checks them again before writing them.
func (f *Fetcher) Fetch(ctx context.Context, items []fetch.Item) (fetch.Summary, error) {
	opts := f.opts
	opts.Verify = func(name, path string) error {
		if pf := f.byItem[name]; pf != nil {
			return pf.verify(name, path, false)
		}
		return fmt.Errorf("%s: no package format checks it", name)
	}
	var cached []fetch.Item
	for _, it := range items {
		if f.store.Has(it.SHA256) {
			cached = append(cached, it)
		}
	}
	sum, err := fetch.New(f.store, opts).Fetch(ctx, items)
	if err != nil {
		return sum, err
	}
	for _, it := range cached {
		if pf := f.byItem[it.Name]; pf != nil {
			if err := pf.verify(it.Name, f.store.Path(it.SHA256), true); err != nil {
				return sum, err
			}
		}
	}
	return sum, nil
}

// items lists the downloads of an RPM machine's lock entry; those of
// gpgcheck=1 repositories get their signatures checked.
func (r *rpmFormat) items(ctx context.Context, m *plan.Machine, lm *lockfile.Machine) ([]fetch.Item, error) {
	cfgs, _, err := repoConfigs(r.root, r.cache, m)
	if err != nil {
		return nil, err
	}
	byID := map[string]*repo.Config{}
	for _, c := range cfgs {
		byID[c.ID] = c
	}
	var items []fetch.Item
	for _, p := range lm.Packages {
		it, err := r.item(ctx, p, byID[p.Repo])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.ID(), err)
		}
		if c := byID[p.Repo]; c.GPGCheck {
			kr, err := r.keys.get(ctx, c)
			if err != nil {
				return nil, err
			}
			r.gpg[it.Name] = kr
		}
		items = append(items, it)
	}
	return items, nil
}

func (r *rpmFormat) item(ctx context.Context, p lockfile.Package, c *repo.Config) (fetch.Item, error) {
	if c == nil {
		return fetch.Item{}, fmt.Errorf("package %s comes from repo %q, which the machine no longer has; run disco lock", p.NEVRA(), p.Repo)
	}
	it := fetch.Item{Name: p.NEVRA(), SHA256: p.SHA256, Size: p.Size, Proxy: c.Proxy}
	if u, err := url.Parse(p.Location); err == nil && u.Scheme != "" {
		it.URLs = []string{p.Location}
		return it, nil
	}
	bases, _, err := r.mirrors.candidates(ctx, c)
	if err != nil {
		return it, err
	}
	for _, base := range bases {
		it.URLs = append(it.URLs, strings.TrimSuffix(base, "/")+"/"+p.Location)
	}
	return it, nil
}

// verify checks an RPM's header and payload digests, and its signatures
// when its repository has gpgcheck=1; a stored copy only for the latter.
func (r *rpmFormat) verify(name, path string, stored bool) error {
	if kr := r.gpg[name]; kr != nil {
		return rpmsig.FetchVerifier(kr)(name, path) // digests included
	}
	if stored {
		return nil
	}
	return VerifyPackageFile(path)
}

// VerifyPackageFile checks a package file's header and payload digests
// (rpm.Package.Verify), as rpm does before installing even with signature
// checking off.
func VerifyPackageFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	p, err := rpm.Open(f)
	if err != nil {
		return err
	}
	_, err = p.Verify()
	return err
}
