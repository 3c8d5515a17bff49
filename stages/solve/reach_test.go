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
// repo.Pool does; IDs are indexes.
type sliceCatalog []*repo.Package

func (c sliceCatalog) Len() int                       { return len(c) }
func (c sliceCatalog) Package(id int32) *repo.Package { return c[id] }

func (c sliceCatalog) Providers(dst []int32, key string) []int32 {
	for i, p := range c {
		if p.Name == key || slices.Contains(p.Files, key) || slices.ContainsFunc(p.Provides, func(d rpmver.Dep) bool { return d.Name == key }) {
			dst = append(dst, int32(i))
		}
	}
	return dst
}

func (c sliceCatalog) Referrers(dst []int32, key string) []int32 {
	for i, p := range c {
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
			dst = append(dst, int32(i))
		}
	}
	return dst
}

// reachableUniverse is what stages' resolver passes Resolve: the packages
// Reachable finds, in universe order.
func reachableUniverse(universe []*repo.Package, specs []string) []*repo.Package {
	return Reachable(sliceCatalog(universe), specs)
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
