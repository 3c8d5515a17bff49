package rpmsig

import (
	"errors"
	"fmt"

	"github.com/disco-build/disco/stages/rpm"
)

// checkHeaderDigests compares the signature header's digests of the main
// header (SHA256HEADER, SHA3_256HEADER; SHA1HEADER when neither is there)
// with its bytes.
func (res *Result) checkHeaderDigests(name string, pkg *rpm.Package) error {
	ok, err := pkg.VerifyHeader()
	res.addDigests(ok)
	return digestErr(name, err)
}

// checkPayload reads the payload once to compare its digests (PAYLOADSHA256
// and rpm 6's PAYLOADSHA512 and PAYLOADSHA3_256; rpm 3's MD5 of header and
// payload when nothing stronger is there).
func (res *Result) checkPayload(name string, pkg *rpm.Package) error {
	ok, err := pkg.VerifyPayload()
	res.addDigests(ok)
	return digestErr(name, err)
}

func (res *Result) addDigests(ds []rpm.Digest) {
	for _, d := range ds {
		res.Digests = append(res.Digests, d.Name)
	}
}

// digestErr turns a mismatch into an *Error of kind ErrBadDigest.
func digestErr(name string, err error) error {
	var de *rpm.DigestError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &de):
		return failf(name, ErrBadDigest, "", "%s: %s has %s, expected %s", de.Digest.Name, de.Digest.Range, de.Got, de.Digest.Want)
	}
	return fmt.Errorf("verify %s: %w", name, err)
}
