package eval

import (
	"go.starlark.net/syntax"
)

// guardFile rewrites a parsed file so that every operation that can make a
// large value in a single interpreter step goes through a guard builtin
// that checks the result's size against the memory bound before anything
// is allocated (see memory.go):
//
//   - x + y, x * y, x % y become calls of the predeclared "+", "*" and "%";
//   - x += y, x *= y, x %= y become x = "+="(x, y) (in place for a list, as
//     Starlark's +=), or for a[i] / a.f targets one call of "[]+=" / ".+="
//     that evaluates a and i once, as Starlark does;
//   - x.join, .format, .replace, .split, .rsplit, .splitlines, .extend and
//     .update become "."(x, "name"), which returns the method wrapped.
//
// The names cannot be written in Starlark source, so configurations
// cannot reach or shadow them. Positions are kept: a guard's error is
// reported at the operator or the method's name.
func guardFile(f *syntax.File) {
	g := guarder{}
	f.Stmts = g.stmts(f.Stmts)
}

type guarder struct{}

// guardedMethods are the methods whose result can be far larger than
// their receiver and arguments.
var guardedMethods = map[string]bool{
	"join": true, "format": true, "replace": true, "split": true, "rsplit": true,
	"splitlines": true, "extend": true, "update": true,
}

// guardedOps maps operators to their guard builtins' names.
var guardedOps = map[syntax.Token]string{syntax.PLUS: "+", syntax.STAR: "*", syntax.PERCENT: "%"}

// augOps maps augmented assignments to the binary operator they apply.
var augOps = map[syntax.Token]syntax.Token{syntax.PLUS_EQ: syntax.PLUS, syntax.STAR_EQ: syntax.STAR, syntax.PERCENT_EQ: syntax.PERCENT}

func call(name string, pos syntax.Position, args ...syntax.Expr) *syntax.CallExpr {
	return &syntax.CallExpr{Fn: &syntax.Ident{NamePos: pos, Name: name}, Lparen: pos, Args: args, Rparen: pos}
}

func str(s string, pos syntax.Position) *syntax.Literal {
	return &syntax.Literal{Token: syntax.STRING, TokenPos: pos, Raw: `"` + s + `"`, Value: s}
}

func (g guarder) stmts(list []syntax.Stmt) []syntax.Stmt {
	for i, s := range list {
		list[i] = g.stmt(s)
	}
	return list
}

func (g guarder) stmt(s syntax.Stmt) syntax.Stmt {
	switch s := s.(type) {
	case *syntax.AssignStmt:
		return g.assign(s)
	case *syntax.DefStmt:
		g.params(s.Params)
		s.Body = g.stmts(s.Body)
	case *syntax.ExprStmt:
		s.X = g.expr(s.X)
	case *syntax.IfStmt:
		s.Cond = g.expr(s.Cond)
		s.True = g.stmts(s.True)
		s.False = g.stmts(s.False)
	case *syntax.ForStmt:
		s.Vars = g.target(s.Vars)
		s.X = g.expr(s.X)
		s.Body = g.stmts(s.Body)
	case *syntax.WhileStmt:
		s.Cond = g.expr(s.Cond)
		s.Body = g.stmts(s.Body)
	case *syntax.ReturnStmt:
		if s.Result != nil {
			s.Result = g.expr(s.Result)
		}
	}
	return s
}

func (g guarder) assign(s *syntax.AssignStmt) syntax.Stmt {
	op, aug := augOps[s.Op]
	if !aug {
		s.LHS = g.target(s.LHS)
		s.RHS = g.expr(s.RHS)
		return s
	}
	name := guardedOps[op] + "="
	rhs := g.expr(s.RHS)
	switch lhs := s.LHS.(type) {
	case *syntax.IndexExpr:
		return &syntax.ExprStmt{X: call("[]"+name, s.OpPos, g.expr(lhs.X), g.expr(lhs.Y), rhs)}
	case *syntax.DotExpr:
		return &syntax.ExprStmt{X: call("."+name, s.OpPos, g.expr(lhs.X), str(lhs.Name.Name, lhs.NamePos), rhs)}
	case *syntax.Ident:
		use := &syntax.Ident{NamePos: lhs.NamePos, Name: lhs.Name}
		return &syntax.AssignStmt{OpPos: s.OpPos, Op: syntax.EQ, LHS: lhs, RHS: call(name, s.OpPos, use, rhs)}
	}
	// Anything else is an error the resolver reports; leave it as it is.
	s.RHS = rhs
	return s
}

// target rewrites the expressions inside an assignment target, keeping
// the target's own form.
func (g guarder) target(e syntax.Expr) syntax.Expr {
	switch e := e.(type) {
	case *syntax.IndexExpr:
		e.X, e.Y = g.expr(e.X), g.expr(e.Y)
	case *syntax.DotExpr:
		e.X = g.expr(e.X)
	case *syntax.TupleExpr:
		for i, x := range e.List {
			e.List[i] = g.target(x)
		}
	case *syntax.ListExpr:
		for i, x := range e.List {
			e.List[i] = g.target(x)
		}
	case *syntax.ParenExpr:
		e.X = g.target(e.X)
	}
	return e
}

// params rewrites default values (name=expr) of a def or lambda.
func (g guarder) params(params []syntax.Expr) {
	for _, p := range params {
		if b, ok := p.(*syntax.BinaryExpr); ok && b.Op == syntax.EQ {
			b.Y = g.expr(b.Y)
		}
	}
}

// args rewrites call arguments: expr, name=expr, *expr, **expr.
func (g guarder) args(args []syntax.Expr) {
	for i, a := range args {
		switch a := a.(type) {
		case *syntax.BinaryExpr:
			if a.Op == syntax.EQ {
				a.Y = g.expr(a.Y)
				continue
			}
		case *syntax.UnaryExpr:
			if a.Op == syntax.STAR || a.Op == syntax.STARSTAR {
				a.X = g.expr(a.X)
				continue
			}
		}
		args[i] = g.expr(a)
	}
}

func (g guarder) expr(e syntax.Expr) syntax.Expr {
	switch e := e.(type) {
	case *syntax.BinaryExpr:
		e.X, e.Y = g.expr(e.X), g.expr(e.Y)
		if name, ok := guardedOps[e.Op]; ok {
			return call(name, e.OpPos, e.X, e.Y)
		}
	case *syntax.UnaryExpr:
		if e.X != nil {
			e.X = g.expr(e.X)
		}
	case *syntax.CallExpr:
		e.Fn = g.expr(e.Fn)
		g.args(e.Args)
	case *syntax.DotExpr:
		e.X = g.expr(e.X)
		if guardedMethods[e.Name.Name] {
			return call(".", e.NamePos, e.X, str(e.Name.Name, e.NamePos))
		}
	case *syntax.IndexExpr:
		e.X, e.Y = g.expr(e.X), g.expr(e.Y)
	case *syntax.SliceExpr:
		e.X = g.expr(e.X)
		for _, p := range []*syntax.Expr{&e.Lo, &e.Hi, &e.Step} {
			if *p != nil {
				*p = g.expr(*p)
			}
		}
	case *syntax.ParenExpr:
		e.X = g.expr(e.X)
	case *syntax.ListExpr:
		g.list(e.List)
	case *syntax.TupleExpr:
		g.list(e.List)
	case *syntax.DictExpr:
		g.list(e.List)
	case *syntax.DictEntry: // in a dict literal or comprehension
		e.Key, e.Value = g.expr(e.Key), g.expr(e.Value)
	case *syntax.CondExpr:
		e.Cond, e.True, e.False = g.expr(e.Cond), g.expr(e.True), g.expr(e.False)
	case *syntax.LambdaExpr:
		g.params(e.Params)
		e.Body = g.expr(e.Body)
	case *syntax.Comprehension:
		e.Body = g.expr(e.Body)
		for _, c := range e.Clauses {
			switch c := c.(type) {
			case *syntax.ForClause:
				c.Vars = g.target(c.Vars)
				c.X = g.expr(c.X)
			case *syntax.IfClause:
				c.Cond = g.expr(c.Cond)
			}
		}
	}
	return e
}

func (g guarder) list(l []syntax.Expr) {
	for i, x := range l {
		l[i] = g.expr(x)
	}
}
