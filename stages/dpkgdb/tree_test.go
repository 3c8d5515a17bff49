package dpkgdb

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/tree"
)

const epoch = 1700000000

// TestWriteTree writes a database into a root tree that already has some
// of dpkg's folders (shipped by the dpkg package) and checks the manifest,
// then that dpkg-query reads the tree's database.
func TestWriteTree(t *testing.T) {
	tr, err := tree.New(filepath.Join(t.TempDir(), "root"), epoch)
	if err != nil {
		t.Fatal(err)
	}
	shipped := tree.Meta{Mode: 0o755, Mtime: 1600000000, Source: "package:dpkg"}
	for _, d := range []string{"/var", "/var/lib", Admindir, Admindir + "/info", Admindir + "/updates"} {
		if err := tr.Mkdir(d, shipped); err != nil {
			t.Fatal(err)
		}
	}
	var pkgs []*Package
	for _, d := range oddDebs() {
		pkgs = append(pkgs, openDeb(t, d))
	}
	db := &Database{Arch: []string{"amd64", "i386"}, Packages: pkgs, Mtime: epoch,
		Diversions: []Diversion{{From: "/bin/sh", To: "/bin/sh.distrib", Package: "dash"}}}
	if err := WriteTree(tr, Admindir, db); err != nil {
		t.Fatal(err)
	}
	m := tr.Manifest()
	if e := m.Get(Admindir + "/info"); e == nil || e.Source != "package:dpkg" || e.Mtime != 1600000000 {
		t.Errorf("a folder the dpkg package shipped was changed: %+v", e)
	}
	for p, mode := range map[string]uint32{"/status": 0o644, "/lock": 0o640, "/triggers/Lock": 0o600, "/triggers": 0o755,
		"/info/odd.preinst": 0o755, "/info/malib:amd64.list": 0o644, "/diversions": 0o644, "/arch": 0o644} {
		e := m.Get(Admindir + p)
		if e == nil || e.Mode != mode || e.UID != 0 || e.GID != 0 {
			t.Errorf("%s: %+v, want mode %o", p, e, mode)
			continue
		}
		if e.Source != Source && p != "/info/odd.preinst" && p != "/triggers" {
			t.Errorf("%s: source %q", p, e.Source)
		}
	}
	if e := m.Get(Admindir + "/info/odd.README.txt"); e != nil {
		t.Errorf("a control file with a dot in its name was kept")
	}
	if _, err := exec.LookPath("dpkg-query"); err == nil {
		out, err := exec.Command("dpkg-query", "--admindir", filepath.Join(tr.Dir(), Admindir), "-W", "-f", "${Package}:${Architecture} ${db:Status-Abbrev}\n").Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Fields(string(out)); strings.Join(got, " ") != "malib:amd64 ii malib:i386 ii odd:amd64 ii plain:all ii" {
			t.Errorf("dpkg-query on the tree: %q", got)
		}
	}
}

// TestWriteTreeRefuses checks that a file where a folder belongs fails
// before anything is written, and that bad records write nothing.
func TestWriteTreeRefuses(t *testing.T) {
	tr, err := tree.New(filepath.Join(t.TempDir(), "root"), epoch)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.WriteFile(Admindir+"/updates", strings.NewReader("x"), tree.Meta{Mode: 0o644}); err != nil {
		t.Fatal(err)
	}
	if err := WriteTree(tr, Admindir, &Database{}); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("error %v, want a file-in-the-way error", err)
	}
	bad := &Database{Packages: []*Package{{Control: para(t, "Package: p\nVersion: 1\nDepends: a,,\n")}}}
	tr2, _ := tree.New(filepath.Join(t.TempDir(), "root2"), epoch)
	before := tr2.Manifest().Len()
	if err := WriteTree(tr2, Admindir, bad); err == nil {
		t.Error("a bad Depends field was written")
	}
	if n := tr2.Manifest().Len(); n != before {
		t.Errorf("%d entries written before the error", n-before)
	}
	dir := t.TempDir()
	if err := Write(dir, bad); err == nil {
		t.Error("Write wrote a bad record")
	}
	if names, _ := os.ReadDir(dir); len(names) != 0 {
		t.Errorf("Write left %d files behind", len(names))
	}
}
