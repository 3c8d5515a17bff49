package settings

import (
	"strings"

	"github.com/disco-build/disco/runtime/plan"
)

type parser struct {
	lexer
	vars map[string]string
	env  Env
}

func (p *parser) parse() error {
	for !p.eof() {
		words, err := p.statement()
		if err != nil {
			return err
		}
		if len(words) == 0 {
			continue
		}
		if err := p.apply(words); err != nil {
			return err
		}
	}
	return nil
}

// apply performs one statement. Plain assignments are expanded and assigned
// left to right, each seeing the one before; export's arguments are all
// expanded before any is assigned, as for any command.
func (p *parser) apply(words []word) error {
	if name, ok := words[0].bareName(); ok && name == "export" {
		return p.export(words[1:], words[0].line)
	}
	for _, w := range words {
		name, value, ok := w.assignment()
		if !ok {
			return p.notAssignment(w)
		}
		s, err := p.expand(w.line, value, false)
		if err != nil {
			return err
		}
		p.vars[name] = s
	}
	return nil
}

func (p *parser) export(words []word, line int) error {
	if len(words) == 0 {
		return plan.Errorf(plan.Pos{File: p.file, Line: line}, "export needs name=value arguments")
	}
	type assign struct{ name, value string }
	var todo []assign
	for _, w := range words {
		if _, ok := w.bareName(); ok {
			continue // export NAME marks for export; nothing to assign
		}
		name, value, ok := w.assignment()
		if !ok {
			return p.notAssignment(w)
		}
		s, err := p.expand(w.line, value, true)
		if err != nil {
			return err
		}
		todo = append(todo, assign{name, s})
	}
	for _, a := range todo {
		p.vars[a.name] = a.value
	}
	return nil
}

func (p *parser) notAssignment(w word) error {
	var raw strings.Builder
	for _, pt := range w.parts {
		if pt.ref {
			raw.WriteString("$" + pt.text)
			continue
		}
		raw.WriteString(pt.text)
	}
	return plan.Errorf(plan.Pos{File: p.file, Line: w.line},
		"%q is not an assignment (name=value): settings files are read, never run", raw.String())
}

// expand evaluates an assignment's value parts. Unquoted ~ is $HOME at the
// start of the value and after an unquoted ':'. In export arguments bash
// would also expand globs and braces, so unquoted * ? [ { } are refused
// there rather than mis-evaluated.
func (p *parser) expand(line int, parts []part, export bool) (string, error) {
	pos := plan.Pos{File: p.file, Line: line}
	var out strings.Builder
	tildeOK := true // at the start of the value, or after an unquoted ':'
	for i, pt := range parts {
		switch {
		case pt.ref:
			v, err := p.lookup(pos, pt.text)
			if err != nil {
				return "", err
			}
			out.WriteString(v)
			tildeOK = false
		case pt.quoted:
			out.WriteString(pt.text)
			tildeOK = false
		default:
			last := i == len(parts)-1
			ok, err := p.unquoted(&out, pos, pt.text, tildeOK, last, export)
			if err != nil {
				return "", err
			}
			tildeOK = ok
		}
	}
	return out.String(), nil
}

// unquoted writes unquoted text, expanding ~; it reports whether the text
// ended in a ':' (so a ~ in the next part would be expanded).
func (p *parser) unquoted(out *strings.Builder, pos plan.Pos, s string, tildeOK, last, export bool) (bool, error) {
	for j := 0; j < len(s); j++ {
		c := s[j]
		if export && strings.IndexByte("*?[{}", c) >= 0 {
			return false, plan.Errorf(pos, "unquoted %q in an export argument: quote the value", c)
		}
		if c == '~' && tildeOK {
			end := j+1 == len(s)
			if (end && !last) || (!end && s[j+1] != '/' && s[j+1] != ':') {
				return false, plan.Errorf(pos, "~ must be followed by '/' or end the value (~user is not supported)")
			}
			home, err := p.lookup(pos, "HOME")
			if err != nil {
				return false, err
			}
			out.WriteString(home)
			tildeOK = false
			continue
		}
		out.WriteByte(c)
		tildeOK = c == ':'
	}
	return tildeOK, nil
}

func (p *parser) lookup(pos plan.Pos, name string) (string, error) {
	if v, ok := p.vars[name]; ok {
		return v, nil
	}
	if p.env != nil {
		if v, ok := p.env(name); ok {
			return v, nil
		}
	}
	return "", plan.Errorf(pos, "$%s is not set: a value may refer only to names assigned earlier in the settings files", name)
}
