package rpmver

import (
	"strconv"
	"strings"
)

// ParseEVR splits "[epoch:]version[-release]" as rpm's parseEVR does: the
// epoch is a leading run of digits ended by ':', the release follows the
// last '-'. An empty epoch before ':' ("":1.0) counts as an explicit 0.
func ParseEVR(s string) EVR {
	var e EVR
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	rest := s
	if i < len(s) && s[i] == ':' {
		e.HasEpoch = true
		e.Epoch = atoiClamp(s[:i])
		rest = s[i+1:]
	}
	if k := strings.LastIndexByte(rest, '-'); k >= 0 {
		e.Version, e.Release = rest[:k], rest[k+1:]
	} else {
		e.Version = rest
	}
	return e
}

func atoiClamp(s string) int {
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return int(^uint(0) >> 1) // out of range: rpm would misbehave too
	}
	return n
}

// String formats the EVR as rpm prints it: the epoch only when explicit or
// non-zero, the release only when present.
func (e EVR) String() string {
	var b strings.Builder
	if e.HasEpoch || e.Epoch != 0 {
		b.WriteString(strconv.Itoa(e.Epoch))
		b.WriteByte(':')
	}
	b.WriteString(e.Version)
	if e.Release != "" {
		b.WriteByte('-')
		b.WriteString(e.Release)
	}
	return b.String()
}

// IsZero reports an EVR with nothing in it (an unversioned dependency).
func (e EVR) IsZero() bool {
	return e.Version == "" && e.Release == "" && e.Epoch == 0 && !e.HasEpoch
}

// CompareEVR orders two EVRs the way rpm and libsolv compare them when
// matching dependencies: a missing epoch is 0, versions compare with
// Compare, and releases compare only when both sides have one (so "1.0"
// equals "1.0-5"). Use LabelCompare to order packages.
func CompareEVR(a, b EVR) int {
	if a.Epoch != b.Epoch {
		if a.Epoch < b.Epoch {
			return -1
		}
		return 1
	}
	if r := Compare(a.Version, b.Version); r != 0 {
		return r
	}
	if a.Release == "" || b.Release == "" {
		return 0
	}
	return Compare(a.Release, b.Release)
}

// LabelCompare orders two EVRs as rpm.labelCompare and libsolv's
// EVRCMP_COMPARE order packages: like CompareEVR, but a missing release is
// older than any present one.
func LabelCompare(a, b EVR) int {
	if a.Epoch != b.Epoch {
		if a.Epoch < b.Epoch {
			return -1
		}
		return 1
	}
	if r := Compare(a.Version, b.Version); r != 0 {
		return r
	}
	return Compare(a.Release, b.Release)
}
