package rpmdb

import (
	"fmt"

	"github.com/disco-build/disco/stages/rpm"
)

// sigTag says how one signature header tag is copied into the main header
// (lib/package.c xlateTags): under which tag, with which type, and with
// which element count (0: any).
type sigTag struct {
	sig, main rpm.Tag
	typ       rpm.Type
	count     uint32
	quirk     bool // may already be in the main header instead
}

// sigTags are rpm's translations, in rpm's order (rpm 6's lib/package.cc,
// which adds SHA3_256 and OPENPGP to 4.18's).
var sigTags = []sigTag{
	{rpm.SigTagSize, 257, rpm.TypeInt32, 1, false},
	{rpm.SigTagPGP, 259, rpm.TypeBin, 0, false},
	{rpm.SigTagMD5, TagSigMD5, rpm.TypeBin, 16, false},
	{rpm.SigTagGPG, 262, rpm.TypeBin, 0, false},
	{rpm.SigTagPayloadSize, rpm.TagArchiveSize, rpm.TypeInt32, 1, true},
	{rpm.SigTagFileSignatures, rpm.TagFileSignatures, rpm.TypeStringArray, 0, true},
	{rpm.SigTagFileSignatureLength, rpm.TagFileSignatureLength, rpm.TypeInt32, 1, true},
	{rpm.SigTagVeritySignatures, 5099, rpm.TypeStringArray, 0, false},
	{rpm.SigTagVeritySignatureAlgo, 5100, rpm.TypeInt32, 1, false},
	{rpm.SigTagSHA1, TagSHA1Header, rpm.TypeString, 1, false},
	{rpm.SigTagSHA256, 273, rpm.TypeString, 1, false},
	{rpm.SigTagSHA3_256, 279, rpm.TypeString, 1, false}, // rpm 6
	{rpm.SigTagDSA, 267, rpm.TypeBin, 0, false},
	{rpm.SigTagRSA, 268, rpm.TypeBin, 0, false},
	{rpm.SigTagLongSize, 270, rpm.TypeInt64, 1, false},
	{rpm.SigTagLongArchiveSize, 271, rpm.TypeInt64, 1, false},
	{rpm.SigTagOpenPGP, 278, rpm.TypeStringArray, 0, false}, // rpm 6
}

// mergeSignature returns the signature header's entries as rpm's
// headerMergeLegacySigs puts them into the main header when it reads a
// package, refusing what rpm refuses (a tag in both headers, a type or
// count rpm does not expect).
func mergeSignature(h, sig *rpm.Header) ([]entry, error) {
	for _, t := range sigTags {
		if h.Has(t.main) && !(t.quirk && (sig == nil || !sig.Has(t.sig))) {
			return nil, fmt.Errorf("signature tag %d already in the main header", t.main)
		}
	}
	if sig == nil {
		return nil, nil
	}
	var out []entry
	for _, t := range sigTags {
		e, ok := sig.Get(t.sig)
		if !ok || h.Has(t.main) {
			continue
		}
		if e.Type != t.typ || (t.count != 0 && e.Count != t.count) || e.Count > 16<<20 {
			return nil, fmt.Errorf("invalid signature tag %d: %s count %d", t.sig, e.Type, e.Count)
		}
		out = append(out, entry{tag: t.main, typ: e.Type, count: e.Count, data: e.Data})
	}
	return out, nil
}
