package aptsolve

import "github.com/disco-build/disco/stages/debver"

// The state of a resolve, as apt's pkgDepCache keeps it, with nothing
// installed (an empty dpkg status): every package's mode, install and
// candidate version and flags, and the dependency states.
//
// apt caches one state byte per dependency and refreshes the bytes of
// the dependencies on a package T whenever T changes (pkgDepCache::
// Update(Pkg): T's reverse dependencies, and those of the packages T's
// candidate provides). A candidate dropped without that refresh
// (MarkInstall_DiscardCandidate, IsInstallOkDependenciesSatisfiable-
// ByCandidates) leaves stale bytes that later choices read. This model
// keeps, per target package, a snapshot of what a refresh reads (the
// install and candidate versions of the target and of its providers),
// taken when apt refreshes; a dependency's state is computed from its
// target's snapshot, which gives apt's byte, stale or not, without a
// reverse-dependency index.

// Dependency state bits (pkgDepCache::DepFlags).
const (
	depNow      = 1 << 0
	depInstall  = 1 << 1
	depCVer     = 1 << 2
	depGNow     = 1 << 3
	depGInstall = 1 << 4
	depGCVer    = 1 << 5
)

// Modes (pkgDepCache::ModeList) and internal flags (InternalFlags).
const (
	modeDelete  = 0
	modeKeep    = 1
	modeInstall = 2

	flagAutoKept  = 1 << 0
	flagPurge     = 1 << 1
	flagProtected = 1 << 3
)

type pstate struct {
	cand, inst, initCand int32
	mode                 uint8
	iflags               uint8
	auto                 bool
	snap                 *snapshot
	// the problem resolver's
	score  int
	rflags uint8
	// the autoremover's
	marked, garbage, explored bool
	why                       Reason
}

func newState() pstate {
	return pstate{cand: none, inst: none, initCand: none, mode: modeKeep}
}

// snapshot is what refreshing the dependencies on a package reads.
type snapshot struct {
	inst, cand         int32
	provInst, provCand []bool // per provide, whether its owner version is the owner's install / candidate version
}

func (s *pstate) install() bool    { return s.mode == modeInstall }
func (s *pstate) keep() bool       { return s.mode == modeKeep }
func (s *pstate) del() bool        { return s.mode == modeDelete }
func (s *pstate) protect() bool    { return s.iflags&flagProtected != 0 }
func (s *pstate) newInstall() bool { return s.mode == modeInstall } // Status is 2: nothing is installed

// refresh is Update(T.RevDependsList()): the dependencies on t read the
// present states from now on.
func (c *cache) refresh(t int32) {
	p := c.load(t)
	provs := c.provides(t)
	s := &snapshot{inst: p.st.inst, cand: p.st.cand, provInst: make([]bool, len(provs)), provCand: make([]bool, len(provs))}
	for k, pr := range provs {
		o := c.load(c.vers[pr.owner].pkg)
		s.provInst[k] = o.st.inst == pr.owner
		s.provCand[k] = o.st.cand == pr.owner
	}
	p.st.snap = s
}

// update is pkgDepCache::Update(Pkg) after a change of p's state.
func (c *cache) update(id int32) {
	c.refresh(id)
	if cand := c.pkgs[id].st.cand; cand != none {
		c.depsOf(cand)
		for _, t := range c.vers[cand].provides {
			c.refresh(t)
		}
	}
}

// snapOf returns the snapshot the dependencies on t read.
func (c *cache) snapOf(t int32) *snapshot {
	p := c.load(t)
	if p.st.snap != nil {
		return p.st.snap
	}
	provs := c.provides(t)
	s := &snapshot{inst: none, cand: p.st.initCand, provInst: make([]bool, len(provs)), provCand: make([]bool, len(provs))}
	for k, pr := range provs {
		s.provCand[k] = c.load(c.vers[pr.owner].pkg).st.initCand == pr.owner
	}
	p.st.snap = s
	return s
}

// satisfies is DepIterator::IsSatisfied for a version.
func satisfies(d *dep, v debver.Version) bool {
	return d.op == debver.None || debver.Satisfies(v, d.op, d.ver)
}

// satisfiesProvide is IsSatisfied for a provide: an unversioned provide
// satisfies only unversioned dependencies.
func satisfiesProvide(d *dep, pr prov) bool {
	if d.op == debver.None {
		return true
	}
	return pr.version != "" && debver.Satisfies(pr.pv, d.op, d.ver)
}

// ignorable is DepIterator::IsIgnorable: a package does not conflict with
// itself nor with what it provides.
func (c *cache) ignorable(d *dep, pkgID int32) bool {
	return d.typ.negative() && pkgID == d.parent
}

// raw is the dependency's DepNow | DepInstall | DepCVer bits
// (pkgDepCache::DependencyState), before inversion for negative
// dependencies.
func (c *cache) raw(d *dep) uint8 {
	s := c.snapOf(d.target)
	var r uint8
	if c.checkDep(d, s, false) {
		r |= depInstall
	}
	if c.checkDep(d, s, true) {
		r |= depCVer
	}
	return r
}

// checkDep is pkgDepCache::CheckDep for the install (or candidate)
// versions of the snapshot.
func (c *cache) checkDep(d *dep, s *snapshot, cand bool) bool {
	if !c.ignorable(d, d.target) {
		ver := s.inst
		if cand {
			ver = s.cand
		}
		if ver != none && satisfies(d, c.vers[ver].v) {
			return true
		}
	}
	if d.typ == depObsoletes {
		return false
	}
	for k, pr := range c.provides(d.target) {
		if c.ignorable(d, c.vers[pr.owner].pkg) {
			continue
		}
		ok := s.provInst[k]
		if cand {
			ok = s.provCand[k]
		}
		if ok && satisfiesProvide(d, pr) {
			return true
		}
	}
	return false
}

// state is apt's DepState byte of deps[k]: its bits, the or-group's bits
// up to it shifted by 3 (BuildGroupOrs), inverted for a negative
// dependency.
func (c *cache) state(deps []dep, k int) uint8 {
	d := &deps[k]
	var g, r uint8
	for j := d.start; j <= k; j++ {
		r = c.raw(&deps[j])
		g |= r
	}
	s := r | g<<3
	if d.typ.negative() {
		s = ^s
	}
	return s
}

// groupEnd returns the index of the last dependency of the or-group
// starting at k.
func groupEnd(deps []dep, k int) int {
	for deps[k].or {
		k++
	}
	return k
}

// important is Policy::IsImportantDep.
func (c *cache) important(t depType) bool {
	return t.critical() || t == depRecommends && c.recommends
}

// versionBroken is VersionState with Check DepInstall: whether a critical
// (min) or important (policy) or-group is unsatisfied.
func (c *cache) versionBroken(vid int32) (minBroken, policyBroken bool) {
	deps := c.depsOf(vid)
	for k := 0; k < len(deps); {
		end := groupEnd(deps, k)
		s := c.state(deps, end)
		s |= s >> 3
		ok := s&depInstall != 0
		switch {
		case deps[k].typ.critical():
			if !ok {
				return true, true
			}
		case c.important(deps[k].typ) && !ok:
			policyBroken = true
		}
		k = end + 1
	}
	return false, policyBroken
}

// instBroken is StateCache::InstBroken.
func (c *cache) instBroken(id int32) bool {
	st := &c.pkgs[id].st
	if st.inst == none {
		return false
	}
	b, _ := c.versionBroken(st.inst)
	return b
}

// instPolicyBroken is StateCache::InstPolicyBroken.
func (c *cache) instPolicyBroken(id int32) bool {
	st := &c.pkgs[id].st
	if st.inst == none {
		return false
	}
	_, b := c.versionBroken(st.inst)
	return b
}

// brokenCount is pkgDepCache::BrokenCount.
func (c *cache) brokenCount() int {
	n := 0
	for id := range c.pkgs {
		if c.instBroken(int32(id)) {
			n++
		}
	}
	return n
}

// policyBrokenCount is pkgDepCache::PolicyBrokenCount.
func (c *cache) policyBrokenCount() int {
	n := 0
	for id := range c.pkgs {
		if c.instPolicyBroken(int32(id)) {
			n++
		}
	}
	return n
}
