package vmtest

import (
	"bytes"
	"io"
	"strings"
)

// TailLines is how many console lines a Result and a BootError keep.
const TailLines = 30

// console consumes the guest's serial output: it drops carriage returns,
// copies the rest to out, keeps the last TailLines lines, and finds the
// first line containing expect. An unfinished line holding expect is
// pending: the caller matches it with flush when no more output comes
// (a prompt such as "login: " has no newline), so a line arriving in
// pieces is reported whole. Matching and the tail see lines without
// terminal escape sequences.
type console struct {
	expect  string
	out     io.Writer // may be nil; its errors are ignored
	partial []byte
	tail    []string // ring of complete lines, oldest first once full
	next    int
	matched bool
	line    string
}

func newConsole(expect string, out io.Writer) *console {
	return &console{expect: expect, out: out}
}

// write takes the next chunk of output and reports whether a line it
// completed is the first match.
func (c *console) write(p []byte) bool {
	p = bytes.ReplaceAll(p, []byte{'\r'}, nil)
	if c.out != nil {
		c.out.Write(p)
	}
	was := c.matched
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			c.partial = append(c.partial, p...)
			break
		}
		c.partial = append(c.partial, p[:i]...)
		line := string(c.partial)
		c.partial = c.partial[:0]
		c.check(line)
		c.push(clean(line))
		p = p[i+1:]
	}
	return c.matched && !was
}

// pending says whether the unfinished line holds expect (and nothing
// matched yet).
func (c *console) pending() bool {
	return !c.matched && len(c.partial) > 0 && strings.Contains(clean(string(c.partial)), c.expect)
}

// flush matches the unfinished line if it is pending, and reports
// whether it did.
func (c *console) flush() bool {
	if !c.pending() {
		return false
	}
	c.check(string(c.partial))
	return true
}

func (c *console) check(raw string) {
	if c.matched {
		return
	}
	if l := clean(raw); strings.Contains(l, c.expect) {
		c.matched, c.line = true, l
	}
}

func (c *console) push(line string) {
	if len(c.tail) < TailLines {
		c.tail = append(c.tail, line)
		return
	}
	c.tail[c.next] = line
	c.next = (c.next + 1) % TailLines
}

// lastLines returns the kept lines, oldest first, then the unfinished
// line if there is one.
func (c *console) lastLines() []string {
	out := append(append([]string{}, c.tail[c.next:]...), c.tail[:c.next]...)
	if l := clean(string(c.partial)); l != "" {
		out = append(out, l)
		if len(out) > TailLines {
			out = out[1:]
		}
	}
	return out
}

// clean removes terminal escape sequences (CSI "ESC [ ... final", and
// two-byte "ESC x") and other control characters but tab, which firmware
// and systemd colour their output with.
func clean(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == 0x1b && i+1 < len(s) && s[i+1] == '[':
			i += 2
			for i < len(s) && (s[i] < 0x40 || s[i] > 0x7e) {
				i++
			}
		case ch == 0x1b:
			i++
		case ch < 0x20 && ch != '\t' || ch == 0x7f:
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}
