// Package glob matches slash-separated paths against patterns where '*',
// '?' and '[...]' work within one path element (as path.Match) and "**"
// matches any number of elements, including none.
//
// Entry point: Match.
package glob

import (
	"path"
	"strings"
)

// Match reports whether p matches pattern. A malformed element pattern
// matches nothing.
func Match(pattern, p string) bool {
	return elems(strings.Split(pattern, "/"), strings.Split(p, "/"))
}

func elems(pat, parts []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(parts); i++ {
				if elems(pat[1:], parts[i:]) {
					return true
				}
			}
			return false
		}
		if len(parts) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], parts[0]); err != nil || !ok {
			return false
		}
		pat, parts = pat[1:], parts[1:]
	}
	return len(parts) == 0
}
