package apt

import (
	"errors"
	"fmt"
	"strings"
)

const (
	beginSigned    = "-----BEGIN PGP SIGNED MESSAGE-----"
	beginSignature = "-----BEGIN PGP SIGNATURE-----"
	endSignature   = "-----END PGP SIGNATURE-----"
)

// errNotClearsigned: the file does not start with a signed message block
// (an unsigned Release file, or no OpenPGP at all).
var errNotClearsigned = errors.New("not a clearsigned file")

// clearsigned is an InRelease file taken apart.
type clearsigned struct {
	text       string // the message as apt parses it: lines without trailing blanks, joined by "\n"
	signed     []byte // what the signatures cover: the same lines joined by "\r\n" (RFC 4880 §7.1)
	signatures string // the armored signature blocks, one after the other
}

// splitClearsigned takes a clearsigned file apart with the strictness of
// apt's SplitClearSignedFile (apt-pkg/contrib/gpgv.cc), so that what is
// parsed is exactly what was verified: the file must start with the
// signed-message line; armor headers end at an empty line and none may
// start with a dash; message lines starting with a dash must be
// dash-escaped ("- "); after the message come only signature blocks, each
// closed, and nothing else, not even an empty line. Trailing blanks and
// CR of every line are dropped, as apt and RFC 4880 §7.1 do. A file whose
// first line is not the signed-message line is errNotClearsigned, unless
// that line comes later, which is an error.
func splitClearsigned(file, data string) (*clearsigned, error) {
	lines := splitLines(data)
	if len(lines) == 0 || lines[0] != beginSigned {
		for _, l := range lines {
			if l == beginSigned {
				return nil, fmt.Errorf("clearsigned file %s does not start with a signed message block", file)
			}
		}
		return nil, errNotClearsigned
	}
	incomplete := fmt.Errorf("splitting of clearsigned file %s failed as it doesn't contain all expected parts", file)
	dash := func(part string) error {
		return fmt.Errorf("clearsigned file %s contains unexpected line starting with a dash (%s)", file, part)
	}
	i := 1
	for ; ; i++ {
		if i == len(lines) {
			return nil, incomplete
		}
		if lines[i] == "" {
			break
		}
		if strings.HasPrefix(lines[i], "-") {
			return nil, dash("armor")
		}
	}
	var msg []string
	for i++; ; i++ {
		if i == len(lines) {
			return nil, incomplete
		}
		l := lines[i]
		if l == beginSignature {
			break
		}
		if strings.HasPrefix(l, "- ") {
			l = l[2:]
		} else if strings.HasPrefix(l, "-") {
			return nil, dash("msg")
		}
		msg = append(msg, l)
	}
	var sig strings.Builder
	sig.WriteString(beginSignature + "\n")
	open := true
	for i++; i < len(lines); i++ {
		l := lines[i]
		switch {
		case open && l == endSignature:
			open = false
		case open && strings.HasPrefix(l, "-"):
			return nil, dash("sig")
		case !open && l == beginSignature:
			open = true
		case !open:
			return nil, fmt.Errorf("clearsigned file %s contains unsigned lines", file)
		}
		sig.WriteString(l)
		sig.WriteByte('\n')
	}
	if open {
		return nil, fmt.Errorf("signature in file %s wasn't closed", file)
	}
	return &clearsigned{
		text:       strings.Join(msg, "\n"),
		signed:     []byte(strings.Join(msg, "\r\n")),
		signatures: sig.String(),
	}, nil
}

// splitLines cuts data into lines as apt's LineBuffer reads them: without
// the line break, trailing CR and LF characters, and then trailing spaces
// and tabs.
func splitLines(data string) []string {
	if data == "" {
		return nil
	}
	lines := strings.SplitAfter(data, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		lines[i] = strings.TrimRight(strings.TrimRight(l, "\r\n"), " \t")
	}
	return lines
}
