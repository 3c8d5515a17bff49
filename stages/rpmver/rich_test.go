package rpmver

import "testing"

func TestParseRich(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"(a or b)", "(a or b)"},
		{"(a and b and c)", "(a and b and c)"},
		{"(foo >= 1.0-1 or bar)", "(foo >= 1.0-1 or bar)"},
		{"(a if b else c)", "(a if b else c)"},
		{"(a unless (b and c) else d)", "(a unless (b and c) else d)"},
		{"(a with b)", "(a with b)"},
		{"(a without b)", "(a without b)"},
		{"((a or b) and (c if d))", "((a or b) and (c if d))"},
		{"(libc.so.6(GLIBC_2.34)(64bit) or foo(x86-64))", "(libc.so.6(GLIBC_2.34)(64bit) or foo(x86-64))"},
		{"(  a   >=   1:2   or b < 3)", "(a >= 1:2 or b < 3)"},
		{"(a)", "a"},
		{"(a =< 2 or a => 3 or a == 4)", "(a <= 2 or a >= 3 or a = 4)"},
	} {
		r, err := ParseRich(c.in)
		if err != nil {
			t.Errorf("ParseRich(%q): %v", c.in, err)
			continue
		}
		if got := r.String(); got != c.out {
			t.Errorf("ParseRich(%q) = %q, want %q", c.in, got, c.out)
		}
	}
}

func TestParseRichErrors(t *testing.T) {
	for _, in := range []string{
		"a or b", "(a or b", "(a or b and c)", "(a if b if c)", "(a else b)",
		"(a without b without c)", "(a or)", "(or a)", "(a xor b)", "(a or b) c",
		"(a >= )", "(a or b else c)",
	} {
		if r, err := ParseRich(in); err == nil {
			t.Errorf("ParseRich(%q) = %s, want an error", in, r)
		}
	}
}

func TestParseDep(t *testing.T) {
	d, err := ParseDep("foo >= 1:2-3")
	if err != nil || d.Name != "foo" || d.Flags != GE || d.EVR != (EVR{Epoch: 1, HasEpoch: true, Version: "2", Release: "3"}) {
		t.Errorf("ParseDep = %+v, %v", d, err)
	}
	if d, err := ParseDep("(a or b)"); err != nil || !d.IsRich() {
		t.Errorf("ParseDep rich = %+v, %v", d, err)
	}
	if _, err := ParseDep("foo >="); err == nil {
		t.Error("ParseDep(foo >=) succeeded")
	}
}
