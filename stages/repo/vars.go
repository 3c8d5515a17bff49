package repo

import (
	"slices"
	"strings"
)

// Vars are the substitution variables of yum/dnf configuration: "basearch",
// "arch", "releasever", "YUM0".."YUM9" and any others, without the '$'.
type Vars map[string]string

// Expand substitutes $name and ${name} in s as dnf does: a name is the longest
// run of ASCII letters, digits and '_'; an unknown name is left as written.
// ${name:-word} gives word when name is unset or empty and ${name:+word} gives
// word when it is set and not empty.
func (v Vars) Expand(s string) string {
	if strings.IndexByte(s, '$') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '$' {
			b.WriteByte(s[i])
			i++
			continue
		}
		out, n := v.expandAt(s[i:])
		b.WriteString(out)
		i += n
	}
	return b.String()
}

// expandAt expands the reference at the start of s (which begins with '$')
// and returns the text and the number of bytes consumed.
func (v Vars) expandAt(s string) (string, int) {
	if len(s) > 1 && s[1] == '{' {
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return "$", 1
		}
		return v.expandBraced(s[2:end], s[:end+1]), end + 1
	}
	n := nameLen(s[1:])
	if n == 0 {
		return "$", 1
	}
	if val, ok := v[s[1:1+n]]; ok {
		return val, 1 + n
	}
	return s[:1+n], 1 + n
}

func (v Vars) expandBraced(inner, raw string) string {
	n := nameLen(inner)
	if n == 0 {
		return raw
	}
	name, rest := inner[:n], inner[n:]
	val, ok := v[name]
	switch {
	case rest == "":
		if ok {
			return val
		}
		return raw
	case strings.HasPrefix(rest, ":-"):
		if val == "" {
			return v.Expand(rest[2:])
		}
		return val
	case strings.HasPrefix(rest, ":+"):
		if val != "" {
			return v.Expand(rest[2:])
		}
		return ""
	}
	return raw
}

// Unset returns the names s refers to as $name or ${name} that v does not
// define, in order, each once. ${name:-word} and ${name:+word} are not
// listed (they say what an unset name gives), nor is a '$' that starts no
// name.
func (v Vars) Unset(s string) []string {
	var out []string
	for i := strings.IndexByte(s, '$'); i >= 0; i = strings.IndexByte(s, '$') {
		s = s[i+1:]
		name := ""
		if strings.HasPrefix(s, "{") {
			end := strings.IndexByte(s, '}')
			if end < 0 {
				break
			}
			inner := s[1:end]
			if n := nameLen(inner); n > 0 && n == len(inner) {
				name = inner
			}
		} else {
			name = s[:nameLen(s)]
		}
		if _, ok := v[name]; name != "" && !ok && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

func nameLen(s string) int {
	n := 0
	for n < len(s) && isNameByte(s[n]) {
		n++
	}
	return n
}

func isNameByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
