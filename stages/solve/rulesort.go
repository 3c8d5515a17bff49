package solve

import "slices"

// addPkgRule holds back a package rule until the closure is complete:
// libsolv sorts its package rules (unifyrules) before it adds the job
// rules, and the order of the rules is the order in which it decides them.
func (s *solver) addPkgRule(r *rule) {
	s.pending = append(s.pending, r)
}

// flushPkgRules adds the held-back package rules in libsolv's order.
// Rules with equal keys are identical to libsolv (it keeps one), so an
// unstable (but deterministic) sort will do.
func (s *solver) flushPkgRules() {
	type entry struct {
		key ruleKey
		r   *rule
	}
	es := make([]entry, len(s.pending))
	for i, r := range s.pending {
		lits := r.lits
		if r.dep.IsRich() {
			// libsolv's clauses from rich dependencies (cplxdeps) hold
			// all their literals, the owner's included, in ascending
			// order: the first is not always the owner.
			lits = append([]int32{}, lits...)
			slices.Sort(lits)
		}
		es[i] = entry{libsolvKey(lits), r}
	}
	// Bucket by first literal (a counting sort: there are hundreds of
	// thousands of rules), then sort each small bucket fully.
	n := int32(len(s.pool.pkgs))
	start := make([]int32, 2*n+2)
	for _, e := range es {
		start[e.key.p+n+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	sorted := make([]entry, len(es))
	next := append([]int32{}, start...)
	for _, e := range es {
		sorted[next[e.key.p+n]] = e
		next[e.key.p+n]++
	}
	for b := 0; b+1 < len(start); b++ {
		if bucket := sorted[start[b]:start[b+1]]; len(bucket) > 1 {
			slices.SortFunc(bucket, func(a, b entry) int { return int(a.key.cmp(b.key)) })
		}
	}
	for _, e := range sorted {
		s.addRule(e.r)
	}
	s.pending = nil
}

// ruleKey is a rule as libsolv stores it: first literal p, and either a
// second literal w2 (binary and unit rules) or the rest as a list d.
type ruleKey struct {
	p, w2 int32
	d     []int32
}

// libsolvKey normalises a clause as solver_addrule does: a binary rule
// puts its smaller literal first; a longer one keeps its owner literal
// first and the rest in order.
func libsolvKey(lits []int32) ruleKey {
	switch len(lits) {
	case 0:
		return ruleKey{}
	case 1:
		return ruleKey{p: lits[0]}
	case 2:
		return ruleKey{p: min(lits[0], lits[1]), w2: max(lits[0], lits[1])}
	}
	return ruleKey{p: lits[0], d: lits[1:]}
}

// cmp is libsolv's unifyrules_sortcmp.
func (a ruleKey) cmp(b ruleKey) int32 {
	if a.p != b.p {
		return a.p - b.p
	}
	switch {
	case a.d == nil && b.d == nil:
		return a.w2 - b.w2
	case a.d == nil:
		if x := a.w2 - b.d[0]; x != 0 {
			return x
		}
		return -1
	case b.d == nil:
		if x := a.d[0] - b.w2; x != 0 {
			return x
		}
		return 1
	}
	for i, y := range b.d {
		var x int32
		if i < len(a.d) {
			x = a.d[i]
		}
		if x != y {
			return x - y
		}
	}
	if len(a.d) > len(b.d) {
		return a.d[len(b.d)]
	}
	return 0
}
