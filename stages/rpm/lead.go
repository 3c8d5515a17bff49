package rpm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// LeadSize is the size of the lead, the fixed-size block opening a package.
const LeadSize = 96

var leadMagic = []byte{0xed, 0xab, 0xee, 0xdb}

// Lead is the obsolete fixed-size block that opens a package. rpm only checks
// its magic, version and signature type; everything else comes from headers.
type Lead struct {
	Major, Minor  uint8
	Type          uint16 // 0 binary, 1 source
	ArchNum       uint16
	Name          string
	OSNum         uint16
	SignatureType uint16
}

// headerSigType is RPMSIGTYPE_HEADERSIG, the only signature type rpm reads.
const headerSigType = 5

func readLead(r io.Reader) (Lead, error) {
	var b [LeadSize]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return Lead{}, fmt.Errorf("%w: lead: %w", ErrFormat, noEOF(err))
	}
	if !bytes.Equal(b[:4], leadMagic) {
		return Lead{}, fmt.Errorf("%w: not an rpm package (lead magic % x)", ErrFormat, b[:4])
	}
	name := b[10:76]
	if i := bytes.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	l := Lead{
		Major: b[4], Minor: b[5],
		Type:          binary.BigEndian.Uint16(b[6:]),
		ArchNum:       binary.BigEndian.Uint16(b[8:]),
		Name:          string(name),
		OSNum:         binary.BigEndian.Uint16(b[76:]),
		SignatureType: binary.BigEndian.Uint16(b[78:]),
	}
	if l.Major < 3 || l.Major > 4 {
		return Lead{}, fmt.Errorf("%w: unsupported package format version %d.%d", ErrFormat, l.Major, l.Minor)
	}
	if l.SignatureType != headerSigType {
		return Lead{}, fmt.Errorf("%w: unsupported signature type %d", ErrFormat, l.SignatureType)
	}
	return l, nil
}
