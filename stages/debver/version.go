package debver

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Version is a Debian version: [epoch:]upstream[-revision]. The zero
// Version is the empty one dpkg uses for "no version".
type Version struct {
	Epoch uint32 // 0 when absent
	// HasEpoch tells an explicit epoch ("0:1.0") from none, so that String
	// gives back the version as written; comparisons ignore it.
	HasEpoch bool
	Upstream string // the upstream version
	Revision string // the Debian revision; "" when absent
}

// ErrSyntax is wrapped by every error Parse returns.
var ErrSyntax = errors.New("bad version syntax")

// SyntaxError is a version dpkg refuses. Warning tells the problems dpkg
// reports as warnings rather than errors (an upstream version not starting
// with a digit, a character outside the allowed set); dpkg still refuses
// such a version in a control file it builds or installs.
type SyntaxError struct {
	Version string // as given
	Reason  string // dpkg's message, e.g. "epoch in version is not number"
	Warning bool
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("version '%s' has bad syntax: %s", e.Version, e.Reason)
}

// Unwrap makes errors.Is(err, ErrSyntax) hold.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// Parse reads s as dpkg's parseversion (lib/dpkg/parsehelp.c) does:
// leading and trailing blanks are dropped, the epoch is a number before the
// first ':', the revision follows the last '-'. It returns dpkg's error for
// every version dpkg reports a problem with, errors and warnings alike
// (SyntaxError.Warning tells which), so that only versions dpkg accepts
// without complaint are Versions.
func Parse(s string) (Version, error) {
	v, reason, warn := parse(s)
	if reason != "" {
		return Version{}, &SyntaxError{Version: s, Reason: reason, Warning: warn}
	}
	return v, nil
}

// MustParse is Parse for versions known to be valid; it panics otherwise.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// parse returns the version, or dpkg's reason for refusing it and whether
// dpkg calls that a warning.
func parse(s string) (v Version, reason string, warn bool) {
	s = strings.TrimLeft(s, " \t")
	if s == "" {
		return v, "version string is empty", false
	}
	end := strings.IndexFunc(s, func(r rune) bool { return r == ' ' || r == '\t' })
	if end >= 0 {
		if strings.TrimLeft(s[end:], " \t") != "" {
			return v, "version string has embedded spaces", false
		}
		s = s[:end]
	}
	if colon := strings.IndexByte(s, ':'); colon >= 0 {
		epoch, reason := parseEpoch(s, colon)
		if reason != "" {
			return v, reason, false
		}
		v.Epoch, v.HasEpoch = epoch, true
		s = s[colon+1:]
	}
	if h := strings.LastIndexByte(s, '-'); h >= 0 {
		if h == len(s)-1 {
			return v, "revision number is empty", false
		}
		v.Upstream, v.Revision = s[:h], s[h+1:]
	} else {
		v.Upstream = s
	}
	if v.Upstream == "" {
		return v, "version number is empty", false
	}
	if reason := checkChars(v); reason != "" {
		return v, reason, true
	}
	return v, "", false
}

// parseEpoch reads the epoch before s[colon] as strtol does in parseversion.
func parseEpoch(s string, colon int) (uint32, string) {
	i := 0
	for i < len(s) && strings.IndexByte(" \t\n\v\f\r", s[i]) >= 0 {
		i++ // strtol skips white space (of any kind) before the number
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	switch {
	case j == i:
		return 0, "epoch in version is empty"
	case j != colon:
		return 0, "epoch in version is not number"
	}
	n, err := strconv.ParseUint(s[i:j], 10, 64)
	if neg && (err != nil || n != 0) {
		return 0, "epoch in version is negative"
	}
	if err != nil || n > math.MaxInt32 {
		return 0, "epoch in version is too big"
	}
	if colon == len(s)-1 {
		return 0, "nothing after colon in version number"
	}
	return uint32(n), ""
}

// checkChars applies parseversion's character rules, which dpkg reports
// as warnings.
func checkChars(v Version) string {
	if !isDigit(v.Upstream[0]) {
		return "version number does not start with digit"
	}
	for i := 1; i < len(v.Upstream); i++ {
		if c := v.Upstream[i]; !isDigit(c) && !isAlpha(c) && !strings.ContainsRune(".-+~:", rune(c)) {
			return "invalid character in version number"
		}
	}
	for i := 0; i < len(v.Revision); i++ {
		if c := v.Revision[i]; !isDigit(c) && !isAlpha(c) && !strings.ContainsRune(".+~", rune(c)) {
			return "invalid character in revision number"
		}
	}
	return ""
}

// String formats the version as it was written: the epoch when it was
// given (or is not 0, or the upstream version holds a ':', which would
// otherwise read as an epoch), the revision when there is one.
func (v Version) String() string {
	var b strings.Builder
	if v.Epoch != 0 || v.HasEpoch || strings.Contains(v.Upstream, ":") {
		b.WriteString(strconv.FormatUint(uint64(v.Epoch), 10))
		b.WriteByte(':')
	}
	b.WriteString(v.Upstream)
	if v.Revision != "" {
		b.WriteByte('-')
		b.WriteString(v.Revision)
	}
	return b.String()
}

// IsZero reports the empty version (dpkg's "no version").
func (v Version) IsZero() bool { return v == Version{} }
