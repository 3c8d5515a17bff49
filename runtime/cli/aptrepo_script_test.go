package cli

import (
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/disco-build/disco/internal/debtest"
	"github.com/disco-build/disco/stages/deb822"
	"github.com/rogpeppe/go-internal/testscript"
)

// cmdMkaptrepo builds a real Debian repository:
//
//	mkaptrepo DIR LIST [suite=S] [key=NAME] [keyring=FILE] [unsigned] [detached] [expired] [tamper]
//
// LIST is a deb822 document of control paragraphs (Package, Version,
// Architecture, Depends, Essential, Priority, ...; Maintainer and
// Description are filled in when missing); each becomes a .deb built by
// dpkg-deb (files under /usr/share/doc/PACKAGE) in DIR/pool/main, listed
// in the suite's main/binary-amd64/Packages index (plain, gz and xz), with
// a Release file (Date 2024-01-02) signed as InRelease by the key NAME
// (default "test": an Ed25519 key derived from its name, so repositories
// and their digests are the same on every run), or as Release.gpg
// (detached), or not at all (unsigned). keyring= (repeatable) writes the
// key's public keyring (binary, or armored for a .asc name); expired gives the Release
// file a Valid-Until in the past; tamper changes the signed text after
// signing. Files are relative to the script's folder.
func cmdMkaptrepo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mkaptrepo DIR LIST [suite=S] [key=NAME] [keyring=FILE] [unsigned] [detached] [expired] [tamper]")
	}
	t := scriptTB{ts: ts}
	dir := ts.MkAbs(args[0])
	a := &debtest.Archive{Dir: dir, Suite: "stable"}
	keyName := "test"
	var keyrings []string
	var unsigned, detached, tamper bool
	for _, opt := range args[2:] {
		k, v, _ := strings.Cut(opt, "=")
		switch k {
		case "suite":
			a.Suite = v
		case "key":
			keyName = v
		case "keyring":
			keyrings = append(keyrings, ts.MkAbs(v))
		case "unsigned":
			unsigned = true
		case "detached":
			detached = true
		case "expired":
			a.ValidUntil = debtest.Epoch.Add(24 * time.Hour)
		case "tamper":
			tamper = true
		default:
			ts.Fatalf("mkaptrepo: unknown option %q", opt)
		}
	}
	index := buildDebs(ts, dir, ts.ReadFile(args[1]))
	a.Packages = map[string]string{"main/binary-amd64": index}
	release := a.Write(t)
	key := scriptKey(ts, keyName)
	for _, k := range keyrings {
		ts.Check(os.MkdirAll(filepath.Dir(k), 0o755))
		debtest.WriteKeyring(t, k, key)
	}
	switch {
	case unsigned:
	case detached:
		a.SignDetached(t, release, key)
	default:
		a.SignInRelease(t, release, key)
	}
	if tamper {
		name := a.ReleasePath("InRelease")
		if detached {
			name = a.ReleasePath("Release")
		}
		b, err := os.ReadFile(name)
		ts.Check(err)
		ts.Check(os.WriteFile(name, []byte(strings.Replace(string(b), "Label: Test", "Label: Tset", 1)), 0o644))
	}
}

// buildDebs builds the packages of list with dpkg-deb into dir/pool/main
// and returns their Packages index.
func buildDebs(ts *testscript.TestScript, dir, list string) string {
	sc := deb822.NewScanner(list, "LIST", deb822.Options{Comments: true})
	var index strings.Builder
	for sc.Scan() {
		p := sc.Paragraph()
		name, version, arch := p.Value("Package"), p.Value("Version"), p.Value("Architecture")
		if name == "" || version == "" || arch == "" {
			ts.Fatalf("mkaptrepo: LIST:%d: a package needs Package, Version and Architecture", p.Line)
		}
		control := controlText(p)
		rel := fmt.Sprintf("pool/main/%s/%s/%s_%s_%s.deb", name[:1], name, name, strings.ReplaceAll(version, ":", "%3a"), arch)
		deb := filepath.Join(dir, filepath.FromSlash(rel))
		buildDeb(ts, name, control, deb)
		data, err := os.ReadFile(deb)
		ts.Check(err)
		sum := sha256.Sum256(data)
		fmt.Fprintf(&index, "%sFilename: %s\nSize: %d\nSHA256: %s\n\n", control, rel, len(data), hex.EncodeToString(sum[:]))
	}
	ts.Check(sc.Err())
	return index.String()
}

// controlText is a package's control file: the paragraph's fields, with a
// Maintainer and a Description when it has none.
func controlText(p *deb822.Paragraph) string {
	var b strings.Builder
	for _, f := range p.Fields {
		fmt.Fprintf(&b, "%s: %s\n", f.Name, f.Value)
	}
	if p.Value("Maintainer") == "" {
		b.WriteString("Maintainer: Test <test@example.invalid>\n")
	}
	if p.Value("Description") == "" {
		fmt.Fprintf(&b, "Description: test package %s\n", p.Value("Package"))
	}
	return b.String()
}

// buildDeb runs dpkg-deb on a folder holding the control file and a
// copyright file, with fixed modes and SOURCE_DATE_EPOCH, so the .deb is
// the same on every run.
func buildDeb(ts *testscript.TestScript, name, control, deb string) {
	src, err := os.MkdirTemp(ts.MkAbs("."), ".deb-")
	ts.Check(err)
	defer os.RemoveAll(src)
	doc := filepath.Join(src, "usr", "share", "doc", name)
	for _, d := range []string{filepath.Join(src, "DEBIAN"), doc} {
		ts.Check(os.MkdirAll(d, 0o755))
	}
	ts.Check(os.WriteFile(filepath.Join(src, "DEBIAN", "control"), []byte(control), 0o644))
	ts.Check(os.WriteFile(filepath.Join(doc, "copyright"), []byte("Public domain test package.\n"), 0o644))
	ts.Check(filepath.Walk(src, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() {
			return os.Chmod(path, 0o755)
		}
		return os.Chmod(path, 0o644)
	}))
	ts.Check(os.MkdirAll(filepath.Dir(deb), 0o755))
	cmd := exec.Command("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", src, deb)
	cmd.Env = []string{"PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=C", "SOURCE_DATE_EPOCH=1700000000"}
	if out, err := cmd.CombinedOutput(); err != nil {
		ts.Fatalf("dpkg-deb: %v\n%s", err, out)
	}
}

// scriptKey is an Ed25519 signing key derived from name: the same key,
// and so the same signatures, on every run.
func scriptKey(ts *testscript.TestScript, name string) *debtest.Key {
	seed := sha256.Sum256([]byte("disco test key " + name))
	r := rand.NewChaCha8(seed)
	cfg := &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, Curve: packet.Curve25519,
		Time: func() time.Time { return debtest.Epoch }, Rand: r}
	e, err := openpgp.NewEntity(name, "test key", name+"@example.invalid", cfg)
	ts.Check(err)
	return &debtest.Key{Entity: e, Hash: crypto.SHA512, Rand: r}
}

// scriptTB lets internal/debtest's helpers, written for tests, run in a
// testscript command: a failure ends the script. Only the methods they
// call are given (the embedded TB is nil).
type scriptTB struct {
	testing.TB
	ts *testscript.TestScript
}

func (s scriptTB) Helper()                        {}
func (s scriptTB) Fatal(args ...any)              { s.ts.Fatalf("%s", fmt.Sprint(args...)) }
func (s scriptTB) Fatalf(format string, a ...any) { s.ts.Fatalf(format, a...) }
