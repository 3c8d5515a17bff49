package stages

import (
	"context"
	"fmt"
	"net/http"
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
// into the shared store, verified by sha256.
type Fetcher struct {
	root, cache string
	store       *store.Store
	opts        fetch.Options
	keys        *keyrings
	mirrors     *mirrors
	verify      map[string]*rpmsig.Keyring // by item name, for gpgcheck=1 repos
}

// NewFetcher opens the store under cache. opts.Progress receives events.
func NewFetcher(root, cache string, opts fetch.Options) (*Fetcher, error) {
	st, err := store.Open(StoreDir(cache))
	if err != nil {
		return nil, err
	}
	return &Fetcher{root: root, cache: cache, store: st, opts: opts,
		keys: newKeyrings(root, http.DefaultClient), mirrors: newMirrors(http.DefaultClient),
		verify: map[string]*rpmsig.Keyring{}}, nil
}

// Store is the package store.
func (f *Fetcher) Store() *store.Store { return f.store }

// Items lists what machines' lock entries need, each package once, with
// every baseurl of its repository as a candidate (mirror failover). Items
// of gpgcheck=1 repositories get their signatures checked on download.
func (f *Fetcher) Items(ctx context.Context, machines []*plan.Machine, l *lockfile.Lock) ([]fetch.Item, error) {
	seen := map[string]bool{}
	var items []fetch.Item
	for _, m := range machines {
		lm := l.Machines[m.ID()]
		if lm == nil {
			return nil, plan.Errorf(m.Pos, "machine %s is not in %s; run disco lock", m.ID(), lockfile.Name)
		}
		cfgs, _, err := repoConfigs(f.root, f.cache, m)
		if err != nil {
			return nil, err
		}
		byID := map[string]*repo.Config{}
		for _, c := range cfgs {
			byID[c.ID] = c
		}
		for _, p := range lm.Packages {
			if seen[p.SHA256] {
				continue
			}
			seen[p.SHA256] = true
			it, err := f.item(ctx, p, byID[p.Repo])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", m.ID(), err)
			}
			if c := byID[p.Repo]; c.GPGCheck {
				kr, err := f.keys.get(ctx, c)
				if err != nil {
					return nil, err
				}
				f.verify[it.Name] = kr
			}
			items = append(items, it)
		}
	}
	return items, nil
}

func (f *Fetcher) item(ctx context.Context, p lockfile.Package, c *repo.Config) (fetch.Item, error) {
	if c == nil {
		return fetch.Item{}, fmt.Errorf("package %s comes from repo %q, which the machine no longer has; run disco lock", p.NEVRA(), p.Repo)
	}
	it := fetch.Item{Name: p.NEVRA(), SHA256: p.SHA256, Size: p.Size, Proxy: c.Proxy}
	if u, err := url.Parse(p.Location); err == nil && u.Scheme != "" {
		it.URLs = []string{p.Location}
		return it, nil
	}
	bases, _, err := f.mirrors.candidates(ctx, c)
	if err != nil {
		return it, err
	}
	for _, base := range bases {
		it.URLs = append(it.URLs, strings.TrimSuffix(base, "/")+"/"+p.Location)
	}
	return it, nil
}

// Fetch brings items into the store. Every download has its header and
// payload digests checked (and, for gpgcheck=1 repositories, its
// signatures) before it enters the store; packages already in the store
// were checked when they entered it, and the install stage checks them
// again before writing them.
func (f *Fetcher) Fetch(ctx context.Context, items []fetch.Item) (fetch.Summary, error) {
	opts := f.opts
	opts.Verify = func(name, path string) error {
		if kr := f.verify[name]; kr != nil {
			return rpmsig.FetchVerifier(kr)(name, path) // digests included
		}
		return VerifyPackageFile(path)
	}
	// What is already in the store may have entered it through a
	// repository that did not ask for signatures: check it for this one
	// afterwards (downloads are checked by opts.Verify on the way in).
	var cached []fetch.Item
	for _, it := range items {
		if f.verify[it.Name] != nil && f.store.Has(it.SHA256) {
			cached = append(cached, it)
		}
	}
	sum, err := fetch.New(f.store, opts).Fetch(ctx, items)
	if err != nil {
		return sum, err
	}
	for _, it := range cached {
		if kr := f.verify[it.Name]; kr != nil {
			if err := rpmsig.FetchVerifier(kr)(it.Name, f.store.Path(it.SHA256)); err != nil {
				return sum, err
			}
		}
	}
	return sum, nil
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
