package rpmsig

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Keyring is a set of trusted OpenPGP public keys. Add keys before sharing
// it: verification may then run from several goroutines at once.
type Keyring struct {
	// Now is the clock expiry and revocation are judged by (default
	// time.Now). Tests set it to check expiry deterministically.
	Now func() time.Time

	entities openpgp.EntityList
	sources  []string // parallel to entities: the file or name each came from
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
	Source      string   // the file or name the key was loaded from
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
// errors and in KeyInfo.Source.
func (k *Keyring) Add(name string, data []byte) error {
	var list openpgp.EntityList
	var err error
	if isArmored(data) {
		list, err = readArmoredBlocks(data)
	} else {
		list, err = openpgp.ReadKeyRing(bytes.NewReader(data))
	}
	if err != nil {
		return fmt.Errorf("key %s: %w", name, err)
	}
	if len(list) == 0 {
		return fmt.Errorf("key %s: no public key found", name)
	}
	for _, e := range list {
		k.entities = append(k.entities, e)
		k.sources = append(k.sources, name)
	}
	return nil
}

const armorBegin = "-----BEGIN PGP PUBLIC KEY BLOCK-----"

func isArmored(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN PGP "))
}

// readArmoredBlocks reads every public key block of a file: key files
// shipped with distributions sometimes hold several, which
// openpgp.ReadArmoredKeyRing alone would stop after the first of.
func readArmoredBlocks(data []byte) (openpgp.EntityList, error) {
	var all openpgp.EntityList
	chunks := bytes.Split(data, []byte(armorBegin))
	for i, c := range chunks[1:] {
		list, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(append([]byte(armorBegin), c...)))
		if err != nil {
			return nil, fmt.Errorf("armored block %d: %w", i+1, err)
		}
		all = append(all, list...)
	}
	if len(chunks) == 1 {
		return nil, fmt.Errorf("no %q block", armorBegin)
	}
	return all, nil
}

// Keys lists the keyring's keys in the order they were added.
func (k *Keyring) Keys() []KeyInfo {
	out := make([]KeyInfo, 0, len(k.entities))
	for i, e := range k.entities {
		info := KeyInfo{
			Fingerprint: fingerprint(e.PrimaryKey.Fingerprint),
			KeyID:       keyID(e.PrimaryKey.KeyId),
			Version:     e.PrimaryKey.Version,
			Algorithm:   algoName(e.PrimaryKey.PubKeyAlgo),
			Created:     e.PrimaryKey.CreationTime,
			Source:      k.sources[i],
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
	}
	return fmt.Sprintf("algorithm %d", a)
}
