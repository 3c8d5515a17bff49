package stages

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/manifest"
	"github.com/disco-build/disco/stages/rpm"
	"github.com/disco-build/disco/stages/store"
	"github.com/disco-build/disco/stages/tree"
)

const setupSpec = `Name: setup
Version: 1
Release: 1
Summary: accounts
License: MIT
BuildArch: noarch
%description
accounts
%install
mkdir -p %{buildroot}/etc
printf 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:2:2:daemon:/:/sbin/nologin\n' > %{buildroot}/etc/passwd
printf 'root:x:0:\ndaemon:x:2:\ntty:x:5:\n' > %{buildroot}/etc/group
%files
%config(noreplace) /etc/passwd
%config(noreplace) /etc/group
`

const kindsSpec = `Name: kinds
Version: 1
Release: 1
Summary: every file kind
License: MIT
Requires(pre): setup
%description
kinds
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/lib/kinds %{buildroot}/etc/kinds %{buildroot}/run
printf 'binary\n' > %{buildroot}/usr/bin/su-like
printf 'capable\n' > %{buildroot}/usr/bin/pinger
printf 'shared\n' > %{buildroot}/usr/lib/kinds/a
ln %{buildroot}/usr/lib/kinds/a %{buildroot}/usr/lib/kinds/b
ln -s ../lib/kinds/a %{buildroot}/usr/bin/link
printf 'conf\n' > %{buildroot}/etc/kinds/kinds.conf
: > %{buildroot}/usr/lib/kinds/empty
mkfifo %{buildroot}/run/kinds.fifo
%files
%attr(4755,root,root) /usr/bin/su-like
%caps(cap_net_raw=ep) /usr/bin/pinger
/usr/bin/link
%dir %attr(0750,daemon,daemon) /usr/lib/kinds
/usr/lib/kinds/a
/usr/lib/kinds/b
/usr/lib/kinds/empty
%config(noreplace) %attr(0640,root,daemon) /etc/kinds/kinds.conf
%ghost /etc/kinds/ghost.log
%attr(0620,root,tty) %dev(c,4,0) /dev/tty0
%attr(0660,root,root) %dev(b,8,0) /dev/sda
%attr(0644,root,root) /run/kinds.fifo
`

// buildSpecs builds the specs with rpmbuild (payload compressor given as
// rpm's _binary_payload) and returns the .rpm paths.
func buildSpecs(t *testing.T, dir, payload string, specs map[string]string) []string {
	t.Helper()
	var out []string
	// In name order, so that a test runs the same way every time.
	for _, name := range slices.Sorted(maps.Keys(specs)) {
		text := specs[name]
		top := filepath.Join(dir, "top-"+name)
		spec := filepath.Join(dir, name+".spec")
		if err := os.WriteFile(spec, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("rpmbuild", "-bb", "--quiet", "--define", "_topdir "+top, "--define", "_rpmdir "+dir,
			"--define", "_build_name_fmt %%{NAME}.rpm", "--define", "__os_install_post %{nil}",
			"--define", "_binary_payload "+payload, "--define", "clamp_mtime_to_source_date_epoch 1",
			"--define", "use_source_date_epoch_as_buildtime 1", spec)
		cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1700000000")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("rpmbuild %s: %v\n%s", name, err, b)
		}
		out = append(out, filepath.Join(dir, name+".rpm"))
	}
	return out
}

// installWithDisco puts the rpms in a store and installs them into a tree.
func installWithDisco(t *testing.T, rpms []string) (*tree.Tree, []Installed) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	var locked []lockfile.Package
	for _, p := range rpms {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		hexsum := hex.EncodeToString(sum[:])
		if err := st.Put(hexsum, strings.NewReader(string(data))); err != nil {
			t.Fatal(err)
		}
		locked = append(locked, lockfile.Package{Name: filepath.Base(p), SHA256: hexsum})
	}
	tr, err := tree.New(filepath.Join(t.TempDir(), "root"), 1700000000)
	if err != nil {
		t.Fatal(err)
	}
	in := NewInstaller(tr, st, 1700000000, false, nil)
	done, _, err := in.Install(context.Background(), locked)
	if err != nil {
		t.Fatal(err)
	}
	return tr, done
}

// TestInstallMatchesRPM installs packages holding every file kind with
// disco and with the host's rpm (as root), and compares each path's kind,
// mode, owner, size, content, link target, hard links, caps and mtime.
// Debian's rpm 4.18 cannot create device nodes and FIFOs in a root: those
// are compared with the package header instead.
func TestInstallMatchesRPM(t *testing.T) {
	testtool.Need(t, "rpmbuild", "rpm")
	testtool.Root(t)
	dir := t.TempDir()
	rpms := buildSpecs(t, dir, "w9.gzdio", map[string]string{"setup": setupSpec, "kinds": kindsSpec})
	tr, _ := installWithDisco(t, rpms)
	m := tr.Manifest()

	ref := filepath.Join(dir, "rpmroot")
	cmd := exec.Command("rpm", "--root", ref, "--dbpath", "/usr/lib/sysimage/rpm", "-i", "--nodeps", "--noscripts",
		"--excludepath", "/dev", "--excludepath", "/run", rpms[0], rpms[1])
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rpm -i: %v\n%s", err, out)
	}
	for _, p := range []string{"/etc/passwd", "/etc/group", "/usr/bin/su-like", "/usr/bin/pinger", "/usr/bin/link",
		"/usr/lib/kinds", "/usr/lib/kinds/a", "/usr/lib/kinds/b", "/usr/lib/kinds/empty", "/etc/kinds/kinds.conf"} {
		compareWithHost(t, tr, m.Get(p), p, filepath.Join(ref, p))
	}
	if m.Get("/etc/kinds/ghost.log") != nil {
		t.Errorf("%%ghost file was extracted")
	}
	if _, err := os.Lstat(filepath.Join(ref, "etc/kinds/ghost.log")); err == nil {
		t.Errorf("rpm extracted the ghost (test assumption wrong)")
	}
	a, b := m.Get("/usr/lib/kinds/a"), m.Get("/usr/lib/kinds/b")
	if b.Link != "/usr/lib/kinds/a" && a.Link != "/usr/lib/kinds/b" {
		t.Errorf("hard links not grouped: a=%+v b=%+v", a, b)
	}
	checkAgainstHeader(t, m, filepath.Join(dir, "kinds.rpm"))
}

func compareWithHost(t *testing.T, tr *tree.Tree, e *manifest.Entry, p, host string) {
	t.Helper()
	if e == nil {
		t.Errorf("%s: not in the manifest", p)
		return
	}
	fi, err := os.Lstat(host)
	if err != nil {
		t.Errorf("%s: rpm did not install it: %v", p, err)
		return
	}
	st := fi.Sys().(*syscall.Stat_t)
	kind := map[uint32]manifest.Kind{syscall.S_IFDIR: manifest.Dir, syscall.S_IFREG: manifest.File, syscall.S_IFLNK: manifest.Symlink}[st.Mode&syscall.S_IFMT]
	if e.Kind != kind || e.Mode != st.Mode&0o7777 || e.UID != st.Uid || e.GID != st.Gid {
		t.Errorf("%s: disco %s %04o %d:%d, rpm %s %04o %d:%d", p, e.Kind, e.Mode, e.UID, e.GID, kind, st.Mode&0o7777, st.Uid, st.Gid)
	}
	if e.Kind != manifest.Dir && e.Mtime != st.Mtim.Sec {
		t.Errorf("%s: mtime disco %d, rpm %d", p, e.Mtime, st.Mtim.Sec)
	}
	switch e.Kind {
	case manifest.Symlink:
		target, _ := os.Readlink(host)
		if e.Target != target {
			t.Errorf("%s: target disco %q, rpm %q", p, e.Target, target)
		}
	case manifest.File:
		data, _ := os.ReadFile(host)
		sum := sha256.Sum256(data)
		if e.SHA256 != hex.EncodeToString(sum[:]) || e.Size != int64(len(data)) {
			t.Errorf("%s: content differs from rpm's", p)
		}
		caps := xattr(host, "security.capability")
		if string(caps) != string(e.Xattrs["security.capability"]) {
			t.Errorf("%s: security.capability disco %x, rpm %x", p, e.Xattrs["security.capability"], caps)
		}
	}
}

func xattr(path, name string) []byte {
	buf := make([]byte, 256)
	n, err := syscall.Getxattr(path, name, buf)
	if err != nil {
		return nil
	}
	return buf[:n]
}

// checkAgainstHeader compares manifest entries rpm cannot create here
// (devices, FIFOs) with the package header.
func checkAgainstHeader(t *testing.T, m *manifest.Manifest, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pkg, err := rpm.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	files, err := pkg.Files()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]manifest.Kind{"/dev/tty0": manifest.Char, "/dev/sda": manifest.Block, "/run/kinds.fifo": manifest.FIFO}
	seen := 0
	for _, hf := range files {
		kind, ok := want[hf.Path]
		if !ok {
			continue
		}
		seen++
		e := m.Get(hf.Path)
		if e == nil || e.Kind != kind || e.Mode != hf.Perm() || e.Major != hf.Major() || e.Minor != hf.Minor() {
			t.Errorf("%s: manifest %+v, header mode %04o dev %d,%d", hf.Path, e, hf.Perm(), hf.Major(), hf.Minor())
		}
	}
	if seen != len(want) {
		t.Errorf("header lists %d of the %d special files", seen, len(want))
	}
	if e := m.Get("/dev/tty0"); e == nil || e.GID != 5 {
		t.Errorf("/dev/tty0 group tty should map to gid 5 through the image's /etc/group: %+v", e)
	}
}

// TestEveryPayloadCompression installs packages with each compressor rpm
// writes and checks the content arrived.
func TestEveryPayloadCompression(t *testing.T) {
	testtool.Need(t, "rpmbuild")
	for _, payload := range []string{"w9.gzdio", "w2.xzdio", "w19.zstdio", "w9.bzdio", "w6.lzdio", "w0.ufdio"} {
		t.Run(payload, func(t *testing.T) {
			spec := strings.ReplaceAll(`Name: comp
Version: 1
Release: 1
Summary: c
License: MIT
BuildArch: noarch
%description
c
%install
mkdir -p %{buildroot}/usr/share/comp
printf 'PAYLOAD\n' > %{buildroot}/usr/share/comp/data
%files
/usr/share/comp/data
`, "PAYLOAD", payload)
			rpms := buildSpecs(t, t.TempDir(), payload, map[string]string{"comp": spec})
			tr, _ := installWithDisco(t, rpms)
			rc, err := tr.Open("/usr/share/comp/data")
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			got, _ := io.ReadAll(rc)
			if string(got) != payload+"\n" {
				t.Errorf("content %q", got)
			}
		})
	}
}

// TestMaliciousPathsRefused: a header path with ".." or a symlink placed
// earlier that leads out of the root is refused, naming package and path.
func TestMaliciousPathsRefused(t *testing.T) {
	testtool.Need(t, "rpmbuild")
	dir := t.TempDir()
	evil := `Name: evil
Version: 1
Release: 1
Summary: e
License: MIT
BuildArch: noarch
%description
e
%install
mkdir -p %{buildroot}/etc
ln -s ../../../../../tmp %{buildroot}/etc/up
%files
/etc/up
`
	follow := `Name: follow
Version: 1
Release: 1
Summary: f
License: MIT
BuildArch: noarch
Requires: evil
%description
f
%install
mkdir -p %{buildroot}/etc/up
printf 'x\n' > %{buildroot}/etc/up/pwned
%files
/etc/up/pwned
`
	rpms := buildSpecs(t, dir, "w9.gzdio", map[string]string{"evil": evil, "follow": follow})
	st, _ := store.Open(filepath.Join(t.TempDir(), "store"))
	var locked []lockfile.Package
	for _, p := range rpms {
		data, _ := os.ReadFile(p)
		sum := sha256.Sum256(data)
		st.Put(hex.EncodeToString(sum[:]), strings.NewReader(string(data)))
		locked = append(locked, lockfile.Package{SHA256: hex.EncodeToString(sum[:])})
	}
	tr, _ := tree.New(filepath.Join(t.TempDir(), "root"), 1)
	_, _, err := NewInstaller(tr, st, 1, false, nil).Install(context.Background(), locked)
	if err == nil || !strings.Contains(err.Error(), "follow-1-1.noarch") || !strings.Contains(err.Error(), "/etc/up/pwned") ||
		!strings.Contains(err.Error(), "escapes the root") {
		t.Fatalf("got %v, want an escape error naming follow-1-1.noarch and /etc/up/pwned", err)
	}
	if _, err := os.Stat("/tmp/pwned"); err == nil {
		t.Errorf("a file was written outside the root")
	}
}
