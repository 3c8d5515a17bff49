package repo

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// ParseError is a configuration error at a place in a file; it reads
// "FILE:LINE: message".
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// iniOption is one key=value of a section, with the line it started on.
// Continuation lines are joined to Value with "\n".
type iniOption struct {
	Key   string
	Value string
	Line  int
}

// iniSection is one [name] of an ini file, options in file order.
type iniSection struct {
	Name    string
	Line    int
	Options []iniOption
}

// parseINI splits data into sections with the rules of Python's ConfigParser
// as yum used it: comment lines start with '#' or ';' (or "rem"), a line
// starting with whitespace continues the previous option's value, and an
// option is "key=value" with spaces allowed around '=' (dnf does not accept
// yum's "key: value"). Keys are lower-cased. A section that repeats in the
// same file continues the first one, as both ConfigParser and dnf do.
func parseINI(file string, data []byte) ([]*iniSection, error) {
	var (
		secs   []*iniSection
		cur    *iniSection
		seen   = map[string]*iniSection{}
		lineNo int
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		lineNo++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if lineNo == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		errf := func(format string, args ...any) error {
			return &ParseError{File: file, Line: lineNo, Msg: fmt.Sprintf(format, args...)}
		}
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || isCommentLine(line):
			continue
		case line[0] == ' ' || line[0] == '\t':
			if cur == nil || len(cur.Options) == 0 {
				return nil, errf("continuation line %q without an option before it", trimmed)
			}
			o := &cur.Options[len(cur.Options)-1]
			o.Value += "\n" + trimmed
		case line[0] == '[':
			name, err := sectionName(line)
			if err != nil {
				return nil, errf("%s", err)
			}
			if prev, ok := seen[name]; ok {
				cur = prev
				continue
			}
			cur = &iniSection{Name: name, Line: lineNo}
			seen[name] = cur
			secs = append(secs, cur)
		default:
			key, val, err := splitOption(line)
			if err != nil {
				return nil, errf("%s", err)
			}
			if cur == nil {
				return nil, errf("option %q before any [section]", key)
			}
			cur.Options = append(cur.Options, iniOption{Key: key, Value: val, Line: lineNo})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", file, lineNo+1, err)
	}
	return secs, nil
}

func isCommentLine(line string) bool {
	if line[0] == '#' || line[0] == ';' {
		return true
	}
	// ConfigParser's historic "rem" comments.
	f := strings.Fields(line)
	return (line[0] == 'r' || line[0] == 'R') && len(f) > 0 && strings.EqualFold(f[0], "rem")
}

func sectionName(line string) (string, error) {
	end := strings.IndexByte(line, ']')
	if end < 0 {
		return "", fmt.Errorf("section header %q has no closing ']'", strings.TrimSpace(line))
	}
	if rest := strings.TrimSpace(line[end+1:]); rest != "" && rest[0] != '#' && rest[0] != ';' {
		return "", fmt.Errorf("unexpected text %q after section header", rest)
	}
	name := strings.TrimSpace(line[1:end])
	if name == "" {
		return "", fmt.Errorf("empty section name")
	}
	return name, nil
}

func splitOption(line string) (key, val string, err error) {
	i := strings.IndexByte(line, '=')
	if i < 0 {
		return "", "", fmt.Errorf("expected \"key=value\", [section] or a comment, got %q", strings.TrimSpace(line))
	}
	key = strings.ToLower(strings.TrimSpace(line[:i]))
	if key == "" {
		return "", "", fmt.Errorf("option with no name: %q", strings.TrimSpace(line))
	}
	if strings.ContainsAny(key, " \t[]") {
		return "", "", fmt.Errorf("invalid option name %q", key)
	}
	return key, strings.TrimSpace(line[i+1:]), nil
}
