package rpmver

import (
	"fmt"
	"strings"
)

// RichOp is the operator of a rich (boolean) dependency node.
type RichOp uint8

// The rich dependency operators, as rpm 4.14+ spells them.
const (
	OpLeaf    RichOp = iota // a plain dependency: Rich.Dep
	OpAnd                   // all Args
	OpOr                    // any of Args
	OpIf                    // Args[0] if Args[1] [else Args[2]]
	OpUnless                // Args[0] unless Args[1] [else Args[2]]
	OpWith                  // one package satisfying every Arg
	OpWithout               // a package satisfying Args[0] but not Args[1]
)

var opNames = map[string]RichOp{
	"and": OpAnd, "or": OpOr, "if": OpIf, "unless": OpUnless,
	"with": OpWith, "without": OpWithout,
}

// String returns the operator's keyword.
func (o RichOp) String() string {
	for k, v := range opNames {
		if v == o {
			return k
		}
	}
	return "leaf"
}

// Rich is a parsed rich dependency: a leaf Dep or an operator over Args.
type Rich struct {
	Op   RichOp
	Dep  Dep     // for OpLeaf
	Args []*Rich // operands; for if/unless a third one is the else branch
}

// String writes the expression back in rpm's canonical form.
func (r *Rich) String() string {
	if r.Op == OpLeaf {
		return r.Dep.String()
	}
	parts := make([]string, 0, 2*len(r.Args))
	for i, a := range r.Args {
		if i > 0 {
			op := r.Op.String()
			if i == 2 && (r.Op == OpIf || r.Op == OpUnless) {
				op = "else"
			}
			parts = append(parts, op)
		}
		s := a.String()
		parts = append(parts, s)
	}
	return "(" + strings.Join(parts, " ") + ")"
}

// ParseRich parses a rich dependency such as
// "(foo >= 1.2 or (bar if baz else qux))" with rpm's rules (lib/rpmds.c
// rpmrichParse): every operator expression is parenthesised, and/or/with
// chain only with themselves, if/unless take one optional else, without
// takes exactly two operands. Leaf names may contain balanced parentheses
// ("libc.so.6(GLIBC_2.34)(64bit)").
func ParseRich(s string) (*Rich, error) {
	p := &richParser{s: s}
	r, err := p.group()
	if err != nil {
		return nil, fmt.Errorf("rpmver: rich dependency %q: %w", s, err)
	}
	p.space()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("rpmver: rich dependency %q: trailing text at offset %d", s, p.i)
	}
	return r, nil
}

type richParser struct {
	s string
	i int
}

func (p *richParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// group parses "( operand [op operand]... )".
func (p *richParser) group() (*Rich, error) {
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '(' {
		return nil, fmt.Errorf("expected '(' at offset %d", p.i)
	}
	p.i++
	first, err := p.operand()
	if err != nil {
		return nil, err
	}
	node := &Rich{Op: OpLeaf, Args: []*Rich{first}}
	for {
		p.space()
		if p.i >= len(p.s) {
			return nil, fmt.Errorf("missing ')'")
		}
		if p.s[p.i] == ')' {
			p.i++
			break
		}
		word := p.word()
		if err := node.addOp(word, p.i); err != nil {
			return nil, err
		}
		arg, err := p.operand()
		if err != nil {
			return nil, err
		}
		node.Args = append(node.Args, arg)
	}
	if node.Op == OpLeaf {
		return first, nil // "(foo)" is just foo
	}
	if node.Op == OpWithout && len(node.Args) != 2 {
		return nil, fmt.Errorf("'without' takes two operands")
	}
	return node, nil
}

// addOp checks the operator word against the node's operator so far.
func (r *Rich) addOp(word string, at int) error {
	if word == "else" {
		if (r.Op == OpIf || r.Op == OpUnless) && len(r.Args) == 2 {
			return nil
		}
		return fmt.Errorf("unexpected 'else' at offset %d", at)
	}
	op, ok := opNames[word]
	if !ok {
		return fmt.Errorf("unknown operator %q at offset %d", word, at)
	}
	if r.Op == OpLeaf {
		r.Op = op
		return nil
	}
	if op != r.Op || op == OpIf || op == OpUnless || op == OpWithout {
		return fmt.Errorf("cannot chain %q after %q at offset %d (add parentheses)", word, r.Op, at)
	}
	return nil
}

func (p *richParser) word() string {
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != ' ' && p.s[p.i] != '\t' && p.s[p.i] != '(' && p.s[p.i] != ')' {
		p.i++
	}
	return p.s[start:p.i]
}

// operand parses a nested group or a leaf "name [op evr]".
func (p *richParser) operand() (*Rich, error) {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '(' {
		return p.group()
	}
	name := p.name()
	if name == "" {
		return nil, fmt.Errorf("missing dependency name at offset %d", p.i)
	}
	if _, isOp := opNames[name]; isOp || name == "else" {
		return nil, fmt.Errorf("operator %q where a dependency name belongs at offset %d", name, p.i)
	}
	dep := Dep{Name: name}
	save := p.i
	p.space()
	if op := p.cmpOp(); op != "" {
		fl, err := ParseFlags(op)
		if err != nil {
			return nil, err
		}
		p.space()
		evr := p.word()
		if evr == "" {
			return nil, fmt.Errorf("missing version after %q at offset %d", op, p.i)
		}
		dep.Flags, dep.EVR = fl, ParseEVR(evr)
	} else {
		p.i = save
	}
	return &Rich{Op: OpLeaf, Dep: dep}, nil
}

// name reads a dependency name: up to a space, or a ')' that closes a
// parenthesis not opened in the name.
func (p *richParser) name() string {
	start, depth := p.i, 0
	for ; p.i < len(p.s); p.i++ {
		c := p.s[p.i]
		if c == ' ' || c == '\t' {
			break
		}
		if c == '(' {
			depth++
		} else if c == ')' {
			if depth == 0 {
				break
			}
			depth--
		}
	}
	return p.s[start:p.i]
}

func (p *richParser) cmpOp() string {
	start := p.i
	for p.i < len(p.s) && strings.IndexByte("<>=", p.s[p.i]) >= 0 {
		p.i++
	}
	return p.s[start:p.i]
}
