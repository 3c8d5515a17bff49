package aptsolve

import "sort"

// This file follows apt 2.6's pkgProblemResolver (apt-pkg/algorithms.cc),
// which apt-get install runs after marking the requests: it scores the
// packages to install and, highest score first, fixes each broken one by
// keeping it back, removing it, or keeping back or removing what it
// conflicts with.

// Resolver flags (pkgProblemResolver::Flags).
const (
	rProtected    = 1 << 0
	rPreInstalled = 1 << 1
	// rUpgradeTried is the inverse of apt's Upgradable flag, which
	// ResolveInternal sets on every package (here: clears on every loaded
	// package; the others start without it) and DoUpgrade clears.
	rUpgradeTried = 1 << 2
	rToRemove     = 1 << 4
)

// aptMessage is an error apt-get reports, in its words.
type aptMessage string

func (m aptMessage) Error() string { return string(m) }

const (
	errHeld   aptMessage = "Unable to correct problems, you have held broken packages."
	errBreaks aptMessage = "Error, pkgProblemResolver::Resolve generated breaks, this may be caused by held packages."
)

// prioScore is pkgProblemResolver::Scores by Priority field (PrioMap).
var prioScore = [...]int{0, 3, 2, 1, -1, -2}

// depScore is the score a dependency type passes on (DepMap).
func depScore(t depType) int {
	switch t {
	case depDepends, depPreDepends, depRecommends:
		return 1
	case depConflicts, depBreaks:
		return -1
	}
	return 0
}

// makeScores is pkgProblemResolver::MakeScores.
func (c *cache) makeScores() {
	for _, p := range c.pkgs {
		p.st.score = 0
	}
	for id, p := range c.pkgs {
		if p.st.inst == none {
			continue
		}
		if p.essential || p.important {
			p.st.score += 100
		}
		iv := c.vers[p.st.inst]
		if iv.prio <= prioExtra {
			p.st.score += prioScore[iv.prio]
		} else {
			p.st.score += prioScore[prioExtra]
		}
		deps := c.depsOf(p.st.inst)
		for k := range deps {
			d := &deps[k]
			s := depScore(d.typ)
			if s == 0 {
				continue
			}
			t := c.load(d.target)
			if !c.ignorable(d, d.target) {
				if d.op != 0 && (t.st.inst == none || !satisfies(d, c.vers[t.st.inst].v)) {
					continue
				}
				t.st.score += s
			}
			var providers []int32
			for _, pr := range c.provides(d.target) {
				owner := c.vers[pr.owner].pkg
				if c.ignorable(d, owner) || c.pkgs[owner].st.inst != pr.owner || !satisfiesProvide(d, pr) {
					continue
				}
				providers = append(providers, owner)
			}
			for _, o := range uniqueIDs(providers) {
				c.pkgs[o].st.score += s
			}
		}
		_ = id
	}
	old := make([]int, len(c.pkgs))
	for id, p := range c.pkgs {
		old[id] = p.st.score
	}
	// one level of reverse dependencies
	for id, p := range c.pkgs {
		if p.st.inst == none || old[id] <= 0 {
			continue
		}
		for _, d := range c.depsOf(p.st.inst) {
			if d.typ != depDepends && d.typ != depPreDepends && d.typ != depRecommends {
				continue
			}
			if t := c.pkgs[d.target]; t.st.inst != none {
				t.st.score += old[id]
			}
		}
	}
	// along provides, in apt's package order
	for _, id := range c.hashOrder() {
		p := c.pkgs[id]
		transfer := p.st.score - old[id]
		if transfer < 0 {
			transfer = -transfer
		}
		if transfer == 0 {
			continue
		}
		var providers []int32
		for _, pr := range c.provides(id) {
			if pr.implicit {
				continue
			}
			owner := c.vers[pr.owner].pkg
			if c.pkgs[owner].st.inst != pr.owner {
				continue
			}
			providers = append(providers, owner)
		}
		for _, o := range uniqueIDs(providers) {
			c.pkgs[o].st.score += transfer
		}
	}
	for _, p := range c.pkgs {
		if p.st.rflags&rProtected != 0 {
			p.st.score += 10000
		}
		if p.essential || p.important {
			p.st.score += 5000
		}
	}
}

// uniqueIDs sorts by apt package ID and drops duplicates.
func uniqueIDs(l []int32) []int32 {
	sort.Slice(l, func(a, b int) bool { return l[a] < l[b] })
	return compactAdjacent(l)
}

// resolve is pkgProblemResolver::ResolveInternal(BrokenFix = true).
func (c *cache) resolve() error {
	for again := true; again; {
		again = false
		for id, p := range c.pkgs {
			if p.st.install() {
				p.st.rflags |= rPreInstalled
			} else {
				if c.instBroken(int32(id)) {
					c.markInstall(int32(id), false, 0, false)
					if p.st.install() {
						again = true
					}
				}
				p.st.rflags &^= rPreInstalled
			}
			p.st.rflags &^= rUpgradeTried
		}
	}
	c.makeScores()
	if c.brokenCount() != 0 { // else the loop below changes nothing
		order := c.resolverOrder()
		change := true
		for counter := 0; counter < 20 && change; counter++ {
			change = false
			for _, rank := range order {
				id := c.byRank[rank]
				if id == none || c.pkgs[id].st.inst == none || !c.instBroken(id) {
					continue
				}
				c.tracef(0, "Investigating (%d) %s", counter, c.pkgs[id].name)
				if c.fixBroken(id, counter) {
					change = true
				}
			}
		}
	}
	if c.brokenCount() != 0 {
		for id, p := range c.pkgs {
			if c.instBroken(int32(id)) && !p.st.protect() {
				return errBreaks
			}
		}
		return errHeld
	}
	for _, p := range c.pkgs {
		if p.st.newInstall() && p.st.rflags&rPreInstalled == 0 {
			p.st.auto = true
		}
	}
	return nil
}

type kill struct {
	pkg int32
	dep int // index of the or-group's last dependency in I's install version
}

// fixBroken is one turn of ResolveInternal's loop for broken package I;
// it tells whether something changed.
func (c *cache) fixBroken(I int32, counter int) bool {
	const (
		orRemove = iota
		orKeep
	)
	change := false
	vid := c.pkgs[I].st.inst
	deps := c.depsOf(vid)
	st := &c.pkgs[I].st
	var killList []kill
	inOr := false
	start, end := -1, -1
	oldSize := 0
	orOp := orRemove
	d := 0
	for d < len(deps) || inOr {
		if start == end {
			if inOr && oldSize == len(killList) {
				if orOp == orRemove {
					if !st.protect() {
						c.markDelete(I, 0, false)
						change = true
					}
				} else {
					c.markKeep(I, false, false, 0)
					change = true
				}
			}
			inOr = false
			orOp = orRemove
			if d >= len(deps) {
				break
			}
			start, end = d, groupEnd(deps, d)
			d = end + 1
			if !deps[end].typ.critical() {
				continue
			}
			inOr = start != end
			oldSize = len(killList)
		} else {
			start++
			if !deps[start].typ.critical() {
				continue
			}
		}
		if c.state(deps, end)&depGInstall == depGInstall {
			inOr = false
			continue
		}
		c.tracef(0, "Broken %s %s on %s", c.pkgs[I].name, deps[start].typ, deps[start].rel)
		vlist := c.allTargets(&deps[start])
		if len(vlist) == 0 && !st.protect() && !deps[start].typ.negative() {
			if inOr {
				continue
			}
			change = true
			c.markKeep(I, false, false, 0)
			break
		}
		done := false
		for _, ver := range vlist {
			P := c.vers[ver].pkg
			if c.pkgs[P].st.inst != ver && deps[start].typ.negative() {
				continue
			}
			c.tracef(1, "Considering %s %d as a solution to %s %d", c.pkgs[P].name, c.pkgs[P].st.score, c.pkgs[I].name, st.score)
			if st.score <= c.pkgs[P].st.score || c.state(deps, start)&depNow == 0 && !deps[end].typ.negative() {
				if st.protect() {
					if c.doUpgrade(P) {
						if c.pkgs[P].st.score > st.score {
							c.pkgs[P].st.score = st.score
						}
						break
					}
					continue
				}
				installed := st.install()
				c.markKeep(I, false, false, 0)
				if !c.instBroken(I) {
					if orOp == orRemove {
						orOp = orKeep
					}
					if inOr && installed {
						c.markInstall(I, false, 0, false)
					}
				} else if !c.doUpgrade(I) {
					if !inOr || st.garbage {
						c.markDelete(I, 0, false)
						if counter > 1 && c.pkgs[P].st.score > st.score {
							st.score = c.pkgs[P].st.score
						}
					} else if t := deps[start].target; !c.pkgs[t].st.del() && c.pkgs[t].st.rflags&rToRemove == 0 && c.load(t).st.cand != none {
						old := c.brokenCount()
						c.withResolverCause(func() { c.markInstall(t, true, 1, false) })
						if c.instBroken(t) || c.brokenCount() > old {
							c.markDelete(t, 1, false)
						}
					}
				}
				change = true
				done = true
				break
			}
			if deps[start].typ == depBreaks && c.state(deps, end)&depGCVer != 0 {
				c.markInstall(P, false, 0, false)
				continue
			}
			if c.pkgs[P].st.protect() && !c.pkgs[P].st.del() {
				continue
			}
			killList = append(killList, kill{P, end})
			if !deps[start].typ.negative() {
				break
			}
		}
		if len(vlist) == 0 && !deps[start].typ.negative() && !st.protect() {
			installed := st.install()
			c.markKeep(I, false, true, 0)
			if !c.instBroken(I) {
				if orOp == orRemove {
					orOp = orKeep
				}
				if inOr && installed {
					c.markInstall(I, false, 0, false)
				}
			} else if !inOr {
				c.markDelete(I, 0, false)
			}
			change = true
			done = true
		}
		if inOr {
			continue
		}
		if done {
			break
		}
	}
	if c.pkgs[I].st.inst != none {
		for _, k := range killList {
			found := false
			if c.state(deps, k.dep)&depGNow == 0 {
				if deps[k.dep].typ.negative() && c.markDelete(k.pkg, 0, false) {
					found = true
				}
			} else if c.markKeep(k.pkg, false, false, 0) {
				found = true
			}
			if !found || counter > 1 {
				if st.score > c.pkgs[k.pkg].st.score {
					c.pkgs[k.pkg].st.score = st.score
					change = true
				}
			}
			if found {
				change = true
			}
		}
	}
	return change
}

// allTargets is DepIterator::AllTargets: every version of the target and
// every providing version that satisfies the dependency.
func (c *cache) allTargets(d *dep) []int32 {
	var out []int32
	t := c.load(d.target)
	for _, vid := range t.vers {
		if c.ignorable(d, d.target) || !satisfies(d, c.vers[vid].v) {
			continue
		}
		out = append(out, vid)
	}
	for _, pr := range c.provides(d.target) {
		if c.ignorable(d, c.vers[pr.owner].pkg) || !satisfiesProvide(d, pr) {
			continue
		}
		out = append(out, pr.owner)
	}
	return out
}

// doUpgrade is pkgProblemResolver::DoUpgrade: install the candidate and
// what its critical dependencies need, or undo.
func (c *cache) doUpgrade(id int32) bool {
	st := &c.load(id).st
	if st.rflags&rUpgradeTried != 0 || st.cand == none {
		return false
	}
	if st.rflags&rProtected != 0 {
		return false
	}
	st.rflags |= rUpgradeTried
	wasKept := st.keep()
	if !c.withResolverCauseOK(func() bool { return c.markInstall(id, false, 0, false) }) {
		return false
	}
	if st.inst == none {
		return false
	}
	deps := c.depsOf(st.inst)
	fail := false
	for k := 0; k < len(deps); {
		start, end := k, groupEnd(deps, k)
		k = end + 1
		if !deps[end].typ.critical() {
			continue
		}
		for {
			if c.state(deps, end)&depGInstall == depGInstall {
				break
			}
			P := c.smartTarget(&deps[start])
			if c.pkgs[P].st.protect() {
				fail = true
			} else if c.state(deps, start)&depCVer == depCVer {
				if !c.doUpgrade(P) {
					fail = true
				} else {
					fail = false
					break
				}
			} else {
				if deps[start].typ.negative() {
					break
				}
				fail = true
			}
			if start == end {
				break
			}
			start++
		}
		if fail {
			break
		}
	}
	if fail {
		c.tracef(1, "Reinst failed %s", c.pkgs[id].name)
		if wasKept {
			c.markKeep(id, false, false, 0)
		} else {
			c.markDelete(id, 0, false)
		}
		return false
	}
	c.tracef(1, "Re-Instated %s", c.pkgs[id].name)
	return true
}

// smartTarget is DepIterator::SmartTargetPkg: the target, or for a
// virtual package the first provider other than the depending package.
func (c *cache) smartTarget(d *dep) int32 {
	t := c.load(d.target)
	provs := c.provides(d.target)
	if len(provs) == 0 || len(t.vers) != 0 {
		return d.target
	}
	for _, pr := range provs {
		if o := c.vers[pr.owner].pkg; o != d.parent {
			return o
		}
	}
	return d.target
}

func (c *cache) withResolverCause(f func()) {
	c.withResolverCauseOK(func() bool { f(); return true })
}

func (c *cache) withResolverCauseOK(f func() bool) bool {
	old := c.cause
	if c.cause.Kind == "" {
		c.cause = Reason{Kind: "resolver"}
	}
	ok := f()
	c.cause = old
	return ok
}

// resolverOrder is the problem resolver's package order: every package
// of apt's cache (as ranks) in apt's iteration order, sorted by score,
// highest first, with apt's std::sort. Packages loaded later had a score
// of 0; c.byRank tells which rank is loaded as which package from now on.
func (c *cache) resolverOrder() []int32 {
	base := c.u.iterationOrder()
	c.byRank = make([]int32, len(base))
	for i := range c.byRank {
		c.byRank[i] = none
	}
	score := make([]int, len(base))
	for id, p := range c.pkgs {
		c.byRank[p.rank] = int32(id)
		score[p.rank] = p.st.score
	}
	order := append([]int32(nil), base...)
	stdSort(order, func(a, b int32) bool { return score[a] > score[b] })
	return order
}
