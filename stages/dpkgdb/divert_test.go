package dpkgdb

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// admindir makes an empty database folder for dpkg-divert and
// dpkg-statoverride.
func admindir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "dpkg")
	for _, d := range []string{"info", "updates"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "status"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// divertPaths are paths in no particular order, some non-ASCII, so that
// dpkg's hash-table order is what decides.
var divertPaths = []string{"/usr/bin/x", "/etc/y", "/bin/sh", "/usr/share/man/man1/sh.1.gz", "/usr/sbin/policy-rc.d",
	"/sbin/start-stop-daemon", "/usr/lib/x86_64-linux-gnu/libfoo.so.1", "/etc/issue", "/usr/bin/ä-umlaut",
	"/usr/share/doc/é", "/opt/z", "/a", "/b", "/c", "/usr/bin/ls", "/usr/bin/cp", "/usr/bin/mv", "/lib/systemd/systemd"}

// TestDiversionsAgainstDpkgDivert adds diversions one by one with
// dpkg-divert and compares its diversions and diversions-old with ours.
func TestDiversionsAgainstDpkgDivert(t *testing.T) {
	testtool.Need(t, "dpkg-divert")
	dir := admindir(t)
	var ds []Diversion
	for i, p := range divertPaths {
		d := Diversion{From: p, To: p + ".distrib", Package: fmt.Sprintf("pkg%d", i%3)}
		args := []string{"--admindir", dir, "--no-rename", "--divert", d.To}
		if i%4 == 0 {
			d.Package = ""
			args = append(args, "--local")
		} else {
			args = append(args, "--package", d.Package)
		}
		run(t, "dpkg-divert", append(args, "--add", p)...)
		ds = append(ds, d)
	}
	db := &Database{Diversions: ds, OldDiversions: ds[:len(ds)-1]}
	files, err := db.Files()
	if err != nil {
		t.Fatal(err)
	}
	skip := func(n string) bool { return n != "diversions" && n != "diversions-old" }
	if same := compareDB(t, dpkgFiles(t, dir), files, skip); same != 2 {
		t.Errorf("%d of 2 files identical", same)
	}
}

// TestStatOverridesAgainstDpkgStatoverride does the same with
// dpkg-statoverride (owner names it can resolve on this host, and ids).
func TestStatOverridesAgainstDpkgStatoverride(t *testing.T) {
	testtool.Need(t, "dpkg-statoverride")
	dir := admindir(t)
	owners := [][2]string{{"root", "root"}, {"root", "adm"}, {"#4321", "#99"}, {"nobody", "nogroup"}}
	var so []StatOverride
	for i, p := range divertPaths {
		o := owners[i%len(owners)]
		s := StatOverride{User: o[0], Group: o[1], Mode: uint32(0o4755 - i), Path: p}
		run(t, "dpkg-statoverride", "--admindir", dir, "--add", s.User, s.Group, fmt.Sprintf("%o", s.Mode), p)
		so = append(so, s)
	}
	db := &Database{StatOverrides: so, OldStatOverrides: so[:len(so)-1]}
	files, err := db.Files()
	if err != nil {
		t.Fatal(err)
	}
	skip := func(n string) bool { return n != "statoverride" && n != "statoverride-old" }
	if same := compareDB(t, dpkgFiles(t, dir), files, skip); same != 2 {
		t.Errorf("%d of 2 files identical", same)
	}
}
