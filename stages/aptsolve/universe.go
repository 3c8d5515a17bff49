package aptsolve

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/disco-build/disco/stages/apt"
	"github.com/disco-build/disco/stages/debver"
)

// Source is one Packages index of the universe with apt's pin priority
// for its packages.
type Source struct {
	Pool *apt.Pool
	// Priority is the pin priority of the source's packages (apt's
	// Pin-Priority of a release); 0 means apt's default, 500. A version
	// whose sources all have a priority of 0 or less is never a candidate.
	// Use 1 for a release marked NotAutomatic, 100 for
	// ButAutomaticUpgrades, as apt does.
	Priority int
}

func (s Source) priority() int {
	if s.Priority == 0 {
		return 500
	}
	return s.Priority
}

// Universe is the set of packages a resolve chooses from: the sources in
// apt's sources.list order. It holds what apt's cache generator computes
// once for all requests (the order in which it meets package names, which
// breaks ties between providers); building it reads every record's names
// once (Pool.Scan). Resolves on one Universe run one at a time (its
// pools decode packages on first use).
type Universe struct {
	mu      sync.Mutex
	arch    string
	sources []Source
	// ranks are apt's package IDs: the order in which apt's cache
	// generator creates the packages it meets, as names, dependency
	// targets or provides.
	ranks map[string]int32
	keys  []string // by rank
	// order is every package by rank in apt's iteration order (PkgBegin:
	// its hash table), computed on first use.
	orderOnce sync.Once
	order     []int32
	// essential and priority are the names with Essential: yes and those
	// with each Priority (for Variant).
	essential map[string]bool
	priority  map[string]map[string]bool
	// replacedBy lists the packages that replace a package, in the
	// order apt meets them (for apt-get's "However the following packages
	// replace it").
	replacedBy map[string][]string
	// foreign lists the architectures of the packages apt creates for
	// dependencies on name:otherarch, by name.
	foreign map[string][]string
}

// NewUniverse prepares sources for resolving packages of architecture
// arch ("amd64"); packages of other architectures than arch and "all" are
// left out (foreign architectures are not supported yet).
func NewUniverse(arch string, sources ...Source) (*Universe, error) {
	if arch == "" || arch == "all" || arch == "any" || strings.ContainsAny(arch, ": ") {
		return nil, fmt.Errorf("aptsolve: bad architecture %q", arch)
	}
	u := &Universe{arch: arch, sources: sources}
	n := 0
	for i, s := range sources {
		if s.Pool == nil {
			return nil, fmt.Errorf("aptsolve: source %d has no pool", i)
		}
		n += s.Pool.Len()
	}
	u.ranks = make(map[string]int32, n*3/2)
	u.essential, u.priority, u.replacedBy = map[string]bool{}, map[string]map[string]bool{}, map[string][]string{}
	u.foreign = map[string][]string{}
	var rec apt.ScanRecord
	for _, s := range sources {
		for i := range s.Pool.Len() {
			if !s.Pool.Scan(i, &rec) {
				return nil, fmt.Errorf("aptsolve: %s: package %d does not decode", s.Pool.Index, i)
			}
			if rec.Architecture != arch && rec.Architecture != "all" {
				continue
			}
			u.scanKeys(&rec, u.meet)
			if rec.Essential {
				u.essential[rec.Name] = true
			}
			for _, r := range rec.Refs {
				if r.Field == depReplaces.field() {
					k := u.depKey(r.Name, r.ArchQual)
					if l := u.replacedBy[k]; len(l) == 0 || l[len(l)-1] != rec.Name {
						u.replacedBy[k] = append(l, rec.Name)
					}
				}
			}
			if pr := strings.ToLower(rec.Priority); pr != "" {
				if u.priority[pr] == nil {
					u.priority[pr] = map[string]bool{}
				}
				u.priority[pr][rec.Name] = true
			}
		}
	}
	return u, nil
}

// Arch is the architecture packages are resolved for.
func (u *Universe) Arch() string { return u.arch }

// Sources are the universe's sources.
func (u *Universe) Sources() []Source { return u.sources }

func (u *Universe) meet(key string) {
	if _, ok := u.ranks[key]; !ok {
		u.ranks[key] = int32(len(u.ranks))
		u.keys = append(u.keys, key)
	}
}

// iterationOrder returns every package's rank in apt's PkgBegin order.
func (u *Universe) iterationOrder() []int32 {
	u.orderOnce.Do(func() {
		u.order = make([]int32, len(u.keys))
		for i := range u.order {
			u.order[i] = int32(i)
		}
		group := func(r int32) string { g, _, _ := strings.Cut(u.keys[r], "\x00"); return g }
		sort.Slice(u.order, func(a, b int) bool {
			ga, gb := group(u.order[a]), group(u.order[b])
			if ga != gb {
				return hashLess(ga, gb)
			}
			return u.order[a] < u.order[b] // packages of a group in creation order
		})
	})
	return u.order
}

// aptFieldOrder lists apt.RelationFields indexes in the order apt's
// debListParser::NewVersion parses them: Pre-Depends, Depends, Conflicts,
// Breaks, Recommends, Suggests, Replaces, Enhances.
var aptFieldOrder = [8]depType{depPreDepends, depDepends, depConflicts, depBreaks, depRecommends, depSuggests, depReplaces, depEnhances}

// scanKeys calls meet with the packages apt's cache generator creates, or
// finds, for one record, in its order (pkgCacheGenerator::MergeList,
// debListParser::NewVersion, ParseDepends, ParseProvides).
func (u *Universe) scanKeys(rec *apt.ScanRecord, meet func(string)) {
	meet(rec.Name)
	for _, t := range aptFieldOrder {
		for _, r := range rec.Refs {
			if r.Field == t.field() {
				u.depKeys(r.Name, r.ArchQual, meet)
			}
		}
	}
	for _, r := range rec.Refs {
		if r.Field != apt.ProvidesField || (r.Op != debver.None && r.Op != debver.EQ) {
			continue
		}
		switch {
		case r.ArchQual != "":
			if r.ArchQual == u.arch || r.ArchQual == "native" {
				meet(r.Name)
			} else if r.ArchQual != "any" {
				u.meetForeign(r.Name, r.ArchQual, meet)
			}
			if r.ArchQual != "any" {
				meet(r.Name + ":" + u.qual(r.ArchQual))
			} else {
				meet(r.Name + ":any")
			}
		case rec.MultiArch == "foreign":
			meet(r.Name)
		default:
			if rec.MultiArch == "allowed" {
				meet(r.Name + ":any")
			}
			meet(r.Name)
		}
	}
	if rec.MultiArch == "allowed" {
		meet(rec.Name + ":any")
	}
	if kernelUname(rec.Name) != "" {
		meet("$kernel")
	}
}

// qual maps "native" to the architecture.
func (u *Universe) qual(q string) string {
	if q == "native" {
		return u.arch
	}
	return q
}

// depKeys calls meet with the packages a dependency on name:qual creates:
// "name", "name:any", or for an architecture "name:arch" and then the
// package of that name and architecture (pkgCacheGenerator::NewPackage's
// lazy creation of the target of an arch-qualified dependency).
func (u *Universe) depKeys(name, qual string, meet func(string)) {
	switch q := u.qual(qual); q {
	case "":
		meet(name)
	case "any":
		meet(name + ":any")
	default:
		meet(name + ":" + q)
		if q == u.arch {
			meet(name)
		} else {
			u.meetForeign(name, q, meet)
		}
	}
}

// foreignKey stands for the package of another architecture apt creates
// in group name for a dependency on name:arch: never resolved, it takes a
// package ID and a place in apt's iteration order.
func foreignKey(name, arch string) string { return name + "\x00" + arch }

// meetForeign records a package of another architecture.
func (u *Universe) meetForeign(name, arch string, meet func(string)) {
	k := foreignKey(name, arch)
	if _, ok := u.ranks[k]; !ok {
		u.foreign[name] = append(u.foreign[name], arch)
	}
	meet(k)
}

// depKey is the package a dependency on name:qual targets.
func (u *Universe) depKey(name, qual string) string {
	switch q := u.qual(qual); q {
	case "":
		return name
	default:
		return name + ":" + q
	}
}

// kernelUname is apt's KernelAutoRemoveHelper::getUname: the kernel
// release of a kernel image package name, else "".
func kernelUname(name string) string {
	for _, prefix := range []string{"linux-image-", "kfreebsd-image-", "gnumach-image-"} {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok || strings.HasSuffix(name, "-dbgsym") || strings.HasSuffix(name, "-dbg") {
			continue
		}
		if len(rest) < 2 || rest[0] < '0' || rest[0] > '9' {
			continue
		}
		i := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if i < 0 || rest[i] != '.' {
			continue
		}
		return rest
	}
	return ""
}
