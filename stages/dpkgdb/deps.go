package dpkgdb

import (
	"fmt"
	"strings"
)

// relation fields, as dpkg types them.
const (
	depPlain          = iota
	depNoAlternatives // Conflicts, Breaks, Provides, Replaces
)

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// formatRelations parses a relation field as dpkg's f_dependency does and
// writes it back as w_dependency does: "name[:arch] (op version)"
// alternatives joined by " | ", relations by ", ", names lower-cased, the
// obsolete "<" and ">" written "<=" and ">=", a bare version "(1.0)" as
// "(= 1.0)", versions without a 0 epoch.
func formatRelations(field, value string, kind int) (string, error) {
	if value == "" {
		return "", nil
	}
	p := &relParser{s: value, field: field}
	var out strings.Builder
	for {
		for first := true; ; first = false {
			if !first {
				out.WriteString(" | ")
			}
			if err := p.relation(&out); err != nil {
				return "", err
			}
			if p.eof() || p.peek() == ',' {
				break
			}
			if p.peek() != '|' {
				return "", fmt.Errorf("'%s' field, syntax error after reference to package '%s'", field, p.last)
			}
			if kind == depNoAlternatives {
				return "", fmt.Errorf("alternatives ('|') not allowed in '%s' field", field)
			}
			p.i++
			p.skipSpace()
		}
		if p.eof() {
			return out.String(), nil
		}
		p.i++ // ','
		p.skipSpace()
		out.WriteString(", ")
	}
}

type relParser struct {
	s, field, last string
	i              int
}

func (p *relParser) eof() bool  { return p.i >= len(p.s) }
func (p *relParser) peek() byte { return p.s[p.i] }
func (p *relParser) skipSpace() {
	for !p.eof() && isSpace(p.peek()) {
		p.i++
	}
}

// scan advances over bytes until one in stops or a space.
func (p *relParser) scan(stops string) string {
	start := p.i
	for !p.eof() && !isSpace(p.peek()) && strings.IndexByte(stops, p.peek()) < 0 {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *relParser) relation(out *strings.Builder) error {
	name := p.scan(":(,|")
	if name == "" {
		return fmt.Errorf("'%s' field, missing package name, or garbage where package name expected", p.field)
	}
	if err := checkName(name); err != nil {
		return fmt.Errorf("'%s' field, invalid package name '%s': %w", p.field, name, err)
	}
	p.last = strings.ToLower(name)
	out.WriteString(p.last)
	if !p.eof() && p.peek() == ':' {
		p.i++
		arch := p.scan("(,|")
		if arch == "" {
			return fmt.Errorf("'%s' field, missing architecture name, or garbage where architecture name expected", p.field)
		}
		out.WriteString(":" + arch)
	}
	p.skipSpace()
	if p.eof() || p.peek() != '(' {
		return nil
	}
	p.i++
	p.skipSpace()
	op, err := p.op()
	if err != nil {
		return err
	}
	p.skipSpace()
	start := p.i
	for !p.eof() && p.peek() != ')' && p.peek() != '(' && !isSpace(p.peek()) {
		p.i++
	}
	ver := p.s[start:p.i]
	p.skipSpace()
	if p.eof() {
		return fmt.Errorf("'%s' field, reference to '%s': version unterminated", p.field, p.last)
	}
	if p.peek() != ')' {
		return fmt.Errorf("'%s' field, reference to '%s': version contains '%c' instead of ')'", p.field, p.last, p.peek())
	}
	v, err := parseVersion(ver)
	if err != nil {
		return fmt.Errorf("'%s' field, reference to '%s': version '%s': %w", p.field, p.last, ver, err)
	}
	p.i++
	p.skipSpace()
	fmt.Fprintf(out, " (%s %s)", op, v)
	return nil
}

// op reads a relation operator; "<" and ">" are dpkg's obsolete "<=" and
// ">=", and none at all is "=".
func (p *relParser) op() (string, error) {
	if p.eof() {
		return "=", nil
	}
	c1 := p.peek()
	switch c1 {
	case '<', '>':
		p.i++
		var c2 byte
		if !p.eof() {
			c2 = p.peek()
		}
		switch {
		case c2 == '=':
			p.i++
			return string(c1) + "=", nil
		case c2 == c1:
			p.i++
			return string(c1) + string(c1), nil
		case c2 == '<' || c2 == '>':
			return "", fmt.Errorf("'%s' field, reference to '%s': bad version relationship %c%c", p.field, p.last, c1, c2)
		}
		return string(c1) + "=", nil
	case '=':
		p.i++
	}
	return "=", nil
}

// checkName applies pkg_name_is_illegal.
func checkName(s string) error {
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
	if !alnum(s[0]) {
		return fmt.Errorf("must start with an alphanumeric character")
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !alnum(c) && strings.IndexByte("-+._", c) < 0 {
			return fmt.Errorf("character '%c' not allowed (only letters, digits and characters '-+._')", c)
		}
	}
	return nil
}
