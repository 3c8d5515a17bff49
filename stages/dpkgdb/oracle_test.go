package dpkgdb

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/deb"
	"github.com/disco-build/disco/stages/deb/debfixture"
)

// openDeb reads a package and its data archive the way an install does:
// list names in unpack order and the MD5 of every conffile.
func openDeb(t *testing.T, data []byte) *Package {
	t.Helper()
	p, err := deb.Open(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Payload()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var list []string
	md5s := map[string]string{}
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, e.File.ListName)
		if _, err := io.Copy(io.Discard, r); err != nil {
			t.Fatal(err)
		}
		if s := r.MD5(); s != "" {
			md5s[e.File.ListName] = s
		}
	}
	return FromDeb(p, list, md5s)
}

// stubScripts rebuilds a package with every maintainer script replaced by
// "exit 0", keeping all else byte for byte, so that dpkg can install it
// into a root holding nothing but a shell.
func stubScripts(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctl := filepath.Join(dir, "DEBIAN")
	run(t, "dpkg-deb", "--raw-extract", path, dir)
	changed := false
	for _, s := range []string{"preinst", "postinst", "prerm", "postrm"} {
		if _, err := os.Stat(filepath.Join(ctl, s)); err == nil {
			if err := os.WriteFile(filepath.Join(ctl, s), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			changed = true
		}
	}
	if !changed {
		return data
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	run(t, "dpkg-deb", "--root-owner-group", "-Zxz", "--build", dir, out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func run(t *testing.T, prog string, args ...string) string {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "SOURCE_DATE_EPOCH=1700000000")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", prog, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// newRoot makes an empty root dpkg can install into, with busybox as
// /bin/sh for the stubbed maintainer scripts it runs chrooted.
func newRoot(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	for _, d := range []string{"var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "bin", "tmp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "var/lib/dpkg/status"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bb, err := os.ReadFile(testtool.Need(t, "busybox")[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bin/sh"), bb, 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

// dpkgFiles lists a database folder's files (relative paths) with their
// bytes and modes, leaving out the journal folder and dpkg's backups.
func dpkgFiles(t *testing.T, dir string) map[string]File {
	t.Helper()
	out := map[string]File{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = File{Path: rel, Data: data, Mode: uint32(fi.Mode().Perm())}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// compareDB compares the files dpkg wrote with ours, byte for byte and
// mode for mode; skip lists dpkg's files that are not ours to write.
func compareDB(t *testing.T, dpkg map[string]File, ours []File, skip func(string) bool) int {
	t.Helper()
	mine := map[string]File{}
	for _, f := range ours {
		if !f.Dir {
			mine[f.Path] = f
		}
	}
	var names []string
	for n := range dpkg {
		names = append(names, n)
	}
	sort.Strings(names)
	same := 0
	for _, n := range names {
		if skip(n) {
			continue
		}
		d, m := dpkg[n], mine[n]
		switch {
		case m.Path == "":
			t.Errorf("%s: dpkg wrote it, we did not", n)
		case !bytes.Equal(d.Data, m.Data):
			t.Errorf("%s differs:\n%s", n, diffLines(string(m.Data), string(d.Data)))
		case d.Mode != m.Mode:
			t.Errorf("%s: mode %o, dpkg's %o", n, m.Mode, d.Mode)
		default:
			same++
		}
	}
	for n := range mine {
		if _, ok := dpkg[n]; !ok && !skip(n) {
			t.Errorf("%s: we wrote it, dpkg did not", n)
		}
	}
	return same
}

// diffLines shows the first lines that differ.
func diffLines(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			lo := max(0, i-3)
			return "ours:\n  " + strings.Join(g[lo:min(len(g), i+3)], "\n  ") + "\ndpkg's:\n  " + strings.Join(w[lo:min(len(w), i+3)], "\n  ")
		}
	}
	return ""
}

// installSet are real packages whose control files cover what the
// database holds: conffiles, Multi-Arch: same (libc6, zlib1g), explicit
// and file trigger interests (libc-bin, man-db), activations, shlibs,
// symbols, templates and config (tzdata, man-db), hard links (perl-base),
// Essential and Protected packages.
var installSet = []string{"base-files", "libc6", "libc-bin", "zlib1g", "libsystemd0", "man-db", "tzdata",
	"perl-base", "ncurses-base", "login", "init-system-helpers", "debconf", "sed", "libpam-runtime"}

// TestAgainstDpkg installs real packages (maintainer scripts stubbed) and
// hand-made ones with the real dpkg into an empty root, writes the same
// packages' database with Write, and compares the two byte for byte; then
// it puts our database in dpkg's place and asks dpkg -l, --audit and
// --verify about it.
func TestAgainstDpkg(t *testing.T) {
	testtool.Need(t, "dpkg", "dpkg-deb")
	if os.Geteuid() != 0 {
		t.Skip("dpkg --root runs maintainer scripts chrooted: needs root")
	}
	paths := debfixture.Corpus(t, installSet...)
	var debs [][]byte
	for _, p := range paths {
		debs = append(debs, stubScripts(t, p))
	}
	debs = append(debs, oddDebs()...)
	root := newRoot(t)
	run(t, "dpkg", "--root="+root, "--add-architecture", "i386")
	args := []string{"--root=" + root, "--force-depends", "--force-bad-path", "--force-unsafe-io", "--log=/dev/null", "--install"}
	dir := t.TempDir()
	var pkgs []*Package
	for i, d := range debs {
		f := filepath.Join(dir, strings.Repeat("a", i+1)+".deb") // dpkg unpacks in argument order
		if err := os.WriteFile(f, d, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, f)
		pkgs = append(pkgs, openDeb(t, d))
	}
	run(t, "dpkg", args...)
	db := &Database{Packages: pkgs, Arch: []string{"amd64", "i386"}}
	files, err := db.Files()
	if err != nil {
		t.Fatal(err)
	}
	admin := filepath.Join(root, "var/lib/dpkg")
	skip := func(n string) bool { return n == "status-old" || strings.HasPrefix(n, "updates/") || n == "available" }
	same := compareDB(t, dpkgFiles(t, admin), files, skip)
	if testing.Verbose() {
		for _, f := range files {
			if f.Path == "info/plain.md5sums" || strings.HasPrefix(f.Path, "triggers/") {
				t.Logf("%s:\n%s", f.Path, f.Data)
			}
		}
	}
	t.Logf("%d packages: %d database files identical to dpkg's", len(pkgs), same)

	// Our database in dpkg's place: the image's dpkg must be content.
	if err := os.RemoveAll(admin); err != nil {
		t.Fatal(err)
	}
	if err := Write(admin, db); err != nil {
		t.Fatal(err)
	}
	list := run(t, "dpkg-query", "--root="+root, "--show", "--showformat=${db:Status-Abbrev}${binary:Package}\n")
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(list), "\n") {
		if !strings.HasPrefix(l, "ii ") {
			t.Errorf("dpkg -l: %q is not ii", l)
		}
		n++
	}
	if n != len(pkgs) {
		t.Errorf("dpkg -l lists %d packages, want %d", n, len(pkgs))
	}
	if out := run(t, "dpkg", "--root="+root, "--audit"); out != "" {
		t.Errorf("dpkg --audit:\n%s", out)
	}
	if out := run(t, "dpkg", "--root="+root, "--verify"); out != "" {
		t.Errorf("dpkg --verify:\n%s", out)
	}
	run(t, "dpkg", "--root="+root, "-l")
}
