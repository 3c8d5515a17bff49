package rpmsig

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyringSources(t *testing.T) {
	f := getFixture(t)
	dir := t.TempDir()
	both := filepath.Join(dir, "RPM-GPG-KEY-both")
	if err := os.WriteFile(both, append(append([]byte{}, f.keys["rsa"]...), f.keys["ed"]...), 0o644); err != nil {
		t.Fatal(err)
	}
	bin, err := gpgCmd(f.gnupg, "gpg", "--export", f.edID).Output()
	if err != nil {
		t.Fatal(err)
	}
	binPath := filepath.Join(dir, "ed.gpg")
	if err := os.WriteFile(binPath, bin, 0o644); err != nil {
		t.Fatal(err)
	}

	var k Keyring
	if err := k.AddFile(both); err != nil {
		t.Fatal(err)
	}
	if err := k.AddFile("file://" + binPath); err != nil {
		t.Fatal(err)
	}
	keys := k.Keys()
	// The second copy of the Ed key merges into the first.
	want := []struct {
		id, src, uid, algo string
		n                  int
	}{
		{f.rsaID, both, "RSA Signer <rsa@example.test>", "RSA", 1},
		{f.edID, both, "Ed Signer <ed@example.test>", "EdDSA", 2},
	}
	if len(keys) != len(want) {
		t.Fatalf("Keys() = %+v, want %d keys", keys, len(want))
	}
	for i, w := range want {
		got := keys[i]
		fpr := f.fingerprint(t, w.id)
		if got.KeyID != w.id || got.Fingerprint != fpr || got.Source != w.src || got.Algorithm != w.algo ||
			got.Version != 4 || len(got.UserIDs) != 1 || got.UserIDs[0] != w.uid || got.Created.Unix() != epoch ||
			len(got.Sources) != w.n {
			t.Errorf("key %d = %+v, want id %s fingerprint %s from %s", i, got, w.id, fpr, w.src)
		}
	}
}

func TestKeyringErrors(t *testing.T) {
	var k Keyring
	for _, src := range []string{"https://example.test/RPM-GPG-KEY", "/nonexistent/RPM-GPG-KEY"} {
		if err := k.AddFile(src); err == nil || !strings.Contains(err.Error(), src) {
			t.Errorf("AddFile(%s) = %v, want an error naming it", src, err)
		}
	}
	for _, data := range [][]byte{[]byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!\n-----END PGP PUBLIC KEY BLOCK-----\n"),
		[]byte("not a key"), nil} {
		if err := k.Add("junk", data); err == nil || !strings.Contains(err.Error(), "junk") {
			t.Errorf("Add(%q) = %v, want an error naming junk", data, err)
		}
	}
	if len(k.Keys()) != 0 {
		t.Errorf("failed loads left keys: %+v", k.Keys())
	}
}

// fingerprint asks gpg for a key's fingerprint.
func (f *fixture) fingerprint(t *testing.T, id string) string {
	out, err := gpgCmd(f.gnupg, "gpg", "--with-colons", "--fingerprint", id).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range bytes.Split(out, []byte("\n")) {
		if fields := strings.Split(string(line), ":"); fields[0] == "fpr" {
			return fields[9]
		}
	}
	t.Fatalf("no fingerprint for %s", id)
	return ""
}

func TestFetchVerifier(t *testing.T) {
	f := getFixture(t)
	verify := FetchVerifier(f.keyring(t, "rsa"))
	if err := verify("tiny-1.0-1.noarch.rpm", f.pkgs["rsa"]); err != nil {
		t.Fatalf("good package: %v", err)
	}
	err := verify("tiny-1.0-1.noarch.rpm", f.pkgs["header"])
	checkErr(t, err, ErrBadSignature, "tiny-1.0-1.noarch.rpm", f.rsaID)
	if err := verify("gone.rpm", filepath.Join(t.TempDir(), "gone.rpm")); err == nil || !strings.Contains(err.Error(), "gone.rpm") {
		t.Errorf("missing file: %v", err)
	}
}
