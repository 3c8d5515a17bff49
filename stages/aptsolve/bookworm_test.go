package aptsolve_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/debmirror"
	"github.com/disco-build/disco/internal/debtest"
	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/apt"
	"github.com/disco-build/disco/stages/aptsolve"
)

// bookworm is Debian bookworm main amd64 from the test mirror cache, for
// disco and for a real apt reading the same signed index.
type bookworm struct {
	pool *apt.Pool
	u    *aptsolve.Universe
	w    *world
}

var (
	bookwormOnce sync.Once
	bookwormW    *bookworm
)

// loadBookworm opens bookworm once per test binary.
func loadBookworm(t *testing.T) *bookworm {
	t.Helper()
	if testing.Short() {
		t.Skip("reads the real Debian archive")
	}
	testtool.Need(t, "apt-get")
	bookwormOnce.Do(func() {
		s, f := debmirror.Suite(t, debmirror.Debian, "bookworm")
		pool := debmirror.Pool(t, s, f, "main", "amd64", filepath.Join(debmirror.CacheDir(t), "pools"))
		u, err := aptsolve.NewUniverse("amd64", aptsolve.Source{Pool: pool})
		if err != nil {
			t.Fatal(err)
		}
		dir := fileMirrorOf(t, s, f, "bookworm")
		root := newPersistentAptRoot(t, "deb [signed-by="+debmirror.Keyring+" arch=amd64] file://"+dir+" bookworm main\n")
		w := &world{u: u, root: root}
		if out, err := w.apt("apt-get", "update"); err != nil {
			t.Fatalf("apt-get update: %v\n%s", err, out)
		}
		if out, err := w.apt("apt-get", "check"); err != nil { // builds apt's caches once
			t.Fatalf("apt-get check: %v\n%s", err, out)
		}
		bookwormW = &bookworm{pool: pool, u: u, w: w}
	})
	if bookwormW == nil {
		t.Fatal("bookworm could not be loaded (see the first test that tried)")
	}
	return bookwormW
}

// tempDirs are folders that outlive a test (the bookworm mirror and apt
// configuration every test uses), removed by TestMain.
var tempDirs []string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

func longTempDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "aptsolve-")
	if err != nil {
		t.Fatal(err)
	}
	tempDirs = append(tempDirs, dir)
	return dir
}

// newPersistentAptRoot is debtest.NewAptRoot in a folder that outlives the
// first test (the whole test binary uses it).
func newPersistentAptRoot(t *testing.T, sources string) *debtest.AptRoot {
	dir := longTempDir(t)
	for _, d := range []string{"etc/apt/apt.conf.d", "etc/apt/sources.list.d", "etc/apt/preferences.d", "state/lists/partial", "cache/archives/partial", "log"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	conf := "Dir \"" + dir + "/\";\nDir::State \"" + dir + "/state/\";\nDir::State::status \"" + dir + "/status\";\n" +
		"Dir::Cache \"" + dir + "/cache/\";\nDir::Etc \"" + dir + "/etc/apt/\";\nDir::Log \"" + dir + "/log/\";\n" +
		"APT::Architecture \"amd64\";\nAPT::Architectures { \"amd64\"; };\nAPT::Sandbox::User \"root\";\n" +
		"Debug::NoLocking \"true\";\nAcquire::Languages \"none\";\nAcquire::Retries \"0\";\n"
	for name, body := range map[string]string{"status": "", "apt.conf": conf, "etc/apt/sources.list": sources} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &debtest.AptRoot{Dir: dir, Env: []string{"APT_CONFIG=" + filepath.Join(dir, "apt.conf"), "PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C"}}
}

// fileMirrorOf lays out the suite's InRelease and its main amd64 index as
// a file:// archive apt can update from.
func fileMirrorOf(t *testing.T, s *apt.Suite, f *apt.StoreFetcher, suite string) string {
	dir := longTempDir(t)
	raw, err := f.Get(t.Context(), s.Base, s.File)
	if err != nil {
		t.Skipf("the mirror is unreachable now: %v", err)
	}
	idx, err := s.PackagesIndexes("main", "amd64", nil)
	if err != nil {
		t.Fatal(err)
	}
	stored := f.Store.Path(idx[0].Info.SHA256)
	for name, target := range map[string]string{
		filepath.Join("dists", suite, idx[0].Path):                                            stored,
		filepath.Join("dists", suite, "main/binary-amd64/by-hash/SHA256", idx[0].Info.SHA256): stored,
	} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "dists", suite), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, s.File), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// serverSets are the requests the issue names, and the variants.
func serverSets(t *testing.T, b *bookworm) map[string][]string {
	imp, err := aptsolve.Variant(b.u, "important")
	if err != nil {
		t.Fatal(err)
	}
	minbase, err := aptsolve.Variant(b.u, "minbase")
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]string{
		"server":         {"systemd-sysv", "openssh-server", "linux-image-amd64"},
		"postgresql":     {"postgresql"},
		"nginx":          {"nginx"},
		"important":      imp,
		"minbase+server": append(slices.Clone(minbase), "systemd-sysv", "openssh-server", "linux-image-amd64"),
	}
}

// TestBookwormServerSets resolves the server sets with aptsolve and with
// apt-get install --simulate, with and without Recommends.
func TestBookwormServerSets(t *testing.T) {
	b := loadBookworm(t)
	sets := serverSets(t, b)
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range sets {
			if !yield(k) {
				return
			}
		}
	})
	type job struct {
		name string
		rec  bool
	}
	var jobs []job
	for _, name := range names {
		jobs = append(jobs, job{name, false}, job{name, true})
	}
	want := make([]answer, len(jobs))
	var wg sync.WaitGroup
	for w := range 2 { // two apt-get at a time
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(jobs); i += 2 {
				want[i] = b.w.aptAnswer(t, sets[jobs[i].name], jobs[i].rec)
			}
		}()
	}
	wg.Wait()
	for i, j := range jobs {
		got, pkgs := b.w.discoAnswer(sets[j.name], j.rec)
		if got.String() != want[i].String() {
			t.Errorf("%s (recommends %v):\n apt:   %s\n disco: %s\n only apt: %v\n only disco: %v", j.name, j.rec, want[i], got,
				minus(want[i].set, got.set), minus(got.set, want[i].set))
			continue
		}
		if want[i].failure != "" {
			t.Errorf("%s: apt fails: %s", j.name, want[i].failure)
		}
		checkInstallable(t, j.name, pkgs)
		again, err := aptsolve.Resolve(b.u, sets[j.name], aptsolve.Options{Recommends: j.rec})
		if err != nil || fmt.Sprintf("%+v", again) != fmt.Sprintf("%+v", pkgs) {
			t.Errorf("%s: a second resolve differs (%v)", j.name, err)
		}
		t.Logf("%s (recommends %v): the same %d packages", j.name, j.rec, len(got.set))
	}
}

// The random bookworm requests: single packages, and groups of three.
const bookwormSingles, bookwormTriples = 120, 30

// TestBookwormRandom resolves requests drawn with a fixed seed from all
// of bookworm's packages: single packages without Recommends, and groups
// of three with and without. (150 requests: apt-get takes about 0.4 s of
// CPU for each, and the oracle suite must stay well under two minutes on
// two cores.)
func TestBookwormRandom(t *testing.T) {
	b := loadBookworm(t)
	var names []string
	seen := map[string]bool{}
	for i := range b.pool.Len() {
		if p := b.pool.Package(i); !seen[p.Name] {
			seen[p.Name] = true
			names = append(names, p.Name)
		}
	}
	slices.Sort(names)
	r := rand.New(rand.NewPCG(14, 63000))
	var requests []request
	for range bookwormSingles {
		requests = append(requests, request{names: []string{names[r.IntN(len(names))]}})
	}
	for i := range bookwormTriples {
		requests = append(requests, request{names: []string{names[r.IntN(len(names))], names[r.IntN(len(names))], names[r.IntN(len(names))]},
			recommends: i%2 == 1})
	}
	start := time.Now()
	compareURIs(t, b, requests)
	t.Logf("%d requests in %v", len(requests), time.Since(start))
}

// compareURIs has apt-get install --print-uris (the resolution of
// apt-get install, without the slow simulation of the installation
// order) and aptsolve answer each request, two apt-get at a time; every
// answer aptsolve gives is checked for installability.
type request struct {
	names      []string
	recommends bool
}

func compareURIs(t *testing.T, b *bookworm, requests []request) {
	want := make([]answer, len(requests))
	cpu0 := aptCPU.Load()
	var wg sync.WaitGroup
	next := make(chan int)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				want[i] = b.w.aptURIs(t, requests[i].names, requests[i].recommends)
			}
		}()
	}
	for i := range requests {
		next <- i
	}
	close(next)
	wg.Wait()
	t.Logf("apt-get took %v of CPU", time.Duration(aptCPU.Load()-cpu0).Round(time.Millisecond))
	agree, failures := 0, 0
	start := time.Now()
	defer func() { t.Logf("aptsolve and its checks: %v", time.Since(start)) }()
	for i, req := range requests {
		rq := req.names
		got, pkgs := b.w.discoAnswer(rq, req.recommends)
		if want[i].failure != "" {
			failures++
		}
		if got.String() != want[i].String() {
			t.Errorf("%v (recommends %v):\n apt:   %s\n disco: %s\n only apt: %v\n only disco: %v", rq, req.recommends, want[i], got,
				minus(want[i].set, got.set), minus(got.set, want[i].set))
			continue
		}
		if pkgs != nil {
			checkInstallable(t, strings.Join(rq, " "), pkgs)
		}
		agree++
	}
	t.Logf("agreed with apt-get on %d of %d requests (%d of them failures)", agree, len(requests), failures)
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// TestBookwormUnsatisfiable asks for what bookworm cannot give (packages
// dose-debcheck finds uninstallable, conflicting requests, virtual
// packages with several providers, unknown names and versions): aptsolve
// must refuse each with apt-get's explanation, word for word.
func TestBookwormUnsatisfiable(t *testing.T) {
	b := loadBookworm(t)
	for _, rq := range [][]string{{"console-setup-freebsd"}, {"design-desktop"}, {"webext-tbsync"}, {"postfix", "exim4-daemon-light"},
		{"mail-transport-agent"}, {"awk"}, {"nosuchpackage", "bash"}, {"libc6=0.1"}, {"systemd-sysv", "sysvinit-core"}} {
		want := b.w.aptAnswer(t, rq, false)
		got, _ := b.w.discoAnswer(rq, false)
		if want.failure == "" {
			t.Errorf("%v: apt-get installs it", rq)
		}
		if got.String() != want.String() {
			t.Errorf("%v:\n apt:   %s\n disco: %s", rq, want, got)
			continue
		}
		t.Logf("%v: %s", rq, got.failure)
	}
}
