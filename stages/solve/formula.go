package solve

import (
	"fmt"

	"github.com/disco-build/disco/stages/rpmver"
)

// form is a boolean formula over package literals in negation normal
// form: a literal, or an and/or of sub-formulas (an empty and is true, an
// empty or is false).
type form struct {
	op   byte // 'l', '&', '|'
	lit  int32
	kids []*form
}

func orOf(vs []int32, neg bool) *form {
	f := &form{op: '|'}
	if neg {
		f.op = '&'
	}
	for _, v := range vs {
		l := v
		if neg {
			l = -v
		}
		f.kids = append(f.kids, &form{op: 'l', lit: l})
	}
	return f
}

func and(k ...*form) *form { return &form{op: '&', kids: k} }
func or(k ...*form) *form  { return &form{op: '|', kids: k} }

// richForm turns a rich dependency into a formula meaning "the dependency
// is satisfied" (or, with neg, "it is not"), as libsolv reads the
// operators: A if B = A or not B; A unless B = A or B; with/without match
// one package against both sides.
func (pl *pool) richForm(r *rpmver.Rich, neg bool) (*form, error) {
	a := func(i int, n bool) (*form, error) { return pl.richForm(r.Args[i], n) }
	switch r.Op {
	case rpmver.OpLeaf:
		return orOf(pl.whatProvides(r.Dep), neg), nil
	case rpmver.OpWith, rpmver.OpWithout:
		set, err := pl.richSet(r)
		return orOf(set, neg), err
	case rpmver.OpAnd, rpmver.OpOr:
		f := &form{op: '&'}
		if (r.Op == rpmver.OpOr) != neg {
			f.op = '|'
		}
		for i := range r.Args {
			k, err := a(i, neg)
			if err != nil {
				return nil, err
			}
			f.kids = append(f.kids, k)
		}
		return f, nil
	}
	// if / unless, with an optional else, as libsolv (cplxdeps.c) reads
	// them: A if B = A or not B; A if B else C = (A or not B) and (C or B);
	// A unless B = A and not B; A unless B else C = (A and not B) or (C and B).
	A, err := a(0, false)
	if err != nil {
		return nil, err
	}
	nA, _ := a(0, true)
	B, err := a(1, false)
	if err != nil {
		return nil, err
	}
	nB, _ := a(1, true)
	var C, nC *form
	if len(r.Args) == 3 {
		if C, err = a(2, false); err != nil {
			return nil, err
		}
		nC, _ = a(2, true)
	}
	switch {
	case r.Op == rpmver.OpIf && C == nil:
		if neg {
			return and(nA, B), nil
		}
		return or(A, nB), nil
	case r.Op == rpmver.OpIf:
		if neg {
			return or(and(nA, B), and(nC, nB)), nil
		}
		return and(or(A, nB), or(C, B)), nil
	case C == nil: // unless
		if neg {
			return or(nA, B), nil
		}
		return and(A, nB), nil
	}
	if neg {
		return and(or(nA, B), or(nC, nB)), nil
	}
	return or(and(A, nB), and(C, B)), nil
}

// richSet computes the providers of a with/without expression.
func (pl *pool) richSet(r *rpmver.Rich) ([]int32, error) {
	if r.Op == rpmver.OpLeaf {
		return pl.whatProvides(r.Dep), nil
	}
	if r.Op != rpmver.OpWith && r.Op != rpmver.OpWithout && r.Op != rpmver.OpOr {
		return nil, fmt.Errorf("solve: %q cannot be an operand of with/without", r)
	}
	acc, err := pl.richSet(r.Args[0])
	if err != nil {
		return nil, err
	}
	for _, k := range r.Args[1:] {
		s, err := pl.richSet(k)
		if err != nil {
			return nil, err
		}
		in := map[int32]bool{}
		for _, v := range s {
			in[v] = true
		}
		var next []int32
		switch r.Op {
		case rpmver.OpOr:
			next = sortUnique(append(append([]int32{}, acc...), s...))
		default:
			for _, v := range acc {
				if in[v] == (r.Op == rpmver.OpWith) {
					next = append(next, v)
				}
			}
		}
		acc = next
	}
	return acc, nil
}

const maxClauses = 4096

// cnf converts f to clauses (each a disjunction); nil means true, and a
// clause list holding an empty clause means false. Like libsolv's
// normalize_dep, a false operand makes an and false at once and drops out
// of an or, so that no clause subsumed by another is made (libsolv would
// not have that rule, and a rule more changes how propagation goes).
func cnf(f *form) ([][]int32, error) {
	switch f.op {
	case 'l':
		return [][]int32{{f.lit}}, nil
	case '&':
		var out [][]int32
		for _, k := range f.kids {
			c, err := cnf(k)
			if err != nil {
				return nil, err
			}
			if isFalse(c) {
				return [][]int32{{}}, nil
			}
			out = append(out, c...)
			if len(out) > maxClauses {
				return nil, fmt.Errorf("solve: rich dependency expands to more than %d clauses", maxClauses)
			}
		}
		return out, nil
	}
	acc := [][]int32{{}} // false
	for _, k := range f.kids {
		c, err := cnf(k)
		if err != nil {
			return nil, err
		}
		if len(c) == 0 {
			return nil, nil // a true disjunct
		}
		if isFalse(c) {
			continue // a false one
		}
		var next [][]int32
		for _, x := range acc {
			for _, y := range c {
				if m, ok := mergeClause(x, y); ok {
					next = append(next, m)
				}
			}
		}
		if len(next) > maxClauses {
			return nil, fmt.Errorf("solve: rich dependency expands to more than %d clauses", maxClauses)
		}
		if len(next) == 0 {
			return nil, nil // every combination was a tautology
		}
		acc = next
	}
	return acc, nil
}

// isFalse reports whether clauses (from cnf) hold an empty clause.
func isFalse(clauses [][]int32) bool {
	for _, c := range clauses {
		if len(c) == 0 {
			return true
		}
	}
	return false
}

// mergeClause joins two clauses, reporting false for a tautology.
func mergeClause(a, b []int32) ([]int32, bool) {
	out := append([]int32{}, a...)
	for _, l := range b {
		dup := false
		for _, m := range out {
			if m == -l {
				return nil, false
			}
			if m == l {
				dup = true
			}
		}
		if !dup {
			out = append(out, l)
		}
	}
	return out, true
}

// evalRich evaluates a rich dependency against the installed set.
func (pl *pool) evalRich(r *rpmver.Rich, inst func(int32) bool) bool {
	any := func(vs []int32) bool {
		for _, v := range vs {
			if inst(v) {
				return true
			}
		}
		return false
	}
	switch r.Op {
	case rpmver.OpLeaf:
		return any(pl.whatProvides(r.Dep))
	case rpmver.OpWith, rpmver.OpWithout:
		s, err := pl.richSet(r)
		return err == nil && any(s)
	case rpmver.OpAnd:
		for _, k := range r.Args {
			if !pl.evalRich(k, inst) {
				return false
			}
		}
		return true
	case rpmver.OpOr:
		for _, k := range r.Args {
			if pl.evalRich(k, inst) {
				return true
			}
		}
		return false
	}
	b := pl.evalRich(r.Args[1], inst)
	hasElse := len(r.Args) == 3
	if r.Op == rpmver.OpUnless {
		if !b {
			return pl.evalRich(r.Args[0], inst)
		}
		return hasElse && pl.evalRich(r.Args[2], inst)
	}
	if b {
		return pl.evalRich(r.Args[0], inst)
	}
	return !hasElse || pl.evalRich(r.Args[2], inst)
}
