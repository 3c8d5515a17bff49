package rpmsig

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Keyring is a set of trusted OpenPGP public keys. Add keys before sharing
// it: verification may then run from several goroutines at once.
type Keyring struct {
	// Now is the clock expiry and revocation are judged by (default
	// time.Now). Tests set it to check expiry deterministically.
	Now func() time.Time

	certs    []*cert            // one per primary key, in the order first seen
	byFpr    map[string]*cert   // by primary key fingerprint
	entities openpgp.EntityList // parsed from certs, rebuilt by Add
}

// KeyInfo describes one key of a Keyring.
type KeyInfo struct {
	Fingerprint string // of the primary key, upper-case hex
	KeyID       string // of the primary key, 16 upper-case hex digits
	Version     int    // OpenPGP key version: 4 or 6
	Algorithm   string // e.g. "RSA", "EdDSA", "Ed25519"
	Created     time.Time
	UserIDs     []string // sorted
	Subkeys     []string // key ids of the subkeys, in key order
	Source      string   // the file or name the key was first loaded from
	Sources     []string // every file or name that held a copy of it
}

// AddFile loads the keys of a key file, armored or binary. src is a plain
// path or a file:// URL as dnf's gpgkey= gives it; fetch http(s) keys
// yourself and pass the bytes to Add.
func (k *Keyring) AddFile(src string) error {
	path := src
	if strings.Contains(src, "://") {
		u, err := url.Parse(src)
		if err != nil || u.Scheme != "file" {
			return fmt.Errorf("key %s: only paths and file:// URLs are read here; fetch others and use Add", src)
		}
		path = u.Path
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("key %s: %w", src, err)
	}
	return k.Add(src, data)
}

// Add loads the keys in data, which holds one or more armored public key
// blocks or binary (transferable) public keys. name identifies data in
// errors and in KeyInfo.Source. Copies of one key (by primary key
// fingerprint), in this file or in others, are merged as gpg --import
// merges them: the union of their user IDs, subkeys, self-signatures,
// revocations and expiries, so that what a keyring accepts never depends
// on the order its files were given in.
func (k *Keyring) Add(name string, data []byte) error {
	bin, err := binaryKeys(data)
	if err != nil {
		return fmt.Errorf("key %s: %w", name, err)
	}
	// Read as go-crypto does first, so that a file with no usable key
	// fails as before, whatever is merged into it later.
	list, err := openpgp.ReadKeyRing(bytes.NewReader(bin))
	if err != nil {
		return fmt.Errorf("key %s: %w", name, err)
	}
	if len(list) == 0 {
		return fmt.Errorf("key %s: no public key found", name)
	}
	certs, err := splitCerts(bin)
	if err != nil {
		return fmt.Errorf("key %s: %w", name, err)
	}
	if k.byFpr == nil {
		k.byFpr = map[string]*cert{}
	}
	for _, c := range certs {
		if old := k.byFpr[c.fpr]; old != nil {
			old.merge(c)
			old.addSource(name)
			continue
		}
		c.addSource(name)
		k.byFpr[c.fpr] = c
		k.certs = append(k.certs, c)
	}
	return k.rebuild()
}

// rebuild parses every merged key; keys go-crypto cannot use (as
// ReadKeyRing skips them) are left out.
func (k *Keyring) rebuild() error {
	var all openpgp.EntityList
	for _, c := range k.certs {
		list, err := openpgp.ReadKeyRing(bytes.NewReader(c.serialize()))
		if err != nil {
			c.entity = nil
			continue
		}
		c.entity = list[0]
		all = append(all, list[0])
	}
	k.entities = all
	return nil
}

// keyList is the keyring as go-crypto reads it.
func (k *Keyring) keyList() openpgp.EntityList { return k.entities }

// binaryKeys turns data, armored (one or more blocks) or binary, into
// binary packets.
func binaryKeys(data []byte) ([]byte, error) {
	if !isArmored(data) {
		return data, nil
	}
	chunks := bytes.Split(data, []byte(armorBegin))
	if len(chunks) == 1 {
		return nil, fmt.Errorf("no %q block", armorBegin)
	}
	var out []byte
	for i, c := range chunks[1:] {
		block, err := armor.Decode(bytes.NewReader(append([]byte(armorBegin), c...)))
		if err != nil {
			return nil, fmt.Errorf("armored block %d: %w", i+1, err)
		}
		b, err := io.ReadAll(block.Body)
		if err != nil {
			return nil, fmt.Errorf("armored block %d: %w", i+1, err)
		}
		out = append(out, b...)
	}
	return out, nil
}

const armorBegin = "-----BEGIN PGP PUBLIC KEY BLOCK-----"

func isArmored(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN PGP "))
}

// Keys lists the keyring's keys (each key once, merged from all its
// copies) in the order they were first added.
func (k *Keyring) Keys() []KeyInfo {
	out := make([]KeyInfo, 0, len(k.certs))
	for _, c := range k.certs {
		e := c.entity
		if e == nil {
			continue
		}
		info := KeyInfo{
			Fingerprint: fingerprint(e.PrimaryKey.Fingerprint),
			KeyID:       keyID(e.PrimaryKey.KeyId),
			Version:     e.PrimaryKey.Version,
			Algorithm:   algoName(e.PrimaryKey.PubKeyAlgo),
			Created:     e.PrimaryKey.CreationTime,
			Source:      c.sources[0],
			Sources:     slices.Clone(c.sources),
		}
		for id := range e.Identities {
			info.UserIDs = append(info.UserIDs, id)
		}
		slices.Sort(info.UserIDs)
		for _, s := range e.Subkeys {
			info.Subkeys = append(info.Subkeys, keyID(s.PublicKey.KeyId))
		}
		out = append(out, info)
	}
	return out
}

func (k *Keyring) config() *packet.Config {
	return &packet.Config{Time: k.Now}
}

func fingerprint(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

func keyID(id uint64) string { return fmt.Sprintf("%016X", id) }

func algoName(a packet.PublicKeyAlgorithm) string {
	switch a {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSASignOnly:
		return "RSA"
	case packet.PubKeyAlgoDSA:
		return "DSA"
	case packet.PubKeyAlgoECDSA:
		return "ECDSA"
	case packet.PubKeyAlgoEdDSA:
		return "EdDSA"
	case packet.PubKeyAlgoEd25519:
		return "Ed25519"
	case packet.PubKeyAlgoEd448:
		return "Ed448"
	case packet.PubKeyAlgoMldsa65Ed25519:
		return "ML-DSA-65+Ed25519"
	case packet.PubKeyAlgoMldsa87Ed448:
		return "ML-DSA-87+Ed448"
	case packet.PubKeyAlgoSlhdsaShake128s, packet.PubKeyAlgoSlhdsaShake128f, packet.PubKeyAlgoSlhdsaShake256s:
		return "SLH-DSA"
	}
	return fmt.Sprintf("algorithm %d", a)
}
