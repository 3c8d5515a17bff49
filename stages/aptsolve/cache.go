package aptsolve

import (
	"fmt"
	"strings"

	"github.com/disco-build/disco/stages/apt"
	"github.com/disco-build/disco/stages/debver"
)

// The cache mirrors the part of apt's pkgCache a resolve touches, built
// on demand from the pools: packages as apt keys them ("foo", "foo:any",
// "foo:amd64" for an architecture-qualified dependency target), their
// versions in apt's order, the provides that lead to them, and the
// dependencies of the versions looked at.

type depType uint8

// The dependency types, as apt numbers them (pkgCache::Dep).
const (
	depDepends    depType = 1
	depPreDepends depType = 2
	depSuggests   depType = 3
	depRecommends depType = 4
	depConflicts  depType = 5
	depReplaces   depType = 6
	depObsoletes  depType = 7
	depBreaks     depType = 8
	depEnhances   depType = 9
)

// field is the apt.RelationFields index of the type.
func (t depType) field() uint8 {
	switch t {
	case depDepends:
		return 0
	case depPreDepends:
		return 1
	case depRecommends:
		return 2
	case depSuggests:
		return 3
	case depEnhances:
		return 4
	case depConflicts:
		return 5
	case depBreaks:
		return 6
	case depReplaces:
		return 7
	}
	return 255
}

// String is apt's DepType name.
func (t depType) String() string {
	return [...]string{"", "Depends", "PreDepends", "Suggests", "Recommends", "Conflicts", "Replaces", "Obsoletes", "Breaks", "Enhances"}[t]
}

func (t depType) negative() bool { return t == depConflicts || t == depBreaks || t == depObsoletes }

func (t depType) critical() bool { return t.negative() || t == depDepends || t == depPreDepends }

// Multi-Arch bits of a version, as apt's pkgCache::Version.
const (
	maAll     = 1
	maForeign = 2
	maSame    = 4
	maAllowed = 8
)

// The version priorities of apt (pkgCache::State::VerPriority).
const (
	prioRequired  = 1
	prioImportant = 2
	prioStandard  = 3
	prioOptional  = 4
	prioExtra     = 5
)

const none = -1

type version struct {
	pkg  int32
	id   int32 // creation order of versions
	str  string
	v    debver.Version
	rec  *apt.Package // the record first parsed
	src  int          // the source of rec
	hash string
	// files are the sources holding the version, in parse order.
	files    []int
	priority int // apt's pin priority: the highest of its files
	ma       uint8
	prio     uint8 // Priority field
	deps     []dep
	loaded   bool
	// provides are the packages this version's provides lead to (apt's
	// Version::ProvidesList targets), loaded with deps.
	provides []int32
}

type dep struct {
	target int32
	typ    depType
	op     debver.Op
	ver    debver.Version
	or     bool // another alternative follows
	start  int  // index of the first dependency of its or-group
	parent int32
	rel    debver.Relation
}

// prov is a provide leading to a package: its owner version and the
// version provided ("" when unversioned).
type prov struct {
	owner   int32
	version string
	pv      debver.Version
	// implicit marks apt's MultiArchImplicit provides: name:any of a
	// Multi-Arch: allowed package, and their kin.
	implicit bool
}

type pkg struct {
	name string
	rank int32
	// vers are the versions, highest first, as apt's VersionList.
	vers []int32
	// provs are the provides leading here, in apt's ProvidesList order
	// (the latest created first).
	provs               []prov
	loaded, provsLoaded bool
	essential           bool
	important           bool
	st                  pstate
}

type fileRef struct {
	src int
	id  int32
}

// cache is one resolve's view of the universe.
type cache struct {
	u      *Universe
	pkgs   []*pkg
	byName map[string]int32
	vers   []*version
	byFile map[fileRef]int32 // the version a record became
	// byRank maps apt package IDs to loaded packages, once the problem
	// resolver needs it (none: not loaded).
	byRank     []int32
	recommends bool
	scratch    []int32
	// cause is the reason given to what MarkInstall installs now.
	cause Reason
	// trace, when set, follows the marking as apt's Debug::pkgDepCache::
	// Marker and Debug::pkgProblemResolver do (tests).
	trace func(string)
	// notes are what apt-get prints about the requests ("Note,
	// selecting 'p' instead of 'v'").
	notes []string
}

func newCache(u *Universe, recommends bool) *cache {
	return &cache{u: u, byName: map[string]int32{}, byFile: map[fileRef]int32{}, recommends: recommends}
}

// find returns the package of apt key name, or none when apt's cache has
// no such package.
func (c *cache) find(name string) int32 {
	if id, ok := c.byName[name]; ok {
		return id
	}
	rank, ok := c.u.ranks[name]
	if !ok {
		return none
	}
	id := int32(len(c.pkgs))
	c.pkgs = append(c.pkgs, &pkg{name: name, rank: rank, st: newState()})
	c.byName[name] = id
	if c.byRank != nil {
		c.byRank[rank] = id
	}
	return id
}

// fullName is the package's name as apt prints it (FullName(true)).
func (p *pkg) fullName() string { return strings.Replace(p.name, "\x00", ":", 1) }

// load reads a package's versions from every source (pkgCacheGenerator::
// MergeListVersion: highest version first; a version equal to one already
// seen with the same contents is the same version, found in one more
// file) and computes its candidate.
func (c *cache) load(id int32) *pkg {
	p := c.pkgs[id]
	if p.loaded {
		return p
	}
	p.loaded = true
	if !strings.ContainsAny(p.name, ":\x00") && !strings.HasPrefix(p.name, "$") {
		for s, src := range c.u.sources {
			c.scratch = src.Pool.Named(c.scratch[:0], p.name)
			for _, i := range c.scratch {
				c.merge(id, s, i)
			}
		}
	}
	p.st.cand = c.policyCandidate(p)
	p.st.initCand = p.st.cand
	return p
}

func (c *cache) merge(id int32, s int, i int32) {
	p := c.pkgs[id]
	rec := c.u.sources[s].Pool.Package(int(i))
	if rec == nil || (rec.Architecture != c.u.arch && rec.Architecture != "all") {
		return
	}
	if rec.Essential {
		p.essential = true
	}
	if rec.Protected {
		p.important = true
	}
	if p.name == "apt" { // pkgCacheGen::ForceEssential
		p.essential, p.important = true, true
	}
	h := versionHash(rec)
	at := len(p.vers)
	for k, vid := range p.vers {
		v := c.vers[vid]
		r := debver.Compare(rec.Version, v.v)
		if r > 0 {
			at = k
			break
		}
		if r == 0 && v.hash == h {
			v.files = append(v.files, s)
			v.priority = max(v.priority, c.u.sources[s].priority())
			c.byFile[fileRef{s, i}] = vid
			return
		}
	}
	v := &version{pkg: id, id: int32(len(c.vers)), str: rec.Version.String(), v: rec.Version, rec: rec, src: s, hash: h,
		files: []int{s}, priority: c.u.sources[s].priority(), ma: multiArch(rec), prio: priorityOf(rec.Priority)}
	vid := int32(len(c.vers))
	c.vers = append(c.vers, v)
	c.byFile[fileRef{s, i}] = vid
	p.vers = append(p.vers, 0)
	copy(p.vers[at+1:], p.vers[at:])
	p.vers[at] = vid
}

// versionHash stands for apt's debListParser::VersionHash (Installed-Size
// and the Depends, Pre-Depends, Conflicts, Breaks and Replaces fields)
// and SameVersion (Multi-Arch).
func versionHash(p *apt.Package) string {
	var b strings.Builder
	b.WriteString(p.MultiArch)
	b.WriteByte('|')
	b.WriteString(itoa(p.InstalledSize))
	for _, l := range [][]debver.Alternatives{p.Depends, p.PreDepends, p.Conflicts, p.Breaks, p.Replaces} {
		b.WriteByte('|')
		b.WriteString(debver.FormatRelations(l))
	}
	return b.String()
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func multiArch(p *apt.Package) uint8 {
	var ma uint8
	switch p.MultiArch {
	case "same":
		ma = maSame
	case "foreign":
		ma = maForeign
	case "allowed":
		ma = maAllowed
	}
	if p.Architecture == "all" {
		ma |= maAll
	}
	return ma
}

// priorityOf maps the Priority field as apt does: unknown words are
// extra, a missing field is 0.
func priorityOf(s string) uint8 {
	switch strings.ToLower(s) {
	case "":
		return 0
	case "required":
		return prioRequired
	case "important":
		return prioImportant
	case "standard":
		return prioStandard
	case "optional":
		return prioOptional
	}
	return prioExtra
}

// policyCandidate is pkgPolicy::GetCandidateVer with nothing installed:
// the first version (highest first) of the highest priority above 0.
func (c *cache) policyCandidate(p *pkg) int32 {
	cand, best := int32(none), -1
	for _, vid := range p.vers {
		pr := c.vers[vid].priority
		if pr <= 0 || pr <= best {
			continue
		}
		cand, best = vid, pr
	}
	return cand
}

// version returns the version record (s, i) became, loading its package.
func (c *cache) versionOf(s int, i int32) int32 {
	if vid, ok := c.byFile[fileRef{s, i}]; ok {
		return vid
	}
	rec := c.u.sources[s].Pool.Package(int(i))
	if rec == nil {
		return none
	}
	id := c.find(rec.Name)
	if id == none {
		return none
	}
	c.load(id)
	if vid, ok := c.byFile[fileRef{s, i}]; ok {
		return vid
	}
	return none
}

func contains(l []int32, x int32) bool {
	for _, y := range l {
		if y == x {
			return true
		}
	}
	return false
}

func (c *cache) tracef(depth int, format string, args ...any) {
	if c.trace != nil {
		c.trace(strings.Repeat("  ", depth) + fmt.Sprintf(format, args...))
	}
}
