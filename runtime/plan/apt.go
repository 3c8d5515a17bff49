package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/disco-build/disco/stages/debver"
)

// Package formats: a machine takes its packages from repositories of one.
const (
	FormatRPM = "rpm"
	FormatDeb = "deb"
)

// PackageFormat is the machine's package format: FormatDeb or FormatRPM.
func (m *Machine) PackageFormat() string {
	if m.Format == "" {
		return FormatRPM
	}
	return m.Format
}

// DefaultDebArch is the architecture of a Debian machine that names none.
const DefaultDebArch = "amd64"

// DefaultPinPriority is apt's priority of a repository without a pin.
const DefaultPinPriority = 500

// DebVariants are the package sets a Debian machine may request by name
// (Package.Set), as mmdebstrap's --variant names them: "essential" is
// every Essential: yes package; "apt" adds apt; "required" and "minbase"
// add the packages of Priority: required (apt among them); "buildd" adds
// build-essential to those; "important" adds Priority: important,
// "standard" Priority: standard. The resolver computes them from the
// repositories at lock time.
var DebVariants = []string{"essential", "apt", "required", "minbase", "buildd", "important", "standard"}

// AptRepo is a Debian repository: one suite of an archive, reached through
// one or more URIs (mirrors of each other, tried in order), with the
// components taken from it. Its Release file must be signed by a key of
// Keyrings (apt's Signed-By: only those keys), unless AllowUnsigned or
// Trusted says otherwise. Legacy machines keep the contract's ${variables}
// of their sources files in URIs, Suite and Components, substituted at lock
// time as .repo files are.
type AptRepo struct {
	Pos        Pos      `json:"pos"`
	Name       string   `json:"name"`
	URIs       []string `json:"uris"`
	Suite      string   `json:"suite"`
	Components []string `json:"components"`
	// Arch restricts the repository to one architecture (apt's
	// Architectures option); empty takes the machine's.
	Arch     string    `json:"arch,omitempty"`
	Keyrings []Keyring `json:"keyrings,omitempty"`
	// AllowUnsigned accepts a Release file without a signature (apt's
	// allow-insecure); one that is signed must still verify.
	AllowUnsigned bool `json:"allow_unsigned,omitempty"`
	// Trusted skips the signature check (apt's trusted=yes).
	Trusted bool `json:"trusted,omitempty"`
	// AllowExpired accepts a Release file past its Valid-Until (apt's
	// check-valid-until=no).
	AllowExpired bool `json:"allow_expired,omitempty"`
	// Priority is the pin priority of the repository's packages (apt's
	// Pin-Priority; Default sets DefaultPinPriority).
	Priority int    `json:"priority"`
	Proxy    string `json:"proxy,omitempty"`
}

// Keyring is a keyring a Release file may be signed with: a file of the
// config root (binary, or armored when its name ends in ".asc", as apt
// reads Signed-By files), or key blocks given inline in a sources file's
// Signed-By field. SHA256 is the digest of its bytes, so the plan digest
// changes with the keys.
type Keyring struct {
	Pos    Pos    `json:"pos"`
	Path   string `json:"path,omitempty"`
	Inline string `json:"inline,omitempty"`
	SHA256 string `json:"sha256"`
}

// checkFormat reports a machine that takes packages from RPM and Debian
// repositories at once, naming the first of each.
func checkFormat(m *Machine) error {
	if len(m.AptRepos) == 0 {
		return nil
	}
	if len(m.Repos) > 0 {
		r, a := m.Repos[0], m.AptRepos[0]
		return Errorf(m.Pos, "machine %s mixes RPM repositories (repo %q at %s) and Debian ones (apt_repo %q at %s); a machine takes its packages from one format",
			m.ID(), r.ID, r.Pos, a.Name, a.Pos)
	}
	if m.Format != "" && m.Format != FormatDeb {
		return Errorf(m.Pos, "machine %s has apt repositories but format %q", m.ID(), m.Format)
	}
	return nil
}

// checkDeb checks what only a Debian machine has: its repositories, its
// architecture and its package requests.
func checkDeb(m *Machine) []error {
	var errs []error
	if rpmArch[m.Arch] != "" {
		errs = append(errs, Errorf(m.Pos, "machine %s: arch %q is RPM's name; Debian calls it %q", m.ID(), m.Arch, rpmArch[m.Arch]))
	}
	names := map[string]Pos{}
	for _, r := range m.AptRepos {
		if prev, ok := names[r.Name]; ok {
			errs = append(errs, Errorf(r.Pos, "apt_repo %q declared twice in machine %s: here and at %s", r.Name, m.ID(), prev))
		}
		names[r.Name] = r.Pos
		errs = append(errs, checkAptRepo(r, m.Arch)...)
	}
	for _, p := range m.Packages {
		if err := CheckDebRequest(p); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// rpmArch maps RPM architecture names to Debian's.
var rpmArch = map[string]string{"x86_64": "amd64", "aarch64": "arm64", "i686": "i386", "i586": "i386", "ppc64le": "ppc64el", "armv7hl": "armhf"}

func checkAptRepo(r AptRepo, arch string) []error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, Errorf(r.Pos, "apt_repo %q: "+format, append([]any{r.Name}, args...)...))
	}
	if r.Name == "" || strings.ContainsAny(r.Name, " \t\n/") {
		add("the name must be one word without '/'")
	}
	if len(r.URIs) == 0 {
		add("needs a URI")
	}
	for _, u := range r.URIs {
		if u == "" || strings.ContainsAny(u, " \t\n") {
			add("URI %q must be one non-empty word", u)
		}
	}
	switch {
	case r.Suite == "" || strings.ContainsAny(r.Suite, " \t\n"):
		add("suite %q must be one non-empty word", r.Suite)
	case strings.HasSuffix(r.Suite, "/"):
		add("suite %q: flat repositories (a suite ending in '/') are not supported yet", r.Suite)
	}
	if len(r.Components) == 0 {
		add("needs at least one component")
	}
	for _, c := range r.Components {
		if c == "" || strings.ContainsAny(c, " \t\n") {
			add("component %q must be one non-empty word", c)
		}
	}
	if r.Arch != "" && r.Arch != arch {
		add("arch %q is not the machine's (%q); a machine takes packages of its own architecture (and \"all\") only", r.Arch, arch)
	}
	if len(r.Keyrings) == 0 && !r.AllowUnsigned && !r.Trusted {
		add("needs a keyring to verify its Release file with (or allow_unsigned = True)")
	}
	for _, k := range r.Keyrings {
		if (k.Path == "") == (k.Inline == "") {
			errs = append(errs, Errorf(k.Pos, "apt_repo %q: a keyring is a file or inline keys, not both or neither", r.Name))
		}
	}
	if r.Priority < -32768 || r.Priority > 32767 {
		add("priority %d out of apt's range -32768 to 32767", r.Priority)
	}
	return errs
}

// CheckDebRequest checks a Debian package request: name, name=version,
// name:arch or name:arch=version, with a valid package name, architecture
// and version (dpkg's rules); or the name of a package set (DebVariants).
func CheckDebRequest(p Package) error {
	if p.Set {
		if !slices.Contains(DebVariants, p.Name) {
			return Errorf(p.Pos, "package set %q: Debian machines know %s", p.Name, strings.Join(DebVariants, ", "))
		}
		return nil
	}
	name, version, hasVersion := strings.Cut(p.Name, "=")
	name, arch, hasArch := strings.Cut(name, ":")
	if err := debver.CheckName(name); err != nil {
		return Errorf(p.Pos, "package request %q: %v (want name, name=version or name:arch)", p.Name, err)
	}
	if hasArch && !validDebArch(arch) {
		return Errorf(p.Pos, "package request %q: bad architecture %q (want name, name=version or name:arch)", p.Name, arch)
	}
	if hasVersion {
		if _, err := debver.Parse(version); err != nil {
			return Errorf(p.Pos, "package request %q: %v", p.Name, err)
		}
	}
	return nil
}

func validDebArch(a string) bool {
	if a == "" {
		return false
	}
	for _, c := range a {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// defaultDeb fills what a Debian machine leaves unset: the format, the
// architecture (a repository's, else DefaultDebArch) and pin priorities.
func defaultDeb(m *Machine) {
	if len(m.AptRepos) == 0 {
		return
	}
	if m.Format == "" {
		m.Format = FormatDeb
	}
	if m.Arch == "" {
		m.Arch = DefaultDebArch
		for _, r := range m.AptRepos {
			if r.Arch != "" {
				m.Arch = r.Arch
				break
			}
		}
	}
	for i := range m.AptRepos {
		if m.AptRepos[i].Priority == 0 {
			m.AptRepos[i].Priority = DefaultPinPriority
		}
	}
}

// MaxKeyring bounds a keyring file: Debian's whole archive keyring is some
// 60 KB.
const MaxKeyring = 4 << 20

// KeyringFile returns the plan's record of a keyring file of the config
// root (path, config-root-relative) holding data. Like apt, it takes a name
// ending in ".asc" for armored keys and any other for a binary keyring,
// and refuses a file of the other kind, which apt would ignore without a
// word; the keys themselves are read at lock time.
func KeyringFile(pos Pos, path string, data []byte) (Keyring, error) {
	if len(data) > MaxKeyring {
		return Keyring{}, fmt.Errorf("keyring %s: larger than %d bytes", path, MaxKeyring)
	}
	armored := IsArmoredKey(data)
	switch {
	case strings.HasSuffix(path, ".asc") && !armored:
		return Keyring{}, fmt.Errorf("keyring %s: a .asc keyring must hold armored public keys", path)
	case !strings.HasSuffix(path, ".asc") && (armored || len(data) == 0 || data[0] != 0x98 && data[0] != 0x99 && data[0] != 0xc6):
		return Keyring{}, fmt.Errorf("keyring %s: not a binary OpenPGP keyring (armored keys go in a file named .asc, as apt reads them)", path)
	}
	sum := sha256.Sum256(data)
	return Keyring{Pos: pos, Path: path, SHA256: hex.EncodeToString(sum[:])}, nil
}

// InlineKeyring returns the plan's record of key blocks given inline (a
// deb822 sources file's Signed-By).
func InlineKeyring(pos Pos, text string) (Keyring, error) {
	if !IsArmoredKey([]byte(text)) {
		return Keyring{}, fmt.Errorf("Signed-By: inline keys must be an armored public key block")
	}
	sum := sha256.Sum256([]byte(text))
	return Keyring{Pos: pos, Inline: text, SHA256: hex.EncodeToString(sum[:])}, nil
}

// IsArmoredKey reports whether data starts (after white space) with an
// armored public key block.
func IsArmoredKey(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----"))
}
