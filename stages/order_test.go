package stages

import (
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/rpm"
)

func TestInstallOrder(t *testing.T) {
	pre := rpm.SenseScriptPre
	items := []orderItem{
		{name: "bash", provides: []string{"bash", "/bin/sh"}, requires: []rpm.Dependency{{Name: "libc.so.6"}}},
		{name: "glibc", provides: []string{"glibc", "libc.so.6"}, requires: []rpm.Dependency{{Name: "filesystem", Flags: pre}, {Name: "basesystem"}}},
		{name: "filesystem", provides: []string{"filesystem"}, requires: []rpm.Dependency{{Name: "setup", Flags: pre}}},
		{name: "setup", provides: []string{"setup"}},
		{name: "basesystem", provides: []string{"basesystem"}, requires: []rpm.Dependency{{Name: "setup"}, {Name: "glibc"}}},
		{name: "coreutils", provides: []string{"coreutils"}, requires: []rpm.Dependency{{Name: "(bash or dash)"}, {Name: "libc.so.6"}}},
	}
	var got []string
	for _, i := range installOrder(items) {
		got = append(got, items[i].name)
	}
	// basesystem and glibc form a cycle; glibc's edge to basesystem is weak
	// and basesystem's to glibc too, so fewest unmet wins, then the name.
	want := "setup filesystem basesystem glibc bash coreutils"
	if strings.Join(got, " ") != want {
		t.Errorf("order = %s\nwant    %s", strings.Join(got, " "), want)
	}
	// Input order does not matter.
	rev := make([]orderItem, len(items))
	for i := range items {
		rev[len(items)-1-i] = items[i]
	}
	var got2 []string
	for _, i := range installOrder(rev) {
		got2 = append(got2, rev[i].name)
	}
	if strings.Join(got2, " ") != want {
		t.Errorf("reversed input: %s", strings.Join(got2, " "))
	}
}
