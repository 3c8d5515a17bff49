package solve

import (
	"fmt"

	"github.com/disco-build/disco/stages/rpmver"
)

type ruleKind uint8

const (
	kindJob ruleKind = iota
	kindRequires
	kindConflicts
	kindObsoletes
	kindSameName
	kindInfarch
	kindLearnt
	kindBest           // one of a job's best candidates
	kindNotInstallable // an excluded package
)

// rule is a clause: at least one literal must hold (v installed, -v not).
type rule struct {
	lits   []int32     // in libsolv's order (see flushPkgRules)
	dep    *rpmver.Dep // the dependency that made it (in its package), or nil
	pkg    int32       // the package whose dependency made the rule
	job    int32       // for kindJob and kindBest: index into solver.jobs
	w1, w2 int32       // the watched literals
	n1, n2 int32       // the next rules watching w1 and w2, -1 at the end
	kind   ruleKind
	dup    bool // a package rule equal to the one before it: not watched
	off    bool // switched off by explain (see restart)
}

// dependency returns the dependency that made the rule (zero if none).
func (r *rule) dependency() rpmver.Dep {
	if r.dep == nil {
		return rpmver.Dep{}
	}
	return *r.dep
}

// buildRules adds the package rules for everything reachable from the
// jobs, in libsolv's order: each job candidate's closure breadth first,
// then packages sharing a name with an added one, then multilib rules.
func (s *solver) buildRules() error {
	added := make([]bool, len(s.pool.pkgs)+1)
	s.visited = added
	var queue []int32
	drain := func() error {
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			if added[v] {
				continue
			}
			added[v] = true
			var err error
			if queue, err = s.addPkgRules(v, queue); err != nil {
				return err
			}
		}
		return nil
	}
	for _, j := range s.jobs {
		for _, c := range j.cands {
			queue = append(queue, c)
			if err := drain(); err != nil {
				return err
			}
		}
	}
	for grew := sameNameExpand; grew; {
		grew = false
		for v := 1; v < len(added); v++ {
			if !added[v] {
				continue
			}
			for _, q := range s.pool.sameName(int32(v)) {
				if !added[q] {
					queue = append(queue, q)
					grew = true
				}
			}
		}
		if err := drain(); err != nil {
			return err
		}
	}
	// Like libsolv's addpkgrulesforweak: packages supplementing added ones.
	for grew := true; grew; {
		grew = false
		for i, p := range s.pool.pkgs {
			v := int32(i + 1)
			if added[v] || len(p.Supplements) == 0 || !s.touchesAdded(p.Supplements, added) {
				continue
			}
			queue = append(queue, v)
			grew = true
		}
		if err := drain(); err != nil {
			return err
		}
	}
	s.added = added
	// libsolv's rule order: package rules (sorted), job rules, infarch
	// rules, best rules.
	s.flushPkgRules()
	for i := range s.jobs {
		s.addRule(s.newRule(rule{lits: s.lits(s.jobs[i].cands), kind: kindJob, job: int32(i)}))
	}
	s.addInfarchRules(added)
	for i, j := range s.jobs {
		if len(j.best) < len(j.cands) {
			s.addRule(s.newRule(rule{lits: s.lits(j.bestRule), kind: kindBest, job: int32(i)}))
		}
	}
	s.makeWatches()
	return nil
}

// addPkgRules adds v's requires, conflicts, obsoletes and same-name rules
// and appends to queue the packages to visit next (providers of its
// requires and recommends not visited yet).
func (s *solver) addPkgRules(v int32, queue []int32) ([]int32, error) {
	p := s.pool.pkg(v)
	if p.excluded {
		// libsolv still adds the rules of its dependencies (and so names
		// them when it explains a problem).
		s.addPkgRule(s.newRule(rule{lits: s.lits([]int32{-v}), kind: kindNotInstallable, pkg: v}))
	}
	visit := func(vs []int32) {
		for _, q := range vs {
			if !s.visited[q] {
				queue = append(queue, q)
			}
		}
	}
	for i := range p.Requires {
		d := &p.Requires[i]
		if !d.IsRich() { // the common case, without intermediate clauses
			// Computed into a scratch rule rather than through
			// whatProvides' cache: most versioned requires are asked once.
			tmp := s.pool.appendProviders(append(s.scratch[:0], -v), *d)
			s.scratch = tmp
			lits := s.lits(tmp)
			s.addPkgRule(s.newRule(rule{lits: lits, kind: kindRequires, pkg: v, dep: d}))
			visit(lits[1:])
			continue
		}
		clauses, err := s.depClauses(*d, false)
		if err != nil {
			return nil, fmt.Errorf("solve: %s requires %s: %w", NEVRA(p.Package), d, err)
		}
		for _, c := range clauses {
			lits, ok := clause(append([]int32{-v}, c...))
			if !ok {
				continue
			}
			s.addPkgRule(s.newRule(rule{lits: lits, kind: kindRequires, pkg: v, dep: d}))
			for _, l := range c {
				if l > 0 && !s.visited[l] {
					queue = append(queue, l)
				}
			}
		}
	}
	for i := range p.Conflicts {
		d := &p.Conflicts[i]
		clauses, err := s.depClauses(*d, true)
		if err != nil {
			return nil, fmt.Errorf("solve: %s conflicts %s: %w", NEVRA(p.Package), d, err)
		}
		for _, c := range clauses {
			if len(c) == 1 && c[0] == -v {
				continue // rpm ignores a package conflicting with itself
			}
			lits, ok := clause(append([]int32{-v}, c...))
			if !ok {
				continue
			}
			s.addPkgRule(s.newRule(rule{lits: lits, kind: kindConflicts, pkg: v, dep: d}))
		}
	}
	for i := range p.Obsoletes {
		d := &p.Obsoletes[i]
		for _, q := range s.pool.obsoletedBy(*d) {
			if q != v {
				s.addPkgRule(s.newRule(rule{lits: s.lits2(-v, []int32{-q}), kind: kindObsoletes, pkg: v, dep: d}))
			}
		}
	}
	for _, q := range s.pool.sameName(v) {
		// Each pair once: when the second of the two is visited.
		if q != v && s.visited[q] && colorMatch(p, s.pool.pkg(q)) {
			s.addPkgRule(s.newRule(rule{lits: s.lits2(-v, []int32{-q}), kind: kindSameName, pkg: v}))
		}
	}
	for _, d := range p.Recommends {
		if !d.IsRich() {
			visit(s.pool.whatProvides(d))
		}
	}
	return queue, nil
}

// depClauses returns the clauses (without the owner literal) that make a
// dependency hold, or with conflict, not hold.
func (s *solver) depClauses(d rpmver.Dep, conflict bool) ([][]int32, error) {
	if !d.IsRich() {
		prov := s.pool.whatProvides(d)
		if !conflict {
			return [][]int32{append([]int32{}, prov...)}, nil
		}
		out := make([][]int32, len(prov))
		for i, q := range prov {
			out[i] = []int32{-q}
		}
		return out, nil
	}
	r, err := rpmver.ParseRich(d.Name)
	if err != nil {
		return nil, err
	}
	f, err := s.pool.richForm(r, conflict)
	if err != nil {
		return nil, err
	}
	return cnf(f)
}

// addInfarchRules adds libsolv's infarch rules: among the reachable
// packages of a name, one of an inferior arch (i686 where x86_64 exists)
// may only be installed together with a best-arch (or noarch) package of
// the same name and EVR — without such a twin it may not be installed at
// all. A name is exempt when a job selects one of the packages the rules
// would block (libsolv's DISABLE_INFARCH for SOLVER_SETARCH jobs: testsolv
// on a dnf testcase shows a job selecting only the x86_64 package of a
// name leaves that name's infarch rules on).
func (s *solver) addInfarchRules(added []bool) {
	done := make([]bool, len(s.pool.names.id))
	for v := 1; v < len(added); v++ {
		if !added[v] {
			continue
		}
		name := s.pool.pkg(int32(v)).name
		if done[name] {
			continue
		}
		done[name] = true
		rules := s.infarchRules(s.pool.sameName(int32(v)), added)
		exempt := false
		for _, r := range rules {
			exempt = exempt || s.jobCands[-r[0]]
		}
		if exempt || s.noInfarch {
			continue
		}
		for _, r := range rules {
			s.hasInfarch = true
			s.addRule(s.newRule(rule{lits: r, kind: kindInfarch, pkg: -r[0]}))
		}
	}
}

// infarchRules returns the infarch rules of one name's packages: -q or
// one of q's best-arch twins, for each added q of an inferior arch.
func (s *solver) infarchRules(group []int32, added []bool) [][]int32 {
	best := 0
	for _, q := range group {
		if a := s.pool.pkg(q).archScore; added[q] && a > 1 && (best == 0 || a < best) {
			best = a
		}
	}
	var out [][]int32
	for _, q := range group {
		pq := s.pool.pkg(q)
		if !added[q] || pq.archScore <= 1 || (pq.archScore^best)&^0xffff == 0 {
			continue
		}
		r := []int32{-q}
		for _, t := range group {
			pt := s.pool.pkg(t)
			if t == q || pt.Arch == pq.Arch || rpmver.LabelCompare(pt.EVR, pq.EVR) != 0 {
				continue
			}
			if pt.archScore == 1 || (pt.archScore^best)&^0xffff == 0 {
				r = append(r, t)
			}
		}
		out = append(out, r)
	}
	return out
}

// sameNameExpand also visits every package sharing a name with a visited one.
var sameNameExpand = true

// lits returns a copy of l carved from a shared block (rules hold
// millions of literals; one allocation each would dominate).
func (s *solver) lits(l []int32) []int32 {
	out := s.litBlock(len(l))
	copy(out, l)
	return out
}

// lits2 is lits of first followed by rest.
func (s *solver) lits2(first int32, rest []int32) []int32 {
	out := s.litBlock(len(rest) + 1)
	out[0] = first
	copy(out[1:], rest)
	return out
}

// litBlock returns n literals of the block, capped so that appending to
// them cannot run into the next rule's.
func (s *solver) litBlock(n int) []int32 {
	if len(s.litSlab) < n {
		s.litSlab = make([]int32, max(n, 1<<16))
	}
	out := s.litSlab[:n:n]
	s.litSlab = s.litSlab[n:]
	return out
}

// newRule allocates rules in blocks: a resolution makes hundreds of
// thousands of them.
func (s *solver) newRule(r rule) *rule {
	if len(s.slab) == 0 {
		s.slab = make([]rule, 4096)
	}
	p := &s.slab[0]
	*p = r
	s.slab = s.slab[1:]
	return p
}

// touchesAdded reports whether some dependency names an added package.
func (s *solver) touchesAdded(ds []rpmver.Dep, added []bool) bool {
	for _, d := range ds {
		for _, v := range s.weakProviders(d) {
			if added[v] {
				return true
			}
		}
	}
	return false
}

// clause drops repeated literals from lits, as libsolv's rules hold each
// once (a clause [-a, -a] is the assertion -a), and reports false for a
// clause that always holds (it has both v and -v).
func clause(lits []int32) ([]int32, bool) {
	out := lits[:0]
	for i, l := range lits {
		dup := false
		for _, m := range lits[:i] {
			if m == -l {
				return nil, false
			}
			dup = dup || m == l
		}
		if !dup {
			out = append(out, l)
		}
	}
	return out, true
}
