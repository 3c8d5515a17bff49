package solve

import (
	"strings"

	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/rpmver"
)

// Catalog finds packages of a universe too large to decode whole (see
// repo.Pool): lookups by name, provide, path and by what a package's
// Obsoletes and Supplements mention. Each package is one pointer however
// often it is returned.
type Catalog interface {
	// Providers returns the packages named key, providing key or owning
	// the path key.
	Providers(key string) []*repo.Package
	// Referrers returns the packages whose Obsoletes name key or whose
	// Supplements mention it; key "" returns those whose Supplements
	// mention a path.
	Referrers(key string) []*repo.Package
}

// Reachable returns the packages of c that resolving specs may look at,
// in the order found: the candidates of every spec, and from each package
// found, everything a word of one of its dependencies leads to (of every
// kind, rich ones word by word), the packages sharing its name, those
// obsoleting its name and those whose Supplements mention one of its
// provides or any path. Resolve builds rules only for packages reachable
// from the jobs this way (as libsolv adds rules only for packages
// reachable from the job), so resolving specs over Reachable's packages,
// kept in universe order, gives the answer the whole universe gives; it
// is a superset of what a resolution touches, not the closure itself.
func Reachable(c Catalog, specs []string) []*repo.Package {
	seen := map[*repo.Package]bool{}
	keys := map[string]bool{}
	rkeys := map[string]bool{}
	var out, queue []*repo.Package
	add := func(ps []*repo.Package) {
		for _, p := range ps {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
				queue = append(queue, p)
			}
		}
	}
	follow := func(key string) {
		if !keys[key] {
			keys[key] = true
			add(c.Providers(key))
		}
	}
	referred := func(key string) {
		if !rkeys[key] {
			rkeys[key] = true
			add(c.Referrers(key))
		}
	}
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
		p := queue[0]
		queue = queue[1:]
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
	return out
}

// richWords returns every word of a rich dependency (names, operators,
// versions alike).
func richWords(name string) []string {
	return strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '(' || r == ')' })
}
