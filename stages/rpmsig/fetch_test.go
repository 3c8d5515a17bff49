package rpmsig

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/fetch"
	"github.com/disco-build/disco/stages/rpm"
	"github.com/disco-build/disco/stages/store"
)

// TestFetchVerifierInFetch runs the hook inside the real fetch stage:
// the good package enters the store, the tampered one fails by name.
func TestFetchVerifierInFetch(t *testing.T) {
	f := getFixture(t)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	item := func(name, pkg string) fetch.Item {
		b, err := os.ReadFile(f.pkgs[pkg])
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		return fetch.Item{Name: name, URLs: []string{"file://" + f.pkgs[pkg]}, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(b))}
	}
	fe := fetch.New(st, fetch.Options{Verify: FetchVerifier(f.keyring(t, "rsa")), Retries: -1})
	_, err = fe.Fetch(context.Background(), []fetch.Item{item("good-1-1.noarch", "rsa"), item("bad-1-1.noarch", "header")})
	if !errors.Is(err, ErrBadSignature) || !strings.Contains(err.Error(), "bad-1-1.noarch") {
		t.Fatalf("Fetch error = %v, want a bad signature naming bad-1-1.noarch", err)
	}
	if strings.Contains(err.Error(), "good-1-1.noarch") {
		t.Errorf("the good package failed too: %v", err)
	}
}

func TestVerifyPackageMalformed(t *testing.T) {
	path := t.TempDir() + "/junk.rpm"
	if err := os.WriteFile(path, []byte("not an rpm at all, far too short for a lead"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := VerifyPackageFile(path, &Keyring{})
	if !errors.Is(err, rpm.ErrFormat) || !strings.Contains(err.Error(), path) {
		t.Errorf("error = %v, want rpm.ErrFormat naming %s", err, path)
	}
}
