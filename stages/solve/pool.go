package solve

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/rpmver"
)

// pkg is a package of the pool with what the policy needs precomputed.
type pkg struct {
	*repo.Package
	prio      int // dnf priority: lower wins
	archScore int // 0 unknown, 1 noarch, else (rank+1)<<16: lower is better
}

// pool is the installable universe, indexed by provides and files.
// Variable v (1-based) is pkgs[v-1].
type pool struct {
	pkgs     []*pkg
	provides map[string][]provEntry
	files    map[string][]int32
	byName   map[string][]int32
	cache    map[depKey][]int32
}

// depKey is a dependency as a map key (Pre does not change its providers).
type depKey struct {
	name  string
	flags rpmver.Flags
	evr   rpmver.EVR
}

type provEntry struct {
	v   int32
	dep rpmver.Dep
}

// archPolicies lists, per machine, the installable architectures from best
// to worst as libsolv's pool_setarch does; each is its own color class.
var archPolicies = map[string][]string{
	"x86_64":  {"x86_64", "i686", "i586", "i486", "i386"},
	"i686":    {"i686", "i586", "i486", "i386"},
	"aarch64": {"aarch64"},
	"ppc64le": {"ppc64le"},
	"s390x":   {"s390x"},
	"riscv64": {"riscv64"},
}

func archScores(machine string) (map[string]int, error) {
	if machine == "" {
		machine = "x86_64"
	}
	list, ok := archPolicies[machine]
	if !ok {
		return nil, fmt.Errorf("solve: unknown machine architecture %q", machine)
	}
	m := map[string]int{"noarch": 1}
	for i, a := range list {
		m[a] = (i + 1) << 16
	}
	return m, nil
}

func newPool(universe []*repo.Package, opts Options) (*pool, error) {
	scores, err := archScores(opts.Arch)
	if err != nil {
		return nil, err
	}
	for _, g := range opts.Exclude {
		if _, err := path.Match(g, ""); err != nil {
			return nil, fmt.Errorf("solve: exclude pattern %q: %w", g, err)
		}
	}
	pl := &pool{provides: map[string][]provEntry{}, files: map[string][]int32{},
		byName: map[string][]int32{}, cache: map[depKey][]int32{}}
	for _, p := range universe {
		sc, ok := scores[p.Arch]
		if !ok || excluded(p.Name, opts.Exclude) {
			continue
		}
		prio := DefaultPriority
		if v, ok := opts.Priorities[p.RepoID]; ok {
			prio = v
		}
		pl.pkgs = append(pl.pkgs, &pkg{Package: p, prio: prio, archScore: sc})
	}
	// Number packages as libsolv numbers solvables when dnf loads the
	// repositories: by priority (dnf's RepoDict sorts them so), ties by
	// repository ID, each repository in its primary.xml (input) order.
	// libsolv sorts rules and breaks policy ties by these numbers.
	sort.SliceStable(pl.pkgs, func(i, j int) bool {
		a, b := pl.pkgs[i], pl.pkgs[j]
		if a.prio != b.prio {
			return a.prio < b.prio
		}
		return a.RepoID < b.RepoID
	})
	for i, p := range pl.pkgs {
		v := int32(i + 1)
		for _, d := range p.Provides {
			pl.provides[d.Name] = append(pl.provides[d.Name], provEntry{v, d})
		}
		for _, f := range p.Files {
			pl.files[f] = append(pl.files[f], v)
		}
		pl.byName[p.Name] = append(pl.byName[p.Name], v)
	}
	return pl, nil
}

func excluded(name string, globs []string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}

func (pl *pool) pkg(v int32) *pkg { return pl.pkgs[v-1] }

// whatProvides returns the sorted variables whose provides (or, for a
// path, files) satisfy the simple dependency d.
func (pl *pool) whatProvides(d rpmver.Dep) []int32 {
	key := depKey{d.Name, d.Flags, d.EVR}
	if r, ok := pl.cache[key]; ok {
		return r
	}
	var out []int32
	for _, e := range pl.provides[d.Name] {
		if d.Matches(e.dep) {
			out = append(out, e.v)
		}
	}
	if strings.HasPrefix(d.Name, "/") {
		out = append(out, pl.files[d.Name]...)
	}
	out = sortUnique(out)
	pl.cache[key] = out
	return out
}

// obsoletedBy returns the packages an obsoletes dep d hits: those whose
// name and EVR match (dnf matches obsoletes against package names, not
// provides). Arch colors do not matter: dnf's pool leaves libsolv's
// obsoleteusescolors off (only implicit, same-name obsoletes use them).
func (pl *pool) obsoletedBy(d rpmver.Dep) []int32 {
	var out []int32
	for _, v := range pl.byName[d.Name] {
		p := pl.pkg(v)
		self := rpmver.Dep{Name: p.Name, Flags: rpmver.EQ, EVR: p.EVR}
		if d.Matches(self) {
			out = append(out, v)
		}
	}
	return out
}

func sortUnique(s []int32) []int32 {
	if len(s) < 2 {
		return s
	}
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	j := 1
	for i := 1; i < len(s); i++ {
		if s[i] != s[j-1] {
			s[j] = s[i]
			j++
		}
	}
	return s[:j]
}

// colorMatch reports whether two packages may not be co-installed under the
// same name: true unless they are of different color classes (x86_64 and
// i686 may be installed side by side, noarch matches everything).
func colorMatch(a, b *pkg) bool {
	if a.archScore == 1 || b.archScore == 1 {
		return true
	}
	return color(a.Arch) == color(b.Arch)
}

func color(arch string) int {
	if strings.Contains(arch, "64") || arch == "s390x" {
		return 2
	}
	return 1
}
