package debfixture

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/debver"
)

// CorpusNames are the real packages the oracle tests read: the essential
// set's core, packages with conffiles, maintainer scripts, debconf
// templates and config, triggers, shlibs and symbols, hard links
// (perl-base), setuid files (passwd, sudo, util-linux), many files
// (tzdata, locales), Multi-Arch: same libraries, and the kernel image
// (KernelImage) for size.
var CorpusNames = []string{
	"adduser", "apt", "base-files", "bash", "bsdutils", "busybox", "ca-certificates", "coreutils",
	"dbus", "debconf", "diffutils", "dpkg", "e2fsprogs", "findutils", "fonts-dejavu-core", "grep",
	"gzip", "hostname", "ifupdown", "init-system-helpers", "iproute2", "less", "libc-bin", "libc6",
	"libpam-modules", "libpam-runtime", "libpam0g", "libssl3", "libsystemd0", "locales", "login",
	"man-db", "mount", "ncurses-base", "ncurses-bin", "openssh-server", "passwd", "perl-base", "procps",
	"python3.11-minimal", "sed", "sudo", "systemd", "systemd-sysv", "sysvinit-utils", "tar", "tzdata",
	"udev", "util-linux", "vim-tiny", "zlib1g",
}

// KernelImage names the package linux-image-amd64 depends on.
const KernelImage = "linux-image-amd64"

// CacheDir is the folder real packages are kept in between runs: build/
// debian-deb-cache at the top of the repository (git-ignored).
func CacheDir(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "build", "debian-deb-cache")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Corpus returns the paths of the named packages' .deb files in the cache,
// downloading the missing ones with apt-get download (the candidate
// versions of the host's apt configuration). KernelImage is resolved to
// the image package it depends on. The test is skipped when apt-get
// cannot download them (no mirror, no package lists).
func Corpus(t testing.TB, names ...string) []string {
	t.Helper()
	dir := CacheDir(t)
	var missing []string
	for i, n := range names {
		if n == KernelImage {
			names[i] = kernelImage(t)
			n = names[i]
		}
		if find(dir, n) == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		download(t, dir, missing)
	}
	out := make([]string, len(names))
	for i, n := range names {
		if out[i] = find(dir, n); out[i] == "" {
			t.Fatalf("debfixture: %s not in %s after apt-get download", n, dir)
		}
	}
	return out
}

// find returns the newest cached .deb of package name.
func find(dir, name string) string {
	paths, _ := filepath.Glob(filepath.Join(dir, name+"_*.deb"))
	best, bestV := "", debver.Version{}
	for _, p := range paths {
		parts := strings.Split(strings.TrimSuffix(filepath.Base(p), ".deb"), "_")
		if len(parts) != 3 || parts[0] != name {
			continue
		}
		v, err := debver.Parse(strings.ReplaceAll(parts[1], "%3a", ":"))
		if err != nil {
			continue
		}
		if best == "" || debver.Compare(v, bestV) > 0 {
			best, bestV = p, v
		}
	}
	return best
}

// download fetches packages into a scratch folder beside the cache and
// moves them in, so that concurrent test binaries never see half a file.
func download(t testing.TB, dir string, names []string) {
	tmp, err := os.MkdirTemp(dir, ".download-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("apt-get", append([]string{"download", "-q"}, names...)...)
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("debfixture: apt-get download %s failed (no mirror?): %v\n%s", strings.Join(names, " "), err, out)
	}
	got, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
	for _, p := range got {
		if err := os.Rename(p, filepath.Join(dir, filepath.Base(p))); err != nil {
			t.Fatal(err)
		}
	}
}

// kernelImage resolves linux-image-amd64 to the image package it depends on.
func kernelImage(t testing.TB) string {
	out, err := exec.Command("apt-cache", "depends", "--important", KernelImage).Output()
	if err != nil {
		t.Skipf("debfixture: apt-cache depends %s: %v", KernelImage, err)
	}
	var deps []string
	for _, line := range strings.Split(string(out), "\n") {
		if dep, ok := strings.CutPrefix(strings.TrimSpace(line), "Depends: "); ok && strings.HasPrefix(dep, "linux-image-") {
			deps = append(deps, dep)
		}
	}
	if len(deps) == 0 {
		t.Skipf("debfixture: %s has no linux-image dependency:\n%s", KernelImage, out)
	}
	sort.Strings(deps)
	return deps[0]
}
