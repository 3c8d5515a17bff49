package repo_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/repo/repotest"
)

func loadPool(t *testing.T, dir string, cfg repo.Config, opts repo.Options) *repo.Pool {
	t.Helper()
	cfg.ID = "p"
	pl, err := repo.LoadPool(context.Background(), &cfg, repo.DirSource(dir), opts)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// poolFiles is what a pool's packages hold once AddFiles gave them every
// path of the full lists.
func fullRepo(t *testing.T, dir string) []*repo.Package {
	t.Helper()
	r, err := loadDir(t, "p", dir, repo.Options{WithFilelists: true})
	if err != nil {
		t.Fatal(err)
	}
	return r.Packages
}

// TestPoolAnswersAsLoad: every name, provide, obsoleted name and file
// (primary or filelists) of a repository leads through the pool to the
// packages Load gives, decoded equal to them (Files being the primary
// ones until AddFiles adds the rest); keys nothing has lead nowhere.
func TestPoolAnswersAsLoad(t *testing.T) {
	dir := t.TempDir()
	if err := repotest.WriteRepo(dir, repotest.Spec{Packages: 120, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	full := fullRepo(t, dir)
	prim, err := loadDir(t, "p", dir, repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pl := loadPool(t, dir, repo.Config{}, repo.Options{})
	if pl.Len() != len(full) {
		t.Fatalf("pool has %d packages, primary %d", pl.Len(), len(full))
	}
	for i, want := range prim.Packages {
		got := pl.Package(i)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("package %d decoded as %+v, Load gives %+v", i, got, want)
		}
		if pl.Package(i) != got {
			t.Fatalf("package %d decoded twice", i)
		}
	}
	has := func(l []int32, i int) bool { return slices.Contains(l, int32(i)) }
	for i, p := range full {
		keys := []string{p.Name}
		for _, d := range p.Provides {
			keys = append(keys, d.Name)
		}
		for _, k := range append(keys, p.Files...) {
			if !has(pl.Providers(nil, k), i) {
				t.Fatalf("Providers(%q) misses %s", k, p.Name)
			}
		}
		for _, d := range p.Obsoletes {
			if !has(pl.Referrers(nil, d.Name), i) {
				t.Fatalf("Referrers(%q) misses %s", d.Name, p.Name)
			}
		}
	}
	if len(pl.Providers(nil, "no-such-thing")) != 0 || len(pl.Referrers(nil, full[0].Name)) != 0 || len(pl.Providers(nil, "")) != 0 {
		t.Fatal("keys nothing has lead somewhere")
	}
	if len(full[3].Files) <= len(prim.Packages[3].Files) {
		t.Fatal("the file lists add nothing: the test proves nothing")
	}
	// AddFiles: a path only filelists.xml has, for a decoded package and
	// for one decoded afterwards by a fresh pool.
	path := full[3].Files[len(full[3].Files)-1]
	later := full[4].Files[len(full[4].Files)-1]
	pl.AddFiles(map[string]bool{path: true, later: true})
	if !slices.Contains(pl.Package(3).Files, path) || !slices.Contains(pl.Package(4).Files, later) {
		t.Fatalf("AddFiles did not add %s, %s", path, later)
	}
	fresh := loadPool(t, dir, repo.Config{}, repo.Options{})
	fresh.AddFiles(map[string]bool{later: true})
	if p := fresh.Package(4); !slices.Contains(p.Files, later) || slices.Contains(p.Files, path) {
		t.Fatalf("a package decoded after AddFiles has %q", p.Files)
	}
}

// TestPoolFiltersAndCache: includepkgs/excludepkgs hide packages; the
// second load maps the cached pool and answers alike; a damaged entry is
// a miss and is rewritten.
func TestPoolFiltersAndCache(t *testing.T) {
	dir := t.TempDir()
	if err := repotest.WriteRepo(dir, repotest.Spec{Packages: 60, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	full := fullRepo(t, dir)
	ex := loadPool(t, dir, repo.Config{Exclude: []string{full[2].Name}}, repo.Options{})
	if ex.Package(2) != nil || !slices.Equal(ex.Providers(nil, full[2].Name), []int32{2}) || ex.Package(1) == nil {
		t.Fatal("excludepkgs not applied")
	}
	cache := repo.NewCache(t.TempDir())
	opts := repo.Options{Cache: cache}
	first := loadPool(t, dir, repo.Config{}, opts)
	second := loadPool(t, dir, repo.Config{}, opts)
	if first.Cached || !second.Cached {
		t.Fatalf("cached: first %v, second %v", first.Cached, second.Cached)
	}
	answer := func(pl *repo.Pool) []string {
		var out []string
		for _, p := range full {
			for _, i := range pl.Providers(nil, p.Files[len(p.Files)-1]) {
				q := pl.Package(int(i))
				out = append(out, q.Name+" "+q.Checksum)
			}
		}
		return out
	}
	want := answer(first)
	if got := answer(second); !reflect.DeepEqual(got, want) || len(want) < len(full) {
		t.Fatalf("cached pool answers %q, built %q", got, want)
	}
	entries, _ := filepath.Glob(filepath.Join(cache.Dir, "pool-*"))
	if len(entries) != 1 {
		t.Fatalf("cache entries %q", entries)
	}
	data, _ := os.ReadFile(entries[0])
	data[len(data)/2] ^= 1
	tmp := entries[0] + ".new"
	os.WriteFile(tmp, data, 0o644)
	os.Rename(tmp, entries[0]) // as the cache replaces files: never in place
	third := loadPool(t, dir, repo.Config{}, opts)
	if third.Cached || !reflect.DeepEqual(answer(third), want) {
		t.Fatalf("damaged entry: cached=%v", third.Cached)
	}
	if !loadPool(t, dir, repo.Config{}, opts).Cached {
		t.Fatal("damaged entry not rewritten")
	}
}
