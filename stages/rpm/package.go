package rpm

import (
	"fmt"
	"io"
	"strconv"
)

// Package is an opened package: its lead and both headers, parsed, with the
// byte offsets of each part. The payload is read through Payload or Files.
type Package struct {
	Lead      Lead
	Signature *Header // the signature header (region tag 62)
	Header    *Header // the main header (region tag 63)

	// Byte offsets in the package file. The signature header is followed by
	// zero padding to a multiple of 8, then the main header; the payload
	// runs from PayloadOffset to the end of the file.
	SignatureOffset int64
	HeaderOffset    int64
	PayloadOffset   int64

	src  io.Reader   // positioned at the payload, for one use
	at   io.ReaderAt // when the source allows re-reading
	used bool

	files    []File // cached by Files
	filesErr error

	payloadVerified bool // VerifyPayload succeeded: Payload need not hash again
}

// Open reads the lead, the signature header and the main header from r.
// When r is also an io.ReaderAt (an *os.File, a *bytes.Reader) the payload
// can be read any number of times; otherwise once, from where Open stopped.
func Open(r io.Reader) (*Package, error) {
	p := &Package{src: r}
	if at, ok := r.(io.ReaderAt); ok {
		p.at = at
	}
	var err error
	if p.Lead, err = readLead(r); err != nil {
		return nil, err
	}
	p.SignatureOffset = LeadSize
	if p.Signature, err = ReadHeader(r); err != nil {
		return nil, fmt.Errorf("signature header: %w", err)
	}
	sigLen := int64(len(p.Signature.Raw()))
	pad := (8 - sigLen%8) % 8
	if _, err := io.CopyN(io.Discard, r, pad); err != nil {
		return nil, fmt.Errorf("%w: signature padding: %w", ErrFormat, noEOF(err))
	}
	p.HeaderOffset = p.SignatureOffset + sigLen + pad
	if p.Header, err = ReadHeader(r); err != nil {
		return nil, fmt.Errorf("main header: %w", err)
	}
	p.PayloadOffset = p.HeaderOffset + int64(len(p.Header.Raw()))
	return p, nil
}

// Name is the package name.
func (p *Package) Name() string { return p.Header.String(TagName) }

// Version is the package version.
func (p *Package) Version() string { return p.Header.String(TagVersion) }

// Release is the package release.
func (p *Package) Release() string { return p.Header.String(TagRelease) }

// Arch is the package architecture ("noarch" included).
func (p *Package) Arch() string { return p.Header.String(TagArch) }

// Epoch is the package epoch and whether the header has one (rpm compares a
// missing epoch as 0 but keeps the difference in NEVRs).
func (p *Package) Epoch() (uint32, bool) {
	v, ok := p.Header.Int(TagEpoch)
	return uint32(v), ok
}

// BuildTime is the build time in seconds since the epoch.
func (p *Package) BuildTime() int64 {
	v, _ := p.Header.Int(TagBuildTime)
	return int64(v)
}

// Size is the installed size in bytes (LONGSIZE when present, else SIZE).
func (p *Package) Size() uint64 {
	if v, ok := p.Header.Int(TagLongSize); ok {
		return v
	}
	v, _ := p.Header.Int(TagSize)
	return v
}

// SourceRPM is the name of the source package this one was built from; empty
// for a source package.
func (p *Package) SourceRPM() string { return p.Header.String(TagSourceRPM) }

// IsSource reports whether this is a source package, the way rpm decides
// (headerIsSource: no SOURCERPM tag).
func (p *Package) IsSource() bool { return !p.Header.Has(TagSourceRPM) }

// EVR is "[epoch:]version-release".
func (p *Package) EVR() string {
	s := p.Version() + "-" + p.Release()
	if e, ok := p.Epoch(); ok {
		s = strconv.FormatUint(uint64(e), 10) + ":" + s
	}
	return s
}

// NEVRA is "name-[epoch:]version-release.arch", which errors use to name the
// package.
func (p *Package) NEVRA() string { return p.Name() + "-" + p.EVR() + "." + p.Arch() }

// PayloadFormat is the archive format; rpm's default "cpio" when absent.
func (p *Package) PayloadFormat() string {
	if s := p.Header.String(TagPayloadFormat); s != "" {
		return s
	}
	return "cpio"
}

// PayloadCompressor names the payload compression as stored ("gzip",
// "bzip2", "xz", "lzma", "zstd"). It is empty when the tag is absent, which
// rpmbuild does for an uncompressed (w0.ufdio) payload: rpm then reads it as
// gzip through zlib, which passes data without the gzip magic through.
func (p *Package) PayloadCompressor() string { return p.Header.String(TagPayloadCompressor) }

// PayloadFlags is the compression level string, e.g. "9".
func (p *Package) PayloadFlags() string { return p.Header.String(TagPayloadFlags) }

// PayloadDigest is the hex SHA-256 of the compressed payload (rpm 4's
// PAYLOADDIGEST, rpm 6's PAYLOADSHA256); Digests lists every digest.
func (p *Package) PayloadDigest() string { return first(p.Header.Strings(TagPayloadDigest)) }

// PayloadDigestAlt is the hex SHA-256 of the uncompressed payload.
func (p *Package) PayloadDigestAlt() string { return first(p.Header.Strings(TagPayloadDigestAlt)) }

// PayloadDigestAlgo is the obsolete PAYLOADDIGESTALGO tag as stored (8,
// SHA-256, from rpmbuild 4; absent from rpm 6 packages). rpm reads
// PAYLOADDIGEST as SHA-256 whatever it says, and so does this package.
func (p *Package) PayloadDigestAlgo() uint32 {
	v, _ := p.Header.Int(TagPayloadDigestAlgo)
	return uint32(v)
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
