package rpm

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// fixtureDir holds packages built once for the whole test binary.
var (
	fixtureDir  string
	fixtureMu   sync.Mutex
	fixtureRPMs = map[string]string{}
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rpmtest")
	if err != nil {
		panic(err)
	}
	fixtureDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildRPM builds spec once per key with rpmbuild and returns the path of
// the binary package.
func buildRPM(t testing.TB, key, spec string, defines ...string) string {
	t.Helper()
	testtool.Need(t, "rpmbuild")
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if p, ok := fixtureRPMs[key]; ok {
		return p
	}
	top := filepath.Join(fixtureDir, key)
	for _, d := range []string{"SPECS", "BUILD", "RPMS", "SOURCES"} {
		if err := os.MkdirAll(filepath.Join(top, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	specPath := filepath.Join(top, "SPECS", key+".spec")
	if err := os.WriteFile(specPath, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-bb", "--quiet", "--define", "_topdir " + top,
		"--buildroot", filepath.Join(top, "buildroot"),
		"--define", "clamp_mtime_to_source_date_epoch 1",
		"--define", "use_source_date_epoch_as_buildtime 1",
		"--define", "_buildhost disco.test"}
	for _, d := range defines {
		args = append(args, "--define", d)
	}
	cmd := exec.Command("rpmbuild", append(args, specPath)...)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1700000000", "LC_ALL=C")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rpmbuild %s: %v\n%s", key, err, out)
	}
	found, _ := filepath.Glob(filepath.Join(top, "RPMS", "*", "*.rpm"))
	if len(found) != 1 {
		t.Fatalf("rpmbuild %s: want one package, got %v", key, found)
	}
	fixtureRPMs[key] = found[0]
	return found[0]
}

// rpmQuery runs rpm -qp with a query format and returns its output.
func rpmQuery(t testing.TB, path string, args ...string) string {
	t.Helper()
	testtool.Need(t, "rpm")
	cmd := exec.Command("rpm", append([]string{"-qp", "--nosignature", "--nodigest"}, append(args, path)...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("rpm -qp %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

func openFile(t testing.TB, path string) *Package {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	p, err := Open(f)
	if err != nil {
		t.Fatalf("Open %s: %v", path, err)
	}
	return p
}

// kindsSpec has every kind of file and metadata the reader must expose.
const kindsSpec = `Name: kinds
Version: 1.2
Release: 3
Epoch: 2
Summary: all file kinds
License: MIT
BuildArch: x86_64
Requires(pre): /bin/sh
Requires(post): coreutils
Requires: (foo >= 1.0 or bar)
Requires: baz > 2:3.4-5
Provides: kinds-cap = 1.0
Conflicts: oldthing < 1
Obsoletes: ancient < 1.0
Recommends: rec
Suggests: sug >= 2
Supplements: (sup and kinds)
Enhances: enh
%define _binary_payload w9.gzdio
%description
every file kind

%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/etc %{buildroot}/dev %{buildroot}/var/lib/k
mkdir -p %{buildroot}/usr/share/doc/kinds %{buildroot}/usr/share/k
printf 'hello\n' > %{buildroot}/usr/bin/hello
chmod 4755 %{buildroot}/usr/bin/hello
: > %{buildroot}/etc/empty
echo conf > %{buildroot}/etc/k.conf
echo doc > %{buildroot}/usr/share/doc/kinds/README
echo hallo > %{buildroot}/usr/share/k/de.txt
ln -s hello %{buildroot}/usr/bin/hi
head -c 70000 /dev/zero | tr '\0' 'x' > %{buildroot}/usr/bin/l1
ln %{buildroot}/usr/bin/l1 %{buildroot}/usr/bin/l2
mkfifo %{buildroot}/var/lib/k/fifo
cp %{buildroot}/usr/bin/hello %{buildroot}/usr/bin/ping
echo owned > %{buildroot}/var/lib/k/data

%pre
echo pre
%post -p <lua>
print("post")
%preun -p "/bin/bash -e"
echo preun
%postun -p /sbin/ldconfig
%pretrans -p <lua>
x = 1
%posttrans
echo posttrans
%triggerin -- trig >= 1.0, trig2
echo trig
%triggerun -p <lua> -- othertrig
print("t")

%files
%attr(4755,root,root) /usr/bin/hello
/usr/bin/hi
/usr/bin/l1
/usr/bin/l2
%caps(cap_net_raw=ep) /usr/bin/ping
/etc/empty
%config(noreplace) /etc/k.conf
%ghost /var/log/k.log
%dir %attr(0750,nobody,nogroup) /var/lib/k
%attr(0644,daemon,daemon) /var/lib/k/fifo
%attr(0600,nobody,nogroup) /var/lib/k/data
%dev(c,4,0) %attr(0620,root,tty) /dev/tty0
%dev(b,8,0) /dev/sda
%doc /usr/share/doc/kinds/README
%lang(de) /usr/share/k/de.txt
`

func kindsRPM(t testing.TB) string { return buildRPM(t, "kinds", kindsSpec) }

// tinySpec is a small package for the compression matrix.
const tinySpec = `Name: tiny
Version: 1
Release: 1
Summary: tiny
License: MIT
BuildArch: noarch
%description
tiny
%install
mkdir -p %{buildroot}/usr/share/tiny
echo hello > %{buildroot}/usr/share/tiny/a
seq 1 300 > %{buildroot}/usr/share/tiny/b
ln -s a %{buildroot}/usr/share/tiny/c
%files
%dir /usr/share/tiny
/usr/share/tiny/a
/usr/share/tiny/b
/usr/share/tiny/c
`

func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
