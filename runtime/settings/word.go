package settings

import "strings"

// part is a piece of a word: literal text (quoted or not) or a reference.
type part struct {
	text   string
	quoted bool // text came from quotes or a backslash escape
	ref    bool // text is a variable name to expand
	tilde  bool // an unquoted ~ standing for $HOME
}

// word is one shell word as lexed, before expansion.
type word struct {
	line  int
	parts []part
}

// assignment splits an assignment word into its name and value parts. The
// name and '=' must be unquoted literal text at the start of the word, as
// the shell requires.
func (w word) assignment() (name string, value []part, ok bool) {
	if len(w.parts) == 0 || w.parts[0].quoted || w.parts[0].ref || w.parts[0].tilde {
		return "", nil, false
	}
	first := w.parts[0].text
	i := strings.IndexByte(first, '=')
	if i < 0 || !isName(first[:i]) {
		return "", nil, false
	}
	value = append(value, part{text: first[i+1:]})
	value = append(value, w.parts[1:]...)
	return first[:i], value, true
}

// bareName reports whether the word is a plain unquoted name.
func (w word) bareName() (string, bool) {
	if len(w.parts) != 1 || w.parts[0].quoted || w.parts[0].ref || w.parts[0].tilde {
		return "", false
	}
	return w.parts[0].text, isName(w.parts[0].text)
}

func isName(s string) bool {
	if s == "" || isDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

func isNameByte(c byte) bool {
	return c == '_' || isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
