package solve

// installWeak installs, after the hard dependencies are met, packages that
// installed ones recommend and packages that supplement installed ones
// (dnf's install_weak_deps), one at a time; a weak package that would
// break the solution is learnt away by the conflict analysis.
func (s *solver) installWeak() step {
	var sup []int32
	for v := int32(1); int(v) < len(s.value); v++ {
		if s.value[v] == 0 && s.rejected[v] == 0 && len(s.pool.pkg(v).Supplements) > 0 && s.supplementing(v) {
			sup = append(sup, v)
		}
	}
	if len(sup) > 0 {
		sup = s.policyFilter(sup, modeRecommend)
		return s.chooseWeak(sup[0:1], -1)
	}
	for _, l := range s.trail {
		if l < 0 {
			continue
		}
		for _, d := range s.pool.pkg(l).Recommends {
			if s.depHolds(d) {
				continue
			}
			var dq []int32
			for _, v := range s.weakProviders(d) {
				if s.value[v] == 0 && s.rejected[v] == 0 {
					dq = append(dq, v)
				}
			}
			if len(dq) > 0 {
				return s.chooseWeak(dq, -1)
			}
		}
	}
	return stepNext
}

// chooseWeak installs the best of dq; if that conflicts, it is marked
// rejected and the search restarts.
func (s *solver) chooseWeak(dq []int32, why int32) step {
	if len(dq) > 1 {
		dq = s.policyFilter(dq, modeChoose)
	}
	lvl := s.curLevel()
	ok, jumped := s.decide(dq[0], why)
	if !ok {
		return stepUnsat
	}
	if jumped || s.value[dq[0]] <= 0 {
		s.backjump(lvl)
		s.rejected[dq[0]]++
	}
	return stepRestart
}
