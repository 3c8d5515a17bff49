package deb822

import (
	"fmt"
	"io"
	"strings"
)

// Field is one field of a paragraph. Value is what follows the colon,
// with the white space around it dropped; a folded or multi-line value
// keeps its line breaks and the leading white space of its continuation
// lines (see Lines).
type Field struct {
	Name  string
	Value string
	Line  int // where the field starts, 1-based
}

// Paragraph is a group of fields.
type Paragraph struct {
	Fields []Field
	Line   int // the line of its first field
}

// Get returns the value of the field named name, compared without regard
// to ASCII case.
func (p *Paragraph) Get(name string) (string, bool) {
	if f := p.Field(name); f != nil {
		return f.Value, true
	}
	return "", false
}

// Value returns the value of the field named name, or "".
func (p *Paragraph) Value(name string) string {
	v, _ := p.Get(name)
	return v
}

// Field returns the field named name (case-insensitive), or nil.
func (p *Paragraph) Field(name string) *Field {
	for i := range p.Fields {
		if f := &p.Fields[i]; len(f.Name) == len(name) && strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

// Clone returns a copy of the paragraph that a Scanner will not reuse.
func (p *Paragraph) Clone() Paragraph {
	return Paragraph{Fields: append([]Field(nil), p.Fields...), Line: p.Line}
}

// Options say what a document may hold.
type Options struct {
	// Comments allows comment lines ('#' at column 0), as apt sources
	// files and debian/control do; indexes and Release files do not.
	Comments bool
	// FirstLine is the number of the document's first line (default 1),
	// for a document that is a part of a file.
	FirstLine int
}

// Error is a syntax error at a line of a document.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Scanner reads the paragraphs of a document one at a time.
type Scanner struct {
	data string
	pos  int
	line int // number of the next line
	file string
	opts Options
	para Paragraph
	err  error
	// valStart is where the last field's value starts in data (where
	// its first line ends when that holds nothing), or -1 once the value
	// is built by concatenation and can no longer grow in place.
	valStart int
}

// NewScanner returns a Scanner of data; file names it in errors.
func NewScanner(data, file string, opts Options) *Scanner {
	s := &Scanner{data: data, line: max(opts.FirstLine, 1), file: file, opts: opts}
	if i := strings.IndexByte(data, 0); i >= 0 {
		s.err = &Error{File: file, Line: s.line + strings.Count(data[:i], "\n"), Msg: "NUL byte: not a text document"}
	}
	return s
}

// Scan advances to the next paragraph, which Paragraph returns; it is
// false at the end of the document or at an error (see Err).
func (s *Scanner) Scan() bool {
	if s.err != nil {
		return false
	}
	s.para.Fields = s.para.Fields[:0]
	s.para.Line = 0
	comment := false
	for s.pos < len(s.data) {
		start, line, no := s.nextLine()
		switch {
		case isBlank(line):
			if len(s.para.Fields) > 0 {
				return true
			}
		case line[0] == '#' && s.opts.Comments:
			comment = true
			continue
		case line[0] == ' ' || line[0] == '\t':
			if len(s.para.Fields) == 0 {
				return s.fail(no, "continuation line with no field before it")
			}
			s.extend(start, line, comment)
		default:
			if !s.field(start, line, no) {
				return false
			}
		}
		comment = false
	}
	return len(s.para.Fields) > 0
}

// nextLine returns the next line (without its line break and a CR before
// it), its offset and its number.
func (s *Scanner) nextLine() (start int, line string, no int) {
	start, no = s.pos, s.line
	end := strings.IndexByte(s.data[start:], '\n')
	if end < 0 {
		s.pos = len(s.data)
		line = s.data[start:]
	} else {
		s.pos = start + end + 1
		line = s.data[start : start+end]
	}
	s.line++
	return start, strings.TrimSuffix(line, "\r"), no
}

func isBlank(line string) bool {
	for i := 0; i < len(line); i++ {
		if line[i] != ' ' && line[i] != '\t' {
			return false
		}
	}
	return true
}

// field starts a field from its first line.
func (s *Scanner) field(start int, line string, no int) bool {
	colon := strings.IndexByte(line, ':')
	if colon < 0 {
		return s.fail(no, fmt.Sprintf("%q is not a field (no ':')", clip(line)))
	}
	name := line[:colon]
	if msg := checkName(name); msg != "" {
		return s.fail(no, msg)
	}
	for _, f := range s.para.Fields {
		if len(f.Name) == len(name) && strings.EqualFold(f.Name, name) {
			return s.fail(no, fmt.Sprintf("field %s repeated (first at line %d)", name, f.Line))
		}
	}
	if len(s.para.Fields) == 0 {
		s.para.Line = no
	}
	v := strings.TrimRight(line[colon+1:], " \t")
	rest := strings.TrimLeft(v, " \t")
	s.valStart = start + colon + 1 + len(v) - len(rest)
	if rest == "" {
		s.valStart = start + len(line) // the value starts with the line break
	}
	s.para.Fields = append(s.para.Fields, Field{Name: name, Value: rest, Line: no})
	return true
}

// extend appends a continuation line to the last field: in place (the
// value becomes the span of the document from its start to the end of
// this line) unless a comment line came between or the document has CRLF
// line breaks, when the value is built by concatenation instead.
func (s *Scanner) extend(start int, line string, afterComment bool) {
	f := &s.para.Fields[len(s.para.Fields)-1]
	line = strings.TrimRight(line, " \t")
	if afterComment || s.valStart < 0 || s.data[start-2] == '\r' {
		f.Value += "\n" + line
		s.valStart = -1
		return
	}
	f.Value = s.data[s.valStart : start+len(line)]
}

func checkName(name string) string {
	if name == "" {
		return "field with an empty name"
	}
	if name[0] == '#' || name[0] == '-' {
		return fmt.Sprintf("field name %q may not start with %q", clip(name), name[0])
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c > '~' {
			return fmt.Sprintf("field name %q has invalid character %q", clip(name), c)
		}
	}
	return ""
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func (s *Scanner) fail(line int, msg string) bool {
	s.err = &Error{File: s.file, Line: line, Msg: msg}
	return false
}

// Paragraph returns the paragraph Scan found; it is reused by the next
// Scan (Clone keeps it).
func (s *Scanner) Paragraph() *Paragraph { return &s.para }

// Err returns the error that stopped Scan, if any.
func (s *Scanner) Err() error { return s.err }

// ReadAll reads every paragraph of r.
func ReadAll(r io.Reader, file string, opts Options) ([]Paragraph, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	s := NewScanner(string(b), file, opts)
	var out []Paragraph
	for s.Scan() {
		out = append(out, s.Paragraph().Clone())
	}
	return out, s.Err()
}

// Lines splits a multi-line value into its lines as deb822 folds them:
// the first line as is, then each continuation line without its first
// space or tab, and a line of a single "." read as an empty line.
func Lines(value string) []string {
	lines := strings.Split(value, "\n")
	for i := 1; i < len(lines); i++ {
		l := lines[i]
		if l != "" && (l[0] == ' ' || l[0] == '\t') {
			l = l[1:]
		}
		if l == "." {
			l = ""
		}
		lines[i] = l
	}
	return lines
}
