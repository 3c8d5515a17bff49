package vmtest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestConsoleMatch(t *testing.T) {
	var out bytes.Buffer
	c := newConsole("disco-marker: web", &out)
	// The line arrives in pieces, with CRLF and colour around it.
	chunks := []string{"Booting\r\n[  OK  ] Started\r\n", "\x1b[0;32mdisco-mar", "ker: web up\x1b[0m\r", "\nafter\r\n"}
	var fired []int
	for i, ch := range chunks {
		if c.write([]byte(ch)) {
			fired = append(fired, i)
		}
	}
	if !slices.Equal(fired, []int{2}) {
		t.Errorf("match reported on chunks %v, want once, on chunk 2 (before the newline)", fired)
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
	// A prompt without a newline matches.
	if !c.write([]byte("login: ab")) || c.line != "login: ab" {
		t.Errorf("prompt not matched: %q", c.line)
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
