package apt

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// Keyring is the set of keys a repository's Release file may be signed
// with: apt's Signed-By, and only that (no system-wide trusted keys).
//
// Note for a later merge: stages/rpmsig has its own Keyring over the same
// go-crypto types (armored and binary key files, key listing); once its
// keyring-merging work lands, the reading of key files could move to a
// shared internal package used by both. Signature policy stays per format:
// apt refuses SHA-1 and DSA where rpm does not.
type Keyring struct {
	entities openpgp.EntityList
	sources  []string // parallel to entities
}

// LoadKeyring reads keyring files as apt reads the files of Signed-By:
// a name ending in ".asc" holds armored public key blocks, any other name a
// binary keyring (OpenPGP packets, as debian-archive-keyring ships
// /usr/share/keyrings/*.gpg). A file of the other kind is an error where apt
// would silently ignore it.
func LoadKeyring(paths ...string) (*Keyring, error) {
	k := &Keyring{}
	for _, p := range paths {
		if err := k.AddFile(p); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// AddFile adds the keys of one keyring file (see LoadKeyring).
func (k *Keyring) AddFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("keyring %s: %w", path, err)
	}
	armored := strings.HasSuffix(path, ".asc")
	if armored != isArmored(data) {
		if armored {
			return fmt.Errorf("keyring %s: a .asc keyring must hold armored keys (apt would ignore this file)", path)
		}
		return fmt.Errorf("keyring %s: not a binary OpenPGP keyring (apt would ignore this file; armored keys go in a file named .asc)", path)
	}
	return k.Add(path, data)
}

// Add adds the keys in data, armored blocks (as a deb822 Signed-By field
// may hold inline) or a binary keyring; name names data in errors.
func (k *Keyring) Add(name string, data []byte) error {
	var list openpgp.EntityList
	var err error
	if isArmored(data) {
		list, err = readArmored(data)
	} else {
		if len(data) == 0 || data[0] != 0x98 && data[0] != 0x99 && data[0] != 0xc6 {
			return fmt.Errorf("keyring %s: does not start with a public key packet", name)
		}
		list, err = openpgp.ReadKeyRing(bytes.NewReader(data))
	}
	if err != nil {
		return fmt.Errorf("keyring %s: %w", name, err)
	}
	if len(list) == 0 {
		return fmt.Errorf("keyring %s: no public key", name)
	}
	for _, e := range list {
		k.entities = append(k.entities, e)
		k.sources = append(k.sources, filepath.Base(name))
	}
	return nil
}

func isArmored(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----"))
}

// readArmored reads every public key block of data (openpgp's reader
// stops after the first).
func readArmored(data []byte) (openpgp.EntityList, error) {
	var all openpgp.EntityList
	r := bytes.NewReader(data)
	for {
		block, err := armor.Decode(r)
		if err != nil {
			if len(all) > 0 && strings.TrimSpace(string(data[len(data)-r.Len():])) == "" {
				return all, nil
			}
			return nil, fmt.Errorf("armored key block %d: %w", len(all)+1, err)
		}
		if block.Type != "PGP PUBLIC KEY BLOCK" {
			return nil, fmt.Errorf("armored block %q is not a public key block", block.Type)
		}
		list, err := openpgp.ReadKeyRing(block.Body)
		if err != nil {
			return nil, fmt.Errorf("armored key block %d: %w", len(all)+1, err)
		}
		all = append(all, list...)
		if r.Len() == 0 {
			return all, nil
		}
	}
}

// Only returns the keyring restricted to the keys whose primary key or a
// subkey has one of the fingerprints given (hex, any case, spaces
// allowed), as a Signed-By field listing fingerprints restricts apt to
// them. Every fingerprint must match a key.
func (k *Keyring) Only(fingerprints ...string) (*Keyring, error) {
	out := &Keyring{}
	for _, fp := range fingerprints {
		want := strings.ToUpper(strings.ReplaceAll(strings.TrimSuffix(fp, "!"), " ", ""))
		found := false
		for i, e := range k.entities {
			if !matchesFingerprint(e, want) {
				continue
			}
			found = true
			if !slices.ContainsFunc(out.entities, func(o *openpgp.Entity) bool {
				return fingerprint(o.PrimaryKey.Fingerprint) == fingerprint(e.PrimaryKey.Fingerprint)
			}) {
				out.entities = append(out.entities, e)
				out.sources = append(out.sources, k.sources[i])
			}
		}
		if !found {
			return nil, fmt.Errorf("no key with fingerprint %s in the keyring", fp)
		}
	}
	return out, nil
}

func matchesFingerprint(e *openpgp.Entity, fp string) bool {
	if fingerprint(e.PrimaryKey.Fingerprint) == fp {
		return true
	}
	for _, s := range e.Subkeys {
		if fingerprint(s.PublicKey.Fingerprint) == fp {
			return true
		}
	}
	return false
}

// Fingerprints lists the primary key fingerprints, in the order the keys
// were added.
func (k *Keyring) Fingerprints() []string {
	out := make([]string, len(k.entities))
	for i, e := range k.entities {
		out[i] = fingerprint(e.PrimaryKey.Fingerprint)
	}
	return out
}

// Len is the number of keys.
func (k *Keyring) Len() int {
	if k == nil {
		return 0
	}
	return len(k.entities)
}

func fingerprint(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

func keyID(id uint64) string { return fmt.Sprintf("%016X", id) }
