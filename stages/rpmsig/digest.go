package rpmsig

import (
	"bytes"
	"crypto"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	_ "crypto/sha512" // SHA-384 and SHA-512 for crypto.Hash.New
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	"github.com/disco-build/disco/stages/rpm"
)

// checkHeaderDigests compares the signature header's hex digests of the
// main header (SHA1HEADER, SHA256HEADER, SHA3_256HEADER) with hdr.
func (res *Result) checkHeaderDigests(name string, sh *rpm.Header, hdr []byte) error {
	digests := []struct {
		tag  rpm.Tag
		name string
		new  func() hash.Hash
	}{
		{rpm.SigTagSHA1, "SHA1HEADER", sha1.New},
		{rpm.SigTagSHA256, "SHA256HEADER", sha256.New},
		{sigTagSHA3_256, "SHA3_256HEADER", func() hash.Hash { return sha3.New256() }},
	}
	for _, d := range digests {
		want := sh.String(d.tag)
		if want == "" {
			continue
		}
		h := d.new()
		h.Write(hdr)
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			return failf(name, ErrBadDigest, "", "%s: header has %s, expected %s", d.name, got, want)
		}
		res.Digests = append(res.Digests, d.name)
	}
	return nil
}

// checkPayload reads the payload once to compare the main header's
// PAYLOADDIGEST (of the compressed payload) and the signature header's
// legacy MD5 (of header and payload).
func (res *Result) checkPayload(name string, pkg *rpm.Package, hdr []byte) error {
	want, wantMD5 := pkg.PayloadDigest(), pkg.Signature.Bytes(rpm.SigTagMD5)
	if want == "" && len(wantMD5) == 0 {
		return nil
	}
	algo, err := pgpHash(pkg.PayloadDigestAlgo())
	if want != "" && err != nil {
		return fmt.Errorf("verify %s: PAYLOADDIGEST: %w", name, err)
	}
	md := md5.New()
	md.Write(hdr)
	var payload hash.Hash
	sinks := []io.Writer{md}
	if want != "" {
		payload = algo.New()
		sinks = append(sinks, payload)
	}
	raw, err := pkg.RawPayload()
	if err != nil {
		return fmt.Errorf("verify %s: %w", name, err)
	}
	if _, err := io.Copy(io.MultiWriter(sinks...), raw); err != nil {
		return fmt.Errorf("verify %s: reading payload: %w", name, err)
	}
	if want != "" {
		if got := hex.EncodeToString(payload.Sum(nil)); got != want {
			return failf(name, ErrBadDigest, "", "PAYLOADDIGEST: payload has %s, expected %s", got, want)
		}
		res.Digests = append(res.Digests, "PAYLOADDIGEST")
	}
	if len(wantMD5) > 0 {
		if got := md.Sum(nil); !bytes.Equal(got, wantMD5) {
			return failf(name, ErrBadDigest, "", "MD5: header and payload have %x, expected %x", got, wantMD5)
		}
		res.Digests = append(res.Digests, "MD5")
	}
	return nil
}

// pgpHash maps an OpenPGP hash algorithm number, as PAYLOADDIGESTALGO
// holds it, to a hash.
func pgpHash(algo uint32) (crypto.Hash, error) {
	switch algo {
	case rpm.DigestMD5:
		return crypto.MD5, nil
	case rpm.DigestSHA1:
		return crypto.SHA1, nil
	case rpm.DigestSHA256:
		return crypto.SHA256, nil
	case rpm.DigestSHA384:
		return crypto.SHA384, nil
	case rpm.DigestSHA512:
		return crypto.SHA512, nil
	case rpm.DigestSHA224:
		return crypto.SHA224, nil
	case 12:
		return crypto.SHA3_256, nil
	case 14:
		return crypto.SHA3_512, nil
	}
	return 0, fmt.Errorf("unknown digest algorithm %d", algo)
}
