package rpmdb

import (
	"slices"
	"testing"
)

// The expectations are the rows rpm 4.18 wrote for these dependencies (the
// oracle test checks the same against a live rpm).
func TestRichNames(t *testing.T) {
	for _, c := range []struct {
		dep  string
		want []string
	}{
		{"(greeting >= 1.0 or reloc)", []string{"greeting", "reloc"}},
		{"(fortune if cowsay else figlet)", []string{"cowsay", "figlet", "fortune", "!cowsay"}},
		{"(bash-completion if (minimal or tiny) else busybox)",
			[]string{"bash-completion", "busybox", "minimal", "tiny", "!minimal", "!tiny"}},
		{"(oldtool unless (newtool with newtool-extra))", []string{"oldtool", "!newtool", "!newtool-extra"}},
		{"((zsh and fish) or (ksh unless shells))", []string{"fish", "ksh", "zsh", "!shells"}},
		{"(a and a and rpmlib(Foo) <= 1)", []string{"a"}},
		{"(foo(x86-64) >= 1:2-3 with bar)", []string{"bar", "foo(x86-64)"}},
		{"(a and)", nil},
		{"(a or b and c)", nil},
		{"(a if b if c)", nil},
		{"(a nand b)", nil},
		{"(a >= )", nil},
		{"(a", nil},
		{"a", nil},
	} {
		if got := richNames(c.dep); !slices.Equal(got, c.want) {
			t.Errorf("richNames(%q) = %q, want %q", c.dep, got, c.want)
		}
	}
}

func TestTransientRequires(t *testing.T) {
	for _, c := range []struct {
		flags uint64
		want  bool
	}{
		{0, false},
		{1 << 14, false},             // auto-generated
		{1 << 10, true},              // Requires(post)
		{1<<10 | 1<<12, false},       // Requires(post,postun): needed at erase too
		{1 << 24, true},              // rpmlib()
		{1<<6 | 1<<9, true},          // Requires(pre) (PreReq bit ignored)
		{1 << 6, false},              // legacy PreReq alone
		{1<<7 | 1<<20, false},        // pretrans + preuntrans
		{1<<28 | 1<<3 | 1<<8, false}, // config(), EQUAL, interp
	} {
		if got := transientReq(c.flags); got != c.want {
			t.Errorf("transientReq(%#x) = %v, want %v", c.flags, got, c.want)
		}
	}
}
