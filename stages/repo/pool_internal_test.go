package repo

import (
	"bytes"
	"testing"

	"github.com/disco-build/disco/stages/rpmver"
)

// TestPoolReferrers: obsoleted names and every word of Supplements are
// filed in the reverse table, a supplement naming a path under "".
func TestPoolReferrers(t *testing.T) {
	pkgs := []*Package{
		{Name: "a", Supplements: []rpmver.Dep{{Name: "(foo and /usr/bin/x)"}}},
		{Name: "b", Supplements: []rpmver.Dep{{Name: "bar"}}, Obsoletes: []rpmver.Dep{{Name: "old", Flags: rpmver.LT, EVR: rpmver.EVR{Version: "2"}}}},
		{Name: "c"},
	}
	enc, err := readPoolEncoding(string(bytes.Join(buildPool(pkgs, nil), nil)))
	if err != nil {
		t.Fatal(err)
	}
	p := &Pool{ID: "r"}
	p.init(enc)
	names := func(l []int32) string {
		var s string
		for _, i := range l {
			s += p.Package(int(i)).Name
		}
		return s
	}
	for key, want := range map[string]string{"foo": "a", "": "a", "/usr/bin/x": "", "bar": "b", "old": "b", "c": "", "and": "a"} {
		if got := names(p.Referrers(nil, key)); got != want {
			t.Errorf("Referrers(%q) = %q, want %q", key, got, want)
		}
	}
	if got := names(p.Providers(nil, "c")); got != "c" || p.Package(2).RepoID != "r" {
		t.Errorf("Providers(c) = %q", got)
	}
}
