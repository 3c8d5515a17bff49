package scriptlet

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/rpm"
)

const argsSpec = `Name: demo
Version: 1.0
Release: 1
Summary: scriptlet arguments
License: MIT
BuildArch: noarch
AutoReqProv: no
%description
demo
%pre
echo "pre|$0|$#|$1" >> /log
%post
echo "post|$0|$#|$1" >> /log
%posttrans
echo "posttrans|$0|$#|$1" >> /log
%triggerin -- demo
echo "triggerin|$0|$#|$1|$2" >> /log
%files
`

// TestAgainstRPM installs a package with rpm itself into one busybox root
// and runs the same scriptlets, read by stages/rpm, into another: the
// arguments each scriptlet sees must match (script file path pattern,
// argument count, $1, $2).
func TestAgainstRPM(t *testing.T) {
	testtool.Root(t) // rpm --root chroots
	testtool.Need(t, "rpmbuild", "rpm")
	top := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(top, "SPECS"), 0o755))
	spec := filepath.Join(top, "SPECS", "demo.spec")
	must(t, os.WriteFile(spec, []byte(argsSpec), 0o644))
	if out, err := exec.Command("rpmbuild", "-bb", "--define", "_topdir "+top, spec).CombinedOutput(); err != nil {
		t.Fatalf("rpmbuild: %v\n%s", err, out)
	}
	pkgFile := filepath.Join(top, "RPMS", "noarch", "demo-1.0-1.noarch.rpm")

	rpmRoot := busyboxRoot(t)
	cmd := exec.Command("rpm", "-i", "--root", rpmRoot, "--nodeps", "--dbpath", "/var/lib/rpm", pkgFile)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rpm -i: %v\n%s", err, out)
	}

	f, err := os.Open(pkgFile)
	must(t, err)
	defer f.Close()
	p, err := rpm.Open(f)
	must(t, err)
	ours := busyboxRoot(t)
	r := testRunner()
	for _, s := range p.Scripts() {
		o := r.Run(context.Background(), ours, Script{Package: p.NEVRA(), Name: s.Name, Prog: s.Prog, Body: s.Body, Arg1: 1})
		if o.Status != Ran {
			t.Fatalf("%s: %+v", s.Name, o)
		}
	}
	trigs, err := p.Triggers()
	must(t, err)
	for _, tr := range trigs {
		o := r.Run(context.Background(), ours, Script{Package: p.NEVRA(), Name: "trigger" + tr.Type, Prog: tr.Prog, Body: tr.Body, Arg1: 1, Arg2: 1})
		if o.Status != Ran {
			t.Fatalf("trigger%s: %+v", tr.Type, o)
		}
	}
	want, got := argLines(t, rpmRoot), argLines(t, ours)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("scriptlet arguments\n got %q\nwant %q (rpm)", got, want)
	}
	if len(want) != 4 {
		t.Errorf("rpm ran %q, want pre, post, posttrans and triggerin", want)
	}
}

var tmpFile = regexp.MustCompile(`/var/tmp/rpm-tmp\.[A-Za-z0-9]{6}\|`)

// argLines are the distinct lines of ROOT/log, script file names masked.
func argLines(t *testing.T, root string) []string {
	t.Helper()
	seen := map[string]bool{}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(readFile(t, filepath.Join(root, "log"))), "\n") {
		l = tmpFile.ReplaceAllString(l, "/var/tmp/rpm-tmp.XXXXXX|")
		if !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	sort.Strings(lines)
	return lines
}
