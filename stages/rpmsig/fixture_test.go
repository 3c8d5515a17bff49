package rpmsig

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/disco-build/disco/internal/rpmtest"
	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/rpm"
)

// epoch is the faked gpg clock every key and signature is made at, so
// expiry checks are independent of the day the tests run.
const epoch = 1700000000

var (
	// now is the clock verification runs at in the tests: a day after
	// the keys were made.
	now = time.Unix(epoch+86400, 0)

	fixOnce sync.Once
	fix     *fixture
	fixErr  error
	fixDir  string
)

// fixture is what every test shares: gpg keys and signed packages, built
// once in a temporary directory that TestMain removes.
type fixture struct {
	gnupg       string
	rsaID, edID string            // long key ids
	expID       string            // a key that expires a day after epoch
	revID       string            // a key revoked after signing
	keys        map[string][]byte // armored public keys: "rsa", "ed", "exp", "rev"
	repomd      string            // repomd.xml
	ascs        map[string]string // key name -> its repomd.xml.asc
	pkgs        map[string]string // "unsigned", "rsa", "ed", "header", "payload", "unsigned-header" -> path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fix != nil {
		gpgCmd(fix.gnupg, "gpgconf", "--kill", "gpg-agent").Run()
	}
	if fixDir != "" {
		os.RemoveAll(fixDir)
	}
	os.Exit(code)
}

// getFixture builds the shared fixture on first use.
func getFixture(t testing.TB) *fixture {
	t.Helper()
	testtool.Need(t, "gpg", "gpgconf", "rpmsign", "rpmbuild", "rpmkeys")
	fixOnce.Do(func() {
		if fixDir, fixErr = os.MkdirTemp("", "rpmsig"); fixErr == nil {
			fix, fixErr = buildFixture(fixDir)
		}
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

func buildFixture(dir string) (*fixture, error) {
	f := &fixture{gnupg: filepath.Join(dir, "gnupg"), pkgs: map[string]string{},
		keys: map[string][]byte{}, ascs: map[string]string{}}
	if err := os.Mkdir(f.gnupg, 0o700); err != nil {
		return nil, err
	}
	for _, k := range []struct {
		name, uid, algo, expire string
		id                      *string
	}{
		{"rsa", "RSA Signer <rsa@example.test>", "rsa2048", "never", &f.rsaID},
		{"ed", "Ed Signer <ed@example.test>", "ed25519", "never", &f.edID},
		{"exp", "Expiring Signer <exp@example.test>", "ed25519", "1d", &f.expID},
		{"rev", "Revoked Signer <rev@example.test>", "ed25519", "never", &f.revID},
	} {
		id, pub, err := genKey(f.gnupg, k.uid, k.algo, k.expire)
		if err != nil {
			return nil, err
		}
		*k.id, f.keys[k.name] = id, pub
	}
	if err := f.buildPackages(dir); err != nil {
		return nil, err
	}
	if err := f.signRepoMD(dir); err != nil {
		return nil, err
	}
	return f, f.revoke()
}

// buildPackages builds one package and makes the signed and damaged copies.
func (f *fixture) buildPackages(dir string) error {
	out := filepath.Join(dir, "rpms")
	pkg := rpmtest.Pkg{Name: "tiny", Version: "1.0", Release: "1", Arch: "noarch",
		Files: map[string]string{"/usr/share/tiny/hello": "hello, signatures\n"}}
	if err := rpmtest.Build(out, []rpmtest.Pkg{pkg}); err != nil {
		return err
	}
	f.pkgs["unsigned"] = filepath.Join(out, "tiny-1.0-1.noarch.rpm")
	for name, id := range map[string]string{"rsa": f.rsaID, "ed": f.edID} {
		p := filepath.Join(dir, name+".rpm")
		if err := copyFile(f.pkgs["unsigned"], p); err != nil {
			return err
		}
		if err := f.rpmsign(id, p); err != nil {
			return err
		}
		f.pkgs[name] = p
	}
	var err error
	if f.pkgs["header"], err = damage(f.pkgs["rsa"], filepath.Join(dir, "header.rpm"), headerByte); err != nil {
		return err
	}
	if f.pkgs["payload"], err = damage(f.pkgs["ed"], filepath.Join(dir, "payload.rpm"), payloadByte); err != nil {
		return err
	}
	f.pkgs["unsigned-header"], err = damage(f.pkgs["unsigned"], filepath.Join(dir, "unsigned-header.rpm"), headerByte)
	return err
}

// signRepoMD writes a repomd.xml and signs it with each key, as
// "gpg --detach-sign --armor" makes repomd.xml.asc.
func (f *fixture) signRepoMD(dir string) error {
	f.repomd = filepath.Join(dir, "repomd.xml")
	xml := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<repomd><revision>1</revision></repomd>\n"
	if err := os.WriteFile(f.repomd, []byte(xml), 0o644); err != nil {
		return err
	}
	for name, id := range map[string]string{"rsa": f.rsaID, "ed": f.edID, "exp": f.expID, "rev": f.revID} {
		asc := filepath.Join(dir, "repomd-"+name+".xml.asc")
		cmd := gpgCmd(f.gnupg, "gpg", "--batch", "--faked-system-time", fmt.Sprintf("%d!", epoch+3600),
			"--local-user", id, "--armor", "--detach-sign", "--output", asc, f.repomd)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("gpg --detach-sign: %w\n%s", err, out)
		}
		f.ascs[name] = asc
	}
	return nil
}

// revoke imports the revocation certificate gpg made for the "rev" key
// and re-exports the key, now revoked.
func (f *fixture) revoke() error {
	fpr, err := gpgCmd(f.gnupg, "gpg", "--with-colons", "--fingerprint", f.revID).Output()
	if err != nil {
		return err
	}
	var rev string
	for _, line := range strings.Split(string(fpr), "\n") {
		if fields := strings.Split(line, ":"); fields[0] == "fpr" && rev == "" {
			rev = filepath.Join(f.gnupg, "openpgp-revocs.d", fields[9]+".rev")
		}
	}
	cert, err := os.ReadFile(rev)
	if err != nil {
		return err
	}
	cert = bytes.Replace(cert, []byte(":-----BEGIN"), []byte("-----BEGIN"), 1)
	imp := gpgCmd(f.gnupg, "gpg", "--batch", "--faked-system-time", fmt.Sprintf("%d!", epoch+7200), "--import")
	imp.Stdin = bytes.NewReader(cert)
	if out, err := imp.CombinedOutput(); err != nil {
		return fmt.Errorf("gpg --import %s: %w\n%s", rev, err, out)
	}
	f.keys["rev"], err = gpgCmd(f.gnupg, "gpg", "--armor", "--export", f.revID).Output()
	return err
}

// rpmsign signs path in place with the key id, at the faked time.
func (f *fixture) rpmsign(id, path string) error {
	cmd := gpgCmd(f.gnupg, "rpmsign", "--addsign",
		"--define", "__gpg "+mustLook("gpg"),
		"--define", "_gpg_name "+id,
		"--define", "_gpg_path "+f.gnupg,
		"--define", fmt.Sprintf("_gpg_sign_cmd_extra_args --faked-system-time %d!", epoch+3600),
		path)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("rpmsign %s: %w\n%s", path, err, out)
	}
	return nil
}

// genKey makes a signing key without passphrase at the faked time and
// returns its long key id and armored public key.
func genKey(gnupg, uid, algo, expire string) (string, []byte, error) {
	gen := gpgCmd(gnupg, "gpg", "--batch", "--passphrase", "", "--faked-system-time", fmt.Sprintf("%d!", epoch),
		"--quick-gen-key", uid, algo, "sign", expire)
	if out, err := gen.CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("gpg --quick-gen-key %s: %w\n%s", uid, err, out)
	}
	list, err := gpgCmd(gnupg, "gpg", "--with-colons", "--list-keys", uid).Output()
	if err != nil {
		return "", nil, fmt.Errorf("gpg --list-keys %s: %w", uid, err)
	}
	var id string
	for _, line := range strings.Split(string(list), "\n") {
		if fields := strings.Split(line, ":"); fields[0] == "pub" && len(fields) > 4 {
			id = fields[4]
		}
	}
	pub, err := gpgCmd(gnupg, "gpg", "--armor", "--export", id).Output()
	if err != nil || id == "" {
		return "", nil, fmt.Errorf("gpg --export %s (%q): %v", uid, id, err)
	}
	return id, pub, nil
}

func gpgCmd(gnupg, prog string, args ...string) *exec.Cmd {
	cmd := exec.Command(prog, args...)
	cmd.Env = append(os.Environ(), "GNUPGHOME="+gnupg)
	return cmd
}

func mustLook(prog string) string {
	p, err := exec.LookPath(prog)
	if err != nil {
		return prog
	}
	return p
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

// damage writes a copy of src with one byte flipped at the offset pick
// chooses.
func damage(src, dst string, pick func([]byte, *rpm.Package) (int, error)) (string, error) {
	b, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	p, err := rpm.Open(bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	off, err := pick(b, p)
	if err != nil {
		return "", fmt.Errorf("%s: %w", src, err)
	}
	b[off] ^= 0x20
	return dst, os.WriteFile(dst, b, 0o644)
}

// headerByte picks a letter of the summary, inside the signed header.
func headerByte(b []byte, p *rpm.Package) (int, error) {
	i := bytes.Index(b[p.HeaderOffset:p.PayloadOffset], []byte("test package tiny"))
	if i < 0 {
		return 0, fmt.Errorf("summary not found in the main header")
	}
	return int(p.HeaderOffset) + i, nil
}

// payloadByte picks a byte in the middle of the compressed payload.
func payloadByte(b []byte, p *rpm.Package) (int, error) {
	return int(p.PayloadOffset) + (len(b)-int(p.PayloadOffset))/2, nil
}
