package debver

import (
	"testing"
)

// FuzzParse checks that Parse never panics, that what it accepts prints
// back to a version that parses to the same thing, and that Compare is
// antisymmetric and agrees with CompareStrings on accepted versions.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.0", "1:2.3-4", "1.0~rc1+dfsg-2~bpo12+1", ":1", "1:", "1.0-", "a1", "1 2", "\x80~"} {
		f.Add(s, "1.0")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		c := CompareStrings(a, b)
		if d := CompareStrings(b, a); d != -c {
			t.Fatalf("CompareStrings(%q, %q) = %d but reversed %d", a, b, c, d)
		}
		va, err := Parse(a)
		if err != nil {
			return
		}
		back, err := Parse(va.String())
		if err != nil || back != va {
			t.Fatalf("Parse(%q) = %+v prints %q, which parses to %+v, %v", a, va, va.String(), back, err)
		}
		if Compare(va, va) != 0 {
			t.Fatalf("%q is not equal to itself", a)
		}
		if vb, err := Parse(b); err == nil && Compare(va, vb) != c {
			t.Fatalf("Compare(%q, %q) = %d, CompareStrings %d", a, b, Compare(va, vb), c)
		}
	})
}

// FuzzParseRelations checks that the relation parser never panics and
// that what it accepts formats to a field that parses back the same.
func FuzzParseRelations(f *testing.F) {
	for _, s := range []string{"a (>= 1) | b:any, c", "gcc [!armel] <!nocheck> <stage1>", "a (<< 1:2-3),"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, restrict bool) {
		l, err := ParseRelations(s, ParseOptions{Restrictions: restrict})
		if err != nil {
			return
		}
		out := FormatRelations(l)
		l2, err := ParseRelations(out, ParseOptions{Restrictions: restrict})
		if err != nil || FormatRelations(l2) != out {
			t.Fatalf("%q formats to %q, which reads back as %v, %v", s, out, l2, err)
		}
	})
}
