package report

import (
	"fmt"
	"strconv"
	"strings"
)

// purl is the package URL of an RPM per the purl "rpm" type:
// pkg:rpm/NAME@VERSION-RELEASE?arch=ARCH&epoch=N, qualifiers in key
// order, epoch only when not zero. Name, version and qualifier values are
// percent-encoded except for unreserved characters and ':' (which the
// purl spec says never to encode): a '+' or '^' in a version becomes %2B
// or %5E, a '~' stays.
func purl(p Package) string {
	var b strings.Builder
	b.WriteString("pkg:rpm/")
	b.WriteString(purlEscape(p.Name))
	b.WriteString("@")
	b.WriteString(purlEscape(p.Version + "-" + p.Release))
	b.WriteString("?arch=")
	b.WriteString(purlEscape(p.Arch))
	if p.Epoch != 0 {
		b.WriteString("&epoch=")
		b.WriteString(strconv.Itoa(p.Epoch))
	}
	return b.String()
}

// purlEscape percent-encodes every byte but A-Z a-z 0-9 - . _ ~ and ':'.
func purlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~:", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
