package rpmver

// Compare compares two version (or release) strings exactly as rpm's
// rpmvercmp (rpmio/rpmvercmp.c, rpm 4.18): it returns -1, 0 or 1.
//
// Strings are split into runs of ASCII digits and ASCII letters; any other
// byte separates runs and is otherwise ignored. Digit runs compare
// numerically (leading zeros dropped), letter runs by byte order, and a digit
// run is newer than a letter run. '~' sorts before everything, even the end
// of the string ("1.0~rc1" < "1.0"); '^' sorts after the end of the string
// but before any further run ("1.0" < "1.0^git1" < "1.0.1").
func Compare(a, b string) int {
	if a == b {
		return 0
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		i = skipSeparators(a, i)
		j = skipSeparators(b, j)

		// '~' sorts before everything else, even the end of the string.
		if at(a, i) == '~' || at(b, j) == '~' {
			if at(a, i) != '~' {
				return 1
			}
			if at(b, j) != '~' {
				return -1
			}
			i, j = i+1, j+1
			continue
		}
		// '^' sorts after the end of the string but before anything else.
		if at(a, i) == '^' || at(b, j) == '^' {
			if i >= len(a) {
				return -1
			}
			if j >= len(b) {
				return 1
			}
			if at(a, i) != '^' {
				return 1
			}
			if at(b, j) != '^' {
				return -1
			}
			i, j = i+1, j+1
			continue
		}
		if i >= len(a) || j >= len(b) {
			break
		}
		if r, done := compareSegment(a, b, &i, &j); done {
			return r
		}
	}
	switch {
	case i >= len(a) && j >= len(b):
		return 0
	case i >= len(a):
		return -1
	default:
		return 1
	}
}

// compareSegment compares the digit or letter run starting at a[*i] and
// b[*j], advancing both past it. done reports a decided comparison.
func compareSegment(a, b string, i, j *int) (r int, done bool) {
	isnum := isDigit(a[*i])
	class := isAlpha
	if isnum {
		class = isDigit
	}
	ea, eb := runEnd(a, *i, class), runEnd(b, *j, class)
	one, two := a[*i:ea], b[*j:eb]
	*i, *j = ea, eb
	if two == "" {
		// Different kinds of run: a number is newer than letters.
		if isnum {
			return 1, true
		}
		return -1, true
	}
	if isnum {
		one, two = trimZeros(one), trimZeros(two)
		if len(one) != len(two) {
			if len(one) > len(two) {
				return 1, true
			}
			return -1, true
		}
	}
	switch {
	case one < two:
		return -1, true
	case one > two:
		return 1, true
	}
	return 0, false
}

func skipSeparators(s string, i int) int {
	for i < len(s) && !isAlnum(s[i]) && s[i] != '~' && s[i] != '^' {
		i++
	}
	return i
}

func runEnd(s string, i int, class func(byte) bool) int {
	for i < len(s) && class(s[i]) {
		i++
	}
	return i
}

func trimZeros(s string) string {
	for len(s) > 0 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

// at returns s[i], or 0 past the end (as C's terminating NUL).
func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
