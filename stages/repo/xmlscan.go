package repo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner is a streaming tokenizer for the subset of XML that rpm-md
// metadata uses: elements with attributes, character data with the five
// predefined entities and numeric character references, comments,
// processing instructions, a DOCTYPE without internal subset, and CDATA
// sections. It refuses what is not well-formed XML, naming file and line:
// end tags that do not match start tags, names that are not XML names,
// unquoted or repeated attributes, '<' or control characters in attribute
// values, "--" inside comments, anything but one document element.
// Namespaces are not resolved: tags are compared by local name (after the
// last ':'), attributes by their name as written ("xml:base").
//
// Slices it returns point into its buffer and are valid until the next call
// to next.
type xmlScanner struct {
	r    io.Reader
	name string // file name for errors

	buf      []byte
	pos, end int
	eof      bool
	rerr     error
	lines    int // newlines in bytes already dropped from buf

	// Current token.
	tag     []byte // local name of a start or end tag
	attrs   []xmlAttr
	empty   bool   // the start tag was self-closing: no end token follows
	text    []byte // decoded character data
	scratch []byte

	stack    []byte // names of open elements, concatenated
	stackIdx []int
	rootDone bool // the document element was closed
}

type xmlAttr struct {
	name  []byte
	value []byte // decoded
}

type xmlTok int

const (
	tokEOF xmlTok = iota
	tokStart
	tokEnd
	tokText
)

func newXMLScanner(r io.Reader, name string) *xmlScanner {
	return &xmlScanner{r: r, name: name, buf: make([]byte, 256*1024)}
}

// errf makes an error "NAME:LINE: message" for the current position.
func (s *xmlScanner) errf(format string, args ...any) error {
	line := s.lines + bytes.Count(s.buf[:s.pos], []byte{'\n'}) + 1
	return fmt.Errorf("%s:%d: %s", s.name, line, fmt.Sprintf(format, args...))
}

// fill reads more input, keeping buf[pos:end]. It returns false at the end
// of input (or on a read error, kept in rerr).
func (s *xmlScanner) fill() bool {
	if s.eof {
		return false
	}
	if s.pos > 0 {
		s.lines += bytes.Count(s.buf[:s.pos], []byte{'\n'})
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// find returns the index in buf of the first occurrence of sep at or after
// buf[pos+from], reading more input as needed, or -1 at end of input.
func (s *xmlScanner) find(from int, sep []byte) int {
	for {
		if i := bytes.Index(s.buf[s.pos+from:s.end], sep); i >= 0 {
			return s.pos + from + i
		}
		if k := s.end - s.pos - len(sep) + 1; k > from {
			from = k
		}
		if !s.fill() {
			return -1
		}
	}
}

// next reads the next token.
func (s *xmlScanner) next() (xmlTok, error) {
	for {
		if s.pos == s.end && !s.fill() {
			return s.atEOF()
		}
		if s.buf[s.pos] != '<' {
			return s.charData()
		}
		if s.end-s.pos < 9 {
			s.fill()
		}
		rest := s.buf[s.pos+1 : s.end]
		switch {
		case len(rest) > 0 && rest[0] == '/':
			return s.endTag()
		case len(rest) > 0 && rest[0] == '?':
			if err := s.pi(); err != nil {
				return 0, err
			}
		case bytes.HasPrefix(rest, []byte("!--")):
			if err := s.comment(); err != nil {
				return 0, err
			}
		case bytes.HasPrefix(rest, []byte("![CDATA[")):
			return s.cdata()
		case bytes.HasPrefix(rest, []byte("!DOCTYPE")) && len(s.stackIdx) == 0 && !s.rootDone:
			if err := s.skipTo(">", "declaration"); err != nil {
				return 0, err
			}
		default:
			return s.startTag()
		}
	}
}

func (s *xmlScanner) atEOF() (xmlTok, error) {
	if s.rerr != nil || len(s.stackIdx) > 0 {
		return 0, s.eofErr("")
	}
	return tokEOF, nil
}

// eofErr reports input ending in the middle of something: the read error
// when there was one (a truncated compressed stream), else where it ended.
func (s *xmlScanner) eofErr(where string) error {
	line := s.lines + bytes.Count(s.buf[:s.pos], []byte{'\n'}) + 1
	if s.rerr != nil {
		return fmt.Errorf("%s:%d: reading: %w", s.name, line, s.rerr)
	}
	msg := "unexpected end of file" + where
	if n := len(s.stackIdx); n > 0 {
		msg += fmt.Sprintf(" inside <%s>", s.stack[s.stackIdx[n-1]:])
	}
	return fmt.Errorf("%s:%d: %s", s.name, line, msg)
}

// pi skips a processing instruction, which must have a name.
func (s *xmlScanner) pi() error {
	i := s.find(2, []byte("?>"))
	if i < 0 {
		return s.eofErr(" in a processing instruction")
	}
	body := s.buf[s.pos+2 : i]
	n := 0
	for n < len(body) && !isSpace(body[n]) {
		n++
	}
	if !isName(body[:n]) {
		return s.errf("malformed processing instruction <?%s?>", truncate(body))
	}
	s.pos = i + 2
	return nil
}

// comment skips a comment, which must not hold "--".
func (s *xmlScanner) comment() error {
	i := s.find(4, []byte("-->"))
	if i < 0 {
		return s.eofErr(" in a comment")
	}
	if body := s.buf[s.pos+4 : i]; bytes.Contains(body, []byte("--")) || bytes.HasSuffix(body, []byte("-")) {
		return s.errf("\"--\" inside a comment")
	}
	s.pos = i + 3
	return nil
}

func (s *xmlScanner) skipTo(sep, what string) error {
	i := s.find(1, []byte(sep))
	if i < 0 {
		return s.eofErr(" in a " + what)
	}
	s.pos = i + len(sep)
	return nil
}

func (s *xmlScanner) charData() (xmlTok, error) {
	i := s.find(0, []byte{'<'})
	if i < 0 {
		i = s.end
	}
	raw := s.buf[s.pos:i]
	s.scratch = s.scratch[:0]
	if len(s.stackIdx) == 0 && len(bytes.TrimSpace(raw)) > 0 {
		return 0, s.errf("text outside the document element")
	}
	text, err := s.unescape(raw)
	if err != nil {
		return 0, err
	}
	s.text = text
	s.pos = i
	return tokText, nil
}

func (s *xmlScanner) cdata() (xmlTok, error) {
	i := s.find(9, []byte("]]>"))
	if i < 0 {
		return 0, s.eofErr(" in a CDATA section")
	}
	s.text = s.buf[s.pos+9 : i]
	s.pos = i + 3
	return tokText, nil
}

func (s *xmlScanner) endTag() (xmlTok, error) {
	i := s.find(2, []byte{'>'})
	if i < 0 {
		return 0, s.eofErr(" in an end tag")
	}
	name := trimRightSpace(s.buf[s.pos+2 : i])
	n := len(s.stackIdx)
	if n == 0 {
		return 0, s.errf("end tag </%s> without start tag", name)
	}
	open := s.stack[s.stackIdx[n-1]:]
	if !bytes.Equal(open, name) {
		return 0, s.errf("end tag </%s> does not match <%s>", name, open)
	}
	s.tag = localName(name)
	s.stack = s.stack[:s.stackIdx[n-1]]
	s.stackIdx = s.stackIdx[:n-1]
	s.rootDone = n == 1
	s.pos = i + 1
	return tokEnd, nil
}

func (s *xmlScanner) startTag() (xmlTok, error) {
	from := 1
	for {
		i := s.find(from, []byte{'>'})
		if i < 0 {
			return 0, s.eofErr(" in a start tag")
		}
		ok, err := s.parseTag(s.buf[s.pos+1 : i])
		if err != nil {
			return 0, err
		}
		if ok {
			s.pos = i + 1
			return tokStart, nil
		}
		from = i + 1 - s.pos // '>' inside a quoted value: look further
	}
}

// parseTag parses the inside of a start tag. It returns false when the tag
// ends inside a quoted attribute value (the '>' found was part of it).
func (s *xmlScanner) parseTag(b []byte) (bool, error) {
	s.empty = false
	if n := len(b); n > 0 && b[n-1] == '/' {
		s.empty = true
		b = b[:n-1]
	}
	n := 0
	for n < len(b) && !isSpace(b[n]) {
		n++
	}
	if n == 0 {
		return false, s.errf("malformed start tag")
	}
	name := b[:n]
	if !isName(name) {
		return false, s.errf("malformed start tag <%s", truncate(b))
	}
	if len(s.stackIdx) == 0 && s.rootDone {
		return false, s.errf("<%s> after the document element", name)
	}
	s.attrs = s.attrs[:0]
	s.scratch = s.scratch[:0]
	for b = b[n:]; ; {
		b = trimLeftSpace(b)
		if len(b) == 0 {
			break
		}
		eq := bytes.IndexByte(b, '=')
		if eq <= 0 {
			return false, s.errf("malformed attribute in <%s>", name)
		}
		an := trimRightSpace(b[:eq])
		if !isName(an) {
			return false, s.errf("malformed attribute %q in <%s>", truncate(an), name)
		}
		v := trimLeftSpace(b[eq+1:])
		if len(v) == 0 || (v[0] != '"' && v[0] != '\'') {
			if len(v) == 0 {
				return false, nil
			}
			return false, s.errf("attribute %s of <%s> is not quoted", an, name)
		}
		end := bytes.IndexByte(v[1:], v[0])
		if end < 0 {
			return false, nil
		}
		if badValue(v[1 : 1+end]) {
			return false, s.errf("attribute %s of <%s>: '<' or a control character in its value", an, name)
		}
		for _, a := range s.attrs {
			if bytes.Equal(a.name, an) {
				return false, s.errf("attribute %s repeated in <%s>", an, name)
			}
		}
		val, err := s.unescape(v[1 : 1+end])
		if err != nil {
			return false, err
		}
		s.attrs = append(s.attrs, xmlAttr{name: an, value: val})
		b = v[end+2:]
		if len(b) > 0 && !isSpace(b[0]) {
			return false, s.errf("no space after attribute %s of <%s>", an, name)
		}
	}
	s.tag = localName(name)
	if !s.empty {
		s.stackIdx = append(s.stackIdx, len(s.stack))
		s.stack = append(s.stack, name...)
	}
	return true, nil
}

// attr returns the value of the named attribute of the current start tag.
func (s *xmlScanner) attr(name string) ([]byte, bool) {
	for _, a := range s.attrs {
		if string(a.name) == name {
			return a.value, true
		}
	}
	return nil, false
}

var errNoSemicolon = errors.New("entity without ';'")

// unescape decodes entities in b, returning b itself when it has none. The
// result may live in s.scratch, which later calls within the same token
// append to (never overwrite).
func (s *xmlScanner) unescape(b []byte) ([]byte, error) {
	amp := bytes.IndexByte(b, '&')
	if amp < 0 {
		return b, nil
	}
	start := len(s.scratch)
	out := append(s.scratch, b[:amp]...)
	for b = b[amp:]; len(b) > 0; {
		if b[0] != '&' {
			i := bytes.IndexByte(b, '&')
			if i < 0 {
				i = len(b)
			}
			out = append(out, b[:i]...)
			b = b[i:]
			continue
		}
		semi := bytes.IndexByte(b, ';')
		if semi < 0 {
			return nil, s.errf("%v in %q", errNoSemicolon, b)
		}
		var err error
		out, err = appendEntity(out, b[1:semi])
		if err != nil {
			return nil, s.errf("%v", err)
		}
		b = b[semi+1:]
	}
	s.scratch = out
	return out[start:], nil
}

func appendEntity(out, ent []byte) ([]byte, error) {
	switch string(ent) {
	case "amp":
		return append(out, '&'), nil
	case "lt":
		return append(out, '<'), nil
	case "gt":
		return append(out, '>'), nil
	case "quot":
		return append(out, '"'), nil
	case "apos":
		return append(out, '\''), nil
	}
	if len(ent) > 1 && ent[0] == '#' {
		var n uint64
		var err error
		if ent[1] == 'x' || ent[1] == 'X' {
			n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
		} else {
			n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
		}
		if err == nil && utf8.ValidRune(rune(n)) {
			return utf8.AppendRune(out, rune(n)), nil
		}
	}
	return nil, fmt.Errorf("unknown entity &%s;", ent)
}

func localName(b []byte) []byte {
	if i := bytes.LastIndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// nameChar classes ASCII bytes for XML names: 1 may start a name, 2 may
// only follow. Bytes from 0x80 up (UTF-8 sequences) are accepted as name
// characters without checking XML's Unicode ranges.
var nameChar = func() (t [256]byte) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':', c >= 0x80:
			t[c] = 1
		case c >= '0' && c <= '9', c == '-', c == '.':
			t[c] = 2
		}
	}
	return t
}()

// isName reports whether b is an XML name.
func isName(b []byte) bool {
	if len(b) == 0 || nameChar[b[0]] != 1 {
		return false
	}
	for _, c := range b[1:] {
		if nameChar[c] == 0 {
			return false
		}
	}
	return true
}

// badValue reports whether an attribute value holds '<' or a control
// character, which XML does not allow there. (Character data is not
// checked for control characters: it is most of the metadata's bytes, and
// checking them cost a tenth of the parse.)
func badValue(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == '<' {
			return true
		}
	}
	return false
}

// truncate shortens b for an error message.
func truncate(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}

func trimLeftSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

func trimRightSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}
