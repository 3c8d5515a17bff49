package rpmsig

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/disco-build/disco/internal/rpmtest"
	"github.com/disco-build/disco/stages/rpm"
)

// v6Key makes an OpenPGP v6 Ed25519 key with go-crypto (gpg 2.2 cannot)
// and returns it with its public key serialized.
func v6Key(t *testing.T) (*openpgp.Entity, []byte, *packet.Config) {
	t.Helper()
	cfg := &packet.Config{V6Keys: true, Algorithm: packet.PubKeyAlgoEd25519,
		Time: func() time.Time { return time.Unix(epoch, 0) }}
	e, err := openpgp.NewEntity("V6 Signer", "", "v6@example.test", cfg)
	if err != nil {
		t.Fatal(err)
	}
	var pub bytes.Buffer
	if err := e.Serialize(&pub); err != nil {
		t.Fatal(err)
	}
	return e, pub.Bytes(), cfg
}

func TestVerifyRepoMDV6(t *testing.T) {
	e, pub, cfg := v6Key(t)
	repomd := []byte("<repomd><revision>6</revision></repomd>\n")
	var asc bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&asc, e, bytes.NewReader(repomd), cfg); err != nil {
		t.Fatal(err)
	}
	k := &Keyring{Now: func() time.Time { return now }}
	if err := k.Add("v6.gpg", pub); err != nil {
		t.Fatal(err)
	}
	if keys := k.Keys(); len(keys) != 1 || keys[0].Version != 6 || keys[0].Algorithm != "Ed25519" {
		t.Fatalf("Keys() = %+v, want one v6 Ed25519 key", keys)
	}
	if err := VerifyRepoMD(repomd, asc.Bytes(), k); err != nil {
		t.Fatalf("v6 signature: %v", err)
	}
	err := VerifyRepoMD(append(repomd, ' '), asc.Bytes(), k)
	checkErr(t, err, ErrBadSignature, "repomd.xml", keyID(e.PrimaryKey.KeyId))
}

// TestVerifyPackageV6 adds an rpm 6 OPENPGP tag holding a v6 signature to
// the RSA-signed package. rpm 4.18 ignores the tag, so rpmkeys still
// vouches for the rewritten package (and for the header writer below);
// the v6 signature itself is checked only by go-crypto.
func TestVerifyPackageV6(t *testing.T) {
	f := getFixture(t)
	e, pub, cfg := v6Key(t)
	src, err := os.ReadFile(f.pkgs["rsa"])
	if err != nil {
		t.Fatal(err)
	}
	p, err := rpm.Open(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	var sig bytes.Buffer
	if err := openpgp.DetachSign(&sig, e, bytes.NewReader(p.Header.Raw()), cfg); err != nil {
		t.Fatal(err)
	}
	entries := slices.DeleteFunc(p.Signature.Entries(), func(e rpm.Entry) bool { return e.Tag == rpm.TagHeaderSignatures })
	entries = append(entries, rpm.Entry{Tag: sigTagOpenPGP, Type: rpm.TypeStringArray, Count: 1,
		Data: append([]byte(base64.StdEncoding.EncodeToString(sig.Bytes())), 0)})
	out := filepath.Join(t.TempDir(), "v6.rpm")
	if err := os.WriteFile(out, withSignatureHeader(src, p, entries), 0o644); err != nil {
		t.Fatal(err)
	}
	if oracle := f.rpmkeys(t, out, []string{"rsa"}); oracle != nil {
		t.Fatalf("rpmkeys rejects the rewritten package: %v", oracle)
	}

	k := f.keyring(t, "rsa")
	if err := k.Add("v6.gpg", pub); err != nil {
		t.Fatal(err)
	}
	res, err := VerifyPackageFile(out, k)
	if err != nil {
		t.Fatal(err)
	}
	// rpm 6 ignores the v4 RSAHEADER of a package with OPENPGP
	// signatures (lib/rpmvs.cc rpmvsAppend), and so does VerifyPackage.
	if len(res.Signatures) != 1 || res.Signatures[0].Tag != "OPENPGP" || res.Signatures[0].Version != 6 ||
		res.Signatures[0].Algorithm != "Ed25519" {
		t.Errorf("signatures = %+v, want OPENPGP v6 Ed25519 alone", res.Signatures)
	}
	_, err = VerifyPackageFile(out, f.keyring(t, "rsa"))
	if !errors.Is(err, ErrUnknownKey) {
		t.Errorf("RSA key only: %v, want %v (the RSAHEADER is ignored)", err, ErrUnknownKey)
	}

	// With only the v6 key, the v6 signature suffices.
	only := &Keyring{Now: func() time.Time { return now }}
	if err := only.Add("v6.gpg", pub); err != nil {
		t.Fatal(err)
	}
	if res, err := VerifyPackageFile(out, only); err != nil || len(res.Signatures) != 1 {
		t.Errorf("v6 key only: %+v, %v", res, err)
	}
	damaged, err := damage(out, filepath.Join(t.TempDir(), "v6-header.rpm"), headerByte)
	if err != nil {
		t.Fatal(err)
	}
	_, err = VerifyPackageFile(damaged, only)
	if !errors.Is(err, ErrBadSignature) {
		t.Errorf("damaged header, v6 key: %v, want %v", err, ErrBadSignature)
	}
}

// withSignatureHeader rebuilds pkg (whose bytes are src) with a signature
// header of the given entries, written as rpmsign does: sorted by tag,
// behind a region entry, padded to 8 bytes.
func withSignatureHeader(src []byte, pkg *rpm.Package, entries []rpm.Entry) []byte {
	slices.SortFunc(entries, func(a, b rpm.Entry) int { return int(a.Tag - b.Tag) })
	n := len(entries) + 1
	var index, store []byte
	entry := func(b []byte, tag rpm.Tag, typ rpm.Type, off int32, count uint32) []byte {
		for _, v := range []uint32{uint32(tag), uint32(typ), uint32(off), count} {
			b = binary.BigEndian.AppendUint32(b, v)
		}
		return b
	}
	for _, e := range entries {
		for len(store)%typeAlign(e.Type) != 0 {
			store = append(store, 0)
		}
		index = entry(index, e.Tag, e.Type, int32(len(store)), e.Count)
		store = append(store, e.Data...)
	}
	trailer := len(store)
	store = entry(store, rpm.TagHeaderSignatures, rpm.TypeBin, int32(-16*n), 16)
	hdr := []byte{0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0}
	hdr = binary.BigEndian.AppendUint32(hdr, uint32(n))
	hdr = binary.BigEndian.AppendUint32(hdr, uint32(len(store)))
	hdr = entry(hdr, rpm.TagHeaderSignatures, rpm.TypeBin, int32(trailer), 16)
	hdr = append(append(hdr, index...), store...)
	for len(hdr)%8 != 0 {
		hdr = append(hdr, 0)
	}
	out := append([]byte{}, src[:rpm.LeadSize]...)
	return append(append(out, hdr...), src[pkg.HeaderOffset:]...)
}

func typeAlign(t rpm.Type) int {
	switch t {
	case rpm.TypeInt16:
		return 2
	case rpm.TypeInt32:
		return 4
	case rpm.TypeInt64:
		return 8
	}
	return 1
}

// TestVerifyRPM6Package signs rpm 6 packages (rpmtest.Synth format 6: no
// PAYLOADDIGESTALGO, SHA3-256 digests, RESERVED) in OPENPGP with v6 keys,
// Ed25519 and the ML-DSA-65+Ed25519 composite that rpm 6 with a PQC
// rpm-sequoia accepts, and one v4 EdDSA key. Each verifies; one changed
// header byte makes the signature bad. The host's rpm 4.18 cannot check v6
// signatures but finds the digests good.
func TestVerifyRPM6Package(t *testing.T) {
	at := func() time.Time { return time.Unix(epoch, 0) }
	for _, c := range []struct {
		name string
		cfg  *packet.Config
		algo string
		ver  int
	}{
		{"ed25519", &packet.Config{V6Keys: true, Algorithm: packet.PubKeyAlgoEd25519, Time: at}, "Ed25519", 6},
		{"mldsa", &packet.Config{V6Keys: true, Algorithm: packet.PubKeyAlgoMldsa65Ed25519, Time: at}, "ML-DSA-65+Ed25519", 6},
		{"eddsa-v4", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, Time: at}, "EdDSA", 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := openpgp.NewEntity("Signer", "", "s@example.test", c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var pub bytes.Buffer
			if err := e.Serialize(&pub); err != nil {
				t.Fatal(err)
			}
			path, err := rpmtest.Synth{Name: "six", Version: "1", Release: "1", Arch: "noarch", Format: 6,
				Files: map[string]string{"/usr/share/six/f": "six\n"},
				HeaderSigs: func(hdr []byte) ([][]byte, error) {
					var sig bytes.Buffer
					err := openpgp.DetachSign(&sig, e, bytes.NewReader(hdr), c.cfg)
					return [][]byte{sig.Bytes()}, err
				}}.Write(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("rpmkeys", "--checksig", "--nosignature", path).CombinedOutput(); err != nil {
				t.Errorf("rpmkeys --nosignature: %v\n%s", err, out)
			}
			k := &Keyring{Now: func() time.Time { return now }}
			if err := k.Add("key.gpg", pub.Bytes()); err != nil {
				t.Fatal(err)
			}
			res, err := VerifyPackageFile(path, k)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Signatures) != 1 || res.Signatures[0].Tag != "OPENPGP" || res.Signatures[0].Algorithm != c.algo ||
				res.Signatures[0].Version != c.ver || !slices.Contains(res.Digests, "SHA3_256HEADER") ||
				!slices.Contains(res.Digests, "PAYLOADSHA3_256") {
				t.Errorf("result %+v", res)
			}
			damaged, err := damage(path, filepath.Join(t.TempDir(), "bad.rpm"), func(b []byte, _ *rpm.Package) (int, error) {
				return bytes.Index(b, []byte("written byte by byte")), nil // the description
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = VerifyPackageFile(damaged, k)
			if !errors.Is(err, ErrBadSignature) {
				t.Errorf("damaged header: %v, want %v", err, ErrBadSignature)
			}
		})
	}
}
