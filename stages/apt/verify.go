package apt

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// SigStatus is the verdict on one signature, in apt's terms.
type SigStatus uint8

// The verdicts apt's gpgv method sorts signatures into.
const (
	// Good: made by a key of the keyring, verified, with an algorithm and
	// digest apt trusts.
	Good SigStatus = iota + 1
	// Bad: made by a key of the keyring, but it does not match the data.
	Bad
	// NoPubKey: made by a key not in the keyring (harmless beside a good
	// one: Debian signs with two keys at once).
	NoPubKey
	// Worthless: by a key of the keyring, but with an untrusted digest
	// (MD5, SHA-1, RIPEMD-160, SHA-224) or public key algorithm (DSA, RSA
	// under 2048 bits), by an expired or revoked key, or unreadable.
	Worthless
)

func (s SigStatus) String() string {
	return [...]string{"?", "good", "bad", "no public key", "worthless"}[s]
}

// Signature is one signature of a Release file and its verdict.
type Signature struct {
	KeyID     string // issuer key id, 16 upper-case hex digits ("" when unreadable)
	Signer    string // fingerprint of the primary key that made it, when known
	Algorithm string // public key algorithm, e.g. "rsa4096", "ed25519"
	Hash      string // digest algorithm, e.g. "SHA512"
	Created   time.Time
	Status    SigStatus
	Reason    string // why it is not good
}

func (s Signature) String() string {
	str := s.Status.String() + " signature"
	if s.KeyID != "" {
		str += " by key " + s.KeyID
	}
	if s.Reason != "" {
		str += " (" + s.Reason + ")"
	}
	return str
}

// The failures of a Release file check; errors wrap exactly one.
var (
	ErrUnsigned     = errors.New("repository is not signed")
	ErrBadSignature = errors.New("bad signature")
	ErrUnknownKey   = errors.New("signed only by keys not in the keyring")
	ErrWeak         = errors.New("only weak security information")
	ErrExpired      = errors.New("release file expired")
	ErrNotYetValid  = errors.New("release file not valid yet")
	ErrHashMismatch = errors.New("hash sum mismatch")
)

// VerifyError tells why the signatures of a Release file were not
// accepted, listing every signature found.
type VerifyError struct {
	File       string // e.g. "dists/bookworm/InRelease"
	Kind       error  // ErrUnsigned, ErrBadSignature, ErrUnknownKey or ErrWeak
	Signatures []Signature
}

func (e *VerifyError) Error() string {
	var parts []string
	for _, s := range e.Signatures {
		parts = append(parts, s.String())
	}
	msg := e.File + ": " + e.Kind.Error()
	if len(parts) > 0 {
		msg += ": " + strings.Join(parts, ", ")
	}
	return msg
}

func (e *VerifyError) Unwrap() error { return e.Kind }

// verifySignatures checks the armored signature blocks sigs over data
// with the keyring and returns the verdict on each, and an error unless
// apt would accept them: at least one good signature and no bad one
// (signatures by unknown keys and worthless ones are tolerated beside a
// good one, as apt tolerates them).
func (k *Keyring) verifySignatures(file string, data []byte, sigs string, binary []byte, now time.Time) ([]Signature, error) {
	packets, err := signaturePackets(sigs, binary)
	if err != nil {
		return nil, &VerifyError{File: file, Kind: ErrBadSignature, Signatures: []Signature{{Status: Bad, Reason: err.Error()}}}
	}
	if len(packets) == 0 {
		return nil, &VerifyError{File: file, Kind: ErrUnsigned}
	}
	var out []Signature
	good, bad, worthless := 0, 0, 0
	for _, p := range packets {
		s := k.check(data, p, now)
		switch s.Status {
		case Good:
			good++
		case Bad:
			bad++
		case Worthless:
			worthless++
		}
		out = append(out, s)
	}
	switch {
	case bad > 0:
		return out, &VerifyError{File: file, Kind: ErrBadSignature, Signatures: out}
	case good > 0:
		return out, nil
	case worthless > 0:
		return out, &VerifyError{File: file, Kind: ErrWeak, Signatures: out}
	}
	return out, &VerifyError{File: file, Kind: ErrUnknownKey, Signatures: out}
}

// signaturePackets returns the raw signature packets of armored blocks
// (one after the other) or of a binary detached signature.
func signaturePackets(armored string, binary []byte) ([][]byte, error) {
	var raw []byte
	if binary != nil {
		raw = binary
	}
	for _, block := range armorBlocks(armored) {
		blk, err := armor.Decode(strings.NewReader(block))
		if err != nil {
			return nil, fmt.Errorf("signature armor: %w", err)
		}
		if blk.Type != "PGP SIGNATURE" {
			return nil, fmt.Errorf("armored block %q is not a signature", blk.Type)
		}
		b, err := io.ReadAll(blk.Body)
		if err != nil {
			return nil, fmt.Errorf("signature armor: %w", err)
		}
		raw = append(raw, b...)
	}
	return splitPackets(raw)
}

// armorBlocks cuts text into its armored blocks, each from a "-----BEGIN"
// line to the next (armor.Decode reads ahead, so it cannot be called twice
// on one reader).
func armorBlocks(text string) []string {
	var out []string
	for {
		i := strings.Index(text, "-----BEGIN ")
		if i < 0 {
			return out
		}
		text = text[i:]
		j := strings.Index(text[1:], "\n-----BEGIN ")
		if j < 0 {
			return append(out, text)
		}
		out = append(out, text[:j+2])
		text = text[j+2:]
	}
}

// splitPackets cuts an OpenPGP packet stream into packets (RFC 9580
// §4.2), refusing indeterminate and partial lengths, which signature
// packets never use.
func splitPackets(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		hdr, n, err := packetLength(b)
		if err != nil {
			return nil, err
		}
		if uint64(hdr)+n > uint64(len(b)) {
			return nil, fmt.Errorf("truncated OpenPGP packet")
		}
		out = append(out, b[:hdr+int(n)])
		b = b[hdr+int(n):]
	}
	return out, nil
}

// packetLength reads a packet header: its length and the body's.
func packetLength(b []byte) (hdr int, body uint64, err error) {
	c := b[0]
	if c&0x80 == 0 {
		return 0, 0, fmt.Errorf("not an OpenPGP packet (byte %#x)", c)
	}
	at := func(i int) (uint64, error) {
		if i >= len(b) {
			return 0, fmt.Errorf("truncated OpenPGP packet header")
		}
		return uint64(b[i]), nil
	}
	if c&0x40 == 0 { // legacy format
		switch c & 3 {
		case 0:
			v, err := at(1)
			return 2, v, err
		case 1:
			hi, err1 := at(1)
			lo, err2 := at(2)
			return 3, hi<<8 | lo, errors.Join(err1, err2)
		case 2:
			if len(b) < 5 {
				return 0, 0, fmt.Errorf("truncated OpenPGP packet header")
			}
			return 5, uint64(b[1])<<24 | uint64(b[2])<<16 | uint64(b[3])<<8 | uint64(b[4]), nil
		}
		return 0, 0, fmt.Errorf("OpenPGP packet of indeterminate length")
	}
	o1, err := at(1)
	switch {
	case err != nil:
		return 0, 0, err
	case o1 < 192:
		return 2, o1, nil
	case o1 < 224:
		o2, err := at(2)
		return 3, (o1-192)<<8 + o2 + 192, err
	case o1 == 255:
		if len(b) < 6 {
			return 0, 0, fmt.Errorf("truncated OpenPGP packet header")
		}
		return 6, uint64(b[2])<<24 | uint64(b[3])<<16 | uint64(b[4])<<8 | uint64(b[5]), nil
	}
	return 0, 0, fmt.Errorf("OpenPGP packet with partial body length")
}

// check judges one signature packet.
func (k *Keyring) check(data, raw []byte, now time.Time) Signature {
	p, err := packet.Read(bytes.NewReader(raw))
	if err != nil {
		return Signature{Status: Worthless, Reason: "unreadable signature: " + err.Error()}
	}
	sig, ok := p.(*packet.Signature)
	if !ok {
		return Signature{Status: Bad, Reason: fmt.Sprintf("%T packet among the signatures", p)}
	}
	s := Signature{Hash: hashName(sig.Hash), Created: sig.CreationTime}
	if sig.IssuerKeyId == nil {
		s.Status, s.Reason = Worthless, "signature names no issuer"
		return s
	}
	s.KeyID = keyID(*sig.IssuerKeyId)
	keys := k.entities.KeysByIdUsage(*sig.IssuerKeyId, packet.KeyFlagSign)
	if len(keys) == 0 {
		s.Status = NoPubKey
		return s
	}
	s.Signer = fingerprint(keys[0].Entity.PrimaryKey.Fingerprint)
	s.Algorithm = keyAlgorithm(keys[0].PublicKey)
	if !trustedHash(sig.Hash) {
		s.Status, s.Reason = Worthless, "untrusted digest algorithm: "+s.Hash
		return s
	}
	if !trustedKey(keys[0].PublicKey) {
		s.Status, s.Reason = Worthless, "untrusted public key algorithm: "+s.Algorithm
		return s
	}
	cfg := &packet.Config{Time: func() time.Time { return now }}
	_, _, err = openpgp.VerifyDetachedSignature(openpgp.EntityList{keys[0].Entity}, bytes.NewReader(data), bytes.NewReader(raw), cfg)
	switch {
	case err == nil:
		s.Status = Good
	case errors.Is(err, pgperrors.ErrKeyExpired), errors.Is(err, pgperrors.ErrSignatureExpired):
		s.Status, s.Reason = Worthless, "expired key or signature"
	case errors.Is(err, pgperrors.ErrKeyRevoked):
		s.Status, s.Reason = Worthless, "revoked key"
	case errors.Is(err, pgperrors.ErrUnknownIssuer):
		s.Status = NoPubKey
	default:
		s.Status, s.Reason = Bad, err.Error()
	}
	return s
}

// trustedHash: apt's gpgv method trusts SHA-256, SHA-384 and SHA-512 (and
// sqv's policy SHA-3); MD5, SHA-1 and RIPEMD-160 are untrusted, and apt's
// Sequoia policy ends SHA-224 on 2026-02-01.
func trustedHash(h crypto.Hash) bool {
	switch h {
	case crypto.SHA256, crypto.SHA384, crypto.SHA512, crypto.SHA3_256, crypto.SHA3_512:
		return true
	}
	return false
}

// trustedKey is apt's APT::Key::Assert-Pubkey-Algo default
// (">=rsa2048,ed25519,ed448,nistp256,nistp384,nistp512,brainpoolP256r1,
// brainpoolP320r1,brainpoolP384r1,brainpoolP512r1,secp256k1"), less
// secp256k1, which Sequoia's policy (apt's sqv) refuses.
func trustedKey(pk *packet.PublicKey) bool {
	switch pk.PubKeyAlgo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSASignOnly:
		bits, err := pk.BitLength()
		return err == nil && bits >= 2048
	case packet.PubKeyAlgoEd25519, packet.PubKeyAlgoEd448:
		return true
	case packet.PubKeyAlgoEdDSA, packet.PubKeyAlgoECDSA:
		c, err := pk.Curve()
		if err != nil {
			return false
		}
		switch c {
		case packet.Curve25519, packet.Curve448, packet.CurveNistP256, packet.CurveNistP384, packet.CurveNistP521,
			packet.CurveBrainpoolP256, packet.CurveBrainpoolP384, packet.CurveBrainpoolP512:
			return true
		}
	}
	return false
}

// keyAlgorithm names a key as gpg's ASSERT_PUBKEY_ALGO does ("rsa4096",
// "ed25519", "nistp256", "dsa1024").
func keyAlgorithm(pk *packet.PublicKey) string {
	bits, _ := pk.BitLength()
	switch pk.PubKeyAlgo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSASignOnly:
		return fmt.Sprintf("rsa%d", bits)
	case packet.PubKeyAlgoDSA:
		return fmt.Sprintf("dsa%d", bits)
	case packet.PubKeyAlgoEd25519:
		return "ed25519"
	case packet.PubKeyAlgoEd448:
		return "ed448"
	case packet.PubKeyAlgoEdDSA, packet.PubKeyAlgoECDSA:
		if c, err := pk.Curve(); err == nil {
			if c == packet.Curve25519 {
				return "ed25519"
			}
			return strings.ToLower(strings.ReplaceAll(string(c), "-", ""))
		}
	}
	return fmt.Sprintf("algorithm %d", pk.PubKeyAlgo)
}

func hashName(h crypto.Hash) string {
	switch h {
	case crypto.MD5:
		return "MD5"
	case crypto.SHA1:
		return "SHA1"
	case crypto.RIPEMD160:
		return "RIPEMD160"
	case crypto.SHA224:
		return "SHA224"
	case crypto.SHA256:
		return "SHA256"
	case crypto.SHA384:
		return "SHA384"
	case crypto.SHA512:
		return "SHA512"
	case crypto.SHA3_256:
		return "SHA3-256"
	case crypto.SHA3_512:
		return "SHA3-512"
	}
	return fmt.Sprintf("hash %d", h)
}
