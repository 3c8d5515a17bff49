package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/debmirror"
	"github.com/disco-build/disco/stages"
	"github.com/disco-build/disco/stages/apt"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/store"
)

// TestBookwormLockAndFetch locks a Starlark machine against the real
// bookworm main repository, with the Debian archive keyring copied into
// the config root: mmdebstrap's minbase and a server's packages. Every
// pinned package must be the record the signed index has for it, the
// Essential set and the requests must be there; then a small machine of
// the same repository is fetched. The disco cache lives in the mirror
// cache, so indexes are downloaded and parsed once per CI run. Skipped
// only when the mirror cannot be reached.
func TestBookwormLockAndFetch(t *testing.T) {
	suite, fetcher := debmirror.Suite(t, debmirror.Debian, "bookworm")
	root := t.TempDir()
	keyring, err := os.ReadFile(debmirror.Keyring)
	if err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(root, "keys", "debian-archive-keyring.gpg"), string(keyring))
	writeTestFile(t, filepath.Join(root, "machines.star"), fmt.Sprintf(`
load("@disco/debian.star", "variant")
bookworm = apt_repo("bookworm", url = %q, suite = "bookworm", keyring = "keys/debian-archive-keyring.gpg")
machine(name = "server", repos = [bookworm],
        packages = [variant("minbase"), "systemd-sysv", "openssh-server", "linux-image-amd64"])
machine(name = "tiny", repos = [bookworm], packages = ["hostname", "debianutils"])
`, debmirror.Debian))
	cache := filepath.Join(debmirror.CacheDir(t), "disco")
	disco := func(args ...string) string {
		t.Helper()
		var out, errs bytes.Buffer
		args = append([]string{"-C", root, "--cache", cache}, args...)
		if rc := Run(context.Background(), args, nil, &out, &errs); rc != 0 {
			t.Fatalf("disco %s: exit %d\n%s%s", strings.Join(args, " "), rc, out.String(), errs.String())
		}
		return out.String()
	}
	disco("lock")
	l, err := lockfile.Read(filepath.Join(root, lockfile.Name))
	if err != nil {
		t.Fatal(err)
	}
	server := l.Machines["default/server"]
	if server == nil || server.Format != lockfile.FormatDeb || len(server.Repos) != 1 ||
		server.Repos[0].Release != "dists/bookworm/InRelease" || server.Repos[0].ReleaseSHA256 != suite.SHA256 {
		t.Fatalf("server entry: %+v", server)
	}
	pool := debmirror.Pool(t, suite, fetcher, "main", "amd64", filepath.Join(debmirror.CacheDir(t), "pools"))
	names := checkAgainstIndex(t, server, pool)
	want := []string{"apt", "systemd-sysv", "openssh-server", "linux-image-amd64", "base-files", "dpkg", "bash"}
	for _, n := range want {
		if !slices.Contains(names, n) {
			t.Errorf("the lock of server lacks %s (has %d packages)", n, len(names))
		}
	}
	t.Logf("server: %d packages", len(names))

	out := disco("fetch", "--machine", "tiny")
	if !strings.Contains(out, "packages:") {
		t.Errorf("fetch said %q", out)
	}
	st, err := store.Open(stages.StoreDir(cache))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range l.Machines["default/tiny"].Packages {
		if err := st.Check(p.SHA256); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
}

// checkAgainstIndex checks that every package of lm is a record of pool,
// pinned by that record's Filename, size and SHA-256, and returns the
// names.
func checkAgainstIndex(t *testing.T, lm *lockfile.Machine, pool *apt.Pool) []string {
	t.Helper()
	var names []string
	var ids []int32
	for _, p := range lm.Packages {
		names = append(names, p.Name)
		found := false
		for _, id := range pool.Named(ids[:0], p.Name) {
			rec := pool.Package(int(id))
			if rec != nil && rec.Version.String() == p.Version && rec.Architecture == p.Arch {
				found = rec.Filename == p.Location && rec.Size == p.Size && rec.SHA256 == p.SHA256
			}
		}
		if !found {
			t.Errorf("%s %s %s: not pinned as the index lists it", p.Name, p.Version, p.Arch)
		}
	}
	return names
}

func writeTestFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
