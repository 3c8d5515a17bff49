package plan

import (
	"sort"
	"strconv"
	"unicode/utf8"
)

// encoder appends the canonical JSON of plan values without reflection.
// Its bytes are exactly those of Canonical (encoding/json's two-space
// indented form of the value decoded into generic maps: keys sorted, no
// HTML escaping, invalid UTF-8 replaced by U+FFFD), so digests stay those
// of earlier disco versions. Writers list an object's keys in byte order.
type encoder struct {
	b     []byte
	depth int
	first bool // nothing written yet in the open object or array
	pos   bool // write "pos" keys (false for digests)
	tmp   []byte
}

// open starts an object ('{') or array ('[') as the current value.
func (e *encoder) open(c byte) {
	e.b = append(e.b, c)
	e.depth++
	e.first = true
}

// close ends the innermost object or array.
func (e *encoder) close(c byte) {
	e.depth--
	if !e.first {
		e.newline()
	}
	e.b = append(e.b, c)
	e.first = false
}

// elem starts the next member of the open object or array.
func (e *encoder) elem() {
	if !e.first {
		e.b = append(e.b, ',')
	}
	e.first = false
	e.newline()
}

func (e *encoder) newline() {
	if n := 1 + 2*e.depth; n <= len(newlineIndent) {
		e.b = append(e.b, newlineIndent[:n]...)
		return
	}
	e.b = append(e.b, '\n')
	for range e.depth {
		e.b = append(e.b, ' ', ' ')
	}
}

// newlineIndent is a newline and indentation for the usual depths.
const newlineIndent = "\n" + "                                "

// key starts an object member. k is a plain ASCII key from the code.
func (e *encoder) key(k string) {
	e.elem()
	e.b = append(e.b, '"')
	e.b = append(e.b, k...)
	e.b = append(e.b, '"', ':', ' ')
}

func (e *encoder) str(k, v string) {
	e.key(k)
	e.b = appendString(e.b, v)
}

func (e *encoder) strOmit(k, v string) {
	if v != "" {
		e.str(k, v)
	}
}

func (e *encoder) strPtrOmit(k string, v *string) {
	if v != nil {
		e.str(k, *v)
	}
}

func (e *encoder) int(k string, v int64) {
	e.key(k)
	e.b = strconv.AppendInt(e.b, v, 10)
}

func (e *encoder) intPtrOmit(k string, v *int64) {
	if v != nil {
		e.int(k, *v)
	}
}

func (e *encoder) bool(k string, v bool) {
	e.key(k)
	e.b = strconv.AppendBool(e.b, v)
}

func (e *encoder) boolOmit(k string, v bool) {
	if v {
		e.bool(k, v)
	}
}

// position writes the "pos" member, unless positions are left out.
func (e *encoder) position(p Pos) {
	if !e.pos {
		return
	}
	e.key("pos")
	e.tmp = p.appendTo(e.tmp[:0])
	e.b = appendString(e.b, e.tmp)
}

func (e *encoder) strings(k string, v []string) {
	e.key(k)
	if v == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.open('[')
	for _, s := range v {
		e.elem()
		e.b = appendString(e.b, s)
	}
	e.close(']')
}

func (e *encoder) stringsOmit(k string, v []string) {
	if len(v) > 0 {
		e.strings(k, v)
	}
}

// stringMap writes a map as encoding/json's round trip does: keys made
// valid UTF-8 (a later key in byte order wins when two become equal),
// then sorted. Without positions a "pos" key is left out too, as the
// digest's generic form drops every "pos" key.
func (e *encoder) stringMapOmit(k string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	raw := make([]string, 0, len(m))
	for key := range m {
		raw = append(raw, key)
	}
	sort.Strings(raw)
	valid := make(map[string]string, len(m))
	for _, key := range raw {
		valid[string(appendValid(nil, key))] = m[key]
	}
	keys := make([]string, 0, len(valid))
	for key := range valid {
		if key != "pos" || e.pos {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	e.key(k)
	e.open('{')
	for _, key := range keys {
		e.elem()
		e.b = appendString(e.b, key)
		e.b = append(e.b, ':', ' ')
		e.b = appendString(e.b, valid[key])
	}
	e.close('}')
}

// list writes a slice member: null when nil, else each element.
func list[T any](e *encoder, k string, v []T, each func(*encoder, *T)) {
	e.key(k)
	if v == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.open('[')
	for i := range v {
		e.elem()
		each(e, &v[i])
	}
	e.close(']')
}

func listOmit[T any](e *encoder, k string, v []T, each func(*encoder, *T)) {
	if len(v) > 0 {
		list(e, k, v, each)
	}
}

func ptrOmit[T any](e *encoder, k string, v *T, each func(*encoder, *T)) {
	if v != nil {
		e.key(k)
		each(e, v)
	}
}

// appendString appends s as a JSON string the way encoding/json writes it
// without HTML escaping, after invalid UTF-8 bytes became U+FFFD.
func appendString[S []byte | string](dst []byte, s S) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		n := min(len(s)-i, utf8.UTFMax)
		c, size := utf8.DecodeRuneInString(string(s[i : i+n]))
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\uFFFD"...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendValid appends s with each invalid UTF-8 byte replaced by U+FFFD.
func appendValid(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

const hexDigits = "0123456789abcdef"
