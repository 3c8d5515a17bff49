package rpmsig

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestVerifyRepoMD(t *testing.T) {
	f := getFixture(t)
	repomd, err := os.ReadFile(f.repomd)
	if err != nil {
		t.Fatal(err)
	}
	tampered := []byte(strings.Replace(string(repomd), "<revision>1<", "<revision>2<", 1))
	before, after := time.Unix(epoch+7200, 0), time.Unix(epoch+2*86400, 0)
	cases := []struct {
		name   string
		asc    string // whose signature
		keys   []string
		data   []byte
		at     time.Time
		want   error
		wantID string
	}{
		{name: "good-rsa", asc: "rsa", keys: []string{"rsa"}, data: repomd, at: now},
		{name: "good-ed", asc: "ed", keys: []string{"rsa", "ed"}, data: repomd, at: now},
		{name: "bad", asc: "ed", keys: []string{"ed"}, data: tampered, at: now, want: ErrBadSignature, wantID: f.edID},
		{name: "unknown", asc: "rsa", keys: []string{"ed"}, data: repomd, at: now, want: ErrUnknownKey, wantID: f.rsaID},
		{name: "before-expiry", asc: "exp", keys: []string{"exp"}, data: repomd, at: before},
		{name: "expired", asc: "exp", keys: []string{"exp"}, data: repomd, at: after, want: ErrExpiredKey, wantID: f.expID},
		{name: "revoked", asc: "rev", keys: []string{"rev"}, data: repomd, at: now, want: ErrRevokedKey, wantID: f.revID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			asc, err := os.ReadFile(f.ascs[c.asc])
			if err != nil {
				t.Fatal(err)
			}
			if oracle := f.gpgVerify(t, c.keys, c.data, asc, c.at); oracle != c.want {
				t.Errorf("gpg --verify says %v, the case expects %v", oracle, c.want)
			}
			k := f.keyring(t, c.keys...)
			k.Now = func() time.Time { return c.at }
			err = VerifyRepoMD(c.data, asc, k)
			if c.want == nil {
				if err != nil {
					t.Fatalf("VerifyRepoMD: %v", err)
				}
				return
			}
			t.Log(err)
			checkErr(t, err, c.want, "repomd.xml", c.wantID)
		})
	}
}

func TestVerifyRepoMDUnsigned(t *testing.T) {
	err := VerifyRepoMD([]byte("<repomd/>"), nil, &Keyring{})
	checkErr(t, err, ErrUnsigned, "repomd.xml", "")
	err = VerifyRepoMD([]byte("<repomd/>"), []byte("-----BEGIN PGP SIGNATURE-----\n\nnot base64\n-----END PGP SIGNATURE-----\n"), &Keyring{})
	if err == nil {
		t.Fatal("garbage armor verified")
	}
}

// gpgVerify asks gpg (in a fresh GNUPGHOME holding only the named keys,
// at the faked time at) about the signature and maps its status lines
// onto the errors.
func (f *fixture) gpgVerify(t *testing.T, keys []string, data, asc []byte, at time.Time) error {
	t.Helper()
	home, err := os.MkdirTemp("", "gpgv")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(home)
	defer gpgCmd(home, "gpgconf", "--kill", "gpg-agent").Run()
	dir := t.TempDir()
	dataPath, ascPath := filepath.Join(dir, "repomd.xml"), filepath.Join(dir, "repomd.xml.asc")
	os.WriteFile(dataPath, data, 0o644)
	os.WriteFile(ascPath, asc, 0o644)
	for _, n := range keys {
		imp := gpgCmd(home, "gpg", "--batch", "--import")
		imp.Stdin = strings.NewReader(string(f.keys[n]))
		if out, err := imp.CombinedOutput(); err != nil {
			t.Fatalf("gpg --import: %v\n%s", err, out)
		}
	}
	out, _ := gpgCmd(home, "gpg", "--batch", "--status-fd", "1", "--faked-system-time", fmt.Sprintf("%d!", at.Unix()),
		"--verify", ascPath, dataPath).Output()
	status := map[string]error{"GOODSIG": nil, "BADSIG": ErrBadSignature, "NO_PUBKEY": ErrUnknownKey,
		"EXPKEYSIG": ErrExpiredKey, "REVKEYSIG": ErrRevokedKey}
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 1 && fields[0] == "[GNUPG:]" {
			if e, ok := status[fields[1]]; ok {
				return e
			}
		}
	}
	t.Fatalf("gpg --verify: no verdict in\n%s", out)
	return nil
}
