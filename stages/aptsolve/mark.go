package aptsolve

import "sort"

// This file follows apt 2.6's pkgDepCache::MarkInstall, MarkKeep and
// MarkDelete (apt-pkg/depcache.cc) for a system with nothing installed:
// the branches for installed packages (upgrades, reverse dependencies,
// other binaries of a source, auto-bit moves) never run and are left out.

// modeChangeOK is IsModeChangeOk.
func (c *cache) modeChangeOK(mode uint8, id int32, depth int, fromUser bool) bool {
	if depth > 3000 {
		return false
	}
	p := c.load(id)
	if len(p.vers) == 0 {
		return false
	}
	if fromUser {
		return true
	}
	if p.st.mode == mode {
		return true
	}
	if p.st.protect() {
		return false
	}
	if mode == modeDelete && (p.essential || p.important) {
		return false
	}
	return true
}

// markKeep is pkgDepCache::MarkKeep.
func (c *cache) markKeep(id int32, soft, fromUser bool, depth int) bool {
	if !c.modeChangeOK(modeKeep, id, depth, fromUser) {
		return false
	}
	st := &c.pkgs[id].st
	if st.mode == modeKeep {
		return true
	}
	if soft {
		st.iflags |= flagAutoKept
	} else {
		st.iflags &^= flagAutoKept
	}
	c.tracef(depth+1, "MarkKeep %s FU=%v", c.pkgs[id].name, fromUser)
	st.mode = modeKeep
	st.inst = none
	c.update(id)
	return true
}

// markDelete is pkgDepCache::MarkDelete (without purge).
func (c *cache) markDelete(id int32, depth int, fromUser bool) bool {
	if !c.modeChangeOK(modeDelete, id, depth, fromUser) {
		return false
	}
	st := &c.pkgs[id].st
	if st.mode == modeDelete || st.inst == none {
		return true
	}
	// IsDeleteOkProtectInstallRequests
	if !fromUser && st.inst != none && !st.auto {
		return false
	}
	st.iflags &^= flagAutoKept | flagPurge
	c.tracef(depth+1, "MarkDelete %s FU=%v", c.pkgs[id].name, fromUser)
	st.mode = modeKeep // not installed: nothing to remove
	st.inst = none
	c.update(id)
	return true
}

// stateChange is MarkInstall_StateChange.
func (c *cache) stateChange(id int32, fromUser bool) {
	st := &c.pkgs[id].st
	if st.protect() && st.inst == st.cand {
		return
	}
	st.iflags &^= flagAutoKept
	st.mode = modeInstall
	st.inst = st.cand
	st.auto = !fromUser
	if st.why.Kind == "" {
		st.why = c.cause
		if fromUser && c.cause.Kind == "" {
			st.why = Reason{Kind: "requested"}
		}
	}
	c.update(id)
}

// discardCandidate is MarkInstall_DiscardCandidate: no refresh follows.
func (c *cache) discardCandidate(id int32) {
	st := &c.pkgs[id].st
	st.cand = st.inst
}

// discardInstall is MarkInstall_DiscardInstall.
func (c *cache) discardInstall(id int32) {
	st := &c.pkgs[id].st
	if st.mode == modeKeep && st.inst == st.cand && st.cand == none {
		return
	}
	st.inst = none
	st.mode = modeKeep
	c.update(id)
	c.discardCandidate(id)
}

// collectDependencies is MarkInstall_CollectDependencies: the starts of
// the or-groups to install and the negative dependencies to clear.
func (c *cache) collectDependencies(id, vid int32) (toInstall, toRemove []int) {
	propagate := c.pkgs[id].st.protect()
	deps := c.depsOf(vid)
	for k := 0; k < len(deps); {
		end := groupEnd(deps, k)
		found := false
		for j := k; j <= end; j++ {
			if c.state(deps, j)&depInstall != 0 {
				found = true
			}
		}
		start := k
		k = end + 1
		if found && !propagate {
			continue
		}
		if !c.important(deps[start].typ) {
			continue
		}
		if deps[start].typ.negative() {
			if deps[start].typ != depObsoletes {
				toRemove = append(toRemove, start)
			}
		} else {
			toInstall = append(toInstall, start)
		}
	}
	return toInstall, toRemove
}

// solutions is getAllPossibleSolutions with the CANDIDATE selector,
// sorted: per member of the or-group the versions satisfying it (the
// target's candidate, the providers' candidates) best first by
// CompareProviders.
func (c *cache) solutions(deps []dep, start, end int) []int32 {
	var out []int32
	for j := start; j <= end; j++ {
		l := c.fromDependency(deps, j)
		d := &deps[j]
		sort.SliceStable(l, func(a, b int) bool { return c.compareProviders(d, l[a], l[b]) })
		out = append(out, l...)
	}
	out = compactAdjacent(out)
	if !deps[end].typ.negative() {
		out = c.dropProtectedKept(out)
	}
	return out
}

// solutionsUnsorted is getAllPossibleSolutions with CANDANDINST,
// unsorted: the distinct satisfying candidates.
func (c *cache) solutionsUnsorted(deps []dep, start, end int) []int32 {
	var out []int32
	for j := start; j <= end; j++ {
		out = append(out, c.fromDependency(deps, j)...)
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	out = compactAdjacent(out)
	if !deps[end].typ.negative() {
		out = c.dropProtectedKept(out)
	}
	return out
}

func compactAdjacent(l []int32) []int32 {
	if len(l) < 2 {
		return l
	}
	w := 1
	for _, x := range l[1:] {
		if x != l[w-1] {
			l[w] = x
			w++
		}
	}
	return l[:w]
}

func (c *cache) dropProtectedKept(l []int32) []int32 {
	w := 0
	for _, vid := range l {
		st := &c.pkgs[c.vers[vid].pkg].st
		if st.protect() && (st.del() || st.keep()) {
			continue
		}
		l[w] = vid
		w++
	}
	return l[:w]
}

// fromDependency is VersionContainerInterface::FromDependency with the
// CANDIDATE selector: nothing when the cached state says no candidate
// satisfies the dependency, else the candidates (of the target and of
// the providers) that do.
func (c *cache) fromDependency(deps []dep, k int) []int32 {
	d := &deps[k]
	if (c.state(deps, k)&depCVer == 0) != d.typ.negative() {
		return nil
	}
	var out []int32
	t := c.load(d.target)
	if cand := t.st.cand; cand != none && !c.ignorable(d, d.target) && satisfies(d, c.vers[cand].v) {
		out = append(out, cand)
	}
	for _, pr := range c.provides(d.target) {
		owner := c.vers[pr.owner].pkg
		if c.ignorable(d, owner) {
			continue
		}
		if c.load(owner).st.cand == pr.owner && satisfiesProvide(d, pr) {
			out = append(out, pr.owner)
		}
	}
	return out
}

// compareProviders is apt's CompareProviders for versions of packages
// not installed: protected first, the target package itself, Essential,
// Important (Protected: yes), then by the Priority field, then the
// package apt created last.
func (c *cache) compareProviders(d *dep, av, bv int32) bool {
	A, B := c.vers[av], c.vers[bv]
	a, b := c.pkgs[A.pkg], c.pkgs[B.pkg]
	if a.st.protect() != b.st.protect() {
		return a.st.protect()
	}
	if A.pkg != B.pkg {
		if A.pkg == d.target {
			return true
		}
		if B.pkg == d.target {
			return false
		}
	}
	if a.essential != b.essential {
		return a.essential
	}
	if a.important != b.important {
		return a.important
	}
	if A.prio != B.prio {
		return A.prio < B.prio
	}
	return a.rank > b.rank
}

// installOK is IsInstallOk: IsInstallOkDependenciesSatisfiableByCandidates
// (the Multi-Arch: same check needs installed siblings).
func (c *cache) installOK(id int32, autoInst bool) bool {
	if !autoInst {
		return true
	}
	st := &c.pkgs[id].st
	deps := c.depsOf(st.cand)
	for k := 0; k < len(deps); {
		end := groupEnd(deps, k)
		found := false
		for j := k; j <= end; j++ {
			if c.state(deps, j)&(depInstall|depCVer) != 0 {
				found = true
			}
		}
		start := k
		k = end + 1
		if found || !deps[start].typ.critical() || deps[start].typ.negative() {
			continue
		}
		if !st.protect() {
			st.cand = none
			if !st.del() {
				st.mode = modeKeep
			}
		}
		return false
	}
	return true
}

// markInstall is pkgDepCache::MarkInstall.
func (c *cache) markInstall(id int32, autoInst bool, depth int, fromUser bool) bool {
	p := c.load(id)
	st := &p.st
	if !c.modeChangeOK(modeInstall, id, depth, fromUser) {
		return false
	}
	if st.cand == none {
		return false
	}
	if !st.protect() && !c.instPolicyBroken(id) && !c.instBroken(id) && st.mode == modeInstall {
		return true
	}
	if !c.installOK(id, autoInst) {
		return false
	}
	if fromUser {
		c.stateChange(id, fromUser)
	}
	failEarly := !st.protect() && !fromUser
	hasFailed := false
	var toInstall []int
	if autoInst {
		var toRemove []int
		toInstall, toRemove = c.collectDependencies(id, st.cand)
		if !c.removeConflicts(id, st.cand, toRemove, depth, st.protect(), fromUser) {
			if failEarly {
				return false
			}
			hasFailed = true
		}
	}
	if !fromUser {
		c.stateChange(id, fromUser)
	}
	if !autoInst {
		return !hasFailed
	}
	c.tracef(depth+1, "MarkInstall %s FU=%v", p.name, fromUser)
	already := st.protect()
	if !already {
		st.iflags |= flagProtected
		defer func() { c.pkgs[id].st.iflags &^= flagProtected }()
	}
	if !c.installDependencies(id, depth, toInstall, already, fromUser) {
		if failEarly {
			c.discardInstall(id)
			return false
		}
		hasFailed = true
	}
	return !hasFailed
}

// removeConflicts is MarkInstall_RemoveConflictsIfNotUpgradeable: the
// candidates a negative dependency of the version hits are kept back, or
// with a protected package, never installed.
func (c *cache) removeConflicts(id, vid int32, toRemove []int, depth int, propagate, fromUser bool) bool {
	deps := c.depsOf(vid)
	failed := false
	for _, k := range toRemove {
		for _, sol := range c.solutions(deps, k, k) {
			tp := c.vers[sol].pkg
			st := &c.pkgs[tp].st
			if st.cand != sol {
				continue
			}
			if st.install() && !c.markKeep(tp, false, false, depth) {
				failed = true
				if !propagate && !fromUser {
					break
				}
			} else if propagate {
				c.discardCandidate(tp)
				st.iflags |= flagProtected
			}
		}
		if failed && !propagate && !fromUser {
			break
		}
	}
	return !failed
}

// installDependencies is MarkInstall_InstallDependencies: each or-group
// not yet satisfied gets the first of its solutions that installs.
func (c *cache) installDependencies(id int32, depth int, toInstall []int, propagate, fromUser bool) bool {
	vid := c.pkgs[id].st.cand
	deps := c.depsOf(vid)
	failed := false
	for _, start := range toInstall {
		end := groupEnd(deps, start)
		found := false
		for j := start; j <= end; j++ {
			if c.state(deps, j)&depInstall != 0 {
				found = true
				break
			}
		}
		if found && !propagate {
			continue
		}
		critical := deps[start].typ.critical()
		if found {
			if !critical {
				continue
			}
			sols := c.solutionsUnsorted(deps, start, end)
			if len(sols) != 1 {
				continue
			}
			tp := c.vers[sols[0]].pkg
			if c.pkgs[tp].st.protect() {
				continue
			}
			c.pkgs[tp].st.iflags |= flagProtected
			if !c.withCause(id, deps, start, func() bool { return c.markInstall(tp, true, depth+1, false) }) {
				failed = true
			}
			continue
		}
		sols := c.solutions(deps, start, end)
		for _, sol := range sols {
			tp := c.vers[sol].pkg
			if c.pkgs[tp].st.cand != sol {
				continue
			}
			c.tracef(depth+1, "Installing %s as %s of %s", c.pkgs[tp].name, deps[end].typ, c.pkgs[id].name)
			if propagate && critical && len(sols) == 1 {
				if !c.withCause(id, deps, start, func() bool { return c.markInstall(tp, false, depth+1, false) }) {
					continue
				}
				c.pkgs[tp].st.iflags |= flagProtected
			}
			if !c.withCause(id, deps, start, func() bool { return c.markInstall(tp, true, depth+1, false) }) {
				continue
			}
			found = true
			break
		}
		if !found {
			c.tracef(depth+2, "%s %s on %s can't be satisfied! (dep)", c.pkgs[id].name, deps[start].typ, groupString(deps, start))
		}
		if !found && critical {
			failed = true
			if !propagate && !fromUser {
				break
			}
		}
	}
	return !failed
}

// withCause runs f with the or-group at start of id's candidate as the
// reason of what it installs.
func (c *cache) withCause(id int32, deps []dep, start int, f func() bool) bool {
	old := c.cause
	c.cause = Reason{Kind: deps[start].typ.field2(), By: c.pkgs[id].name, Relation: groupString(deps, start)}
	ok := f()
	c.cause = old
	return ok
}
