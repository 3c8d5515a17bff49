package vmtest

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestConsoleMatch(t *testing.T) {
	var out bytes.Buffer
	c := newConsole("disco-marker: web", &out)
	// The line arrives in pieces, with CRLF and colour around it.
	chunks := []string{"Booting\r\n[  OK  ] Started\r\n", "\x1b[0;32mdisco-mar", "ker: web up\x1b[0m\r", "\nafter\r\n"}
	var fired, pending []int
	for i, ch := range chunks {
		if c.write([]byte(ch)) {
			fired = append(fired, i)
		}
		if c.pending() {
			pending = append(pending, i)
		}
	}
	if !slices.Equal(pending, []int{2}) {
		t.Errorf("pending after chunks %v, want 2 (the text is there, the newline not yet)", pending)
	}
	if !slices.Equal(fired, []int{3}) {
		t.Errorf("match reported on chunks %v, want once, on chunk 3 (with the newline)", fired)
	}
	if c.line != "disco-marker: web up" {
		t.Errorf("line = %q", c.line)
	}
	if want := "Booting\n[  OK  ] Started\n\x1b[0;32mdisco-marker: web up\x1b[0m\nafter\n"; out.String() != want {
		t.Errorf("copied output %q, want %q (only carriage returns removed)", out.String(), want)
	}
	if got := c.lastLines(); !slices.Equal(got, []string{"Booting", "[  OK  ] Started", "disco-marker: web up", "after"}) {
		t.Errorf("tail = %q", got)
	}
}

func TestConsoleNoMatchAcrossLines(t *testing.T) {
	c := newConsole("ab", nil)
	if c.write([]byte("a\nb\n")) || c.matched {
		t.Error("matched across a line break")
	}
	// A prompt without a newline is pending until flushed.
	if c.write([]byte("login: a")) || c.pending() || c.flush() {
		t.Error("a line without the text is pending")
	}
	if c.write([]byte("b")) || !c.pending() || c.matched {
		t.Error("the unfinished line holding the text is not pending")
	}
	if !c.flush() || c.line != "login: ab" || c.pending() || c.flush() {
		t.Errorf("prompt not matched once: %q", c.line)
	}
	if c.write([]byte("\nab\n")) {
		t.Error("matched twice")
	}
}

func TestConsoleTail(t *testing.T) {
	c := newConsole("never", nil)
	var in strings.Builder
	for i := range 100 {
		fmt.Fprintf(&in, "line %d\n", i)
	}
	in.WriteString("partial")
	c.write([]byte(in.String()))
	got := c.lastLines()
	if len(got) != TailLines || got[0] != "line 71" || got[TailLines-2] != "line 99" || got[TailLines-1] != "partial" {
		t.Errorf("tail has %d lines: first %q, last %q", len(got), got[0], got[len(got)-1])
	}
	short := newConsole("never", nil)
	short.write([]byte("one\ntwo\n"))
	if got := short.lastLines(); !slices.Equal(got, []string{"one", "two"}) {
		t.Errorf("short tail = %q", got)
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                       "plain",
		"\x1b[1;31mred\x1b[0m":        "red",
		"\x1b[2J\x1b[01;01Htitle":     "title",
		"a\tb\x00c\x7f":               "a\tbc",
		"\x1bcreset":                  "reset",
		"cut \x1b[":                   "cut ",
		"BdsDxe: loading Boot0001 \b": "BdsDxe: loading Boot0001 ",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBootErrorMessage(t *testing.T) {
	e := &BootError{Reason: "no console line contained \"x\" within 1s (tcg)", Tail: []string{"a", "b"}}
	if want := "no console line contained \"x\" within 1s (tcg); last console lines:\n  | a\n  | b"; e.Error() != want {
		t.Errorf("%q", e.Error())
	}
	e.Tail = nil
	if !strings.HasSuffix(e.Error(), "the console stayed empty") {
		t.Errorf("%q", e.Error())
	}
}

// TestReadPrompt: a prompt that never gets its newline is matched once the
// console has been quiet for a moment, with the time its text showed; a
// line arriving in pieces is reported whole.
func TestReadPrompt(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c := newConsole("login:", nil)
	matched := make(chan match, 1)
	done := make(chan struct{})
	start := time.Now()
	out := &output{spoke: make(chan struct{})}
	go func() {
		defer close(done)
		read(r, c, start, matched, out)
	}()
	w.Write([]byte("Debian GNU/Linux 12 web ttyS0\n\nweb log"))
	time.Sleep(50 * time.Millisecond)
	w.Write([]byte("in: "))
	m := <-matched
	if m.line != "web login: " || m.after <= 0 || m.after > time.Since(start)-promptWait/2 {
		t.Errorf("match %q after %v", m.line, m.after)
	}
	w.Close()
	<-done
	if got := c.lastLines(); !slices.Equal(got, []string{"Debian GNU/Linux 12 web ttyS0", "", "web login: "}) {
		t.Errorf("tail %q", got)
	}
	select {
	case <-out.spoke:
	default:
		t.Error("the first output was not signalled")
	}
	if out.last < 50*time.Millisecond || out.last > time.Since(start) {
		t.Errorf("last output after %v, want the time of the second write", out.last)
	}
}
