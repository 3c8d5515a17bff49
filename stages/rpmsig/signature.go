package rpmsig

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Signature is one OpenPGP signature that was found and verified.
type Signature struct {
	Tag       string    // where it was: "RSAHEADER", "DSAHEADER", "OPENPGP", "PGP", "GPG", or "repomd.xml.asc"
	Version   int       // signature packet version: 3, 4 or 6
	Algorithm string    // public key algorithm: "RSA", "DSA", "ECDSA", "EdDSA", "Ed25519", "Ed448", "ML-DSA-65+Ed25519", ...
	Hash      string    // e.g. "SHA-256"
	KeyID     string    // the issuer (signing key or subkey) id, 16 upper-case hex digits
	Signer    string    // fingerprint of the primary key that verified it
	Created   time.Time // signature creation time, as the signer claims it
}

// checkSignature verifies one binary signature packet sig (found at tag in
// file) over data with the keyring. The error is an *Error unless reading
// data failed.
func (k *Keyring) checkSignature(file, tag string, sig []byte, data io.Reader) (Signature, error) {
	if isV3Signature(sig) {
		return k.checkV3(file, tag, sig, data)
	}
	p, err := parseSignature(sig)
	if err != nil {
		return Signature{}, &Error{File: file, Kind: ErrBadSignature, Detail: tag, Err: err}
	}
	info := Signature{
		Tag:       tag,
		Version:   p.Version,
		Algorithm: algoName(p.PubKeyAlgo),
		Hash:      p.Hash.String(),
		Created:   p.CreationTime,
	}
	if p.IssuerKeyId == nil {
		return info, failf(file, ErrBadSignature, "", "%s: signature names no issuer", tag)
	}
	info.KeyID = keyID(*p.IssuerKeyId)
	rd := &readErr{r: data}
	_, signer, err := openpgp.VerifyDetachedSignature(k.entities, rd, bytes.NewReader(sig), k.config())
	if rd.err != nil {
		return info, fmt.Errorf("%s: %s: reading signed data: %w", file, tag, rd.err)
	}
	if signer != nil {
		info.Signer = fingerprint(signer.PrimaryKey.Fingerprint)
	}
	if err == nil {
		return info, nil
	}
	return info, classify(file, tag, info.KeyID, err)
}

// classify turns a go-crypto verification error into an *Error of the
// right kind.
func classify(file, tag, id string, err error) error {
	kind := ErrBadSignature
	switch {
	case errors.Is(err, pgperrors.ErrUnknownIssuer):
		kind = ErrUnknownKey
	case errors.Is(err, pgperrors.ErrKeyExpired), errors.Is(err, pgperrors.ErrSignatureExpired):
		kind = ErrExpiredKey
	case errors.Is(err, pgperrors.ErrKeyRevoked):
		kind = ErrRevokedKey
	}
	return &Error{File: file, Kind: kind, KeyID: id, Detail: tag, Err: err}
}

// readErr remembers a read error of the signed data, which is not a
// verdict on the signature.
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// parseSignature reads the one signature packet rpm stores in a signature
// tag (or a detached signature holds). go-crypto reads v4 and v6 packets;
// v3 ones (rpm before 4.1, "gpg --force-v3-sigs") go to checkV3.
func parseSignature(b []byte) (*packet.Signature, error) {
	p, err := packet.Read(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("signature packet: %w", err)
	}
	s, ok := p.(*packet.Signature)
	if !ok {
		return nil, fmt.Errorf("packet %T is not a signature", p)
	}
	return s, nil
}
