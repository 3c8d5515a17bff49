package debver

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Version
		str  string
	}{
		{"1.0", Version{0, false, "1.0", ""}, "1.0"},
		{"1:2.3-4", Version{1, true, "2.3", "4"}, "1:2.3-4"},
		{"0:2.3-4", Version{0, true, "2.3", "4"}, "0:2.3-4"},
		{"2.3-4-5", Version{0, false, "2.3-4", "5"}, "2.3-4-5"},
		{"1:2:3-4", Version{1, true, "2:3", "4"}, "1:2:3-4"},
		{"  7.1~rc1+dfsg-2~bpo12+1  ", Version{0, false, "7.1~rc1+dfsg", "2~bpo12+1"}, "7.1~rc1+dfsg-2~bpo12+1"},
		{"+3:1", Version{3, true, "1", ""}, "3:1"},
		{"-0:1", Version{0, true, "1", ""}, "0:1"},
		{"\n5:1", Version{5, true, "1", ""}, "5:1"},
	} {
		got, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got != c.want || got.String() != c.str {
			t.Errorf("Parse(%q) = %+v (%s), want %+v (%s)", c.in, got, got, c.want, c.str)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		in, reason string
		warn       bool
	}{
		{"", "version string is empty", false},
		{"  ", "version string is empty", false},
		{"1 2", "version string has embedded spaces", false},
		{":1", "epoch in version is empty", false},
		{"a:1", "epoch in version is empty", false},
		{"1a:1", "epoch in version is not number", false},
		{"-1:1", "epoch in version is negative", false},
		{"2147483648:1", "epoch in version is too big", false},
		{"1:", "nothing after colon in version number", false},
		{"1.0-", "revision number is empty", false},
		{"-1", "version number is empty", false},
		{"1:-1", "version number is empty", false},
		{"a1", "version number does not start with digit", true},
		{"1.0_1", "invalid character in version number", true},
		{"1.0-1_2", "invalid character in revision number", true},
	} {
		_, err := Parse(c.in)
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want a SyntaxError", c.in, err)
			continue
		}
		if se.Reason != c.reason || se.Warning != c.warn {
			t.Errorf("Parse(%q): reason %q warning %v, want %q %v", c.in, se.Reason, se.Warning, c.reason, c.warn)
		}
	}
}

// TestCompare holds cases whose answers follow from deb-version(5); the
// oracle tests check many more against dpkg itself.
func TestCompare(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0", 0},
		{"1.0", "0:1.0", 0},
		{"1.0", "1.00", 0},
		{"1.0", "1.0-0", 0},
		{"1.0~rc1", "1.0", -1},
		{"1.0~~", "1.0~", -1},
		{"1.0~", "1.0", -1},
		{"1.0", "1.0a", -1},
		{"1.0a", "1.0+", -1},
		{"1.0+", "1.0.1", -1},
		{"1.0", "1.0.0", -1},
		{"1:0.1", "2.0", 1},
		{"2.0-1", "2.0-10", -1},
		{"1.2.3", "1.10", -1},
		{"99999999999999999999999", "99999999999999999999998", 1},
		{"0001", "1", 0},
		{"1.0-1", "1.0-1~bpo1", 1},
	} {
		a, b := MustParse(c.a), MustParse(c.b)
		if got := Compare(a, b); got != c.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Compare(b, a); got != -c.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", c.b, c.a, got, -c.want)
		}
		if got := CompareStrings(c.a, c.b); got != c.want {
			t.Errorf("CompareStrings(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestOps(t *testing.T) {
	for _, c := range []struct {
		a, op, b string
		want     bool
	}{
		{"1", "<<", "2", true}, {"2", "<<", "2", false},
		{"2", "<=", "2", true}, {"2", "<", "2", true}, {"3", "<", "2", false},
		{"2", "=", "2.0", false}, {"2", "=", "0:2", true},
		{"2", ">=", "2", true}, {"2", ">", "2", true}, {"1", ">", "2", false},
		{"3", ">>", "2", true}, {"2", ">>", "2", false},
	} {
		op, err := ParseOp(c.op)
		if err != nil {
			t.Fatal(err)
		}
		if got := Satisfies(MustParse(c.a), op, MustParse(c.b)); got != c.want {
			t.Errorf("%s %s %s = %v, want %v", c.a, c.op, c.b, got, c.want)
		}
	}
	if _, err := ParseOp("=>"); err == nil {
		t.Error("ParseOp(=>) accepted")
	}
}

func TestParseRelations(t *testing.T) {
	got, err := ParseRelations("libc6 (>= 2.34), foo:any | bar (<< 1:2-3) , baz:amd64,\n python3 (>=3.11~)", ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const want = "libc6 (>= 2.34), foo:any | bar (<< 1:2-3), baz:amd64, python3 (>= 3.11~)"
	if s := FormatRelations(got); s != want {
		t.Errorf("got %q, want %q", s, want)
	}
	if r := got[1][1]; r.Name != "bar" || r.Op != LT || r.Version != (Version{1, true, "2", "3"}) {
		t.Errorf("bar relation = %+v", r)
	}
	src, err := ParseRelations("debhelper-compat (= 13), gcc [!armel !armhf] <!nocheck> <stage1 cross>, ", ParseOptions{Restrictions: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := src[1][0]; len(r.Archs) != 2 || r.Archs[1] != "!armhf" || len(r.Profiles) != 2 || r.Profiles[1][1] != "cross" {
		t.Errorf("gcc relation = %+v", r)
	}
	for _, bad := range []string{
		"a, , b", "a |", "Foo", "a (>= )", "a (~ 1)", "a (>= 1", "a [amd64]", "a <stage1>",
		"a (>= 1:)", "a b", "a:", "a:AMD", "-a",
	} {
		if _, err := ParseRelations(bad, ParseOptions{}); err == nil {
			t.Errorf("ParseRelations(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"a [amd64 !i386]", "a []", "a <>", "a [amd64", "a <x"} {
		if _, err := ParseRelations(bad, ParseOptions{Restrictions: true}); err == nil {
			t.Errorf("ParseRelations(%q, restrictions) accepted", bad)
		}
	}
}
