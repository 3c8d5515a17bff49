package apt

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"time"
)

// Repository is one apt source: a suite of an archive, reached through one
// or more base URLs (mirrors of each other), and what its Release file may
// be signed with.
type Repository struct {
	// Name names the repository in messages (a definition's apt_repo name).
	Name string
	// URIs are base URLs ("http://deb.debian.org/debian", "file:///srv/
	// mirror", a plain path), tried in order.
	URIs []string
	// Suite is the distribution ("bookworm", "bookworm-security"); its
	// Release file is at dists/<Suite>/.
	Suite string
	// Keyring holds the keys of Signed-By: only these may sign.
	Keyring *Keyring
	// AllowUnsigned accepts a repository with no signature at all (apt's
	// allow-insecure=yes); a signature that is present must still verify.
	AllowUnsigned bool
	// Trusted skips the signature check altogether (apt's trusted=yes).
	Trusted bool
	// AllowExpired accepts a Release file past its Valid-Until (apt's
	// check-valid-until=no).
	AllowExpired bool
	// AllowWeak accepts a Release file with only MD5 and SHA-1 digests of
	// its indexes (apt's allow-weak=yes).
	AllowWeak bool
}

// Suite is a repository's Release file, fetched and verified.
type Suite struct {
	Repo    Repository
	Release *Release
	// Base is the base URL that served the Release file.
	Base string
	// File is the path of the Release file used: dists/<suite>/InRelease
	// or dists/<suite>/Release.
	File string
	// SHA256 is the digest of that file as fetched (what a lock pins).
	SHA256 string
	// Signatures are the signatures found and their verdicts (nil when
	// unsigned or Trusted).
	Signatures []Signature
}

// OpenSuite fetches and verifies a repository's Release file at now, as apt
// update does: InRelease, or, when the server has none, Release and
// Release.gpg; signed by a key of the repository's keyring (one good
// signature, no bad one); not expired and not from the future; with strong
// digests of its indexes. Each failure names the repository and the reason.
// With several URIs, each is tried in turn until one serves a Release
// file; a verification failure is not retried on another mirror.
func OpenSuite(ctx context.Context, r Repository, f Fetcher, now time.Time) (*Suite, error) {
	if len(r.URIs) == 0 || r.Suite == "" {
		return nil, r.errorf("", fmt.Errorf("no URI or no suite"))
	}
	var errs []error
	for _, base := range r.URIs {
		s, err := openSuite(ctx, r, f, base, now)
		if err == nil {
			return s, nil
		}
		var fetchErr *fetchError
		if !errors.As(err, &fetchErr) {
			return nil, r.errorf(base, err)
		}
		errs = append(errs, r.errorf(base, fetchErr.err))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// fetchError marks a failure to download, which another mirror may not
// have.
type fetchError struct{ err error }

func (e *fetchError) Error() string { return e.err.Error() }
func (e *fetchError) Unwrap() error { return e.err }

func (r Repository) errorf(base string, err error) error {
	where := base + " " + r.Suite
	if base == "" {
		where = r.Suite
	}
	return fmt.Errorf("apt repository %s (%s): %w", r.Name, where, err)
}

func openSuite(ctx context.Context, r Repository, f Fetcher, base string, now time.Time) (*Suite, error) {
	dir := "dists/" + r.Suite + "/"
	s := &Suite{Repo: r, Base: base, File: dir + "InRelease"}
	raw, err := f.Get(ctx, base, s.File)
	var text string
	switch {
	case err == nil:
		text, err = s.verifyInRelease(raw, now)
	case errors.Is(err, fs.ErrNotExist):
		s.File = dir + "Release"
		raw, text, err = s.detached(ctx, f, now)
	default:
		return nil, &fetchError{err}
	}
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	s.SHA256 = hex.EncodeToString(sum[:])
	if s.Release, err = ParseRelease(text, s.File); err != nil {
		return nil, err
	}
	if !s.Release.StrongHashes && !r.AllowWeak && !r.Trusted {
		return nil, fmt.Errorf("%s: %w: no SHA256 or SHA512 digests of its indexes", s.File, ErrWeak)
	}
	if err := s.Release.checkTimes(s.File, now, r.AllowExpired); err != nil {
		return nil, err
	}
	return s, nil
}

// verifyInRelease checks a clearsigned InRelease and returns its text.
func (s *Suite) verifyInRelease(raw []byte, now time.Time) (string, error) {
	cs, err := splitClearsigned(s.File, string(raw))
	switch {
	case errors.Is(err, errNotClearsigned):
		if s.Repo.AllowUnsigned || s.Repo.Trusted {
			return string(raw), nil
		}
		return "", &VerifyError{File: s.File, Kind: ErrUnsigned}
	case err != nil:
		return "", err
	case s.Repo.Trusted:
		return cs.text, nil
	}
	if s.Repo.Keyring.Len() == 0 {
		return "", fmt.Errorf("%s: signed, but the repository has no keyring to check it with", s.File)
	}
	s.Signatures, err = s.Repo.Keyring.verifySignatures(s.File, cs.signed, cs.signatures, nil, now)
	return cs.text, err
}

// detached fetches Release and Release.gpg and checks the signature.
func (s *Suite) detached(ctx context.Context, f Fetcher, now time.Time) ([]byte, string, error) {
	raw, err := f.Get(ctx, s.Base, s.File)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("neither InRelease nor Release: %w", err)
		}
		return nil, "", &fetchError{err}
	}
	sig, err := f.Get(ctx, s.Base, s.File+".gpg")
	switch {
	case s.Repo.Trusted:
		return raw, string(raw), nil
	case errors.Is(err, fs.ErrNotExist):
		if s.Repo.AllowUnsigned {
			return raw, string(raw), nil
		}
		return nil, "", &VerifyError{File: s.File, Kind: ErrUnsigned}
	case err != nil:
		return nil, "", &fetchError{err}
	}
	if s.Repo.Keyring.Len() == 0 {
		return nil, "", fmt.Errorf("%s: signed, but the repository has no keyring to check it with", s.File)
	}
	var armored string
	var binary []byte
	if len(sig) > 0 && sig[0]&0x80 != 0 {
		binary = sig
	} else {
		armored = string(sig)
	}
	s.Signatures, err = s.Repo.Keyring.verifySignatures(s.File+".gpg", raw, armored, binary, now)
	return raw, string(raw), err
}
