package solve

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/rpmver"
)

// pkg is a package of the pool with what the policy needs precomputed.
type pkg struct {
	*repo.Package
	prio      int
	archScore int   // 0 unknown, 1 noarch, else (rank+1)<<16: lower is better
	name      int32 // index of its name in pool.names
	// excluded by Options.Exclude: never installed nor selected, but
	// still a provider (a rule "not installable" keeps it out), as dnf's
	// excluded packages are to libsolv (whatprovideswithdisabled).
	excluded bool
}

// pool is the installable universe, indexed by names and provides; files
// are indexed on first use, and only those that dependencies name.
// Variable v (1-based) is pkgs[v-1].
type pool struct {
	pkgs  []*pkg
	names index                 // package name -> variables
	prov  index                 // provide name -> variables, with provD
	provD []*rpmver.Dep         // beside each entry of prov.vs: the provide
	files map[string][]int32    // path -> owners, nil until a path is asked
	cache map[int32][]cachedDep // by provide name: versioned and path dependencies
	ranks map[string]int        // see depRank
}

// index maps a string to the sorted variables filed under it, all in one
// block (entries of id k are vs[start[k]:start[k+1]]).
type index struct {
	id    map[string]int32
	start []int32
	vs    []int32
}

// get returns the entries filed under s (capped: appending copies).
func (x *index) get(s string) []int32 {
	k, ok := x.id[s]
	if !ok {
		return nil
	}
	lo, hi := x.start[k], x.start[k+1]
	return x.vs[lo:hi:hi]
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
	pl := &pool{cache: map[int32][]cachedDep{}}
	block := make([]pkg, 0, len(universe))
	for _, p := range universe {
		sc, ok := scores[p.Arch]
		if !ok {
			continue
		}
		prio := DefaultPriority
		if v, ok := opts.Priorities[p.RepoID]; ok {
			prio = v
		}
		block = append(block, pkg{Package: p, prio: prio, archScore: sc, excluded: excluded(p.Name, opts.Exclude)})
		pl.pkgs = append(pl.pkgs, &block[len(block)-1])
	}
	// Number packages as libsolv numbers solvables when dnf loads the
	// repositories: by priority (dnf's RepoDict sorts them so), ties by
	// repository ID, each repository in its primary.xml (input) order.
	// libsolv sorts rules and breaks policy ties by these numbers.
	byRepo := func(a, b *pkg) int {
		if a.prio != b.prio {
			return a.prio - b.prio
		}
		return strings.Compare(a.RepoID, b.RepoID)
	}
	if !slices.IsSortedFunc(pl.pkgs, byRepo) {
		slices.SortStableFunc(pl.pkgs, byRepo)
	}
	pl.indexNames()
	pl.indexProvides()
	return pl, nil
}

// indexNames files every package under its name.
func (pl *pool) indexNames() {
	ids := make([]int32, len(pl.pkgs))
	pl.names.id = make(map[string]int32, len(pl.pkgs)/2)
	for i, p := range pl.pkgs {
		ids[i] = pl.names.intern(p.Name)
		p.name = ids[i]
	}
	pl.names.fill(ids, func(yield func(v int32)) {
		for i := range pl.pkgs {
			yield(int32(i + 1))
		}
	})
}

// indexProvides files every package under each name it provides; provD
// holds, beside each entry, the provide itself (reading it through the
// package costs more cache misses).
func (pl *pool) indexProvides() {
	total := 0
	for _, p := range pl.pkgs {
		total += len(p.Provides)
	}
	ids := make([]int32, 0, total)
	pl.prov.id = make(map[string]int32, total)
	for _, p := range pl.pkgs {
		for _, d := range p.Provides {
			ids = append(ids, pl.prov.intern(d.Name))
		}
	}
	pl.provD = make([]*rpmver.Dep, total)
	pl.prov.fill(ids, func(yield func(v int32)) {
		for i, p := range pl.pkgs {
			for range p.Provides {
				yield(int32(i + 1))
			}
		}
	})
	// Second walk, same order: the provide index of each entry.
	next := append([]int32{}, pl.prov.start...)
	k := 0
	for _, p := range pl.pkgs {
		for j := range p.Provides {
			id := ids[k]
			pl.provD[next[id]] = &p.Provides[j]
			next[id]++
			k++
		}
	}
}

func (x *index) intern(s string) int32 {
	k, ok := x.id[s]
	if !ok {
		k = int32(len(x.id))
		x.id[s] = k
	}
	return k
}

// fill lays out the entries: the i-th variable vars yields goes under
// ids[i]. Variables come in ascending order, so each entry list is sorted.
func (x *index) fill(ids []int32, vars func(yield func(v int32))) {
	x.start = make([]int32, len(x.id)+1)
	for _, k := range ids {
		x.start[k+1]++
	}
	for k := 1; k < len(x.start); k++ {
		x.start[k] += x.start[k-1]
	}
	x.vs = make([]int32, len(ids))
	next := append([]int32{}, x.start[:len(x.id)]...)
	i := 0
	vars(func(v int32) {
		k := ids[i]
		x.vs[next[k]] = v
		next[k]++
		i++
	})
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

// named returns the packages called name, in variable order.
func (pl *pool) named(name string) []int32 {
	return pl.names.get(name)
}

// sameName returns the packages sharing v's name, v included.
func (pl *pool) sameName(v int32) []int32 {
	k := pl.pkg(v).name
	lo, hi := pl.names.start[k], pl.names.start[k+1]
	return pl.names.vs[lo:hi:hi]
}

// whatProvides returns the sorted variables whose provides (or, for a
// path, files) satisfy the simple dependency d. The slice is shared:
// callers must not change it.
func (pl *pool) whatProvides(d rpmver.Dep) []int32 {
	isPath := strings.HasPrefix(d.Name, "/")
	id, ok := pl.prov.id[d.Name]
	switch {
	case !ok && isPath:
		return pl.fileOwners(d.Name)
	case !ok:
		return nil
	case !isPath && unversioned(d.Flags, d.EVR):
		// Every provide of the name matches.
		vs := pl.prov.vs[pl.prov.start[id]:pl.prov.start[id+1]:pl.prov.start[id+1]]
		for i := 1; i < len(vs); i++ {
			if vs[i] == vs[i-1] { // a package providing the name twice
				return slices.Compact(slices.Clone(vs))
			}
		}
		return vs
	}
	// Versioned (or path) dependencies: the few versions each name is
	// asked with are remembered by name.
	seen := pl.cache[id]
	for _, c := range seen {
		if c.flags == d.Flags && c.evr == d.EVR {
			return c.vs
		}
	}
	out := pl.appendProviders(nil, d)
	if len(seen) < maxVersionsCached {
		pl.cache[id] = append(seen, cachedDep{d.Flags, d.EVR, out})
	}
	return out
}

// appendProviders appends to dst what whatProvides(d) returns, computed
// afresh.
func (pl *pool) appendProviders(dst []int32, d rpmver.Dep) []int32 {
	n := len(dst)
	if id, ok := pl.prov.id[d.Name]; ok {
		for k := pl.prov.start[id]; k < pl.prov.start[id+1]; k++ {
			v := pl.prov.vs[k]
			e := pl.provD[k]
			if rpmver.Overlap(d.Flags, d.EVR, e.Flags, e.EVR) && (len(dst) == n || dst[len(dst)-1] != v) {
				dst = append(dst, v)
			}
		}
	}
	if strings.HasPrefix(d.Name, "/") {
		dst = append(dst, pl.fileOwners(d.Name)...)
		dst = dst[:n+len(sortUnique(dst[n:]))]
	}
	return dst
}

// cachedDep is the answer of whatProvides for one version of a name.
type cachedDep struct {
	flags rpmver.Flags
	evr   rpmver.EVR
	vs    []int32
}

// maxVersionsCached bounds the versions remembered per name (a linear
// scan): names asked with more are computed each time.
const maxVersionsCached = 16

// unversioned reports whether a dependency matches every version, as
// rpmver.Overlap reads it.
func unversioned(f rpmver.Flags, e rpmver.EVR) bool {
	return f&(rpmver.LT|rpmver.GT|rpmver.EQ) == 0 || e.IsZero()
}

// fileOwners returns the packages owning a path. The first call indexes
// the files of every package, keeping only paths that some dependency
// names (libsolv's addfileprovides does the same); other paths (a request
// for a file) are looked up one by one.
func (pl *pool) fileOwners(p string) []int32 {
	if pl.files == nil {
		pl.indexFiles()
	}
	if vs, ok := pl.files[p]; ok {
		return vs
	}
	var vs []int32
	for i, q := range pl.pkgs {
		if slices.Contains(q.Files, p) {
			vs = append(vs, int32(i+1))
		}
	}
	pl.files[p] = vs
	return vs
}

func (pl *pool) indexFiles() {
	pl.files = map[string][]int32{}
	for _, p := range pl.pkgs {
		depPaths(p.Package, func(path string) { pl.files[path] = nil })
	}
	for i, p := range pl.pkgs {
		for _, f := range p.Files {
			if vs, ok := pl.files[f]; ok && (len(vs) == 0 || vs[len(vs)-1] != int32(i+1)) {
				pl.files[f] = append(vs, int32(i+1))
			}
		}
	}
}

// FilePaths returns the paths that resolving specs over universe may look
// up in packages' file lists: those the packages' dependencies (rich ones
// included) name, and the specs that are paths. File lists holding only
// these paths (see repo.Repo.LoadFilelistsFor) give the answer complete
// ones give.
func FilePaths(universe []*repo.Package, specs []string) map[string]bool {
	out := map[string]bool{}
	add := func(path string) { out[path] = true }
	for _, p := range universe {
		depPaths(p, add)
	}
	for _, s := range specs {
		if d, err := rpmver.ParseDep(s); err == nil && strings.HasPrefix(d.Name, "/") {
			out[d.Name] = true
		}
	}
	return out
}

// depPaths calls add with every path p's dependencies name.
func depPaths(p *repo.Package, add func(string)) {
	for _, l := range [...][]rpmver.Dep{p.Requires, p.Conflicts, p.Recommends, p.Supplements,
		p.Provides, p.Obsoletes, p.Suggests, p.Enhances} {
		for _, d := range l {
			if d.IsRich() {
				// Every word of it that is a path.
				for _, w := range strings.FieldsFunc(d.Name, func(r rune) bool { return r == ' ' || r == '(' || r == ')' }) {
					if strings.HasPrefix(w, "/") {
						add(w)
					}
				}
			} else if strings.HasPrefix(d.Name, "/") {
				add(d.Name)
			}
		}
	}
}

// obsoletedBy returns the packages an obsoletes dep d hits: those whose
// name and EVR match (dnf matches obsoletes against package names, not
// provides). Arch colors do not matter: dnf's pool leaves libsolv's
// obsoleteusescolors off (only implicit, same-name obsoletes use them).
func (pl *pool) obsoletedBy(d rpmver.Dep) []int32 {
	var out []int32
	for _, v := range pl.named(d.Name) {
		p := pl.pkg(v)
		if rpmver.Overlap(d.Flags, d.EVR, rpmver.EQ, p.EVR) {
			out = append(out, v)
		}
	}
	return out
}

// sortUnique sorts s in place and drops repeats.
func sortUnique(s []int32) []int32 {
	if len(s) < 2 {
		return s
	}
	slices.Sort(s)
	return slices.Compact(s)
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
