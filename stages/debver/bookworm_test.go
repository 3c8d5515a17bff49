package debver_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/debmirror"
	. "github.com/disco-build/disco/stages/debver"
)

// bookwormVersions returns, per binary package name, every version
// bookworm, bookworm-updates and bookworm-security (main, amd64) have of
// it, and per source package name, its versions and those of the binary
// packages built from it.
func bookwormVersions(t *testing.T) map[string][]string {
	sets := map[string]map[string]bool{}
	add := func(key, v string) {
		if sets[key] == nil {
			sets[key] = map[string]bool{}
		}
		sets[key][v] = true
	}
	cache := filepath.Join(debmirror.CacheDir(t), "pools")
	for _, src := range []struct{ base, suite string }{
		{debmirror.Debian, "bookworm"}, {debmirror.Debian, "bookworm-updates"}, {debmirror.Security, "bookworm-security"},
	} {
		s, f := debmirror.Suite(t, src.base, src.suite)
		p := debmirror.Pool(t, s, f, "main", "amd64", cache)
		for i := range p.Len() {
			pk := p.Package(i)
			add("binary "+pk.Name, pk.Version.String())
			add("source "+pk.Source, pk.SourceVersion.String())
			add("source "+pk.Source, pk.Version.String()) // binNMUs, own binary versions
		}
	}
	out := map[string][]string{}
	for k, set := range sets {
		for v := range set {
			out[k] = append(out[k], v)
		}
		sort.Strings(out[k])
	}
	return out
}

// TestCompareBookworm compares every pair of versions of the same binary
// or source package across bookworm, bookworm-updates and
// bookworm-security: all pairs with apt's own comparison (python3-apt)
// and with dpkg --compare-versions.
func TestCompareBookworm(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the real Debian archive")
	}
	groups := bookwormVersions(t)
	var keys []string
	total := 0
	for k, vs := range groups {
		if len(vs) > 1 {
			keys = append(keys, k)
			total += len(vs) * (len(vs) - 1) / 2
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range groups[k] {
			if _, err := Parse(v); err != nil {
				t.Errorf("%s: %v", k, err)
			}
		}
	}
	viaApt := comparePythonApt(t, keys, groups)
	var pairs []Pair
	versions := 0
	for _, k := range keys {
		vs := groups[k]
		versions += len(vs)
		for i := range vs {
			for j := i + 1; j < len(vs); j++ {
				pairs = append(pairs, Pair{vs[i], vs[j]})
			}
		}
	}
	CheckAgainstDpkg(t, pairs)
	t.Logf("%d binary and source packages with more than one version (%d versions): %d pairs checked with dpkg --compare-versions, %d with python3-apt",
		len(keys), versions, len(pairs), viaApt)
	if len(pairs) != total {
		t.Fatalf("%d pairs, counted %d", len(pairs), total)
	}
}

// comparePythonApt checks every pair of each group with
// apt_pkg.version_compare and returns how many pairs it checked (0 when
// python3-apt is missing outside CI).
func comparePythonApt(t *testing.T, keys []string, groups map[string][]string) int {
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import apt_pkg").Run() != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no python3-apt (Debian python3-apt)")
		}
		t.Log("no python3-apt: pairs checked with dpkg only")
		return 0
	}
	var in strings.Builder
	var pairs []Pair
	for _, k := range keys {
		vs := groups[k]
		for i := range vs {
			for j := i + 1; j < len(vs); j++ {
				pairs = append(pairs, Pair{vs[i], vs[j]})
				fmt.Fprintf(&in, "%s %s\n", vs[i], vs[j])
			}
		}
	}
	cmd := exec.Command(py, "-c", `import apt_pkg, sys
apt_pkg.init_system()
for line in sys.stdin:
    a, b = line.split()
    c = apt_pkg.version_compare(a, b)
    print((c > 0) - (c < 0))
`)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3-apt: %v", err)
	}
	lines := strings.Fields(string(out))
	if len(lines) != len(pairs) {
		t.Fatalf("python3-apt answered %d of %d pairs", len(lines), len(pairs))
	}
	for i, p := range pairs {
		want, _ := strconv.Atoi(lines[i])
		if got := CompareStrings(p.A, p.B); got != want {
			t.Errorf("CompareStrings(%q, %q) = %d, apt says %d", p.A, p.B, got, want)
		}
	}
	return len(pairs)
}
