package rpmsig

import (
	"bytes"
	"crypto"
	"crypto/dsa" //nolint:staticcheck // v3 DSA signatures need the FIPS 186 verifier; go-crypto's keys hold *dsa.PublicKey
	"crypto/rsa"
	"encoding/binary"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// v3Sig is a version 3 signature packet (RFC 4880 5.2.2), which rpm
// before 4.1 and "gpg --force-v3-sigs" wrote and rpm still verifies.
// go-crypto stopped reading them, so they are parsed and checked here:
// the format is small and fixed, and the arithmetic is crypto/rsa's and
// crypto/dsa's.
type v3Sig struct {
	sigType byte
	created uint32
	keyID   uint64
	algo    packet.PublicKeyAlgorithm
	hash    crypto.Hash
	hashID  byte
	left16  [2]byte
	mpis    []*big.Int // RSA: m^d; DSA: r, s
}

// isV3Signature reports whether b is one signature packet of version 3.
func isV3Signature(b []byte) bool {
	op, err := packet.NewOpaqueReader(bytes.NewReader(b)).Next()
	return err == nil && op.Tag == 2 && len(op.Contents) > 0 && op.Contents[0] == 3
}

func parseV3(b []byte) (*v3Sig, error) {
	op, err := packet.NewOpaqueReader(bytes.NewReader(b)).Next()
	if err != nil {
		return nil, fmt.Errorf("signature packet: %w", err)
	}
	c := op.Contents
	if len(c) < 19 || c[0] != 3 || c[1] != 5 {
		return nil, fmt.Errorf("v3 signature packet of %d bytes is malformed", len(c))
	}
	s := &v3Sig{sigType: c[2], created: binary.BigEndian.Uint32(c[3:]), keyID: binary.BigEndian.Uint64(c[7:]),
		algo: packet.PublicKeyAlgorithm(c[15]), hashID: c[16], left16: [2]byte{c[17], c[18]}}
	var ok bool
	if s.hash, ok = v3Hashes[s.hashID]; !ok {
		return nil, fmt.Errorf("v3 signature: hash algorithm %d is not accepted", s.hashID)
	}
	n := map[packet.PublicKeyAlgorithm]int{packet.PubKeyAlgoRSA: 1, packet.PubKeyAlgoRSASignOnly: 1, packet.PubKeyAlgoDSA: 2}[s.algo]
	if n == 0 {
		return nil, fmt.Errorf("v3 signature: public key algorithm %d is not RSA or DSA", s.algo)
	}
	rest := c[19:]
	for range n {
		var m *big.Int
		if m, rest, err = readMPI(rest); err != nil {
			return nil, fmt.Errorf("v3 signature: %w", err)
		}
		s.mpis = append(s.mpis, m)
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("v3 signature: %d bytes after the signature", len(rest))
	}
	return s, nil
}

// v3Hashes are the hash algorithms accepted in v3 signatures: those
// go-crypto accepts in v4 ones (MD5 and RIPEMD-160 are refused).
var v3Hashes = map[byte]crypto.Hash{2: crypto.SHA1, 8: crypto.SHA256, 9: crypto.SHA384, 10: crypto.SHA512, 11: crypto.SHA224}

func readMPI(b []byte) (*big.Int, []byte, error) {
	if len(b) < 2 {
		return nil, nil, io.ErrUnexpectedEOF
	}
	n := (int(binary.BigEndian.Uint16(b)) + 7) / 8
	if len(b) < 2+n {
		return nil, nil, io.ErrUnexpectedEOF
	}
	return new(big.Int).SetBytes(b[2 : 2+n]), b[2+n:], nil
}

// checkV3 verifies a v3 signature packet sig over data with the keyring,
// judging the key as go-crypto judges it for v4 signatures.
func (k *Keyring) checkV3(file, tag string, sig []byte, data io.Reader) (Signature, error) {
	s, err := parseV3(sig)
	if err != nil {
		return Signature{Tag: tag, Version: 3}, &Error{File: file, Kind: ErrBadSignature, Detail: tag, Err: err}
	}
	info := Signature{Tag: tag, Version: 3, Algorithm: algoName(s.algo), Hash: s.hash.String(),
		KeyID: keyID(s.keyID), Created: time.Unix(int64(s.created), 0)}
	h := s.hash.New()
	rd := &readErr{r: data}
	if _, err := io.Copy(h, rd); err != nil {
		return info, fmt.Errorf("%s: %s: reading signed data: %w", file, tag, err)
	}
	h.Write([]byte{s.sigType})
	h.Write(binary.BigEndian.AppendUint32(nil, s.created))
	digest := h.Sum(nil)
	keys := k.keyList().KeysByIdUsage(s.keyID, packet.KeyFlagSign)
	if len(keys) == 0 {
		return info, classify(file, tag, info.KeyID, pgperrors.ErrUnknownIssuer)
	}
	err = pgperrors.SignatureError("v3 signature does not match")
	if digest[0] == s.left16[0] && digest[1] == s.left16[1] {
		for _, key := range keys {
			if verifyV3(key.PublicKey, s, digest) {
				info.Signer = fingerprint(key.Entity.PrimaryKey.Fingerprint)
				if err := keyStatus(key, k.config().Now()); err != nil {
					return info, classify(file, tag, info.KeyID, err)
				}
				return info, nil
			}
		}
	}
	return info, classify(file, tag, info.KeyID, err)
}

func verifyV3(pub *packet.PublicKey, s *v3Sig, digest []byte) bool {
	if pub.PubKeyAlgo != s.algo && !(s.algo == packet.PubKeyAlgoRSASignOnly && pub.PubKeyAlgo == packet.PubKeyAlgoRSA) {
		return false
	}
	switch key := pub.PublicKey.(type) {
	case *rsa.PublicKey:
		sig := s.mpis[0].Bytes()
		if size := key.Size(); len(sig) < size {
			sig = append(make([]byte, size-len(sig)), sig...)
		}
		return rsa.VerifyPKCS1v15(key, s.hash, digest, sig) == nil
	case *dsa.PublicKey:
		if n := (key.Q.BitLen() + 7) / 8; len(digest) > n {
			digest = digest[:n]
		}
		return dsa.Verify(key, digest, s.mpis[0], s.mpis[1])
	}
	return false
}

// keyStatus is go-crypto's judgement of a signing key at now (from
// openpgp's checkMessageSignatureDetails): revoked, expired, or nil.
func keyStatus(key openpgp.Key, now time.Time) error {
	self, ident := key.Entity.PrimarySelfSignature()
	sub := key.PublicKey != key.Entity.PrimaryKey
	if key.Entity.Revoked(now) || (sub && key.Revoked(now)) || (ident != nil && ident.Revoked(now)) {
		return pgperrors.ErrKeyRevoked
	}
	if key.Entity.PrimaryKey.KeyExpired(self, now) || (sub && key.PublicKey.KeyExpired(key.SelfSignature, now)) {
		return pgperrors.ErrKeyExpired
	}
	if self.SigExpired(now) || (sub && key.SelfSignature.SigExpired(now)) {
		return pgperrors.ErrSignatureExpired
	}
	return nil
}
