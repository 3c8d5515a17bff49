package eval

import (
	"errors"
	"strings"

	"github.com/disco-build/disco/builtins"
	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Error is an evaluation failure: where and what, and for failures inside
// Starlark code the backtrace.
type Error struct {
	Pos       plan.Pos
	Msg       string
	Backtrace string
}

func (e *Error) Error() string {
	line := e.Pos.String() + ": " + e.Msg
	if e.Backtrace == "" {
		return line
	}
	return line + "\n" + strings.TrimRight(e.Backtrace, "\n")
}

// convert turns what go.starlark.net returns into an *Error (or a joined
// list of them for several resolve errors).
func convert(err error) error {
	var already *Error
	if errors.As(err, &already) && !isEval(err) {
		return already
	}
	var serr syntax.Error
	if errors.As(err, &serr) {
		return &Error{Pos: syntaxPos(serr.Pos), Msg: serr.Msg}
	}
	var rerrs resolve.ErrorList
	if errors.As(err, &rerrs) {
		out := make([]error, len(rerrs))
		for i, r := range rerrs {
			out[i] = &Error{Pos: syntaxPos(r.Pos), Msg: r.Msg}
		}
		return errors.Join(out...)
	}
	if ev := deepestEval(err); ev != nil {
		return fromEval(ev)
	}
	return err
}

func isEval(err error) bool {
	var ev *starlark.EvalError
	return errors.As(err, &ev)
}

// deepestEval follows the chain of causes to the innermost EvalError: a
// failure in a loaded module or a generator is reported where it happened.
func deepestEval(err error) *starlark.EvalError {
	var found *starlark.EvalError
	for e := err; e != nil; e = errors.Unwrap(e) {
		if ev, ok := e.(*starlark.EvalError); ok {
			found = ev
		}
	}
	return found
}

func fromEval(ev *starlark.EvalError) error {
	cause := errors.Unwrap(ev)
	var inner *Error
	if errors.As(cause, &inner) {
		return inner
	}
	var perr *plan.Error
	if errors.As(cause, &perr) {
		return &Error{Pos: perr.Pos, Msg: perr.Msg}
	}
	pos := framePos(ev.CallStack)
	var aerr *builtins.ArgError
	if errors.As(cause, &aerr) {
		return &Error{Pos: pos, Msg: ev.Msg}
	}
	return &Error{Pos: pos, Msg: ev.Msg, Backtrace: ev.Backtrace()}
}

// framePos is the position of the innermost frame that is in a file.
func framePos(stack starlark.CallStack) plan.Pos {
	for i := len(stack) - 1; i >= 0; i-- {
		if p := stack[i].Pos; p.Filename() != "<builtin>" && p.IsValid() {
			return syntaxPos(p)
		}
	}
	return plan.Pos{}
}

func syntaxPos(p syntax.Position) plan.Pos {
	return plan.Pos{File: p.Filename(), Line: int(p.Line), Col: int(p.Col)}
}
