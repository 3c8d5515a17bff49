package solve

import (
	"context"
	"math/bits"
)

// solver holds the clauses and the assignment of one resolution.
type solver struct {
	ctx  context.Context
	pool *pool
	opts Options

	jobs       []job
	jobCands   map[int32]bool // every job's candidates
	rules      []*rule
	pending    []*rule   // package rules not yet added, see addPkgRule
	heads      []int32   // by litIndex: first rule watching that literal, -1 if none (see propagate)
	visited    []bool    // packages whose rules were added
	byOwner    [][]int32 // by variable: rules holding -v as owner literal
	armed      bitset    // rules whose owner is installed (or that have none)
	slab       []rule    // preallocated rules
	litSlab    []int32   // preallocated literals of rules
	scratch    []int32   // a rule being built
	noInfarch  bool      // leave out the multilib rules
	hasInfarch bool      // some multilib rule was added
	added      []bool

	value    []int8  // by variable: 1 installed, -1 not, 0 undecided
	level    []int32 // decision level of the assignment
	reason   []int32 // rule that forced it, -1 for a decision
	why      []int32 // rule whose choice installed a decided package
	trail    []int32
	trailLim []int
	head     int
	unsat    bool  // a conflict at level 0
	conflict int32 // the rule of that conflict, -1 if none
	// assertOri is, when the conflict was two assertions (unit rules)
	// over one literal, the rule of the earlier one, else -1.
	assertOri int32
	// learnt holds, for each learnt rule (from firstLearnt on), the rules
	// it was derived from: what explain needs to name every rule behind a
	// conflict, as libsolv's learnt_why does.
	learnt      []learntWhy
	firstLearnt int32
	branches    []branch // open alternatives, for minimisation
	recIdx      int      // trail prefix folded into recommended
	recd        map[int32]bool
	rejected    map[int32]int // weak candidates that could not be installed
}

// branch records a choice among several candidates.
type branch struct {
	level  int32 // the level the choice opened
	chosen int32
	alts   []int32
}

func newSolver(ctx context.Context, pl *pool, opts Options) *solver {
	n := len(pl.pkgs) + 1
	return &solver{
		ctx: ctx, pool: pl, opts: opts, jobCands: map[int32]bool{},
		heads: newHeads(2 * n),
		value: make([]int8, n), level: make([]int32, n), reason: make([]int32, n),
		why: make([]int32, n), byOwner: make([][]int32, n), conflict: -1, assertOri: -1, recd: map[int32]bool{}, rejected: map[int32]int{},
	}
}

func litIndex(l int32) int32 {
	if l < 0 {
		return -2*l + 1
	}
	return 2 * l
}

func abs(l int32) int32 {
	if l < 0 {
		return -l
	}
	return l
}

// litValue is 1 when l holds, -1 when it is false, 0 when undecided.
func (s *solver) litValue(l int32) int8 {
	if l < 0 {
		return -s.value[-l]
	}
	return s.value[l]
}

func (s *solver) curLevel() int32 { return int32(len(s.trailLim)) }

// addRule stores a rule; a unit rule is asserted at level 0. Watches are
// set once all rules are in (makeWatches).
func (s *solver) addRule(r *rule) int32 {
	id := int32(len(s.rules))
	s.rules = append(s.rules, r)
	if r.pkg > 0 {
		s.byOwner[r.pkg] = append(s.byOwner[r.pkg], id)
		if s.value[r.pkg] > 0 {
			s.armed.set(id)
		}
	} else if r.kind != kindJob {
		s.armed.set(id)
	}
	switch len(r.lits) {
	case 0:
		s.setUnsat(id)
	case 1:
		s.assertTop(r.lits[0], id)
	}
	return id
}

func newHeads(n int) []int32 {
	h := make([]int32, n)
	for i := range h {
		h[i] = -1
	}
	return h
}

// makeWatches watches the first two literals of every rule of two or
// more (but one copy of equal package rules), each literal's rules in rule
// order, as libsolv's makewatches does.
func (s *solver) makeWatches() {
	for id := int32(len(s.rules)) - 1; id >= 0; id-- {
		if r := s.rules[id]; len(r.lits) > 1 && !r.dup && !r.off {
			s.watch(id, r.lits[0], r.lits[1])
		}
	}
}

// watch makes rule id watch w1 and w2, first in their lists.
func (s *solver) watch(id, w1, w2 int32) {
	r := s.rules[id]
	r.w1, r.n1 = w1, s.heads[litIndex(w1)]
	s.heads[litIndex(w1)] = id
	r.w2, r.n2 = w2, s.heads[litIndex(w2)]
	s.heads[litIndex(w2)] = id
}

func (s *solver) setUnsat(id int32) {
	if !s.unsat {
		s.unsat, s.conflict = true, id
	}
}

// assertTop sets a literal at level 0 (rules are added before any decision).
func (s *solver) assertTop(l, id int32) {
	switch s.litValue(l) {
	case 1:
	case -1:
		if !s.unsat {
			s.assertOri = s.reason[abs(l)]
		}
		s.setUnsat(id)
	default:
		s.assign(l, id)
	}
}

func (s *solver) assign(l, reason int32) {
	v := abs(l)
	if l > 0 {
		s.value[v] = 1
		for _, id := range s.byOwner[v] {
			s.armed.set(id)
		}
	} else {
		s.value[v] = -1
	}
	s.level[v] = s.curLevel()
	s.reason[v] = reason
	s.trail = append(s.trail, l)
}

// propagate runs unit propagation; it returns a falsified rule or -1. It
// goes as libsolv's propagate goes, for libsolv's conflicts and reasons
// are what explain reports: assignments in trail order, each literal's
// watching rules in list order; a watch that moves goes to the rule's
// first literal if it can, else to the first free one of the rest, and the
// rule goes first in that literal's list.
func (s *solver) propagate() int32 {
	for s.head < len(s.trail) {
		f := -s.trail[s.head] // this literal just became false
		s.head++
		at := &s.heads[litIndex(f)]
		for *at >= 0 {
			id := *at
			r := s.rules[id]
			other, next := r.w2, &r.n1
			if f != r.w1 {
				other, next = r.w1, &r.n2
			}
			if s.litValue(other) == 1 {
				at = next
				continue
			}
			if len(r.lits) > 2 {
				if p := s.freeLiteral(r.lits, other); p != 0 {
					*at = *next // unlink; at now holds the next rule
					if f == r.w1 {
						r.w1, r.n1 = p, s.heads[litIndex(p)]
					} else {
						r.w2, r.n2 = p, s.heads[litIndex(p)]
					}
					s.heads[litIndex(p)] = id
					continue
				}
			}
			if s.litValue(other) == -1 {
				return id
			}
			s.assign(other, id)
			at = next
		}
	}
	return -1
}

// freeLiteral returns a literal of lits other than other that is not
// false: the first one if it can, else the first of the rest; 0 if none.
func (s *solver) freeLiteral(lits []int32, other int32) int32 {
	for _, l := range lits {
		if l != other && s.litValue(l) != -1 {
			return l
		}
	}
	return 0
}

// decide opens a level installing v (chosen by rule why); on a conflict it
// learns, backjumps and re-propagates. It returns false when the conflict
// is at level 0 (no solution) and reports whether it backjumped.
func (s *solver) decide(v, why int32) (ok, backjumped bool) {
	s.trailLim = append(s.trailLim, len(s.trail))
	s.assign(v, -1)
	s.why[v] = why
	c := s.propagate()
	for c >= 0 {
		backjumped = true
		if s.curLevel() == 0 {
			s.setUnsat(c)
			return false, true
		}
		learnt, why, bj := s.analyze(c)
		if trace != nil {
			trace("conflict in rule %d %s, learnt %v, back to level %d", c, s.ruleString(c), s.litNames(learnt), bj)
		}
		s.backjump(bj)
		id := int32(len(s.rules))
		if len(s.learnt) == 0 {
			s.firstLearnt = id
		}
		s.rules = append(s.rules, &rule{lits: learnt, kind: kindLearnt})
		s.learnt = append(s.learnt, why)
		s.armed.set(id)
		if len(learnt) > 1 {
			s.watch(id, learnt[0], s.highest(learnt[1:]))
		}
		s.assign(learnt[0], id)
		c = s.propagate()
	}
	return true, backjumped
}

// learntWhy is what a learnt rule was derived from: the rules resolved at
// the conflict's level, in order, and the variables of level 0 they held
// (whose reasons explain adds, as libsolv's analyze does at once).
type learntWhy struct {
	rules []int32
	top   []int32
}

// analyze derives a first-UIP clause from conflict rule c; it returns the
// clause (asserting literal first, then the others in the order met, as
// libsolv keeps them), what it was derived from and the level to jump
// back to.
func (s *solver) analyze(c int32) ([]int32, learntWhy, int32) {
	seen := map[int32]bool{}
	learnt := []int32{0}
	var why learntWhy
	counter := 0
	var p int32
	idx := len(s.trail) - 1
	for {
		why.rules = append(why.rules, c)
		for _, q := range s.rules[c].lits {
			v := abs(q)
			if (p != 0 && q == p) || seen[v] {
				continue
			}
			if s.level[v] == 0 {
				seen[v] = true
				why.top = append(why.top, v)
				continue
			}
			seen[v] = true
			if s.level[v] == s.curLevel() {
				counter++
			} else {
				learnt = append(learnt, q)
			}
		}
		for !seen[abs(s.trail[idx])] {
			idx--
		}
		p = s.trail[idx]
		idx--
		counter--
		if counter == 0 {
			break
		}
		c = s.reason[abs(p)]
	}
	learnt[0] = -p
	return learnt, why, s.level[abs(s.highest(learnt[1:]))]
}

// highest returns the first of lits with the highest level (libsolv's
// watch2onhighest), 0 for none.
func (s *solver) highest(lits []int32) int32 {
	best := int32(0)
	for _, l := range lits {
		if best == 0 || s.level[abs(l)] > s.level[abs(best)] {
			best = l
		}
	}
	return best
}

// backjump undoes every assignment above level lvl.
func (s *solver) backjump(lvl int32) {
	if lvl >= s.curLevel() {
		return
	}
	start := s.trailLim[lvl]
	for _, l := range s.trail[start:] {
		v := abs(l)
		if l > 0 {
			for _, id := range s.byOwner[v] {
				s.armed.clear(id)
			}
		}
		s.value[v], s.level[v], s.reason[v], s.why[v] = 0, 0, 0, 0
	}
	s.trail = s.trail[:start]
	s.trailLim = s.trailLim[:lvl]
	s.head = start
	if s.recIdx > start {
		s.recIdx, s.recd = 0, map[int32]bool{}
	}
	j := 0
	for _, b := range s.branches {
		if b.level <= lvl {
			s.branches[j] = b
			j++
		}
	}
	s.branches = s.branches[:j]
}

// bitset is a growable set of rule ids.
type bitset []uint64

func (b *bitset) set(i int32) {
	for int(i>>6) >= len(*b) {
		*b = append(*b, 0)
	}
	(*b)[i>>6] |= 1 << (i & 63)
}

func (b bitset) clear(i int32) {
	if int(i>>6) < len(b) {
		b[i>>6] &^= 1 << (i & 63)
	}
}

// next returns the smallest member >= i, or -1.
func (b bitset) next(i int) int {
	w := i >> 6
	if w >= len(b) {
		return -1
	}
	word := b[w] >> (uint(i) & 63)
	if word != 0 {
		return i + bits.TrailingZeros64(word)
	}
	for w++; w < len(b); w++ {
		if b[w] != 0 {
			return w<<6 + bits.TrailingZeros64(b[w])
		}
	}
	return -1
}
