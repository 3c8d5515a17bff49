package apt

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/debtest"
	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/store"
)

// testNow is the clock of the scenarios: the real one, which apt uses
// too (keys and signatures are from debtest.Epoch, in the past).
var testNow = time.Now().UTC().Truncate(time.Second)

// testKeys are made once (RSA key generation is slow), by the first test
// that asks.
var (
	keysOnce sync.Once
	keys     map[string]*debtest.Key
)

func testKeys(t testing.TB) map[string]*debtest.Key {
	keysOnce.Do(func() {
		keys = map[string]*debtest.Key{
			"ed":      debtest.NewKey(t, "ed", "ed25519", 0),
			"rsa":     debtest.NewKey(t, "rsa", "rsa2048", 0),
			"other":   debtest.NewKey(t, "other", "ed25519", 0),
			"rsa1024": debtest.NewKey(t, "weakrsa", "rsa1024", 0),
			"expired": debtest.NewKey(t, "expired", "ed25519", time.Hour),
		}
	})
	if keys == nil {
		t.Fatal("the test keys could not be made")
	}
	return keys
}

// scenario is one archive and what apt (and OpenSuite + LoadPool) make
// of it.
type scenario struct {
	name string
	// build writes the archive into dir and returns the keyring file.
	build func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) (keyring string)
	repo  func(r *Repository) // options beyond the keyring, if any
	want  error               // nil: accepted
	// aptDiffers, when set, says why apt 2.6 (bookworm) answers otherwise:
	// the oracle then expects the opposite answer.
	aptDiffers string
}

var testPackages = debtest.PackagesText("amd64",
	"libfoo1 1.2-3", "foo 1:2.0~rc1-1 libfoo1 (>= 1.2), bar | baz:any", "bar 0.9 libfoo1")

// signed builds an archive signed (InRelease) by the keys named, with a
// keyring of the key trusted.
func signed(trusted string, signers ...string) func(*testing.T, *debtest.Archive, map[string]*debtest.Key) string {
	return func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		rel := a.Write(t)
		var ks []*debtest.Key
		for _, s := range signers {
			ks = append(ks, keys[s])
		}
		a.SignInRelease(t, rel, ks...)
		return keyring(t, a, keys[trusted])
	}
}

func keyring(t *testing.T, a *debtest.Archive, keys ...*debtest.Key) string {
	file := filepath.Join(a.Dir, "..", "keyring.gpg")
	debtest.WriteKeyring(t, file, keys...)
	return file
}

var scenarios = []scenario{
	{name: "good-ed25519", build: signed("ed", "ed")},
	{name: "good-rsa2048", build: signed("rsa", "rsa")},
	{name: "good-among-unknown", build: signed("rsa", "other", "rsa")},
	{name: "wrong-key", build: signed("ed", "other"), want: ErrUnknownKey},
	{name: "weak-rsa1024", build: signed("rsa1024", "rsa1024"), want: ErrWeak,
		aptDiffers: "apt 2.6 does not assert public key algorithms (apt 2.7 and later refuse RSA under 2048 bits)"},
	{name: "expired-key", build: signed("expired", "expired"), want: ErrWeak},
	{name: "bad-signature", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		rel := a.Write(t)
		a.SignInRelease(t, rel, keys["ed"])
		spoil(t, a.ReleasePath("InRelease"), "Label: Test", "Label: Tost")
		return keyring(t, a, keys["ed"])
	}, want: ErrBadSignature},
	{name: "good-and-bad", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		// rsa signs this Release, ed another: ed's signature is bad here.
		rel := a.Write(t)
		a.SignInRelease(t, strings.Replace(rel, "Label: Test", "Label: Tost", 1), keys["ed"])
		other, _ := os.ReadFile(a.ReleasePath("InRelease"))
		a.SignInRelease(t, rel, keys["rsa"])
		mine, _ := os.ReadFile(a.ReleasePath("InRelease"))
		edSig := string(other[strings.Index(string(other), "-----BEGIN PGP SIGNATURE-----"):])
		both := strings.TrimRight(string(mine), "\n") + "\n" + strings.TrimRight(edSig, "\n") + "\n"
		os.WriteFile(a.ReleasePath("InRelease"), []byte(both), 0o644)
		return keyring(t, a, keys["ed"], keys["rsa"])
	}, want: ErrBadSignature},
	{name: "unsigned-lines", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		signed("ed", "ed")(t, a, keys)
		b, _ := os.ReadFile(a.ReleasePath("InRelease"))
		os.WriteFile(a.ReleasePath("InRelease"), append(b, "Label: Injected\n"...), 0o644)
		return keyring(t, a, keys["ed"])
	}, want: errors.New("unsigned lines")},
	{name: "detached-good", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		a.SignDetached(t, a.Write(t), keys["rsa"])
		return keyring(t, a, keys["rsa"])
	}},
	{name: "gpg-detached-sha1", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		testtool.Need(t, "gpg")
		a.GPGSignDetached(t, a.Write(t), keys["rsa"], "SHA1")
		return keyring(t, a, keys["rsa"])
	}, want: ErrWeak},
	{name: "gpg-detached-sha256", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		testtool.Need(t, "gpg")
		a.GPGSignDetached(t, a.Write(t), keys["ed"], "SHA256")
		return keyring(t, a, keys["ed"])
	}},
	{name: "unsigned", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		a.Write(t)
		return keyring(t, a, keys["ed"])
	}, want: ErrUnsigned},
	{name: "unsigned-allowed", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		a.Write(t)
		return keyring(t, a, keys["ed"])
	}, repo: func(r *Repository) { r.AllowUnsigned = true }},
	{name: "expired-release", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		a.ValidUntil = testNow.Add(-time.Hour)
		return signed("ed", "ed")(t, a, keys)
	}, want: ErrExpired},
	{name: "expired-release-allowed", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		a.ValidUntil = testNow.Add(-time.Hour)
		return signed("ed", "ed")(t, a, keys)
	}, repo: func(r *Repository) { r.AllowExpired = true }},
	{name: "valid-until-ahead", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		a.ValidUntil = testNow.Add(time.Hour)
		return signed("ed", "ed")(t, a, keys)
	}},
	{name: "date-ahead", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		a.Date = testNow.Add(time.Hour)
		return signed("ed", "ed")(t, a, keys)
	}, want: ErrNotYetValid},
	{name: "md5-only", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		a.Hashes = []string{"MD5Sum", "SHA1"}
		return signed("ed", "ed")(t, a, keys)
	}, want: ErrWeak},
	{name: "packages-mismatch", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		a.Compressions = []string{"", "xz"}
		rel := a.Write(t)
		a.SignInRelease(t, rel, keys["ed"])
		// Same size, other bytes: the Release file's digest no longer matches.
		p := filepath.Join(a.Dir, "dists", a.Suite, "main/binary-amd64/Packages.xz")
		b, _ := os.ReadFile(p)
		b[len(b)/2] ^= 0x55
		os.WriteFile(p, b, 0o644)
		return keyring(t, a, keys["ed"])
	}, want: ErrHashMismatch},
	{name: "by-hash", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		a.Compressions = []string{"", "zst", "gz"}
		a.ByHash = true
		rel := a.Write(t)
		a.SignInRelease(t, rel, keys["ed"])
		// gz comes first; by-hash is used first, so its path may go away.
		os.Remove(filepath.Join(a.Dir, "dists", a.Suite, "main/binary-amd64/Packages.gz"))
		return keyring(t, a, keys["ed"])
	}},
	{name: "zst-only", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		a.Compressions = []string{"", "zst"}
		rel := a.Write(t)
		a.SignInRelease(t, rel, keys["ed"])
		os.Remove(filepath.Join(a.Dir, "dists", a.Suite, "main/binary-amd64/Packages"))
		return keyring(t, a, keys["ed"])
	}},
	{name: "no-plain-entry", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		a.Compressions = []string{"xz"} // the Release file lists no main/binary-amd64/Packages
		return signed("ed", "ed")(t, a, keys)
		// apt skips the index and updates with no packages (no list stored).
	}, want: errors.New("lists no main/binary-amd64/Packages")},
	{name: "armored-keyring", build: func(t *testing.T, a *debtest.Archive, keys map[string]*debtest.Key) string {
		signed("ed", "ed")(t, a, keys)
		file := filepath.Join(a.Dir, "..", "keyring.asc")
		debtest.WriteKeyring(t, file, keys["ed"])
		return file
	}},
}

func spoil(t *testing.T, file, old, new string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(b), old) {
		t.Fatalf("spoil %s: %v", file, err)
	}
	os.WriteFile(file, []byte(strings.Replace(string(b), old, new, 1)), 0o644)
}

// setup builds the scenario's archive under a temp dir.
func (sc scenario) setup(t *testing.T) (archive, keyringFile string) {
	t.Helper()
	dir := t.TempDir()
	a := &debtest.Archive{Dir: filepath.Join(dir, "archive"), Packages: map[string]string{"main/binary-amd64": testPackages}}
	kr := sc.build(t, a, testKeys(t))
	return a.Dir, kr
}

// load runs OpenSuite and LoadPool on an archive the way disco would.
func load(t *testing.T, sc scenario, archive, keyringFile string) (*Pool, error) {
	t.Helper()
	kr, err := LoadKeyring(keyringFile)
	if err != nil {
		t.Fatal(err)
	}
	r := Repository{Name: "test", URIs: []string{"file://" + archive}, Suite: "stable", Keyring: kr}
	if sc.repo != nil {
		sc.repo(&r)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	f := &StoreFetcher{Store: st}
	ctx := context.Background()
	s, err := OpenSuite(ctx, r, f, testNow)
	if err != nil {
		return nil, err
	}
	idx, err := s.PackagesIndexes("main", "amd64", nil)
	if err != nil {
		return nil, err
	}
	return LoadPool(ctx, s, idx[0], f, NewCache(filepath.Join(t.TempDir(), "cache")))
}

func TestScenarios(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			archive, kr := sc.setup(t)
			p, err := load(t, sc, archive, kr)
			switch {
			case sc.want == nil && err != nil:
				t.Fatalf("refused: %v", err)
			case sc.want == nil:
				if p.Len() != 3 || len(p.Named(nil, "foo")) != 1 {
					t.Fatalf("pool of %d packages", p.Len())
				}
			case err == nil:
				t.Fatalf("accepted, want %v", sc.want)
			case !errors.Is(err, sc.want) && !strings.Contains(err.Error(), sc.want.Error()):
				t.Fatalf("error %v, want %v", err, sc.want)
			case !strings.HasPrefix(err.Error(), "apt repository test ("):
				t.Fatalf("error does not name the repository: %v", err)
			default:
				t.Logf("refused: %v", err)
			}
		})
	}
}
