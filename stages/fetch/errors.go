package fetch

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

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

// waitError is a retryable failure whose server asked, with Retry-After,
// to wait at least wait before the next attempt.
type waitError struct {
	err  error
	wait time.Duration
}

func (e waitError) Error() string { return e.err.Error() }
func (e waitError) Unwrap() error { return e.err }

// retryAfter attaches a Retry-After header's delay (seconds or an HTTP
// date) to err, if there is one.
func retryAfter(err error, header string, now func() time.Time) error {
	if header == "" {
		return err
	}
	if secs, perr := strconv.Atoi(header); perr == nil && secs >= 0 {
		return waitError{err, time.Duration(secs) * time.Second}
	}
	if at, perr := http.ParseTime(header); perr == nil {
		return waitError{err, max(at.Sub(now()), 0)}
	}
	return err
}

// serverWait returns the delay the server asked for, or 0.
func serverWait(err error) time.Duration {
	var w waitError
	if errors.As(err, &w) {
		return w.wait
	}
	return 0
}
