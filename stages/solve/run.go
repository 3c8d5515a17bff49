package solve

import "fmt"

// run searches for the solution in libsolv's order. It returns false when
// there is none.
func (s *solver) run() (bool, error) {
	if s.unsat {
		return false, nil
	}
	if c := s.propagate(); c >= 0 {
		s.setUnsat(c)
		return false, nil
	}
	for {
		if err := s.ctx.Err(); err != nil {
			return false, fmt.Errorf("solve: %w", err)
		}
		st := s.resolveJobs()
		if st == stepNext {
			st = s.resolveRules()
		}
		if st == stepNext && s.opts.WeakDeps {
			st = s.installWeak()
		}
		if st == stepNext {
			st = s.minimize()
		}
		switch st {
		case stepUnsat:
			return false, nil
		case stepNext:
			return true, nil
		}
	}
}

type step uint8

const (
	stepNext    step = iota // this phase is done, go on
	stepRestart             // something changed: start over from the jobs
	stepUnsat
)

// choose installs the best of dq and opens a branch for the rest.
func (s *solver) choose(dq []int32, why int32) step {
	if len(dq) > 1 {
		dq = s.policyFilter(dq, modeChoose)
	}
	if len(dq) > 1 {
		s.branches = append(s.branches, branch{level: s.curLevel() + 1, chosen: dq[0], alts: append([]int32{}, dq[1:]...)})
	}
	if trace != nil {
		trace("choose %s (rule %d %s) from %v", s.nevra(dq[0]), why, s.ruleString(why), s.names(dq))
	}
	ok, jumped := s.decide(dq[0], why)
	switch {
	case !ok:
		return stepUnsat
	case jumped:
		return stepRestart
	}
	return stepNext
}

func (s *solver) resolveJobs() step {
	for _, id := range s.jobRuleIDs() {
		dq, open := s.openPositives(s.rules[id], true)
		if !open {
			continue
		}
		if st := s.choose(dq, id); st != stepNext {
			return st
		}
	}
	return stepNext
}

func (s *solver) jobRuleIDs() []int32 {
	var ids []int32
	for i, r := range s.rules {
		if r.kind == kindJob && !r.off {
			ids = append(ids, int32(i))
		}
	}
	return ids
}

// openPositives returns the undecided positive literals of a rule that is
// not yet fulfilled and whose negative literals all hold installed
// packages (libsolv only decides such rules).
func (s *solver) openPositives(r *rule, job bool) ([]int32, bool) {
	var dq []int32
	for _, l := range r.lits {
		if l > 0 {
			switch s.value[l] {
			case 1:
				return nil, false
			case 0:
				dq = append(dq, l)
			}
		} else if s.value[-l] <= 0 {
			return nil, false
		}
	}
	if job {
		return dq, len(dq) > 0
	}
	return dq, len(dq) > 1
}

// resolveRules decides unfulfilled rules in rule order, cycling from the
// last decided one as libsolv does: first only those whose best choice is
// clear, then, from the first ambiguous one on, every one with the full
// policy; any decision makes it look at all rules again. Only armed rules
// (whose owner package is installed) can be open, so only those are read.
func (s *solver) resolveRules() step {
	sysLevel := s.curLevel()
	postponed, deciding := -1, false
	start := 0
	for {
		decided := false
		first := -1
		for i := s.armed.next(start); ; i = s.armed.next(i + 1) {
			if i < 0 {
				if start == 0 {
					break
				}
				i = s.armed.next(0)
				if i < 0 {
					break
				}
				start = 0
			}
			if i == first {
				break // a whole cycle
			}
			if first < 0 {
				first = i
			}
			dq, open := s.openPositives(s.rules[i], false)
			if !open {
				continue
			}
			if !deciding {
				dq = s.policyFilter(dq, modeNoReorder)
				if len(dq) > 1 {
					if postponed < 0 {
						postponed = i
					}
					continue
				}
			}
			// A conflict that only undoes decisions made here keeps the
			// scan going where it was (libsolv breaks out only when it
			// backjumps below the level the jobs left: systemlevel).
			if st := s.choose(dq, int32(i)); st == stepUnsat || (st == stepRestart && s.curLevel() < sysLevel) {
				return st
			}
			start, decided = i+1, true
			break
		}
		if decided {
			continue
		}
		if !deciding && postponed >= 0 {
			deciding, start = true, postponed
			continue
		}
		return stepNext
	}
}

// minimize revisits the earliest choice where an alternative ended up
// installed anyway (or was recommended while the choice was not) and takes
// that alternative instead, as libsolv's minimisation step does.
func (s *solver) minimize() step {
	s.updateRecommended()
	found, foundAlt := -1, -1
	for bi := len(s.branches) - 1; bi >= 0; bi-- {
		b := s.branches[bi]
		recAlt := -1
		hit := false
		for ai, p := range b.alts {
			if p == 0 {
				continue
			}
			if s.value[p] > 0 && s.level[p] > b.level-1 && p != b.chosen {
				found, foundAlt, hit = bi, ai, true
				break
			}
			if recAlt < 0 && (s.recd[p] || s.supplementing(p)) {
				recAlt = ai
			}
		}
		if !hit && recAlt >= 0 && s.value[b.chosen] > 0 && s.level[b.chosen] == b.level &&
			!(s.recd[b.chosen] || s.supplementing(b.chosen)) {
			found, foundAlt = bi, recAlt
		}
	}
	if found < 0 {
		return stepNext
	}
	b := &s.branches[found]
	p := b.alts[foundAlt]
	if trace != nil {
		trace("minimize: %s instead of %s", s.nevra(p), s.nevra(b.chosen))
	}
	b.alts[foundAlt] = 0
	lvl := b.level - 1
	why := s.why[b.chosen]
	keep := *b
	s.backjump(lvl)
	// Keep the (now exhausted) branch so that it is not revisited.
	s.branches = append(s.branches, branch{level: lvl + 1, chosen: p, alts: keep.alts})
	ok, _ := s.decide(p, why)
	if !ok {
		return stepUnsat
	}
	return stepRestart
}

// trace, when set (by tests), receives the solver's decisions.
var trace func(format string, args ...any)

func (s *solver) names(vs []int32) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = s.nevra(v)
	}
	return out
}

func (s *solver) ruleString(id int32) string {
	if id < 0 || int(id) >= len(s.rules) {
		return ""
	}
	return s.litNames(s.rules[id].lits)
}

func (s *solver) litNames(lits []int32) string {
	var b []string
	for _, l := range lits {
		if l < 0 {
			b = append(b, "!"+s.nevra(-l))
		} else {
			b = append(b, s.nevra(l))
		}
	}
	return fmt.Sprint(b)
}
