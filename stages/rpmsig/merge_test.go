package rpmsig

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/disco-build/disco/internal/rpmtest"
)

func armored(t *testing.T, e *openpgp.Entity) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return b.Bytes()
}

// TestKeyringMergeOrder: alice.asc holds Alice's key with a signing
// subkey, alice-revoked-subkey.asc the same key after the subkey was
// revoked. A package signed by the subkey must be refused whatever order
// the files come in and however often each is given; before keys were
// merged by fingerprint the first copy won, and "alice.asc
// alice-revoked-subkey.asc" accepted it.
func TestKeyringMergeOrder(t *testing.T) {
	cfg := &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, Time: func() time.Time { return time.Unix(epoch, 0) }}
	alice, err := openpgp.NewEntity("Alice", "", "alice@example.test", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.AddSigningSubkey(cfg); err != nil {
		t.Fatal(err)
	}
	sub := alice.Subkeys[len(alice.Subkeys)-1]
	signer := &openpgp.Entity{PrimaryKey: alice.PrimaryKey, PrivateKey: sub.PrivateKey, Identities: alice.Identities}
	pkg, err := rpmtest.Synth{Name: "signed", Version: "1", Release: "1", Arch: "noarch", Format: 4,
		Files: map[string]string{"/usr/share/signed/f": "f\n"},
		HeaderSigs: func(hdr []byte) ([][]byte, error) {
			var sig bytes.Buffer
			k := &packet.Config{Time: func() time.Time { return time.Unix(epoch+60, 0) }}
			err := signWith(&sig, signer, sub.PrivateKey, hdr, k)
			return [][]byte{sig.Bytes()}, err
		}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	plain := armored(t, alice)
	later := &packet.Config{Time: func() time.Time { return time.Unix(epoch+3600, 0) }}
	if err := alice.RevokeSubkey(&alice.Subkeys[len(alice.Subkeys)-1], packet.KeySuperseded, "retired", later); err != nil {
		t.Fatal(err)
	}
	revoked := armored(t, alice)

	files := map[string][]byte{"alice.asc": plain, "alice-revoked-subkey.asc": revoked}
	verify := func(order ...string) error {
		k := &Keyring{Now: func() time.Time { return now }}
		for _, n := range order {
			if err := k.Add(n, files[n]); err != nil {
				t.Fatal(err)
			}
		}
		if keys := k.Keys(); len(keys) != 1 || len(keys[0].Subkeys) != 2 {
			t.Errorf("%v: keys %+v, want Alice's once, with her two subkeys", order, keys)
		}
		_, err := VerifyPackage("signed.rpm", bytes.NewReader(pkg), k)
		return err
	}
	if err := verify("alice.asc"); err != nil {
		t.Fatalf("before the revocation the package verifies: %v", err)
	}
	for _, order := range [][]string{
		{"alice.asc", "alice-revoked-subkey.asc"},
		{"alice-revoked-subkey.asc", "alice.asc"},
		{"alice.asc", "alice.asc", "alice-revoked-subkey.asc", "alice.asc"},
		{"alice-revoked-subkey.asc", "alice-revoked-subkey.asc"},
	} {
		err := verify(order...)
		if !errors.Is(err, ErrRevokedKey) {
			t.Errorf("gpgkey = %s: %v, want %v", strings.Join(order, " "), err, ErrRevokedKey)
		}
	}
}

// signWith makes a detached v4 signature of data by the subkey priv of e.
func signWith(w *bytes.Buffer, e *openpgp.Entity, priv *packet.PrivateKey, data []byte, cfg *packet.Config) error {
	sig := &packet.Signature{Version: priv.PublicKey.Version, SigType: packet.SigTypeBinary,
		PubKeyAlgo: priv.PublicKey.PubKeyAlgo, Hash: cfg.Hash(), CreationTime: cfg.Now(), IssuerKeyId: &priv.KeyId}
	h, err := sig.PrepareSign(cfg)
	if err != nil {
		return err
	}
	h.Write(data)
	if err := sig.Sign(h, priv, cfg); err != nil {
		return err
	}
	return sig.Serialize(w)
}
