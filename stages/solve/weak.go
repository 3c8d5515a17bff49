package solve

// installWeak installs, once the hard dependencies are met, packages that
// installed ones recommend and packages that supplement installed ones
// (dnf's install_weak_deps), in libsolv's way: supplementing packages
// first, then for each installed package's Recommends the best provider;
// a weak package that would break the solution is rejected and the search
// restarts.
func (s *solver) installWeak() step {
	var dq, dqs []int32
	in := map[int32]bool{}
	push := func(v int32) {
		if !in[v] {
			in[v] = true
			dq = append(dq, v)
		}
	}
	snapshot := append([]int32{}, s.trail...)
	for _, l := range snapshot {
		if l < 0 {
			continue
		}
		for _, d := range s.pool.pkg(l).Recommends {
			if s.depHolds(d) {
				continue
			}
			for _, v := range s.weakProviders(d) {
				if s.value[v] == 0 && s.rejected[v] == 0 && s.added[v] {
					push(v)
				}
			}
		}
	}
	for v := int32(1); int(v) < len(s.value); v++ {
		if s.value[v] == 0 && s.rejected[v] == 0 && s.added[v] && len(s.pool.pkg(v).Supplements) > 0 && s.supplementing(v) && !s.nameInstalled(v) {
			dqs = append(dqs, v)
			push(v)
		}
	}
	if trace != nil {
		trace("weak candidates %v, supplementing %v", s.names(dq), s.names(dqs))
	}
	switch len(dq) {
	case 0:
		return stepNext
	case 1:
		// libsolv goes back to its main loop after this one too, so that
		// the new package's own weak dependencies are looked at.
		if st := s.chooseWeak(dq, -1); st != stepNext {
			return st
		}
		return stepRestart
	}
	best := map[int32]bool{}
	for _, v := range s.policyFilter(dq, modeRecommend) {
		best[v] = true
	}
	for _, v := range dqs {
		if s.value[v] == 0 && best[v] {
			if st := s.chooseWeak([]int32{v}, -1); st != stepNext {
				return st
			}
		}
	}
	for _, l := range snapshot {
		if l < 0 {
			continue
		}
		for _, d := range s.pool.pkg(l).Recommends {
			if s.depHolds(d) {
				continue
			}
			var dq2 []int32
			for _, v := range s.weakProviders(d) {
				if s.value[v] == 0 && best[v] {
					dq2 = append(dq2, v)
				}
			}
			if len(dq2) == 0 {
				continue
			}
			if st := s.chooseWeak(dq2, -1); st != stepNext {
				return st
			}
		}
	}
	return stepRestart
}

// chooseWeak installs the best of dq; if that conflicts, the package is
// rejected and the search restarts.
func (s *solver) chooseWeak(dq []int32, why int32) step {
	if len(dq) > 1 {
		dq = s.policyFilter(dq, modeChoose)
	}
	lvl := s.curLevel()
	if len(dq) > 1 {
		// libsolv opens a branch here too (createbranch), which its
		// minimisation may take later.
		s.branches = append(s.branches, branch{level: lvl + 1, chosen: dq[0], alts: append([]int32{}, dq[1:]...)})
	}
	if trace != nil {
		trace("weak: install %s from %v", s.nevra(dq[0]), s.names(dq))
	}
	ok, jumped := s.decide(dq[0], why)
	if !ok {
		return stepUnsat
	}
	if jumped || s.value[dq[0]] <= 0 {
		s.backjump(lvl)
		s.rejected[dq[0]]++
		return stepRestart
	}
	return stepNext
}

// nameInstalled reports whether a package of v's name (another arch) is
// installed. libsolv (with dnf's implicitobsoleteusescolors) does not
// install such a package merely because it supplements installed ones:
// testsolv on dnf's debugdata shows echo.i686 with Supplements met left
// out while echo.x86_64 is installed, and installed once renamed.
func (s *solver) nameInstalled(v int32) bool {
	for _, q := range s.pool.sameName(v) {
		if q != v && s.value[q] > 0 {
			return true
		}
	}
	return false
}
