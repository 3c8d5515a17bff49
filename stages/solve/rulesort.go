package solve

import "slices"

// addPkgRule holds back a package rule until the closure is complete:
// libsolv sorts its package rules (unifyrules) before it adds the job
// rules, and the order of the rules is the order in which it decides them.
func (s *solver) addPkgRule(r *rule) {
	s.pending = append(s.pending, r)
}

// flushPkgRules adds the held-back package rules in libsolv's order, each
// with its literals laid out as libsolv stores them (propagate follows
// that layout): a binary rule smaller literal first, a longer one its
// owner first, then the providers; clauses from rich dependencies
// (cplxdeps) hold all their literals, the owner's included, in ascending
// order. A rule equal to the one before it is one rule to libsolv
// (unifyrules): it is kept (explain names every dependency that makes a
// rule) but marked dup, and not watched.
func (s *solver) flushPkgRules() {
	rules := s.pending
	first := make([]int32, len(rules))
	for i, r := range rules {
		switch {
		case len(r.lits) == 2:
			if r.lits[0] > r.lits[1] {
				r.lits[0], r.lits[1] = r.lits[1], r.lits[0]
			}
		case r.dep != nil && r.dep.IsRich():
			slices.Sort(r.lits)
		}
		first[i] = libsolvKey(r.lits).p
	}
	// Bucket by first literal (a counting sort: there are hundreds of
	// thousands of rules), then sort each small bucket fully.
	n := int32(len(s.pool.pkgs))
	start := make([]int32, 2*n+2)
	for _, p := range first {
		start[p+n+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	order := make([]int32, len(rules))
	next := append([]int32{}, start...)
	for i, p := range first {
		order[next[p+n]] = int32(i)
		next[p+n]++
	}
	type entry struct {
		key ruleKey
		i   int32
	}
	var bucket []entry
	for b := 0; b+1 < len(start); b++ {
		idx := order[start[b]:start[b+1]]
		if len(idx) < 2 {
			continue
		}
		bucket = bucket[:0]
		for _, i := range idx {
			bucket = append(bucket, entry{libsolvKey(rules[i].lits), i})
		}
		slices.SortFunc(bucket, func(a, b entry) int { return int(a.key.cmp(b.key)) })
		for k, e := range bucket {
			idx[k] = e.i
			rules[e.i].dup = k > 0 && e.key.cmp(bucket[k-1].key) == 0
		}
	}
	s.reserve(rules)
	for _, i := range order {
		s.addRule(rules[i])
	}
	s.pending = nil
}

// reserve sizes the owner lists for rules about to be added, in one block
// instead of one growing slice per package.
func (s *solver) reserve(rules []*rule) {
	owners := make([]int32, len(s.byOwner))
	for _, r := range rules {
		if r.pkg > 0 {
			owners[r.pkg]++
		}
	}
	carve(s.byOwner, owners)
}

// carve gives each empty list of lists room for n[i] more entries.
func carve(lists [][]int32, n []int32) {
	total := 0
	for _, k := range n {
		total += int(k)
	}
	block := make([]int32, total)
	for i, k := range n {
		if k == 0 || len(lists[i]) > 0 {
			continue
		}
		lists[i] = block[:0:k]
		block = block[k:]
	}
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
