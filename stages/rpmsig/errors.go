package rpmsig

import (
	"errors"
	"fmt"
)

// The kinds of verification failure. Every error from this package about a
// signature or digest is an *Error wrapping exactly one of them.
var (
	// ErrUnsigned: no OpenPGP signature to check (a package without
	// signature tags; a repomd.xml without .asc is the caller's to report).
	ErrUnsigned = errors.New("not signed")
	// ErrBadSignature: a signature by a known key does not match the data.
	ErrBadSignature = errors.New("bad signature")
	// ErrUnknownKey: the signing key is not in the keyring.
	ErrUnknownKey = errors.New("signed with a key not in the keyring")
	// ErrBadDigest: a header or payload digest does not match the bytes.
	ErrBadDigest = errors.New("digest mismatch")
	// ErrExpiredKey: the signing key, or the signature, has expired.
	ErrExpiredKey = errors.New("key or signature expired")
	// ErrRevokedKey: the signing key has been revoked.
	ErrRevokedKey = errors.New("key revoked")
)

// Error is a verification failure of one file.
type Error struct {
	File   string // the package or metadata file, as the caller named it
	Kind   error  // one of the Err* sentinels above
	KeyID  string // the signing key id (16 hex digits), when known
	Detail string // what exactly failed, e.g. the tag and digests compared
	Err    error  // the underlying error, if any
}

func (e *Error) Error() string {
	s := e.File + ": " + e.Kind.Error()
	if e.KeyID != "" {
		s += " (key " + e.KeyID + ")"
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap lets errors.Is match both the kind and the underlying error.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

func failf(file string, kind error, keyID string, format string, args ...any) *Error {
	return &Error{File: file, Kind: kind, KeyID: keyID, Detail: fmt.Sprintf(format, args...)}
}
