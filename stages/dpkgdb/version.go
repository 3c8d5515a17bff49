package dpkgdb

import (
	"fmt"
	"strconv"
	"strings"
)

// version is a version split as dpkg's parseversion splits it.
type version struct {
	epoch              uint64
	upstream, revision string
}

// parseVersion splits s as parseversion does (lib/dpkg/parsehelp.c):
// blanks around it dropped, the epoch a number before the first ':', the
// revision after the last '-'. It returns dpkg's hard errors; what dpkg
// only warns about (characters outside the allowed set, an upstream
// version not starting with a digit) is accepted, as dpkg accepts it from
// a package's control file.
func parseVersion(s string) (version, error) {
	s = strings.Trim(s, " \t")
	if s == "" {
		return version{}, fmt.Errorf("version string is empty")
	}
	if strings.ContainsAny(s, " \t") {
		return version{}, fmt.Errorf("version string has embedded spaces")
	}
	var v version
	if colon := strings.IndexByte(s, ':'); colon >= 0 {
		n, err := parseEpoch(s[:colon])
		if err != nil {
			return version{}, err
		}
		if colon == len(s)-1 {
			return version{}, fmt.Errorf("nothing after colon in version number")
		}
		v.epoch, s = n, s[colon+1:]
	}
	v.upstream = s
	if h := strings.LastIndexByte(s, '-'); h >= 0 {
		v.upstream, v.revision = s[:h], s[h+1:]
		if v.revision == "" {
			return version{}, fmt.Errorf("revision number is empty")
		}
	}
	if v.upstream == "" {
		return version{}, fmt.Errorf("version number is empty")
	}
	return v, nil
}

// String writes the version as dpkg's varbufversion does with
// vdew_nonambig: the epoch only when it is not 0 or a ':' in the rest
// would read as one.
func (v version) String() string {
	var b strings.Builder
	if v.epoch != 0 || strings.Contains(v.upstream, ":") || strings.Contains(v.revision, ":") {
		b.WriteString(strconv.FormatUint(v.epoch, 10))
		b.WriteByte(':')
	}
	b.WriteString(v.upstream)
	if v.revision != "" {
		b.WriteByte('-')
		b.WriteString(v.revision)
	}
	return b.String()
}

// parseEpoch reads the epoch as strtol does, with parseversion's checks.
func parseEpoch(e string) (uint64, error) {
	digits, neg := e, false
	if e != "" && (e[0] == '+' || e[0] == '-') {
		digits, neg = e[1:], e[0] == '-'
	}
	if digits == "" || digits[0] < '0' || digits[0] > '9' {
		return 0, fmt.Errorf("epoch in version is empty")
	}
	if strings.Trim(digits, "0123456789") != "" {
		return 0, fmt.Errorf("epoch in version is not number")
	}
	if neg && strings.Trim(digits, "0") != "" {
		return 0, fmt.Errorf("epoch in version is negative")
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || n > 1<<31-1 {
		return 0, fmt.Errorf("epoch in version is too big")
	}
	return n, nil
}
