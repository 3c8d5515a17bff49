package debver

import "strings"

// Compare orders a and b as dpkg_version_compare does: -1 when a is older,
// 0 when they are equal (as "1.0" and "0:1.0" or "1.00" are), 1 when a is
// newer.
func Compare(a, b Version) int {
	switch {
	case a.Epoch < b.Epoch:
		return -1
	case a.Epoch > b.Epoch:
		return 1
	}
	if c := verrevcmp(a.Upstream, b.Upstream); c != 0 {
		return c
	}
	return verrevcmp(a.Revision, b.Revision)
}

// CompareStrings compares two version strings as dpkg --compare-versions
// does, also for versions dpkg only warns about (an upstream version not
// starting with a digit, unusual characters): they are split as
// parseversion splits them and compared all the same. A string dpkg
// refuses outright (Parse's non-warning errors) is split naively: the
// digits before a first ':' are the epoch, the revision follows the last
// '-'.
func CompareStrings(a, b string) int {
	return Compare(split(a), split(b))
}

// split cuts a version string into its parts without refusing it.
func split(s string) Version {
	if v, reason, warn := parse(s); reason == "" || warn {
		return v
	}
	var v Version
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == ':' {
		var e uint64
		for _, c := range s[:i] {
			if e = e*10 + uint64(c-'0'); e > 1<<31 {
				e = 1 << 31
			}
		}
		v.Epoch = uint32(e)
		s = s[i+1:]
	}
	if j := strings.LastIndexByte(s, '-'); j >= 0 {
		v.Upstream, v.Revision = s[:j], s[j+1:]
		return v
	}
	v.Upstream = s
	return v
}

// order is the weight of a non-digit byte in verrevcmp: '~' before the
// end of the string, the end before letters, letters before everything
// else (in byte order within each class). Bytes from 0x80 up weigh what
// they weigh in dpkg on amd64, where char is signed: c - 256 + 256, after
// the letters and before the other ASCII bytes.
func order(c int) int {
	switch {
	case c >= '0' && c <= '9':
		return 0
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return c
	case c == '~':
		return -1
	case c >= 0x80:
		return c
	case c != 0:
		return c + 256
	}
	return 0
}

// at returns s[i], or 0 past the end (C's terminating NUL).
func at(s string, i int) int {
	if i < len(s) {
		return int(s[i])
	}
	return 0
}

// verrevcmp is dpkg's comparison of two upstream versions or two
// revisions: alternating non-digit runs (compared byte by byte with
// order) and digit runs (compared as numbers, whatever their length).
// Like dpkg, a NUL byte ends the string.
func verrevcmp(a, b string) int {
	a, b = cstring(a), cstring(b)
	i, j := 0, 0
	for at(a, i) != 0 || at(b, j) != 0 {
		firstDiff := 0
		for ac, bc := at(a, i), at(b, j); ac != 0 && !isDigit(byte(ac)) || bc != 0 && !isDigit(byte(bc)); ac, bc = at(a, i), at(b, j) {
			if oa, ob := order(ac), order(bc); oa != ob {
				return sign(oa - ob)
			}
			i, j = i+1, j+1
		}
		for at(a, i) == '0' {
			i++
		}
		for at(b, j) == '0' {
			j++
		}
		for isDigit(byte(at(a, i))) && isDigit(byte(at(b, j))) {
			if firstDiff == 0 {
				firstDiff = at(a, i) - at(b, j)
			}
			i, j = i+1, j+1
		}
		if isDigit(byte(at(a, i))) {
			return 1
		}
		if isDigit(byte(at(b, j))) {
			return -1
		}
		if firstDiff != 0 {
			return sign(firstDiff)
		}
	}
	return 0
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// cstring cuts s at its first NUL byte, where a C string would end.
func cstring(s string) string {
	if k := strings.IndexByte(s, 0); k >= 0 {
		return s[:k]
	}
	return s
}
