package builtins

import (
	"fmt"

	"github.com/disco-build/disco/runtime/plan"
)

// Error is a configuration error raised by a builtin: wrong or missing
// arguments, bad values. Evaluation reports it as one positioned line,
// without a Starlark backtrace.
type Error = plan.Error

// ArgError marks an error a builtin raised about its arguments, so that the
// evaluator prints it on one line rather than with a backtrace.
type ArgError struct{ Err error }

func (e *ArgError) Error() string { return e.Err.Error() }
func (e *ArgError) Unwrap() error { return e.Err }

func argErrorf(format string, args ...any) error {
	return &ArgError{Err: fmt.Errorf(format, args...)}
}

func argError(err error) error {
	if err == nil {
		return nil
	}
	return &ArgError{Err: err}
}
