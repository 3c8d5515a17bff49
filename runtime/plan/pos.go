package plan

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Pos is where a value was declared: a config-root-relative file name, and a
// 1-based line and column (0 when unknown). It marshals as "file:line:col".
type Pos struct {
	File string
	Line int
	Col  int
}

// String renders the position as file:line:col (or file:line, or file).
func (p Pos) String() string {
	switch {
	case p.File == "":
		return "<unknown>"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// IsZero reports whether the position is unknown.
func (p Pos) IsZero() bool { return p.File == "" }

// MarshalJSON encodes the position as its String form.
func (p Pos) MarshalJSON() ([]byte, error) {
	if p.IsZero() {
		return []byte(`""`), nil
	}
	return json.Marshal(p.String())
}

// appendTo appends the position as MarshalJSON's string holds it.
func (p Pos) appendTo(dst []byte) []byte {
	if p.IsZero() {
		return dst
	}
	dst = append(dst, p.File...)
	if p.Line == 0 {
		return dst
	}
	dst = strconv.AppendInt(append(dst, ':'), int64(p.Line), 10)
	if p.Col == 0 {
		return dst
	}
	return strconv.AppendInt(append(dst, ':'), int64(p.Col), 10)
}

// UnmarshalJSON parses "file:line:col".
func (p *Pos) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*p = ParsePos(s)
	return nil
}

// ParsePos parses the String form of a position. A file name may itself
// contain colons; only trailing numeric fields are taken as line and column.
func ParsePos(s string) Pos {
	p := Pos{File: s}
	for i := 0; i < 2; i++ {
		j := strings.LastIndexByte(p.File, ':')
		if j < 0 {
			break
		}
		n, err := strconv.Atoi(p.File[j+1:])
		if err != nil {
			break
		}
		p.Line, p.Col = n, p.Line
		p.File = p.File[:j]
	}
	if p.Line == 0 && p.Col != 0 {
		p.Line, p.Col = p.Col, 0
	}
	return p
}

// Error is a problem found in a plan value, positioned.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errorf returns an *Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}
