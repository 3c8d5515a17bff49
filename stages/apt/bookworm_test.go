package apt_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/debmirror"
	"github.com/disco-build/disco/internal/debtest"
	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/apt"
	"github.com/disco-build/disco/stages/debver"
)

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type timing struct{ wall, cpu time.Duration }

func (t timing) String() string {
	return fmt.Sprintf("%.3fs wall, %.3fs CPU", t.wall.Seconds(), t.cpu.Seconds())
}

func timed(f func()) timing {
	w, c := time.Now(), cpuTime()
	f()
	return timing{time.Since(w), cpuTime() - c}
}

// TestBookworm verifies the real bookworm InRelease with the Debian
// archive keyring, parses main/binary-amd64 cold and warm, and has real apt
// read the same index from a file:// copy: apt-get update and apt-cache
// are timed beside disco, and python3-apt's view of every package
// (version, architecture, Multi-Arch, every relation and provide) must be
// disco's.
func TestBookworm(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the real Debian archive")
	}
	s, f := debmirror.Suite(t, debmirror.Debian, "bookworm")
	if s.Release.Codename != "bookworm" || len(s.Signatures) == 0 {
		t.Fatalf("Release: codename %q, signatures %v", s.Release.Codename, s.Signatures)
	}
	t.Logf("%s (sha256 %s): %v", s.File, s.SHA256, s.Signatures)
	cache := t.TempDir()
	var pool *apt.Pool
	download(t, s, f, apt.DefaultCompression) // outside the timing
	cold := timed(func() { pool = debmirror.Pool(t, s, f, "main", "amd64", cache) })
	if pool.Cached || pool.Len() < 60000 {
		t.Fatalf("cold pool: cached %v, %d packages", pool.Cached, pool.Len())
	}
	warm := timing{wall: time.Hour}
	for range 5 {
		var p *apt.Pool
		w := timed(func() { p = debmirror.Pool(t, s, f, "main", "amd64", cache) })
		if !p.Cached || p.Len() != pool.Len() {
			t.Fatalf("warm pool: cached %v, %d packages", p.Cached, p.Len())
		}
		if w.wall < warm.wall {
			warm = w
		}
	}
	t.Logf("bookworm main amd64: %d packages from %s; cold parse (decompress, check, parse, cache) %s; warm load %s",
		pool.Len(), pool.Index, cold, warm)
	gz := download(t, s, f, apt.FastCompression)
	coldGz := timed(func() {
		if _, err := apt.LoadPool(t.Context(), s, gz, f, apt.NewCache(t.TempDir())); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("cold parse from %s instead: %s", gz.Path, coldGz)
	checkLookups(t, pool)
	query := timed(func() {
		p := debmirror.Pool(t, s, f, "main", "amd64", cache)
		for _, name := range []string{"bash", "systemd", "mail-transport-agent"} {
			for _, id := range p.Providers(nil, name) {
				p.Package(int(id))
			}
		}
	})
	t.Logf("warm load and the packages named or providing bash, systemd, mail-transport-agent decoded: %s", query)
	mirror := fileMirror(t, s, f, pool)
	root := debtest.NewAptRoot(t, "deb [signed-by="+debmirror.Keyring+" arch=amd64] file://"+mirror+" bookworm main\n")
	testtool.Need(t, "apt-get", "apt-cache")
	t.Logf("apt-get update from the file:// copy: %s", runTimed(t, root, "apt-get", "update"))
	for _, q := range [][]string{{"apt-cache", "show", "bash"}, {"apt-cache", "policy", "bash"},
		{"apt-cache", "depends", "systemd"}, {"apt-cache", "showpkg", "mail-transport-agent"}, {"apt-cache", "pkgnames"}} {
		t.Logf("%s: %s", strings.Join(q, " "), runTimed(t, root, q...))
	}
	compareWithPythonApt(t, root, pool)
}

// download fetches the index in the compression order prefers into the
// mirror cache.
func download(t *testing.T, s *apt.Suite, f *apt.StoreFetcher, order []string) apt.IndexFile {
	idx, err := s.PackagesIndexes("main", "amd64", order)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := f.Open(t.Context(), []string{s.Base}, []string{"dists/" + s.Repo.Suite + "/" + idx[0].Path}, idx[0].Info.SHA256, idx[0].Info.Size)
	if err != nil {
		t.Skipf("the mirror is unreachable now: %v", err)
	}
	rc.Close()
	return idx[0]
}

func checkLookups(t *testing.T, p *apt.Pool) {
	bash := p.Named(nil, "bash")
	if len(bash) != 1 || p.Package(int(bash[0])).Essential != true || p.Package(int(bash[0])).Priority != "required" {
		t.Fatalf("bash: %v", bash)
	}
	if mta := p.Providers(nil, "mail-transport-agent"); len(mta) < 3 {
		t.Fatalf("mail-transport-agent providers: %v", mta)
	}
	if len(p.Named(nil, "mail-transport-agent")) != 0 || len(p.Providers(nil, "no-such-package")) != 0 {
		t.Fatal("lookups find what is not there")
	}
}

// fileMirror lays out the suite's InRelease and the pool's index as a
// file:// archive apt can update from.
func fileMirror(t *testing.T, s *apt.Suite, f *apt.StoreFetcher, p *apt.Pool) string {
	dir := t.TempDir()
	raw, err := f.Get(t.Context(), s.Base, s.File)
	if err != nil {
		t.Skipf("the mirror is unreachable now: %v", err)
	}
	link := func(name, target string) {
		os.MkdirAll(filepath.Dir(name), 0o755)
		if err := os.Symlink(target, name); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(dir, "dists/bookworm"), 0o755)
	os.WriteFile(filepath.Join(dir, s.File), raw, 0o644)
	idx, _ := s.PackagesIndexes("main", "amd64", nil)
	stored := f.Store.Path(idx[0].Info.SHA256)
	link(filepath.Join(dir, "dists/bookworm", idx[0].Path), stored)
	link(filepath.Join(dir, "dists/bookworm/main/binary-amd64/by-hash/SHA256", idx[0].Info.SHA256), stored)
	return dir
}

func runTimed(t *testing.T, root *debtest.AptRoot, args ...string) timing {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = root.Env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return timing{wall, time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
}

// pythonApt prints, for every package version in apt's cache, one JSON
// line: name, version, architecture, Multi-Arch, relations, provides.
const pythonApt = `import apt_pkg, json, sys
apt_pkg.init()
cache = apt_pkg.Cache(None)
for pkg in cache.packages:
    for ver in pkg.version_list:
        deps = {}
        for kind, groups in ver.depends_list_str.items():
            deps[kind] = [[[n, v, op] for (n, v, op) in g] for g in groups]
        prov = sorted([n, v] for (n, v, _) in ver.provides_list)
        print(json.dumps([pkg.name, ver.ver_str, ver.arch, ver.multi_arch, deps, prov]))
`

type aptVersion struct {
	name, version, arch string
	multiArch           int
	deps                map[string][][][3]string
	provides            [][2]string
}

// compareWithPythonApt checks every package of the pool against apt's
// own parse of the same index.
func compareWithPythonApt(t *testing.T, root *debtest.AptRoot, p *apt.Pool) {
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import apt_pkg").Run() != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no python3-apt")
		}
		t.Skip("no python3-apt (Debian python3-apt)")
	}
	cmd := exec.Command(py, "-c", pythonApt)
	cmd.Env = root.Env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3-apt: %v", err)
	}
	theirs := map[string]aptVersion{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var raw []json.RawMessage
		var v aptVersion
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil || len(raw) != 6 {
			t.Fatalf("python3-apt line %q: %v", sc.Text(), err)
		}
		json.Unmarshal(raw[0], &v.name)
		json.Unmarshal(raw[1], &v.version)
		json.Unmarshal(raw[2], &v.arch)
		json.Unmarshal(raw[3], &v.multiArch)
		json.Unmarshal(raw[4], &v.deps)
		json.Unmarshal(raw[5], &v.provides)
		theirs[v.name+" "+v.version+" "+v.arch] = v
	}
	if len(theirs) != p.Len() {
		t.Errorf("apt has %d package versions, disco %d", len(theirs), p.Len())
	}
	bad := 0
	for i := range p.Len() {
		pk := p.Package(i)
		v, ok := theirs[pk.Name+" "+pk.Version.String()+" "+pk.Architecture]
		if !ok {
			t.Errorf("%s: not in apt's cache", pk)
			bad++
			continue
		}
		if d := diffVersion(pk, v); d != "" {
			t.Errorf("%s: %s", pk, d)
			bad++
		}
		if bad > 20 {
			t.Fatal("too many differences")
		}
	}
	t.Logf("python3-apt and disco agree on %d package versions (relations, provides, Multi-Arch)", p.Len()-bad)
}

var aptKinds = map[string]string{"Depends": "Depends", "PreDepends": "Pre-Depends", "Recommends": "Recommends",
	"Suggests": "Suggests", "Enhances": "Enhances", "Conflicts": "Conflicts", "Breaks": "Breaks", "Replaces": "Replaces"}

// diffVersion says how apt's view of a package differs from disco's.
func diffVersion(pk *apt.Package, v aptVersion) string {
	ma := map[string]int{"": 0, "same": 4, "foreign": 2, "allowed": 8}[pk.MultiArch]
	if pk.Architecture == "all" {
		ma |= 1
	}
	if ma != v.multiArch {
		return fmt.Sprintf("Multi-Arch %q, apt says %d", pk.MultiArch, v.multiArch)
	}
	ours := map[string][]debver.Alternatives{"Depends": pk.Depends, "Pre-Depends": pk.PreDepends, "Recommends": pk.Recommends,
		"Suggests": pk.Suggests, "Enhances": pk.Enhances, "Conflicts": pk.Conflicts, "Breaks": pk.Breaks, "Replaces": pk.Replaces}
	for kind, field := range aptKinds {
		groups := v.deps[kind]
		if kind == "Conflicts" || kind == "Breaks" || kind == "Replaces" {
			// apt repeats negative relations once per architecture of the
			// target's group (for Multi-Arch: same): keep one of each.
			groups = slices.CompactFunc(groups, func(a, b [][3]string) bool { return fmt.Sprint(a) == fmt.Sprint(b) })
		}
		want := formatApt(groups)
		if got := formatOurs(ours[field]); got != want {
			return fmt.Sprintf("%s: disco %q, apt %q", field, got, want)
		}
	}
	// apt drops a package's provide of its own name and adds implicit ones
	// ("name:any" for Multi-Arch: allowed, "name:arch", "$kernel" for
	// kernel images): those are left out here.
	var prov []string
	for _, r := range pk.Provides {
		if r.Name == pk.Name {
			continue
		}
		s := r.Name + " "
		if r.Op != debver.None {
			s += r.Version.String()
		}
		prov = append(prov, s)
	}
	var aprov []string
	for _, pv := range v.provides {
		if base, _, _ := strings.Cut(pv[0], ":"); base == pk.Name || strings.HasSuffix(pv[0], ":any") || strings.HasPrefix(pv[0], "$") {
			continue
		}
		aprov = append(aprov, pv[0]+" "+pv[1])
	}
	slices.Sort(prov)
	slices.Sort(aprov)
	if !slices.Equal(prov, aprov) {
		return fmt.Sprintf("Provides: disco %q, apt %q", prov, aprov)
	}
	return ""
}

func formatApt(groups [][][3]string) string {
	var out []string
	for _, g := range groups {
		var alts []string
		for _, d := range g {
			op := map[string]string{"<": "<<", ">": ">>"}[d[2]] // python-apt writes << and >> as < and >
			if op == "" {
				op = d[2]
			}
			name := strings.TrimSuffix(d[0], ":amd64") // the native architecture, explicit or not
			alts = append(alts, strings.TrimSpace(name+" "+op+" "+d[1]))
		}
		out = append(out, strings.Join(alts, " | "))
	}
	return strings.Join(out, ", ")
}

func formatOurs(l []debver.Alternatives) string {
	var out []string
	for _, g := range l {
		var alts []string
		for _, r := range g {
			name := r.Name
			if r.ArchQual != "" && r.ArchQual != "amd64" && r.ArchQual != "native" {
				name += ":" + r.ArchQual
			}
			s := name
			if r.Op != debver.None {
				s += " " + r.Op.String() + " " + r.Version.String()
			}
			alts = append(alts, s)
		}
		out = append(out, strings.Join(alts, " | "))
	}
	return strings.Join(out, ", ")
}
