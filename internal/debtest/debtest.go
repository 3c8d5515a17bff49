// Package debtest builds Debian repositories for tests: throwaway OpenPGP
// keys (NewKey, WriteKeyring) and an archive in a folder (Archive) with
// Packages indexes in several compressions, a Release file with correct
// sizes and digests, and an InRelease or Release.gpg signed by any number
// of keys (with go-crypto, or with the host's gpg for what go-crypto no
// longer makes, such as SHA-1 signatures); and an apt configuration of a
// test's own (NewAptRoot), so that the real apt-get, apt-cache and
// python3-apt can judge the same archives.
package debtest

import (
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Epoch is the creation time of test keys and signatures: fixed, in the
// past, so signatures are never from the future.
var Epoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// Key is a throwaway signing key.
type Key struct {
	Entity *openpgp.Entity
	Hash   crypto.Hash // digest its signatures use (default SHA-512)
	// Rand, when set, is the randomness of its signatures (go-crypto
	// salts each with a random notation): a seeded one makes signatures,
	// and the InRelease files holding them, the same on every run.
	Rand io.Reader
}

// NewKey makes a key: algo is "ed25519" (v4 EdDSA, as gpg makes them),
// "rsa2048", "rsa3072" or "rsa1024". lifetime 0 never expires.
func NewKey(t testing.TB, name, algo string, lifetime time.Duration) *Key {
	t.Helper()
	cfg := &packet.Config{Time: func() time.Time { return Epoch }, KeyLifetimeSecs: uint32(lifetime / time.Second)}
	switch algo {
	case "ed25519":
		cfg.Algorithm = packet.PubKeyAlgoEdDSA
		cfg.Curve = packet.Curve25519
	case "rsa1024", "rsa2048", "rsa3072":
		cfg.Algorithm = packet.PubKeyAlgoRSA
		fmt.Sscanf(algo, "rsa%d", &cfg.RSABits)
	default:
		t.Fatalf("debtest: unknown key algorithm %q", algo)
	}
	e, err := openpgp.NewEntity(name, "test key", name+"@example.invalid", cfg)
	if err != nil {
		t.Fatalf("debtest: key %s: %v", name, err)
	}
	return &Key{Entity: e, Hash: crypto.SHA512}
}

// Fingerprint is the primary key's fingerprint, upper-case hex.
func (k *Key) Fingerprint() string {
	return strings.ToUpper(hex.EncodeToString(k.Entity.PrimaryKey.Fingerprint))
}

// WriteKeyring writes the public keys as a keyring file: armored when the
// name ends in ".asc", else binary, as apt reads them.
func WriteKeyring(t testing.TB, file string, keys ...*Key) {
	t.Helper()
	var b bytes.Buffer
	for _, k := range keys {
		if err := k.Entity.Serialize(&b); err != nil {
			t.Fatal(err)
		}
	}
	data := b.Bytes()
	if strings.HasSuffix(file, ".asc") {
		var a bytes.Buffer
		w, err := armor.Encode(&a, "PGP PUBLIC KEY BLOCK", nil)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		w.Close()
		a.WriteByte('\n')
		data = a.Bytes()
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Archive is a repository to write: one suite, its indexes and Release.
type Archive struct {
	Dir   string // the repository base
	Suite string // default "stable"
	// Packages maps "component/binary-arch" to the text of its Packages
	// index.
	Packages map[string]string
	// Compressions are the forms each index is written in ("" plain,
	// "gz", "xz", "zst"); default plain, gz and xz.
	Compressions []string
	// Hashes are the digest lists of the Release file; default MD5Sum and
	// SHA256.
	Hashes []string
	// ByHash writes by-hash copies and Acquire-By-Hash: yes.
	ByHash bool
	// Date and ValidUntil of the Release file (zero: Epoch and none).
	Date, ValidUntil time.Time
	// ReleaseExtra is appended to the Release file's fields.
	ReleaseExtra string
}

// Write writes the indexes and dists/<suite>/Release, unsigned, and
// returns the Release text.
func (a *Archive) Write(t testing.TB) string {
	t.Helper()
	if a.Suite == "" {
		a.Suite = "stable"
	}
	comps := a.Compressions
	if comps == nil {
		comps = []string{"", "gz", "xz"}
	}
	dist := filepath.Join(a.Dir, "dists", a.Suite)
	files := map[string][]byte{}
	var components, archs []string
	for key, text := range a.Packages {
		comp, binArch, _ := strings.Cut(key, "/")
		components = appendNew(components, comp)
		archs = appendNew(archs, strings.TrimPrefix(binArch, "binary-"))
		for _, c := range comps {
			name := key + "/Packages"
			if c != "" {
				name += "." + c
			}
			files[name] = compress(t, []byte(text), c)
		}
	}
	var names []string
	for n, b := range files {
		names = append(names, n)
		writeFile(t, filepath.Join(dist, n), b)
		if a.ByHash {
			sum := sha256.Sum256(b)
			writeFile(t, filepath.Join(dist, path.Dir(n), "by-hash", "SHA256", hex.EncodeToString(sum[:])), b)
		}
	}
	sort.Strings(names)
	sort.Strings(components)
	sort.Strings(archs)
	date := a.Date
	if date.IsZero() {
		date = Epoch
	}
	var r strings.Builder
	fmt.Fprintf(&r, "Origin: Test\nLabel: Test\nSuite: %s\nCodename: %s\nDate: %s\n", a.Suite, a.Suite, date.UTC().Format(time.RFC1123))
	if !a.ValidUntil.IsZero() {
		fmt.Fprintf(&r, "Valid-Until: %s\n", a.ValidUntil.UTC().Format(time.RFC1123))
	}
	if a.ByHash {
		r.WriteString("Acquire-By-Hash: yes\n")
	}
	fmt.Fprintf(&r, "Architectures: %s\nComponents: %s\n", strings.Join(archs, " "), strings.Join(components, " "))
	r.WriteString(a.ReleaseExtra)
	hashes := a.Hashes
	if hashes == nil {
		hashes = []string{"MD5Sum", "SHA256"}
	}
	for _, h := range hashes {
		fmt.Fprintf(&r, "%s:\n", h)
		for _, n := range names {
			fmt.Fprintf(&r, " %s %d %s\n", digest(h, files[n]), len(files[n]), n)
		}
	}
	text := r.String()
	writeFile(t, filepath.Join(dist, "Release"), []byte(text))
	return text
}

func appendNew(l []string, s string) []string {
	for _, x := range l {
		if x == s {
			return l
		}
	}
	return append(l, s)
}

func digest(kind string, b []byte) string {
	var h hash.Hash
	switch kind {
	case "MD5Sum":
		h = md5.New()
	case "SHA1":
		h = sha1.New()
	case "SHA256":
		h = sha256.New()
	case "SHA512":
		h = sha512.New()
	default:
		panic("debtest: unknown digest " + kind)
	}
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

func compress(t testing.TB, b []byte, kind string) []byte {
	var out bytes.Buffer
	switch kind {
	case "":
		return b
	case "gz":
		w := gzip.NewWriter(&out)
		w.Write(b)
		w.Close()
	case "xz":
		w, err := xz.NewWriter(&out)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
		w.Close()
	case "zst":
		w, err := zstd.NewWriter(&out)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
		w.Close()
	default:
		t.Fatalf("debtest: unknown compression %q", kind)
	}
	return out.Bytes()
}

func writeFile(t testing.TB, name string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// ReleasePath is dists/<suite>/<name> under the archive.
func (a *Archive) ReleasePath(name string) string {
	return filepath.Join(a.Dir, "dists", a.Suite, name)
}

// SignInRelease writes dists/<suite>/InRelease: the Release file
// clearsigned by every key (each with its own digest).
func (a *Archive) SignInRelease(t testing.TB, release string, keys ...*Key) {
	t.Helper()
	var out bytes.Buffer
	privs := make([]*packet.PrivateKey, len(keys))
	for i, k := range keys {
		privs[i] = k.Entity.PrivateKey
	}
	cfg := &packet.Config{Time: func() time.Time { return Epoch }, DefaultHash: keys[0].Hash, Rand: keys[0].Rand}
	w, err := clearsign.EncodeMulti(&out, privs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(release))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, a.ReleasePath("InRelease"), append(out.Bytes(), '\n'))
}

// SignDetached writes dists/<suite>/Release.gpg: an armored detached
// signature of the Release file by each key, one after the other.
func (a *Archive) SignDetached(t testing.TB, release string, keys ...*Key) {
	t.Helper()
	var out bytes.Buffer
	for _, k := range keys {
		cfg := &packet.Config{Time: func() time.Time { return Epoch }, DefaultHash: k.Hash, Rand: k.Rand}
		if err := openpgp.ArmoredDetachSign(&out, k.Entity, strings.NewReader(release), cfg); err != nil {
			t.Fatal(err)
		}
		out.WriteByte('\n')
	}
	writeFile(t, a.ReleasePath("Release.gpg"), out.Bytes())
}

// PackagesText returns a small Packages index of the packages named, each
// "name version [depends]" (depends may hold spaces: it is the rest of
// the string after the version).
func PackagesText(arch string, specs ...string) string {
	var b strings.Builder
	for _, s := range specs {
		f := strings.SplitN(s, " ", 3)
		deb := fmt.Sprintf("pool/main/%s/%s/%s_%s_%s.deb", f[0][:1], f[0], f[0], strings.ReplaceAll(f[1], ":", "%3a"), arch)
		sum := sha256.Sum256([]byte(deb))
		fmt.Fprintf(&b, "Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: Test <test@example.invalid>\nInstalled-Size: 10\n", f[0], f[1], arch)
		if len(f) == 3 {
			fmt.Fprintf(&b, "Depends: %s\n", f[2])
		}
		fmt.Fprintf(&b, "Filename: %s\nSize: 1234\nSHA256: %s\nSection: misc\nPriority: optional\nDescription: test package %s\n long description\n .\n more\n\n",
			deb, hex.EncodeToString(sum[:]), f[0])
	}
	return b.String()
}

// GPGSignDetached signs the Release file with the host's gpg (a second
// OpenPGP implementation, and one that still makes SHA-1 signatures) as an
// armored Release.gpg, using digest ("SHA1", "SHA256", ...). It needs gpg
// (Debian gnupg); the key is imported into a throwaway GNUPGHOME.
func (a *Archive) GPGSignDetached(t testing.TB, release string, k *Key, digest string) {
	t.Helper()
	home := t.TempDir()
	var sec bytes.Buffer
	if err := k.Entity.SerializePrivate(&sec, nil); err != nil {
		t.Fatal(err)
	}
	secFile := filepath.Join(home, "secret.gpg")
	relFile := filepath.Join(home, "Release")
	writeFile(t, secFile, sec.Bytes())
	writeFile(t, relFile, []byte(release))
	gpg := func(args ...string) {
		cmd := exec.Command("gpg", append([]string{"--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", ""}, args...)...)
		cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C", "GNUPGHOME=" + home}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gpg %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	gpg("--import", secFile)
	gpg("--faked-system-time", Epoch.Format("20060102T150405")+"!", "--digest-algo", digest, "--armor", "--detach-sign", "--output", a.ReleasePath("Release.gpg"), relFile)
	exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run()
}
