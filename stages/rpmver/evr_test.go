package rpmver

import "testing"

func TestParseEVR(t *testing.T) {
	for _, c := range []struct {
		in   string
		want EVR
		str  string
	}{
		{"1:2.3-4", EVR{Epoch: 1, HasEpoch: true, Version: "2.3", Release: "4"}, "1:2.3-4"},
		{"2.3-4.fc40", EVR{Version: "2.3", Release: "4.fc40"}, "2.3-4.fc40"},
		{"2.3", EVR{Version: "2.3"}, "2.3"},
		{"0:2.3", EVR{HasEpoch: true, Version: "2.3"}, "0:2.3"},
		{":2.3", EVR{HasEpoch: true, Version: "2.3"}, "0:2.3"},
		{"1.2-3-4", EVR{Version: "1.2-3", Release: "4"}, "1.2-3-4"},
		{"a1:2", EVR{Version: "a1:2"}, "a1:2"},
		{"1.0~rc1^git2-1", EVR{Version: "1.0~rc1^git2", Release: "1"}, "1.0~rc1^git2-1"},
	} {
		got := ParseEVR(c.in)
		if got != c.want {
			t.Errorf("ParseEVR(%q) = %+v, want %+v", c.in, got, c.want)
		}
		if s := got.String(); s != c.str {
			t.Errorf("ParseEVR(%q).String() = %q, want %q", c.in, s, c.str)
		}
	}
}

func TestCompareEVR(t *testing.T) {
	for _, c := range []struct {
		a, b        string
		evr, labelc int
	}{
		{"1.0-1", "1.0", 0, 1},
		{"1.0", "1.0-1", 0, -1},
		{"0:1.0-1", "1.0-1", 0, 0},
		{"1:0.1-1", "9.9-9", 1, 1},
		{"1.0-2", "1.0-10", -1, -1},
		{"2.0", "1.0-5", 1, 1},
		{"1.0~rc1-5", "1.0-1", -1, -1},
	} {
		a, b := ParseEVR(c.a), ParseEVR(c.b)
		if got := CompareEVR(a, b); got != c.evr {
			t.Errorf("CompareEVR(%s, %s) = %d, want %d", c.a, c.b, got, c.evr)
		}
		if got := LabelCompare(a, b); got != c.labelc {
			t.Errorf("LabelCompare(%s, %s) = %d, want %d", c.a, c.b, got, c.labelc)
		}
	}
}

func TestMatches(t *testing.T) {
	dep := func(s string) Dep {
		d, err := ParseDep(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, c := range []struct {
		req, prov string
		want      bool
	}{
		{"foo", "foo = 1.0-1", true},
		{"foo >= 1.0", "foo", true},
		{"foo >= 1.0", "bar = 2", false},
		{"foo >= 1.0", "foo = 1.0-1", true},
		{"foo > 1.0", "foo = 1.0-1", false},
		{"foo = 1.0", "foo = 1.0-7", true},
		{"foo = 1.0-7", "foo = 1.0", true},
		{"foo > 1.0-1", "foo = 1.0", true},
		{"foo < 1.0-1", "foo > 1.0", false},
		{"foo < 1.0", "foo = 1.0-1", false},
		{"foo = 1.0-2", "foo = 1.0-1", false},
		{"foo >= 1:1.0", "foo = 2.0-1", false},
		{"foo >= 0:1.0", "foo = 1.0-1", true},
		{"foo < 2", "foo < 1", true},
		{"foo < 1", "foo > 2", false},
		{"foo > 1", "foo < 2", true},
		{"foo <= 1.0~rc1", "foo = 1.0~rc1-3", true},
		{"foo >= 1.0", "foo = 1.0~rc1-3", false},
		{"foo > 1.0", "foo = 1.0^git1-1", true},
	} {
		if got := dep(c.req).Matches(dep(c.prov)); got != c.want {
			t.Errorf("(%s).Matches(%s) = %v, want %v", c.req, c.prov, got, c.want)
		}
	}
}
