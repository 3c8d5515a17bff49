package rpmtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

func TestParseList(t *testing.T) {
	pkgs, err := ParseList("# c\nfoo-1:2.0-3.x86_64 requires=bar_>=_1,baz provides=cap files=/usr/bin/foo,/etc/foo.d/\n")
	if err != nil {
		t.Fatal(err)
	}
	p := pkgs[0]
	if p.Name != "foo" || p.Epoch != 1 || p.Version != "2.0" || p.Release != "3" || p.Arch != "x86_64" {
		t.Errorf("parsed %+v", p)
	}
	if strings.Join(p.Requires, "|") != "bar >= 1|baz" || len(p.Files) != 2 {
		t.Errorf("parsed %+v", p)
	}
	if _, err := ParseList("nonsense\n"); err == nil {
		t.Errorf("bad line accepted")
	}
}

func TestBuildAndRepo(t *testing.T) {
	testtool.Need(t, "rpmbuild", "createrepo_c", "rpm")
	dir := t.TempDir()
	pkgs, _ := ParseList("hello-1.0-1.x86_64 requires=/bin/sh provides=greeting files=/usr/bin/hello\nlib-2:3-1.noarch\n")
	if err := Build(dir, pkgs); err != nil {
		t.Fatal(err)
	}
	if err := CreateRepo(dir); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("rpm", "-qp", "--qf", "%{NEVRA} %{BUILDTIME}\n", filepath.Join(dir, "hello-1.0-1.x86_64.rpm"), filepath.Join(dir, "lib-3-1.noarch.rpm")).CombinedOutput()
	if err != nil || string(out) != "hello-1.0-1.x86_64 1700000000\nlib-2:3-1.noarch 1700000000\n" {
		t.Errorf("rpm -qp: %s %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "repodata", "repomd.xml")); err != nil {
		t.Error(err)
	}
}
