package fetch

import "errors"

// permanentError marks a failure that retrying the same URL cannot fix
// (the next URL may); finalError one that no URL can fix.
type permanentError struct{ err error }
type finalError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }
func (e finalError) Error() string     { return e.err.Error() }
func (e finalError) Unwrap() error     { return e.err }

func permanent(err error) error { return permanentError{err} }
func final(err error) error     { return finalError{err} }

func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p) || isFinal(err)
}

func isFinal(err error) bool {
	var f finalError
	return errors.As(err, &f)
}
