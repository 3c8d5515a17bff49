// Package debmirror gives tests the real Debian archive: the signed
// Release files and Packages indexes of a suite on the Debian mirror,
// verified with the Debian archive keyring and downloaded once into a
// cache folder shared by every test run of a CI run.
//
// The cache is $DISCO_TEST_MIRROR_CACHE, or build/debian-mirror-cache
// under the repository root (git-ignored). Release files are fetched anew
// by every run (a mirror update is noticed: it brings new index digests);
// indexes live in a content-addressed store under their SHA-256, so they
// are downloaded again only when the signed Release file names new ones.
// A test using the mirror is skipped only when the mirror cannot be
// reached at all; a Release file that does not verify fails it.
package debmirror

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/disco-build/disco/stages/apt"
	"github.com/disco-build/disco/stages/store"
)

// Keyring is the Debian archive keyring (Debian package
// debian-archive-keyring).
const Keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"

// Debian and Security are the archives the tests read, unless
// DISCO_TEST_DEBIAN_MIRROR or DISCO_TEST_DEBIAN_SECURITY_MIRROR say
// otherwise.
var (
	Debian   = envOr("DISCO_TEST_DEBIAN_MIRROR", "http://deb.debian.org/debian")
	Security = envOr("DISCO_TEST_DEBIAN_SECURITY_MIRROR", "http://deb.debian.org/debian-security")
)

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// CacheDir returns the mirror cache folder.
func CacheDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("DISCO_TEST_MIRROR_CACHE"); d != "" {
		return d
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "build", "debian-mirror-cache")
		}
	}
	t.Fatal("debmirror: no go.mod above the test's folder")
	return ""
}

// Fetcher returns a fetcher that keeps index downloads in the mirror
// cache.
func Fetcher(t testing.TB) *apt.StoreFetcher {
	t.Helper()
	st, err := store.Open(filepath.Join(CacheDir(t), "store"))
	if err != nil {
		t.Fatal(err)
	}
	return &apt.StoreFetcher{Store: st, Client: httpClient}
}

var httpClient = &netClient

// Suite opens a suite of the archive at base, verified with the Debian
// archive keyring at the present time. It skips the test when the mirror
// cannot be reached (and fails it under CI only if the keyring is
// missing, since CI installs it).
func Suite(t testing.TB, base, suite string) (*apt.Suite, *apt.StoreFetcher) {
	t.Helper()
	if _, err := os.Stat(Keyring); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("debmirror: %v (install debian-archive-keyring)", err)
		}
		t.Skipf("debmirror: %v (install debian-archive-keyring)", err)
	}
	kr, err := apt.LoadKeyring(Keyring)
	if err != nil {
		t.Fatal(err)
	}
	f := Fetcher(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := apt.OpenSuite(ctx, apt.Repository{Name: suite, URIs: []string{base}, Suite: suite, Keyring: kr}, f, time.Now())
	if err != nil {
		if unreachable(err) {
			t.Skipf("debmirror: the mirror is unreachable: %v", err)
		}
		t.Fatal(err)
	}
	return s, f
}

// unreachable tells a network failure (no route, refused, DNS, timeout)
// from an answer of the server.
func unreachable(err error) bool {
	var nerr net.Error
	var dnsErr *net.DNSError
	var opErr *net.OpError
	return errors.As(err, &dnsErr) || errors.As(err, &opErr) || errors.As(err, &nerr) && nerr.Timeout() ||
		errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, fs.ErrNotExist)
}

// Pool loads the component's Packages index for arch (binary-<arch>
// only) into a pool cached in cacheDir ("" for no cache).
func Pool(t testing.TB, s *apt.Suite, f apt.Fetcher, component, arch, cacheDir string) *apt.Pool {
	t.Helper()
	idx, err := s.PackagesIndexes(component, arch, nil)
	if err != nil {
		t.Fatal(err)
	}
	var c *apt.Cache
	if cacheDir != "" {
		c = apt.NewCache(cacheDir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	p, err := apt.LoadPool(ctx, s, idx[0], f, c)
	if err != nil {
		if unreachable(err) {
			t.Skipf("debmirror: the mirror is unreachable: %v", err)
		}
		t.Fatal(err)
	}
	return p
}
