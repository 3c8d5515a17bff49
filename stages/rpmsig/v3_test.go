package rpmsig

import (
	"crypto"
	"crypto/dsa" //nolint:staticcheck // to make the DSA keys of rpm 3 era packages
	"crypto/rand"
	"crypto/rsa"
	"encoding/binary"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/disco-build/disco/internal/rpmtest"
	"github.com/disco-build/disco/internal/testtool"
)

// v3Packet signs data with a version 3 signature packet (RFC 4880 5.2.2),
// as rpm before 4.1 and "gpg --force-v3-sigs" made them; go-crypto no
// longer writes (or reads) them.
func v3Packet(t *testing.T, priv *packet.PrivateKey, h crypto.Hash, hashID byte, data []byte) []byte {
	t.Helper()
	const sigType, created = 0, epoch + 60
	d := h.New()
	d.Write(data)
	d.Write([]byte{sigType})
	d.Write(binary.BigEndian.AppendUint32(nil, created))
	digest := d.Sum(nil)
	body := []byte{3, 5, sigType}
	body = binary.BigEndian.AppendUint32(body, created)
	body = binary.BigEndian.AppendUint64(body, priv.KeyId)
	body = append(body, byte(priv.PubKeyAlgo), hashID, digest[0], digest[1])
	mpi := func(n *big.Int) {
		body = binary.BigEndian.AppendUint16(body, uint16(n.BitLen()))
		body = append(body, n.Bytes()...)
	}
	switch k := priv.PrivateKey.(type) {
	case *rsa.PrivateKey:
		s, err := rsa.SignPKCS1v15(rand.Reader, k, h, digest)
		if err != nil {
			t.Fatal(err)
		}
		mpi(new(big.Int).SetBytes(s))
	case *dsa.PrivateKey:
		r, s, err := dsa.Sign(rand.Reader, k, digest[:k.Q.BitLen()/8])
		if err != nil {
			t.Fatal(err)
		}
		mpi(r)
		mpi(s)
	default:
		t.Fatalf("v3 signatures are RSA or DSA, not %T", k)
	}
	// An old-format packet header, tag 2, two length bytes, as PGP 2 wrote.
	return append([]byte{0x80 | 2<<2 | 1, byte(len(body) >> 8), byte(len(body))}, body...)
}

// dsaEntity makes a DSA (1024/160, as DSA keys of the time were) key with a
// self-signed user ID; go-crypto's NewEntity makes no DSA keys.
func dsaEntity(t *testing.T) *openpgp.Entity {
	t.Helper()
	var k dsa.PrivateKey
	if err := dsa.GenerateParameters(&k.Parameters, rand.Reader, dsa.L1024N160); err != nil {
		t.Fatal(err)
	}
	if err := dsa.GenerateKey(&k, rand.Reader); err != nil {
		t.Fatal(err)
	}
	at := time.Unix(epoch, 0)
	priv := packet.NewDSAPrivateKey(at, &k)
	e := &openpgp.Entity{PrimaryKey: &priv.PublicKey, PrivateKey: priv, Identities: map[string]*openpgp.Identity{}}
	uid := packet.NewUserId("Old Signer", "", "old@example.test")
	self := &packet.Signature{Version: 4, SigType: packet.SigTypePositiveCert, PubKeyAlgo: packet.PubKeyAlgoDSA,
		Hash: crypto.SHA256, CreationTime: at, IssuerKeyId: &priv.KeyId, FlagsValid: true, FlagSign: true, FlagCertify: true}
	if err := self.SignUserId(uid.Id, e.PrimaryKey, priv, nil); err != nil {
		t.Fatal(err)
	}
	e.Identities[uid.Id] = &openpgp.Identity{Name: uid.Id, UserId: uid, SelfSignature: self, Signatures: []*packet.Signature{self}}
	return e
}

// TestVerifyV3Signatures: packages whose signatures are version 3 packets,
// RSA and DSA, over the header (RSAHEADER/DSAHEADER, rpm 4.0's layout) and
// over header and payload (PGP/GPG, rpm 3's). rpm accepts them; disco
// used to refuse them with "signature packet version 3". The host's
// rpmkeys, given the same key, agrees on every package.
func TestVerifyV3Signatures(t *testing.T) {
	rsaKey, err := openpgp.NewEntity("Old RSA", "", "oldrsa@example.test",
		&packet.Config{RSABits: 2048, Time: func() time.Time { return time.Unix(epoch, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		key    *openpgp.Entity
		dsa    bool
		format int
		hash   crypto.Hash
		id     byte
	}{
		{"rsa-header", rsaKey, false, 4, crypto.SHA256, 8},
		{"rsa-legacy", rsaKey, false, 3, crypto.SHA1, 2},
		{"dsa-header", dsaEntity(t), true, 4, crypto.SHA1, 2},
		{"dsa-legacy", dsaEntity(t), true, 3, crypto.SHA1, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			sign := func(b []byte) []byte { return v3Packet(t, c.key.PrivateKey, c.hash, c.id, b) }
			s := rpmtest.Synth{Name: "old", Version: "1", Release: "1", Arch: "noarch", Format: c.format, DSA: c.dsa,
				Files: map[string]string{"/usr/share/old/f": "f\n"}}
			if c.format == 3 {
				s.LegacySig = func(b []byte) ([]byte, error) { return sign(b), nil }
			} else {
				s.HeaderSigs = func(b []byte) ([][]byte, error) { return [][]byte{sign(b)}, nil }
			}
			dir := t.TempDir()
			path, err := s.Write(dir)
			if err != nil {
				t.Fatal(err)
			}
			pub := armored(t, c.key)
			if got := rpmkeysVerdict(t, dir, pub, path); got != nil {
				t.Errorf("rpmkeys --checksig: %v", got)
			}
			k := &Keyring{Now: func() time.Time { return now }}
			if err := k.Add("old.asc", pub); err != nil {
				t.Fatal(err)
			}
			res, err := VerifyPackageFile(path, k)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Signatures) != 1 || res.Signatures[0].Version != 3 || res.Signatures[0].KeyID != keyID(c.key.PrimaryKey.KeyId) {
				t.Errorf("signatures %+v", res.Signatures)
			}
			// Without the key, the signer is unknown.
			if _, err = VerifyPackageFile(path, &Keyring{Now: k.Now}); !errors.Is(err, ErrUnknownKey) {
				t.Errorf("empty keyring: %v", err)
			}
		})
	}
}

// TestVerifyV3BadSignature: a v3 signature over other bytes is bad.
func TestVerifyV3BadSignature(t *testing.T) {
	key, err := openpgp.NewEntity("Old RSA", "", "oldrsa@example.test",
		&packet.Config{RSABits: 2048, Time: func() time.Time { return time.Unix(epoch, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	path, err := rpmtest.Synth{Name: "old", Version: "1", Release: "1", Arch: "noarch", Format: 4,
		Files: map[string]string{"/f": "f\n"},
		HeaderSigs: func(b []byte) ([][]byte, error) {
			return [][]byte{v3Packet(t, key.PrivateKey, crypto.SHA256, 8, append(b, 'x'))}, nil
		}}.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	k := &Keyring{Now: func() time.Time { return now }}
	if err := k.Add("old.asc", armored(t, key)); err != nil {
		t.Fatal(err)
	}
	_, err = VerifyPackageFile(path, k)
	checkErr(t, err, ErrBadSignature, path, keyID(key.PrimaryKey.KeyId))
}

// rpmkeysVerdict imports the armored key into a fresh rpmdb and asks
// "rpmkeys --checksig -v" about path; nil when rpm finds it signed and OK.
func rpmkeysVerdict(t *testing.T, dir string, key []byte, path string) error {
	t.Helper()
	testtool.Need(t, "rpmkeys")
	db := filepath.Join(dir, "db")
	keyPath := filepath.Join(dir, "key.asc")
	if err := os.WriteFile(keyPath, key, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("rpmkeys", "--define", "_dbpath "+db, "--import", keyPath).CombinedOutput(); err != nil {
		t.Fatalf("rpmkeys --import: %v\n%s", err, out)
	}
	out, err := exec.Command("rpmkeys", "--define", "_dbpath "+db, "--checksig", "-v", path).CombinedOutput()
	m := v3SigLine.FindSubmatch(out)
	if err != nil || m == nil || string(m[1]) != "OK" {
		return errors.New(string(out))
	}
	t.Logf("rpmkeys: %q", out)
	return nil
}

var v3SigLine = regexp.MustCompile(`(?m)^\s*(?:Header|Header and payload)? ?V3 (?:RSA|DSA)/\S+ Signature, key ID \w+: (\w+)`)
