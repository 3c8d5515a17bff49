package solve

import (
	"sort"

	"github.com/disco-build/disco/stages/rpmver"
)

type policyMode uint8

const (
	modeChoose    policyMode = iota // all pruning and reordering
	modeNoReorder                   // pruning only: is the choice clear?
	modeRecommend                   // prio, arch, version and obsoletes only
)

// policyFilter narrows and orders candidates as libsolv's
// policy_filter_unwanted: best repository priority, best architecture,
// newest version per name (then sorted by name) minus obsoleted ones,
// recommended ones, and for a real choice: old versions to the back, shared
// versioned provides by version, suggested ones first.
func (s *solver) policyFilter(dq []int32, mode policyMode) []int32 {
	dq = append([]int32{}, dq...)
	if len(dq) > 1 {
		dq = s.pruneToHighestPrio(dq)
	}
	if len(dq) > 1 {
		dq = s.pruneToBestArch(dq)
	}
	if len(dq) > 1 {
		dq = s.pruneToBestVersion(dq)
	}
	if len(dq) > 1 && mode != modeRecommend {
		dq = s.pruneToRecommended(dq)
		if len(dq) > 1 && mode == modeChoose {
			dq = s.dislikeOldVersions(dq)
			dq = s.sortByCommonDep(dq)
		}
	}
	return dq
}

func (s *solver) pruneToHighestPrio(dq []int32) []int32 {
	best := s.pool.pkg(dq[0]).prio
	for _, v := range dq {
		best = min(best, s.pool.pkg(v).prio)
	}
	return filter(dq, func(v int32) bool { return s.pool.pkg(v).prio == best })
}

func (s *solver) pruneToBestArch(dq []int32) []int32 {
	best := 0
	for _, v := range dq {
		if a := s.pool.pkg(v).archScore; a > 1 && (best == 0 || a < best) {
			best = a
		}
	}
	if best == 0 {
		return dq
	}
	out := filter(dq, func(v int32) bool {
		a := s.pool.pkg(v).archScore
		return a == 1 || (a^best)&^0xffff == 0
	})
	if len(out) == 0 {
		return dq
	}
	return out
}

func (s *solver) pruneToBestVersion(dq []int32) []int32 {
	pl := s.pool
	sort.SliceStable(dq, func(i, j int) bool {
		a, b := pl.pkg(dq[i]), pl.pkg(dq[j])
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.archScore != b.archScore && a.archScore > 1 && b.archScore > 1 {
			return a.archScore < b.archScore
		}
		return dq[i] < dq[j]
	})
	var out []int32
	best := dq[0]
	for _, v := range dq[1:] {
		if pl.pkg(v).Name != pl.pkg(best).Name {
			out = append(out, best)
			best = v
			continue
		}
		if rpmver.LabelCompare(pl.pkg(best).EVR, pl.pkg(v).EVR) < 0 {
			best = v
		}
	}
	out = append(out, best)
	if len(out) > 1 {
		out = s.pruneObsoleted(out)
	}
	return out
}

// obsoletes reports whether a (of another name) obsoletes b.
func (s *solver) obsoletes(a, b int32) bool {
	pa, pb := s.pool.pkg(a), s.pool.pkg(b)
	if pa.Name == pb.Name {
		return false // dnf's pool: explicit obsoletes ignore arch colors
	}
	self := rpmver.Dep{Name: pb.Name, Flags: rpmver.EQ, EVR: pb.EVR}
	for _, d := range pa.Obsoletes {
		if d.Matches(self) {
			return true
		}
	}
	return false
}

// pruneObsoleted drops candidates obsoleted by another candidate outside
// their own obsoletes cycle, as libsolv's prune_obsoleted (Tarjan's SCCs:
// a strongly connected group of mutually obsoleting candidates goes when
// any other candidate obsoletes one of them).
func (s *solver) pruneObsoleted(dq []int32) []int32 {
	n := len(dq)
	var edges [][]int // edges[i]: candidates that dq[i] obsoletes
	for i, a := range dq {
		for j, b := range dq {
			if i != j && s.obsoletes(a, b) {
				if edges == nil {
					edges = make([][]int, n)
				}
				edges[i] = append(edges[i], j)
			}
		}
	}
	if edges == nil {
		return dq
	}
	reach := make([][]bool, n)
	for i := range dq {
		reach[i] = make([]bool, n)
		stack := []int{i}
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, w := range edges[u] {
				if !reach[i][w] {
					reach[i][w] = true
					stack = append(stack, w)
				}
			}
		}
	}
	same := func(a, b int) bool { return a == b || (reach[a][b] && reach[b][a]) }
	hit := make([]bool, n) // obsoleted from outside its own group
	for o := range dq {
		for _, w := range edges[o] {
			if !same(o, w) {
				hit[w] = true
			}
		}
	}
	var out []int32
	for v := range dq {
		keep := true
		for w := range dq {
			if hit[w] && same(v, w) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, dq[v])
		}
	}
	return out
}

// updateRecommended folds the recommends of newly installed packages into
// the recommended set.
func (s *solver) updateRecommended() {
	for ; s.recIdx < len(s.trail); s.recIdx++ {
		l := s.trail[s.recIdx]
		if l < 0 {
			continue
		}
		for _, d := range s.pool.pkg(l).Recommends {
			for _, v := range s.weakProviders(d) {
				s.recd[v] = true
			}
		}
	}
}

// weakProviders lists the packages a weak dependency points at: for a rich
// one, the providers of the alternatives that can still hold.
func (s *solver) weakProviders(d rpmver.Dep) []int32 {
	if !d.IsRich() {
		return s.pool.whatProvides(d)
	}
	r, err := rpmver.ParseRich(d.Name)
	if err != nil {
		return nil
	}
	f, err := s.pool.richForm(r, false)
	if err != nil {
		return nil
	}
	var out []int32
	var walk func(*form)
	walk = func(f *form) {
		if f.op == 'l' {
			if f.lit > 0 {
				out = append(out, f.lit)
			}
			return
		}
		for _, k := range f.kids {
			walk(k)
		}
	}
	walk(f)
	return sortUnique(out)
}

// supplementing reports whether v's Supplements are met by installed
// packages.
func (s *solver) supplementing(v int32) bool {
	for _, d := range s.pool.pkg(v).Supplements {
		if s.depHolds(d) {
			return true
		}
	}
	return false
}

// depHolds evaluates a dependency against the installed packages.
func (s *solver) depHolds(d rpmver.Dep) bool {
	inst := func(v int32) bool { return s.value[v] > 0 }
	if !d.IsRich() {
		for _, v := range s.pool.whatProvides(d) {
			if inst(v) {
				return true
			}
		}
		return false
	}
	r, err := rpmver.ParseRich(d.Name)
	return err == nil && s.pool.evalRich(r, inst)
}

func (s *solver) pruneToRecommended(dq []int32) []int32 {
	s.updateRecommended()
	out := filter(dq, func(v int32) bool { return s.recd[v] || s.supplementing(v) })
	if len(out) == 0 {
		return dq
	}
	return out
}

// dislikeOldVersions moves to the back candidates that have a newer
// same-name, same-arch version (or one in a better repository).
func (s *solver) dislikeOldVersions(dq []int32) []int32 {
	var good, bad []int32
	for _, v := range dq {
		p := s.pool.pkg(v)
		old := false
		for _, q := range s.pool.sameName(v) {
			pq := s.pool.pkg(q)
			if q == v || pq.Arch != p.Arch || pq.prio > p.prio {
				continue
			}
			if pq.prio < p.prio || rpmver.LabelCompare(pq.EVR, p.EVR) > 0 {
				old = true
				break
			}
		}
		if old {
			bad = append(bad, v)
		} else {
			good = append(good, v)
		}
	}
	return append(good, bad...)
}

func filter(dq []int32, keep func(int32) bool) []int32 {
	var out []int32
	for _, v := range dq {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}
