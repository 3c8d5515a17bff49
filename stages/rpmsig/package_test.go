package rpmsig

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// keyring makes a keyring of the named fixture keys ("rsa", "ed").
func (f *fixture) keyring(t *testing.T, names ...string) *Keyring {
	t.Helper()
	k := &Keyring{Now: func() time.Time { return now }}
	for _, n := range names {
		if err := k.Add(n+".asc", f.keys[n]); err != nil {
			t.Fatal(err)
		}
	}
	return k
}

func TestVerifyPackage(t *testing.T) {
	f := getFixture(t)
	cases := []struct {
		pkg   string
		keys  []string
		want  error // nil: good
		algo  string
		keyID string
	}{
		{pkg: "rsa", keys: []string{"rsa"}, algo: "RSA", keyID: f.rsaID},
		{pkg: "ed", keys: []string{"ed"}, algo: "EdDSA", keyID: f.edID},
		{pkg: "ed", keys: []string{"rsa", "ed"}, algo: "EdDSA", keyID: f.edID},
		{pkg: "header", keys: []string{"rsa", "ed"}, want: ErrBadSignature, keyID: f.rsaID},
		{pkg: "payload", keys: []string{"rsa", "ed"}, want: ErrBadDigest},
		{pkg: "rsa", keys: []string{"ed"}, want: ErrUnknownKey, keyID: f.rsaID},
		{pkg: "ed", keys: []string{"rsa"}, want: ErrUnknownKey, keyID: f.edID},
		{pkg: "unsigned", keys: []string{"rsa", "ed"}, want: ErrUnsigned},
		{pkg: "unsigned-header", keys: []string{"rsa", "ed"}, want: ErrBadDigest},
	}
	for _, c := range cases {
		name := c.pkg + "/" + strings.Join(c.keys, "+")
		t.Run(name, func(t *testing.T) {
			path := f.pkgs[c.pkg]
			res, err := VerifyPackageFile(path, f.keyring(t, c.keys...))
			if oracle := f.rpmkeys(t, path, c.keys); oracle != c.want {
				t.Errorf("rpmkeys --checksig says %v, the case expects %v", oracle, c.want)
			}
			if c.want != nil {
				t.Log(err)
				checkErr(t, err, c.want, path, c.keyID)
				return
			}
			if err != nil {
				t.Fatalf("VerifyPackageFile: %v", err)
			}
			if len(res.Signatures) != 1 {
				t.Fatalf("signatures = %+v, want one", res.Signatures)
			}
			s := res.Signatures[0]
			if s.Algorithm != c.algo || s.KeyID != c.keyID || s.Version != 4 || s.Tag == "" {
				t.Errorf("signature = %+v, want %s by %s", s, c.algo, c.keyID)
			}
			for _, d := range []string{"SHA256HEADER", "PAYLOADSHA256"} {
				if !slices.Contains(res.Digests, d) {
					t.Errorf("digests %v lack %s", res.Digests, d)
				}
			}
		})
	}
}

// TestVerifyPackageConcurrent shares one keyring between goroutines, as
// the fetch stage does (run with -race).
func TestVerifyPackageConcurrent(t *testing.T) {
	f := getFixture(t)
	verify := FetchVerifier(f.keyring(t, "rsa", "ed"))
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			pkg := []string{"rsa", "ed"}[i%2]
			errs <- verify(pkg+".rpm", f.pkgs[pkg])
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// BenchmarkVerifyPackage checks the RSA-signed fixture package: header
// signature, header digests and one pass over the payload.
func BenchmarkVerifyPackage(b *testing.B) {
	f := getFixture(b)
	k := &Keyring{Now: func() time.Time { return now }}
	if err := k.Add("rsa.asc", f.keys["rsa"]); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := VerifyPackageFile(f.pkgs["rsa"], k); err != nil {
			b.Fatal(err)
		}
	}
}

// checkErr asserts an *Error of kind want naming file and, if set, keyID.
func checkErr(t *testing.T, err, want error, file, keyID string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
	if e.File != file || !strings.Contains(err.Error(), file) {
		t.Errorf("error %q does not name %s", err, file)
	}
	if keyID != "" && e.KeyID != keyID {
		t.Errorf("error key id = %q, want %s", e.KeyID, keyID)
	}
	for _, other := range []error{ErrUnsigned, ErrBadSignature, ErrUnknownKey, ErrBadDigest, ErrExpiredKey, ErrRevokedKey} {
		if other != want && errors.Is(err, other) {
			t.Errorf("error %v is also %v", err, other)
		}
	}
}

var (
	sigLine    = regexp.MustCompile(`(?m)^\s*Header V\d \S+ Signature, key ID \w+: (\w+)`)
	digestLine = regexp.MustCompile(`(?m)digest: BAD`)
)

// rpmkeys asks "rpmkeys --checksig -v" about path with the named keys
// imported into a fresh rpmdb, and maps its answer onto the errors.
func (f *fixture) rpmkeys(t *testing.T, path string, keys []string) error {
	t.Helper()
	db := t.TempDir()
	for _, n := range keys {
		key := filepath.Join(db, n+".asc")
		if err := os.WriteFile(key, f.keys[n], 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := gpgCmd(f.gnupg, "rpmkeys", "--define", "_dbpath "+db, "--import", key).CombinedOutput(); err != nil {
			t.Fatalf("rpmkeys --import: %v\n%s", err, out)
		}
	}
	out, _ := gpgCmd(f.gnupg, "rpmkeys", "--define", "_dbpath "+db, "--checksig", "-v", path).CombinedOutput()
	m := sigLine.FindStringSubmatch(string(out))
	switch {
	case m != nil && m[1] == "BAD":
		return ErrBadSignature
	case digestLine.Match(out):
		return ErrBadDigest
	case m == nil:
		return ErrUnsigned
	case m[1] == "NOKEY":
		return ErrUnknownKey
	case m[1] == "OK":
		return nil
	}
	t.Fatalf("rpmkeys --checksig: unexpected output\n%s", out)
	return nil
}
