package solve

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/rpmver"
)

// sliceCatalog is a Catalog over packages in memory, answering as
// repo.Pool does.
type sliceCatalog []*repo.Package

func (c sliceCatalog) Providers(key string) []*repo.Package {
	var out []*repo.Package
	for _, p := range c {
		if p.Name == key || slices.Contains(p.Files, key) || slices.ContainsFunc(p.Provides, func(d rpmver.Dep) bool { return d.Name == key }) {
			out = append(out, p)
		}
	}
	return out
}

func (c sliceCatalog) Referrers(key string) []*repo.Package {
	var out []*repo.Package
	for _, p := range c {
		hit := slices.ContainsFunc(p.Obsoletes, func(d rpmver.Dep) bool { return d.Name == key })
		for _, d := range p.Supplements {
			for _, w := range richWords(d.Name) {
				if strings.HasPrefix(w, "/") {
					w = ""
				}
				hit = hit || w == key
			}
		}
		if hit {
			out = append(out, p)
		}
	}
	return out
}

// reachableUniverse is what stages' resolver passes Resolve: the packages
// Reachable finds, in universe order.
func reachableUniverse(universe []*repo.Package, specs []string) []*repo.Package {
	in := map[*repo.Package]bool{}
	for _, p := range Reachable(sliceCatalog(universe), specs) {
		in[p] = true
	}
	var out []*repo.Package
	for _, p := range universe {
		if in[p] {
			out = append(out, p)
		}
	}
	return out
}

// TestReachableSameAnswer: resolving over Reachable's packages gives what
// resolving over the whole universe gives, answer and problems alike, on
// the oracle's generated universes (compareDNF checks it against dnf's
// cases too).
func TestReachableSameAnswer(t *testing.T) {
	smaller := 0
	for _, weak := range []bool{false, true} {
		for seed := uint64(1); seed <= 200; seed++ {
			c := genCase(seed, 8)
			universe, prios := flatten(c)
			opts := Options{Priorities: prios, Exclude: c.Excludes, WeakDeps: weak}
			for _, req := range c.Requests {
				sub := reachableUniverse(universe, req)
				if len(sub) < len(universe) {
					smaller++
				}
				full, err1 := Resolve(context.Background(), universe, Request{Install: req}, opts)
				part, err2 := Resolve(context.Background(), sub, Request{Install: req}, opts)
				if a, b := describe(full, err1), describe(part, err2); a != b {
					t.Fatalf("seed %d weak=%v request %v:\n whole universe: %s\n reachable:      %s\n%s", seed, weak, req, a, b, dumpCase(c))
				}
			}
		}
	}
	if smaller == 0 {
		t.Fatal("Reachable never left a package out: the test proves nothing")
	}
	t.Logf("%d requests resolved over fewer packages", smaller)
}
