package rpm

import (
	"crypto"
	_ "crypto/md5" // registers crypto.MD5 for Digest.Hash.New
	_ "crypto/sha1"
	_ "crypto/sha256"
	_ "crypto/sha3"
	_ "crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
)

// Range is what a digest covers.
type Range int

// The ranges of rpm's digests (docs/manual/signatures_digests.md).
const (
	RangeHeader        Range = iota // the main header, magic included
	RangePayload                    // the payload as stored (compressed)
	RangeHeaderPayload              // header and payload: rpm 3's MD5
)

func (r Range) String() string {
	return [...]string{"header", "payload", "header and payload"}[r]
}

// Digest is one digest a package records of its own bytes.
type Digest struct {
	Name  string // rpm's name for it: "SHA256HEADER", "PAYLOADSHA256", "MD5", ...
	Range Range
	Hash  crypto.Hash
	Want  string // lower-case hex
}

// DigestError is a digest that does not match the package's bytes. It
// wraps ErrDigest.
type DigestError struct {
	Package string // NEVRA
	Digest  Digest
	Got     string // hex
}

func (e *DigestError) Error() string {
	return fmt.Sprintf("package %s: %s (%s of the %s) does not match: expected %s, got %s",
		e.Package, e.Digest.Name, e.Digest.Hash, e.Digest.Range, e.Digest.Want, e.Got)
}

// Unwrap makes errors.Is(err, ErrDigest) hold.
func (e *DigestError) Unwrap() error { return ErrDigest }

// IsV6 reports whether the signature header has the shape of rpm 6's (a
// RESERVED and a SHA3_256 tag), for which rpm ignores the legacy tags from
// 1000 up (SIZE, MD5, PGP, GPG), as lib/rpmvs.cc rpmvsInit does.
func (p *Package) IsV6() bool {
	return p.Signature.Has(SigTagReserved) && p.Signature.Has(SigTagSHA3_256)
}

// Digests lists what Verify checks, in order. Of the header digests of
// the signature header, SHA256HEADER and SHA3_256HEADER; SHA1HEADER only
// when neither is there. Of the payload digests of the main header,
// PAYLOADSHA256 (rpm 4's PAYLOADDIGEST, SHA-256 whatever the obsolete
// PAYLOADDIGESTALGO says, as rpm reads it), PAYLOADSHA512 and
// PAYLOADSHA3_256. The legacy MD5 of header and payload only when the
// package has no header or payload digest (rpm 3 packages). The digests of
// the uncompressed payload (the ALT tags) are left out: the compressed
// payload they are made from is covered.
func (p *Package) Digests() []Digest {
	var out []Digest
	add := func(name string, r Range, h crypto.Hash, want string) {
		if want != "" {
			out = append(out, Digest{Name: name, Range: r, Hash: h, Want: want})
		}
	}
	sig := p.Signature
	add("SHA256HEADER", RangeHeader, crypto.SHA256, sig.String(SigTagSHA256))
	add("SHA3_256HEADER", RangeHeader, crypto.SHA3_256, sig.String(SigTagSHA3_256))
	if len(out) == 0 {
		add("SHA1HEADER", RangeHeader, crypto.SHA1, sig.String(SigTagSHA1))
	}
	h := p.Header
	add("PAYLOADSHA256", RangePayload, crypto.SHA256, first(h.Strings(TagPayloadDigest)))
	add("PAYLOADSHA512", RangePayload, crypto.SHA512, first(h.Strings(TagPayloadSHA512)))
	add("PAYLOADSHA3_256", RangePayload, crypto.SHA3_256, first(h.Strings(TagPayloadSHA3_256)))
	if len(out) == 0 && !p.IsV6() {
		if md5 := sig.Bytes(SigTagMD5); len(md5) > 0 {
			add("MD5", RangeHeaderPayload, crypto.MD5, hex.EncodeToString(md5))
		}
	}
	return out
}

// Verify checks the package's bytes against every digest of Digests,
// the header ones first, and returns those that matched. A mismatch is a
// *DigestError. A package that records no digest at all verifies empty:
// callers that pin the file's own SHA-256 (a lock) still know its bytes.
func (p *Package) Verify() ([]Digest, error) {
	ok, err := p.VerifyHeader()
	if err != nil {
		return ok, err
	}
	more, err := p.VerifyPayload()
	return append(ok, more...), err
}

// VerifyHeader checks the header digests alone, which needs no reading:
// the header is in memory.
func (p *Package) VerifyHeader() ([]Digest, error) {
	var ok []Digest
	for _, d := range p.Digests() {
		if d.Range != RangeHeader {
			continue
		}
		h := d.Hash.New()
		h.Write(p.Header.Raw())
		if err := p.match(d, h); err != nil {
			return ok, err
		}
		ok = append(ok, d)
	}
	return ok, nil
}

// VerifyPayload reads the payload once to check the payload digests (and
// rpm 3's MD5 of header and payload). Once it succeeded, Payload does not
// hash the payload again.
func (p *Package) VerifyPayload() ([]Digest, error) {
	var ds []Digest
	var hs []hash.Hash
	var sinks []io.Writer
	for _, d := range p.Digests() {
		if d.Range == RangeHeader {
			continue
		}
		h := d.Hash.New()
		if d.Range == RangeHeaderPayload {
			h.Write(p.Header.Raw())
		}
		ds, hs, sinks = append(ds, d), append(hs, h), append(sinks, h)
	}
	if len(ds) == 0 {
		return nil, nil
	}
	raw, err := p.RawPayload()
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.MultiWriter(sinks...), raw); err != nil {
		return nil, fmt.Errorf("package %s: reading the payload: %w", p.NEVRA(), err)
	}
	for i, d := range ds {
		if err := p.match(d, hs[i]); err != nil {
			return ds[:i], err
		}
	}
	p.payloadVerified = true
	return ds, nil
}

func (p *Package) match(d Digest, h hash.Hash) error {
	if got := hex.EncodeToString(h.Sum(nil)); got != d.Want {
		return &DigestError{Package: p.NEVRA(), Digest: d, Got: got}
	}
	return nil
}

// payloadDigest is the digest Payload checks as it reads the payload: the
// first of the payload digests.
func (p *Package) payloadDigest() (Digest, bool) {
	for _, d := range p.Digests() {
		if d.Range == RangePayload {
			return d, true
		}
	}
	return Digest{}, false
}

// HashAlgo maps an OpenPGP hash algorithm number, as FILEDIGESTALGO holds
// it, to a hash; SHA3 (12, 14) are rpm 6's.
func HashAlgo(algo uint32) (crypto.Hash, error) {
	switch algo {
	case DigestMD5:
		return crypto.MD5, nil
	case DigestSHA1:
		return crypto.SHA1, nil
	case DigestSHA256:
		return crypto.SHA256, nil
	case DigestSHA384:
		return crypto.SHA384, nil
	case DigestSHA512:
		return crypto.SHA512, nil
	case DigestSHA224:
		return crypto.SHA224, nil
	case DigestSHA3_256:
		return crypto.SHA3_256, nil
	case DigestSHA3_512:
		return crypto.SHA3_512, nil
	}
	return 0, fmt.Errorf("unsupported digest algorithm %d", algo)
}
