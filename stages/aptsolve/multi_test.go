package aptsolve_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/debmirror"
	"github.com/disco-build/disco/stages/aptsolve"
)

// TestBookwormWithUpdates resolves the server sets from bookworm,
// bookworm-updates and bookworm-security together (newer versions of
// many packages in the later two, as a Debian system's sources.list has
// them) with aptsolve and apt-get.
func TestBookwormWithUpdates(t *testing.T) {
	b := loadBookworm(t)
	var sources []aptsolve.Source
	var list strings.Builder
	for _, s := range []struct{ base, suite string }{{debmirror.Debian, "bookworm"}, {debmirror.Debian, "bookworm-updates"}, {debmirror.Security, "bookworm-security"}} {
		suite, f := debmirror.Suite(t, s.base, s.suite)
		pool := debmirror.Pool(t, suite, f, "main", "amd64", filepath.Join(debmirror.CacheDir(t), "pools"))
		sources = append(sources, aptsolve.Source{Pool: pool})
		dir := fileMirrorOf(t, suite, f, s.suite)
		fmt.Fprintf(&list, "deb [signed-by=%s arch=amd64] file://%s %s main\n", debmirror.Keyring, dir, s.suite)
	}
	u, err := aptsolve.NewUniverse("amd64", sources...)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{u: u, root: newPersistentAptRoot(t, list.String())}
	if out, err := w.apt("apt-get", "update"); err != nil {
		t.Fatalf("apt-get update: %v\n%s", err, out)
	}
	sets := serverSets(t, b)
	var reqs []request
	for _, name := range []string{"server", "postgresql", "nginx", "important"} {
		reqs = append(reqs, request{names: sets[name]}, request{names: sets[name], recommends: true})
	}
	compareURIs(t, &bookworm{u: u, w: w}, reqs)
	pkgs, err := aptsolve.Resolve(u, sets["important"], aptsolve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	from := map[int]int{}
	for _, p := range pkgs {
		from[p.Source]++
	}
	if from[1]+from[2] == 0 {
		t.Errorf("no package of the important set comes from bookworm-updates or bookworm-security: %v", from)
	}
	t.Logf("important set: %d packages from bookworm, %d from bookworm-updates, %d from bookworm-security", from[0], from[1], from[2])
}
