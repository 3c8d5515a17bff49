package solve

import "slices"

// Problem is one reason why a request cannot be met, as dnf words it: its
// lines in the order dnf prints them ("conflicting requests", "nothing
// provides X needed by P", "package P requires X, but none of the
// providers can be installed", ...).
type Problem []string

// explainAll lists every problem of a search that failed, the way libsolv
// finds them for dnf: the rules that prove the conflict (the rules it was
// derived from, learnt ones replaced by theirs: solver_findallproblemrules)
// make one problem; the requests among them (job, best and multilib
// rules) are then switched off and the search runs again over the same
// rules, until it succeeds or a proof involves no request.
func (s *solver) explainAll() ([]Problem, error) {
	off := &disabled{jobs: map[int32]bool{}, infarch: map[int32]bool{}}
	var out []Problem
	for {
		rules := s.problemRules()
		out = appendProblem(out, s.describe(rules))
		if !off.add(s, rules) {
			return out, nil
		}
		s.restart(off)
		ok, err := s.run()
		if err != nil || ok {
			return out, err
		}
	}
}

// restart switches the rules of off's requests off and undoes the search:
// every assignment, every learnt rule (with its watches: all rules watch
// their first two literals again), then asserts the unit rules again in
// rule order, as a new search over the same rules would begin.
func (s *solver) restart(off *disabled) {
	s.rules = s.rules[:len(s.rules)-len(s.learnt)]
	s.learnt = nil
	for _, r := range s.rules {
		switch r.kind {
		case kindJob, kindBest:
			r.off = r.off || off.jobs[r.job]
		case kindInfarch:
			if !r.off && off.infarch[s.pool.pkg(r.pkg).name] {
				r.off = true
				// Not armed when its package is installed.
				s.byOwner[r.pkg] = slices.DeleteFunc(s.byOwner[r.pkg], func(id int32) bool { return s.rules[id] == r })
			}
		}
	}
	for v := range s.value {
		s.value[v], s.level[v], s.reason[v], s.why[v] = 0, 0, 0, 0
	}
	s.trail, s.trailLim, s.head, s.branches = s.trail[:0], nil, 0, nil
	s.unsat, s.conflict, s.assertOri = false, -1, -1
	s.recIdx, s.recd, s.rejected = 0, map[int32]bool{}, map[int32]int{}
	for i := range s.heads {
		s.heads[i] = -1
	}
	s.makeWatches()
	for i := range s.armed {
		s.armed[i] = 0
	}
	for id, r := range s.rules {
		switch {
		case r.off:
		case r.pkg <= 0 && r.kind != kindJob:
			s.armed.set(int32(id))
		}
		if !r.off && len(r.lits) == 0 {
			s.setUnsat(int32(id))
		}
		if !r.off && len(r.lits) == 1 {
			s.assertTop(r.lits[0], int32(id))
		}
	}
}

// disabled are the requests switched off while looking for further
// problems: jobs (with their best rules) by index, multilib rules by name.
type disabled struct {
	jobs    map[int32]bool
	infarch map[int32]bool
}

// add switches off the requests among rules; it reports whether there was
// one not yet off.
func (d *disabled) add(s *solver, rules []int32) bool {
	grew := false
	for _, id := range rules {
		r := s.rules[id]
		switch r.kind {
		case kindJob, kindBest:
			grew = grew || !d.jobs[r.job]
			d.jobs[r.job] = true
		case kindInfarch:
			n := s.pool.pkg(r.pkg).name
			grew = grew || !d.infarch[n]
			d.infarch[n] = true
		}
	}
	return grew
}

// appendProblem adds p unless an earlier problem has the same lines (in
// any order), as libdnf's describeAllProblemRules drops repeats.
func appendProblem(out []Problem, p Problem) []Problem {
	if len(p) == 0 {
		return out
	}
	for _, q := range out {
		if len(q) == len(p) && !slices.ContainsFunc(p, func(l string) bool { return !slices.Contains(q, l) }) {
			return out
		}
	}
	return append(out, p)
}

// problemRules returns the rules behind the conflict that made the search
// fail, in libsolv's order: the conflicting rule, then the reasons of the
// assignments it involves from the last one back (analyze_unsolvable);
// for two contradicting unit rules, those two (makeruledecisions).
// Learnt rules are replaced by the rules they were derived from.
func (s *solver) problemRules() []int32 {
	var proof []int32
	switch {
	case s.conflict < 0:
		return nil
	case s.assertOri >= 0:
		proof = []int32{s.conflict, s.assertOri}
	default:
		proof = s.reasonsBack([]int32{s.conflict}, s.rules[s.conflict].lits)
	}
	return s.expand(proof)
}

// reasonsBack appends to proof the reasons of the level-0 assignments of
// the variables of lits, walking the trail from its end and following each
// reason's own literals.
func (s *solver) reasonsBack(proof, lits []int32) []int32 {
	involved := make([]bool, len(s.value))
	for _, l := range lits {
		involved[abs(l)] = true
	}
	for i := len(s.trail) - 1; i >= 0; i-- {
		v := abs(s.trail[i])
		if !involved[v] || s.level[v] != 0 || s.reason[v] < 0 {
			continue
		}
		why := s.reason[v]
		proof = append(proof, why)
		for _, l := range s.rules[why].lits {
			involved[abs(l)] = true
		}
	}
	return proof
}

// expand replaces learnt rules by the rules they came from, recursively,
// and keeps each rule once (libsolv's findallproblemrules_internal).
func (s *solver) expand(proof []int32) []int32 {
	var out []int32
	in := map[int32]bool{}
	var walk func(ids []int32)
	walk = func(ids []int32) {
		for _, id := range ids {
			if s.rules[id].kind != kindLearnt {
				if !in[id] {
					in[id] = true
					out = append(out, id)
				}
				continue
			}
			if in[id] {
				continue
			}
			in[id] = true
			w := s.learnt[id-s.firstLearnt]
			walk(s.reasonsBack(append([]int32{}, w.rules...), w.top))
		}
	}
	walk(proof)
	return out
}
