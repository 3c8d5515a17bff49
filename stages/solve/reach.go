package solve

import (
	"strings"

	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/rpmver"
)

// Catalog finds packages of a universe too large to decode whole (see
// repo.Pool): lookups by name, provide, path and by what a package's
// Obsoletes and Supplements mention, answered with package IDs, so that
// only the packages a resolution reaches are ever decoded.
type Catalog interface {
	// Len is the number of packages: IDs are 0 to Len()-1, in universe
	// order.
	Len() int
	// Package returns package id, or nil when it is not part of the
	// universe (excluded).
	Package(id int32) *repo.Package
	// Providers appends to dst the IDs of the packages named key,
	// providing key or owning the path key.
	Providers(dst []int32, key string) []int32
	// Referrers appends to dst the IDs of the packages whose Obsoletes
	// name key or whose Supplements mention it; key "" gives those whose
	// Supplements mention a path.
	Referrers(dst []int32, key string) []int32
}

// Reachable returns the packages of c that resolving specs may look at,
// in universe order: the candidates of every spec, and from each package
// found, everything a word of one of its dependencies leads to (of every
// kind, rich ones word by word), the packages sharing its name, those
// obsoleting its name and those whose Supplements mention one of its
// provides or any path. Resolve builds rules only for packages reachable
// from the jobs this way (as libsolv adds rules only for packages
// reachable from the job), so resolving specs over Reachable's packages
// gives the answer the whole universe gives; it is a superset of what a
// resolution touches, not the closure itself. Keys are looked up again
// each time they come up: a probe of the catalog costs less than
// remembering a million strings.
func Reachable(c Catalog, specs []string) []*repo.Package {
	seen := make([]bool, c.Len())
	var queue, ids []int32
	add := func(found []int32) {
		for _, id := range found {
			if id >= 0 && int(id) < len(seen) && !seen[id] {
				seen[id] = true
				queue = append(queue, id)
			}
		}
	}
	follow := func(key string) { ids = c.Providers(ids[:0], key); add(ids) }
	referred := func(key string) { ids = c.Referrers(ids[:0], key); add(ids) }
	referred("")
	for _, spec := range specs {
		follow(spec)
		if i := strings.LastIndexByte(spec, '.'); i > 0 {
			follow(spec[:i])
		}
		if d, err := rpmver.ParseDep(spec); err == nil && !d.IsRich() {
			follow(d.Name)
		}
	}
	for len(queue) > 0 {
		p := c.Package(queue[len(queue)-1])
		queue = queue[:len(queue)-1]
		if p == nil {
			continue
		}
		follow(p.Name)
		referred(p.Name)
		for _, d := range p.Provides {
			referred(d.Name)
		}
		for _, l := range [...][]rpmver.Dep{p.Requires, p.Conflicts, p.Obsoletes, p.Recommends,
			p.Suggests, p.Supplements, p.Enhances} {
			for _, d := range l {
				if !d.IsRich() {
					follow(d.Name)
					continue
				}
				for _, w := range richWords(d.Name) {
					follow(w)
				}
			}
		}
	}
	var out []*repo.Package
	for id, ok := range seen {
		if ok {
			if p := c.Package(int32(id)); p != nil {
				out = append(out, p)
			}
		}
	}
	return out
}

// richWords returns every word of a rich dependency (names, operators,
// versions alike).
func richWords(name string) []string {
	return strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '(' || r == ')' })
}
