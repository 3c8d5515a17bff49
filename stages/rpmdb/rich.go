package rpmdb

import (
	"errors"
	"slices"
	"strings"
)

// richNames lists the names a rich dependency such as "(foo >= 1 if bar)"
// adds to a secondary index beside the whole string, as rpm's updateRichDep
// (lib/rpmdb.c) computes them: every simple dependency's name except
// rpmlib() ones, names in a negated position (the condition of if/unless)
// prefixed with "!", sorted and without duplicates. A dependency rpm cannot
// parse adds nothing.
func richNames(dep string) []string {
	r := richParser{s: dep}
	if r.group() != nil {
		return nil
	}
	slices.Sort(r.names)
	r.names = slices.Compact(r.names)
	out := make([]string, len(r.names))
	for i, n := range r.names {
		out[i] = strings.TrimPrefix(n, " ")
	}
	return out
}

// richParser follows rpm's rpmrichParseInternal and the updateRichDepCB
// callback: each collected name starts with ' ' or, negated, '!'.
type richParser struct {
	s      string
	pos    int
	names  []string
	neg    bool
	levels []int // per nesting level: where the current condition's names start
}

var errRich = errors.New("bad rich dependency")

const (
	opNone = iota
	opAnd
	opOr
	opIf
	opUnless
	opElse
	opWith
	opWithout
)

var richOps = map[string]int{"and": opAnd, "or": opOr, "if": opIf, "unless": opUnless,
	"else": opElse, "with": opWith, "without": opWithout}

func (r *richParser) peek() byte {
	if r.pos < len(r.s) {
		return r.s[r.pos]
	}
	return 0
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func (r *richParser) skipWhite() {
	for isSpace(r.peek()) {
		r.pos++
	}
}

// skipToken is rpm's SKIPNONWHITEX: a token ends at white space, a comma
// or a closing parenthesis not opened inside it.
func (r *richParser) skipToken() string {
	start, depth := r.pos, 0
	for c := r.peek(); c != 0 && !isSpace(c) && c != ','; c = r.peek() {
		if c == ')' {
			if depth <= 0 {
				break
			}
			depth--
		}
		if c == '(' {
			depth++
		}
		r.pos++
	}
	return r.s[start:r.pos]
}

// group parses one parenthesised rich dependency.
func (r *richParser) group() error {
	r.levels = append(r.levels, len(r.names))
	if r.peek() != '(' {
		return errRich
	}
	r.pos++
	op, chain := opNone, opNone
	for {
		r.skipWhite()
		if err := r.operand(); err != nil {
			return err
		}
		r.skipWhite()
		switch r.peek() {
		case 0:
			return errRich
		case ')':
			r.pos++
			r.leave(op)
			return nil
		}
		var err error
		if op, err = r.op(); err != nil {
			return err
		}
		if op == opElse && (chain == opIf || chain == opUnless) {
			chain = opNone
		}
		if chain != opNone && (op != chain || (op != opAnd && op != opOr && op != opWith)) {
			return errRich
		}
		r.applyOp(op)
		chain = op
	}
}

func (r *richParser) operand() error {
	switch r.peek() {
	case ')':
		return errRich
	case '(':
		return r.group()
	}
	return r.simple()
}

// simple parses "name [op version]" (rpm's parseSimpleDep).
func (r *richParser) simple() error {
	name := r.skipToken()
	if name == "" {
		return errRich
	}
	r.skipWhite()
	save := r.pos
	if senseOps[r.skipToken()] {
		r.skipWhite()
		if r.skipToken() == "" {
			return errRich
		}
	} else {
		r.pos = save
	}
	if !(len(name) > 7 && strings.HasPrefix(name, "rpmlib(")) {
		mark := " "
		if r.neg {
			mark = "!"
		}
		r.names = append(r.names, mark+name)
	}
	return nil
}

var senseOps = map[string]bool{"<=": true, "=<": true, "<": true, "==": true, "=": true, ">=": true, "=>": true, ">": true}

func (r *richParser) op() (int, error) {
	start := r.pos
	for c := r.peek(); c != 0 && !isSpace(c) && c != ')'; c = r.peek() {
		r.pos++
	}
	op, ok := richOps[r.s[start:r.pos]]
	if !ok {
		return 0, errRich
	}
	return op, nil
}

// applyOp is updateRichDepCB for an operator: the operand after if/unless
// is negated, and else repeats that condition's names with the sign flipped.
func (r *richParser) applyOp(op int) {
	top := len(r.levels) - 1
	switch op {
	case opIf, opUnless:
		r.levels[top] = len(r.names)
		r.neg = !r.neg
	case opElse:
		for _, n := range r.names[r.levels[top]:] {
			flip := "!"
			if n[0] == '!' {
				flip = " "
			}
			r.names = append(r.names, flip+n[1:])
		}
		r.neg = !r.neg
	}
}

func (r *richParser) leave(op int) {
	r.levels = r.levels[:len(r.levels)-1]
	if op == opIf || op == opUnless {
		r.neg = !r.neg
	}
}
