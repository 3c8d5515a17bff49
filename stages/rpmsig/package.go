package rpmsig

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/disco-build/disco/stages/rpm"
)

// rpm 6's signature header tags (include/rpm/rpmtag.h): OPENPGP is a
// string array of base64 OpenPGP signatures (v4 or v6) over the main
// header.
const sigTagOpenPGP = rpm.SigTagOpenPGP

// Result tells what VerifyPackage found and checked.
type Result struct {
	File       string
	Signatures []Signature // the signatures that verified, in the order checked
	Digests    []string    // the digests that matched: "SHA256HEADER", "PAYLOADDIGEST", ...
}

// VerifyPackageFile opens the package at path and checks it with
// VerifyPackage.
func VerifyPackageFile(path string, k *Keyring) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{File: path}, fmt.Errorf("verify %s: %w", path, err)
	}
	defer f.Close()
	return VerifyPackage(path, f, k)
}

// VerifyPackage checks the package read from r, named name in errors, as
// "rpmkeys --checksig" does, and requires at least one good signature by a
// key of k. In order: any signature by a known key that does not match
// fails with ErrBadSignature; any header or payload digest that does not
// match fails with ErrBadDigest; then a package without signatures fails
// with ErrUnsigned, and one whose signatures are all by unknown, expired
// or revoked keys with ErrUnknownKey, ErrExpiredKey or ErrRevokedKey (of
// the first signature).
func VerifyPackage(name string, r io.ReaderAt, k *Keyring) (Result, error) {
	res := Result{File: name}
	pkg, err := rpm.Open(io.NewSectionReader(r, 0, math.MaxInt64))
	if err != nil {
		return res, fmt.Errorf("verify %s: %w", name, err)
	}
	hdr := signedHeader(pkg)
	var refused []error // signatures by keys we cannot use
	headerSigs, err := headerSignatures(name, pkg.Signature)
	if err != nil {
		return res, err
	}
	for _, s := range headerSigs {
		if err := res.check(k, name, s, bytes.NewReader(hdr), &refused); err != nil {
			return res, err
		}
	}
	if err := res.checkHeaderDigests(name, pkg); err != nil {
		return res, err
	}
	if err := res.checkPayload(name, pkg); err != nil {
		return res, err
	}
	for _, s := range legacySignatures(pkg) {
		payload, err := pkg.RawPayload()
		if err != nil {
			return res, fmt.Errorf("verify %s: %w", name, err)
		}
		if err := res.check(k, name, s, io.MultiReader(bytes.NewReader(hdr), payload), &refused); err != nil {
			return res, err
		}
	}
	return res, verdict(name, res, refused)
}

// verdict is the outcome once nothing was found broken.
func verdict(name string, res Result, refused []error) error {
	switch {
	case len(res.Signatures) > 0:
		return nil
	case len(refused) > 0:
		return refused[0]
	}
	return failf(name, ErrUnsigned, "", "no OpenPGP signature in the signature header")
}

// check verifies one signature. A mismatch (or an unreadable signature) is
// returned; a signature that cannot be judged (unknown, expired or revoked
// key) is added to refused.
func (res *Result) check(k *Keyring, name string, s taggedSig, data io.Reader, refused *[]error) error {
	sig, err := k.checkSignature(name, s.tag, s.data, data)
	if err == nil {
		res.Signatures = append(res.Signatures, sig)
		return nil
	}
	var e *Error
	if errors.As(err, &e) && e.Kind != ErrBadSignature {
		*refused = append(*refused, err)
		return nil
	}
	return err
}

// signedHeader is the main header as rpm hashes it for header-only
// signatures and digests: its immutable region (the whole header, for a
// package file as written by rpmbuild and rpmsign).
func signedHeader(pkg *rpm.Package) []byte {
	if b := pkg.Header.RegionBlob(); b != nil {
		return b
	}
	return pkg.Header.Raw()
}

type taggedSig struct {
	tag  string
	data []byte
}

// headerSignatures lists the signatures over the main header alone: rpm
// 6's OPENPGP array or, only when there is none (rpm 6 ignores the v4
// signatures of a package that has v6 ones), RSAHEADER and DSAHEADER.
func headerSignatures(name string, sh *rpm.Header) ([]taggedSig, error) {
	var out []taggedSig
	for i, s := range sh.Strings(sigTagOpenPGP) {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, &Error{File: name, Kind: ErrBadSignature, Detail: fmt.Sprintf("OPENPGP[%d]", i), Err: err}
		}
		out = append(out, taggedSig{"OPENPGP", b})
	}
	if len(out) > 0 {
		return out, nil
	}
	return appendBin(out, sh, rpm.SigTagRSA, "RSAHEADER", rpm.SigTagDSA, "DSAHEADER"), nil
}

// legacySignatures lists the signatures over header and payload, which
// rpm 6 ignores in a package with v6 signatures or of the v6 format.
func legacySignatures(pkg *rpm.Package) []taggedSig {
	if pkg.IsV6() || pkg.Signature.Has(sigTagOpenPGP) {
		return nil
	}
	return appendBin(nil, pkg.Signature, rpm.SigTagPGP, "PGP", rpm.SigTagGPG, "GPG")
}

func appendBin(out []taggedSig, sh *rpm.Header, tagA rpm.Tag, nameA string, tagB rpm.Tag, nameB string) []taggedSig {
	if b := sh.Bytes(tagA); len(b) > 0 {
		out = append(out, taggedSig{nameA, b})
	}
	if b := sh.Bytes(tagB); len(b) > 0 {
		out = append(out, taggedSig{nameB, b})
	}
	return out
}
