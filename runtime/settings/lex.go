package settings

import (
	"strings"

	"github.com/disco-build/disco/runtime/plan"
)

// lexer splits a settings file into words, refusing every character that
// would make bash do more than assign.
type lexer struct {
	file string
	src  []byte
	i    int
	line int
}

func (l *lexer) errorf(format string, args ...any) error {
	return plan.Errorf(plan.Pos{File: l.file, Line: l.line}, format, args...)
}

func (l *lexer) eof() bool  { return l.i >= len(l.src) }
func (l *lexer) peek() byte { return l.src[l.i] }

// peekAt returns the byte n ahead, or 0 at the end.
func (l *lexer) peekAt(n int) byte {
	if l.i+n < len(l.src) {
		return l.src[l.i+n]
	}
	return 0
}

// skipBlanks skips spaces, tabs, backslash-newlines and a comment; it
// stops at a newline or the end.
func (l *lexer) skipBlanks() {
	for !l.eof() {
		switch c := l.peek(); {
		case c == ' ' || c == '\t':
			l.i++
		case c == '\\' && l.peekAt(1) == '\n':
			l.i += 2
			l.line++
		case c == '#':
			for !l.eof() && l.peek() != '\n' {
				l.i++
			}
		default:
			return
		}
	}
}

// statement returns the words up to the next unquoted newline (consumed).
func (l *lexer) statement() ([]word, error) {
	var words []word
	for {
		l.skipBlanks()
		if l.eof() {
			return words, nil
		}
		if l.peek() == '\n' {
			l.i++
			l.line++
			return words, nil
		}
		w, err := l.word()
		if err != nil {
			return nil, err
		}
		words = append(words, w)
	}
}

// wordBuilder gathers parts, merging adjacent literal text of one kind.
// An empty quoted string ("" or ”) is a part of its own.
type wordBuilder struct {
	w    word
	buf  strings.Builder
	q    bool
	open bool
}

func (b *wordBuilder) flush() {
	if b.open {
		b.w.parts = append(b.w.parts, part{text: b.buf.String(), quoted: b.q})
		b.buf.Reset()
		b.open = false
	}
}

func (b *wordBuilder) lit(s string, quoted bool) {
	if b.open && quoted != b.q {
		b.flush()
	}
	b.open, b.q = true, quoted
	b.buf.WriteString(s)
}

func (b *wordBuilder) ref(name string) {
	b.flush()
	b.w.parts = append(b.w.parts, part{text: name, ref: true})
}

// word lexes one unquoted-context word.
func (l *lexer) word() (word, error) {
	b := &wordBuilder{w: word{line: l.line}}
	for !l.eof() {
		c := l.peek()
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			b.flush()
			return b.w, nil
		case c == '\'':
			if err := l.single(b); err != nil {
				return word{}, err
			}
		case c == '"':
			if err := l.double(b); err != nil {
				return word{}, err
			}
		case c == '\\':
			if err := l.escape(b); err != nil {
				return word{}, err
			}
		case c == '$':
			if err := l.dollar(b, false); err != nil {
				return word{}, err
			}
		default:
			if err := l.plain(c); err != nil {
				return word{}, err
			}
			b.lit(string([]byte{c}), false)
			l.i++
		}
	}
	b.flush()
	return b.w, nil
}

// plain refuses the unquoted characters that make bash do more than assign.
func (l *lexer) plain(c byte) error {
	switch c {
	case '`':
		return l.errorf("command substitution (`...`) is not allowed: settings files hold only assignments")
	case ';', '|', '&', '<', '>', '(', ')':
		return l.errorf("%q is not allowed: settings files hold only assignments, one statement per line", c)
	case 0:
		return l.errorf("NUL byte")
	}
	return nil
}

func (l *lexer) escape(b *wordBuilder) error {
	switch {
	case l.i+1 >= len(l.src):
		return l.errorf("backslash at the end of the file")
	case l.peekAt(1) == '\n':
		l.line++
	case l.peekAt(1) == 0:
		return l.errorf("NUL byte")
	default:
		b.lit(string([]byte{l.peekAt(1)}), true)
	}
	l.i += 2
	return nil
}

func (l *lexer) single(b *wordBuilder) error {
	start := l.line
	l.i++
	j := l.i
	for j < len(l.src) && l.src[j] != '\'' {
		j++
	}
	if j == len(l.src) {
		l.line = start
		return l.errorf("unterminated single quote")
	}
	s := string(l.src[l.i:j])
	if strings.IndexByte(s, 0) >= 0 {
		return l.errorf("NUL byte")
	}
	l.line += strings.Count(s, "\n")
	b.lit(s, true)
	l.i = j + 1
	return nil
}

func (l *lexer) double(b *wordBuilder) error {
	start := l.line
	l.i++
	for !l.eof() {
		c := l.peek()
		switch {
		case c == '"':
			l.i++
			b.lit("", true) // "" is an empty quoted part, not nothing
			return nil
		case c == '\\':
			l.dqEscape(b)
		case c == '$':
			if err := l.dollar(b, true); err != nil {
				return err
			}
		case c == '`':
			return l.errorf("command substitution (`...`) is not allowed: settings files hold only assignments")
		case c == 0:
			return l.errorf("NUL byte")
		default:
			if c == '\n' {
				l.line++
			}
			b.lit(string([]byte{c}), true)
			l.i++
		}
	}
	l.line = start
	return l.errorf("unterminated double quote")
}

// dqEscape handles a backslash inside double quotes: it escapes only
// $ ` " \ and newline; before anything else it is itself.
func (l *lexer) dqEscape(b *wordBuilder) {
	switch n := l.peekAt(1); n {
	case '$', '`', '"', '\\':
		b.lit(string([]byte{n}), true)
		l.i += 2
	case '\n':
		l.line++
		l.i += 2
	default:
		b.lit(`\`, true)
		l.i++
	}
}

// dollar lexes $name, ${name}, or a literal '$'; other expansions are
// refused.
func (l *lexer) dollar(b *wordBuilder, quoted bool) error {
	n := l.peekAt(1)
	switch {
	case n == '{':
		return l.braced(b)
	case n == '(':
		return l.errorf("command substitution and arithmetic ($(...)) are not allowed: settings files hold only assignments")
	case n == '_' && !isNameByte(l.peekAt(2)):
		return l.errorf("special parameter $_ is not supported")
	case isNameByte(n) && !isDigit(n):
		j := l.i + 1
		for j < len(l.src) && isNameByte(l.src[j]) {
			j++
		}
		b.ref(string(l.src[l.i+1 : j]))
		l.i = j
		return nil
	case isDigit(n) || strings.IndexByte("@*#?$!-", n) >= 0:
		return l.errorf("special parameter $%c is not supported", n)
	case !quoted && (n == '\'' || n == '"'):
		return l.errorf("$%c...%c quoting is not supported", n, n)
	}
	b.lit("$", quoted)
	l.i++
	return nil
}

func (l *lexer) braced(b *wordBuilder) error {
	j := l.i + 2
	for j < len(l.src) && l.src[j] != '}' && l.src[j] != '\n' {
		j++
	}
	if j == len(l.src) || l.src[j] != '}' {
		return l.errorf("unterminated ${")
	}
	name := string(l.src[l.i+2 : j])
	if !isName(name) || name == "_" {
		return l.errorf("${%s}: only ${name} is supported (no operators, special parameters or arrays)", name)
	}
	b.ref(name)
	l.i = j + 1
	return nil
}
