package aptsolve_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/debtest"
	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/apt"
	"github.com/disco-build/disco/stages/aptsolve"
	"github.com/disco-build/disco/stages/store"
)

// archive is one suite of a generated test repository: its Packages
// index and the pin priority both apt and disco give it.
type archive struct {
	suite    string
	priority int // 0: apt's default
	index    string
}

// world is a set of generated archives loaded by disco and by a real apt
// with a configuration of its own.
type world struct {
	u    *aptsolve.Universe
	root *debtest.AptRoot
}

// stanzas completes short package paragraphs ("Package: a\nVersion: 1\n
// Depends: b") into index records.
func stanzas(paras ...string) string {
	var b strings.Builder
	for _, p := range paras {
		p = strings.TrimSpace(p)
		has := func(f string) bool { return strings.Contains("\n"+p, "\n"+f+":") }
		name := field(p, "Package")
		b.WriteString(p + "\n")
		if !has("Version") {
			b.WriteString("Version: 1\n")
		}
		if !has("Architecture") {
			b.WriteString("Architecture: amd64\n")
		}
		ver := strings.ReplaceAll(field(p+"\nVersion: 1", "Version"), ":", "%3a")
		deb := fmt.Sprintf("pool/main/%s/%s_%s_%s.deb", name, name, ver, field(p+"\nArchitecture: amd64", "Architecture"))
		sum := sha256.Sum256([]byte(deb))
		if !has("Priority") {
			b.WriteString("Priority: optional\n")
		}
		fmt.Fprintf(&b, "Maintainer: T <t@example.invalid>\nFilename: %s\nSize: 100\nSHA256: %s\nSection: misc\nDescription: %s\n\n",
			deb, hex.EncodeToString(sum[:]), name)
	}
	return b.String()
}

// field returns the first value of a field in a paragraph.
func field(p, name string) string {
	for _, l := range strings.Split(p, "\n") {
		if v, ok := strings.CutPrefix(l, name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// newWorld writes the archives, loads them into a universe and has apt-get
// update read them.
func newWorld(t testing.TB, archives ...archive) *world {
	t.Helper()
	testtool.Need(t, "apt-get")
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	f := &apt.StoreFetcher{Store: st}
	var sources []aptsolve.Source
	var list, prefs strings.Builder
	for _, a := range archives {
		base := filepath.Join(dir, "repo-"+a.suite)
		ar := &debtest.Archive{Dir: base, Suite: a.suite, Packages: map[string]string{"main/binary-amd64": a.index}, Compressions: []string{""}}
		ar.Write(t)
		s, err := apt.OpenSuite(context.Background(), apt.Repository{Name: a.suite, URIs: []string{"file://" + base}, Suite: a.suite, AllowUnsigned: true}, f, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		idx, err := s.PackagesIndexes("main", "amd64", nil)
		if err != nil {
			t.Fatal(err)
		}
		p, err := apt.LoadPool(context.Background(), s, idx[0], f, nil)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, aptsolve.Source{Pool: p, Priority: a.priority})
		fmt.Fprintf(&list, "deb [trusted=yes arch=amd64] file://%s %s main\n", base, a.suite)
		if a.priority != 0 {
			fmt.Fprintf(&prefs, "Package: *\nPin: release n=%s\nPin-Priority: %d\n\n", a.suite, a.priority)
		}
	}
	u, err := aptsolve.NewUniverse("amd64", sources...)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{u: u, root: debtest.NewAptRoot(t, list.String())}
	if prefs.Len() > 0 {
		if err := os.WriteFile(filepath.Join(w.root.Dir, "etc/apt/preferences.d/pins"), []byte(prefs.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := w.apt("apt-get", "update"); err != nil {
		t.Fatalf("apt-get update: %v\n%s", err, out)
	}
	return w
}

func (w *world) apt(args ...string) (string, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = w.root.Env
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState != nil {
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		aptCPU.Add(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return string(out), err
}

// aptCPU is the CPU time the apt-get processes took, in nanoseconds.
var aptCPU atomic.Int64

// answer is a resolve's outcome: the chosen set ("name=version:arch",
// sorted) or apt's explanation.
type answer struct {
	set     []string
	failure string // apt's messages, normalized
}

func (a answer) String() string {
	if a.failure != "" {
		return "FAIL:\n" + a.failure
	}
	return strings.Join(a.set, " ")
}

var instLine = regexp.MustCompile(`^Inst (\S+) \((\S+) .*\[(\S+)\]\)`)

// aptAnswer runs apt-get install --simulate. When apt resolved the
// request but its simulation of the installation order gave up (apt's
// pkgSimulate meets loops that dpkg would break: "MaxLoopCount reached in
// SmartUnPack", "Could not configure"), the chosen set is read from
// apt-get install --print-uris, which resolves the same way and skips
// the simulation.
func (w *world) aptAnswer(t testing.TB, requests []string, recommends bool) answer {
	t.Helper()
	args := []string{"apt-get", "install", "-s", "-q=0", "-o", fmt.Sprintf("APT::Install-Recommends=%v", recommends), "--"}
	out, err := w.apt(append(args, requests...)...)
	a := parseApt(t, out, err)
	if a.failure != "" && strings.Contains(a.failure, "The following NEW packages will be installed:") &&
		!strings.Contains(a.failure, "unmet dependencies") {
		return w.aptURIs(t, requests, recommends)
	}
	return a
}

// aptURIs runs apt-get install --print-uris and reads the chosen set from
// the file names ("name_version_arch.deb", ':' written %3a).
func (w *world) aptURIs(t testing.TB, requests []string, recommends bool) answer {
	t.Helper()
	args := []string{"apt-get", "install", "--print-uris", "-q=0", "-o", fmt.Sprintf("APT::Install-Recommends=%v", recommends), "--"}
	out, err := w.apt(append(args, requests...)...)
	a := parseApt(t, out, err)
	if a.failure != "" {
		return a
	}
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) < 2 || !strings.HasPrefix(f[0], "'") || !strings.HasSuffix(f[1], ".deb") {
			continue
		}
		p := strings.Split(strings.TrimSuffix(f[1], ".deb"), "_")
		if len(p) != 3 {
			t.Fatalf("apt-get --print-uris: file name %q", f[1])
		}
		a.set = append(a.set, p[0]+"="+strings.ReplaceAll(p[1], "%3a", ":")+":"+p[2])
	}
	slices.Sort(a.set)
	return a
}

func parseApt(t testing.TB, out string, err error) answer {
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("apt-get: %v", err)
	}
	var a answer
	var msgs []string
	for _, l := range strings.Split(out, "\n") {
		if m := instLine.FindStringSubmatch(l); m != nil {
			a.set = append(a.set, m[1]+"="+m[2]+":"+m[3])
			continue
		}
		switch {
		case strings.Contains(l, "\r"), l == "Reading package lists...", l == "Building dependency tree...", l == "Reading state information...",
			strings.HasPrefix(l, "Conf "), strings.HasPrefix(l, "NOTE: This is only a simulation!"),
			strings.HasPrefix(l, "      apt-get needs root"), strings.HasPrefix(l, "      Keep also in mind"):
			continue
		}
		msgs = append(msgs, l)
	}
	slices.Sort(a.set)
	if err != nil {
		a.failure = strings.TrimSpace(strings.Join(msgs, "\n"))
		a.set = nil
	}
	return a
}

// discoAnswer resolves with aptsolve.
func (w *world) discoAnswer(requests []string, recommends bool) (answer, []aptsolve.Package) {
	pkgs, err := aptsolve.Resolve(w.u, requests, aptsolve.Options{Recommends: recommends})
	if err != nil {
		var e *aptsolve.Error
		if !errors.As(err, &e) {
			return answer{failure: "unexpected error: " + err.Error()}, nil
		}
		return answer{failure: strings.TrimSpace(e.Error())}, nil
	}
	a := answer{}
	for _, p := range pkgs {
		a.set = append(a.set, p.Name+"="+p.Version+":"+p.Arch)
	}
	slices.Sort(a.set)
	return a, pkgs
}
