package aptsolve

import (
	"strings"

	"github.com/disco-build/disco/stages/debver"
)

// The provides leading to a package, and the dependencies of a version,
// read from the records as apt's debListParser enters them in its cache.

// provides returns the package's provides, in apt's ProvidesList order,
// reading them on first use.
func (c *cache) provides(id int32) []prov {
	p := c.load(id)
	if p.provsLoaded {
		return p.provs
	}
	p.provsLoaded = true
	base, qual, _ := strings.Cut(p.name, ":")
	if base == "" || strings.HasPrefix(base, "$") || strings.Contains(p.name, "\x00") {
		return nil
	}
	var found []prov
	for s, src := range c.u.sources {
		c.scratch = src.Pool.Providers(c.scratch[:0], base)
		ids := append([]int32(nil), c.scratch...)
		for _, i := range ids {
			vid := c.versionOf(s, i)
			if vid == none {
				continue
			}
			v := c.vers[vid]
			if v.src != s || v.rec != src.Pool.Package(int(i)) {
				continue // a copy of a version first read elsewhere: apt parses its fields once
			}
			for _, r := range v.rec.Provides {
				if pv, ok := c.provideTo(v, r, base, qual); ok {
					found = append(found, pv)
				}
			}
			if c.pkgs[v.pkg].name == base && c.selfProvides(v, qual) {
				found = append(found, prov{owner: vid, version: v.str, pv: v.v, implicit: true})
			}
		}
	}
	for k := len(found) - 1; k >= 0; k-- {
		p.provs = append(p.provs, found[k])
	}
	return p.provs
}

// provideTo tells whether provide r of version v leads to base:qual
// (debListParser::ParseProvides).
func (c *cache) provideTo(v *version, r debver.Relation, base, qual string) (prov, bool) {
	if r.Name != base || (r.Op != debver.None && r.Op != debver.EQ) {
		return prov{}, false
	}
	pr := prov{owner: v.id}
	if r.Op == debver.EQ {
		pr.version, pr.pv = r.Version.String(), r.Version
	}
	rq := c.u.qual(r.ArchQual)
	switch qual {
	case "":
		if rq != "" && rq != c.u.arch {
			return prov{}, false
		}
		// a package does not provide itself (pkgCacheListParser::NewProvides)
		if c.pkgs[v.pkg].name == base && (pr.version == "" || pr.version == v.str) {
			return prov{}, false
		}
		pr.implicit = rq != ""
		return pr, true
	case "any":
		pr.implicit = rq == ""
		return pr, rq == "any" || rq == "" && v.ma&maAllowed != 0
	default:
		pr.implicit = rq == ""
		return pr, rq == qual || rq == "" && qual == c.u.arch
	}
}

// selfProvides tells whether a version of package base provides base:qual
// implicitly: name:any for Multi-Arch: allowed, name:arch for every one.
func (c *cache) selfProvides(v *version, qual string) bool {
	switch qual {
	case "":
		return false
	case "any":
		return v.ma&maAllowed != 0
	}
	return qual == c.u.arch
}

// depsOf returns a version's dependencies in apt's order, and loads the
// packages its provides lead to.
func (c *cache) depsOf(vid int32) []dep {
	v := c.vers[vid]
	if v.loaded {
		return v.deps
	}
	v.loaded = true
	lists := map[depType][]debver.Alternatives{depDepends: v.rec.Depends, depPreDepends: v.rec.PreDepends,
		depRecommends: v.rec.Recommends, depSuggests: v.rec.Suggests, depEnhances: v.rec.Enhances,
		depConflicts: v.rec.Conflicts, depBreaks: v.rec.Breaks, depReplaces: v.rec.Replaces}
	for _, t := range aptFieldOrder {
		for _, alts := range lists[t] {
			start := len(v.deps)
			for k, r := range alts {
				target := c.find(c.u.depKey(r.Name, r.ArchQual))
				if target == none {
					continue
				}
				v.deps = append(v.deps, dep{target: target, typ: t, op: r.Op, ver: r.Version, or: k < len(alts)-1,
					start: start, parent: v.pkg, rel: r})
			}
			if n := len(v.deps); n > start {
				v.deps[n-1].or = false
			}
		}
	}
	c.u.scanProvideTargets(v, func(key string) {
		if t := c.find(key); t != none && !contains(v.provides, t) {
			v.provides = append(v.provides, t)
		}
	})
	return v.deps
}

// scanProvideTargets calls fn with the packages a version provides.
func (u *Universe) scanProvideTargets(v *version, fn func(string)) {
	name := v.rec.Name
	for _, r := range v.rec.Provides {
		if r.Op != debver.None && r.Op != debver.EQ {
			continue
		}
		switch q := u.qual(r.ArchQual); {
		case q == "any":
			fn(r.Name + ":any")
		case q != "":
			if q == u.arch && r.Name != name {
				fn(r.Name)
			}
			fn(r.Name + ":" + q)
		default:
			if r.Name != name {
				fn(r.Name)
			}
			if v.ma&maAllowed != 0 {
				fn(r.Name + ":any")
			}
			fn(r.Name + ":" + u.arch)
		}
	}
	if v.ma&maAllowed != 0 {
		fn(name + ":any")
	}
	fn(name + ":" + u.arch)
}
