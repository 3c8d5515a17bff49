package dpkgdb

import (
	"fmt"
	"strings"

	"github.com/disco-build/disco/stages/deb"
	"github.com/disco-build/disco/stages/deb822"
)

// Package is one package's record in the database.
type Package struct {
	// Control is the package's control file, as the .deb holds it.
	Control deb822.Paragraph
	// Want, Flag and State make the Status field; "install", "ok" and
	// "installed" when empty.
	Want, Flag, State string
	// ConfigVersion is written for a package not (fully) installed.
	ConfigVersion string
	// Conffiles are the conffiles with the MD5 digests dpkg records
	// ("newconffile" until a package is configured).
	Conffiles []Conffile
	// Files are the lines of info/PKG.list: the data archive's entries in
	// unpack order as dpkg names them ("/." for the top folder; see
	// deb.File.ListName).
	Files []string
	// Info are the control files dpkg keeps as info/PKG.NAME
	// (deb.Package.InfoFiles).
	Info []deb.ControlFile
	// MD5Sums, for a package that ships no md5sums control file, is the
	// one dpkg writes in its place (GenerateMD5Sums); it gets the
	// database's time.
	MD5Sums []byte
	// TriggersPending and TriggersAwaited are the trigger fields of a
	// package in the triggers-pending or triggers-awaited state.
	TriggersPending, TriggersAwaited []string
}

// Conffile is one line of the Conffiles field.
type Conffile struct {
	Path            string
	Hash            string // hex MD5, or "newconffile"
	Obsolete        bool
	RemoveOnUpgrade bool
}

// NewConffile is the hash dpkg records for a conffile it unpacked but has
// not configured yet.
const NewConffile = "newconffile"

// FromDeb makes the record of an installed package from the .deb, its data
// archive's entries in unpack order (deb.File.ListName) and the MD5
// digests the payload reader gave (deb.PayloadReader.MD5), keyed by list
// name. A conffile without a digest is recorded as "newconffile".
func FromDeb(p *deb.Package, files []string, md5s map[string]string) *Package {
	r := &Package{Control: p.Control.Clone(), Files: files, Info: p.InfoFiles()}
	if _, ok := p.File("md5sums"); !ok {
		r.MD5Sums = GenerateMD5Sums(files, md5s)
	}
	for _, c := range p.Conffiles {
		h := md5s[c.Path]
		if h == "" {
			h = NewConffile
		}
		r.Conffiles = append(r.Conffiles, Conffile{Path: c.Path, Hash: h, RemoveOnUpgrade: c.RemoveOnUpgrade})
	}
	return r
}

// Name is the package name, lower-cased as dpkg stores it.
func (p *Package) Name() string { return strings.ToLower(p.Control.Value("Package")) }

// Arch is the Architecture field.
func (p *Package) Arch() string { return p.Control.Value("Architecture") }

// multiArchSame reports Multi-Arch: same.
func (p *Package) multiArchSame() bool {
	w, _ := nameValue(p.Control.Value("Multi-Arch"), "same")
	return w == "same"
}

// InfoName is the name of the package's files in info/ and in trigger
// interest files: "name:arch" for a Multi-Arch: same package, else "name"
// (dpkg's pnaw_same).
func (p *Package) InfoName() string {
	if p.multiArchSame() {
		return p.Name() + ":" + p.Arch()
	}
	return p.Name()
}

func (p *Package) status() string {
	def := func(s, d string) string {
		if s == "" {
			return d
		}
		return s
	}
	return def(p.Want, "install") + " " + def(p.Flag, "ok") + " " + def(p.State, "installed")
}

// configVersion writes Config-Version as w_configversion: only for a
// package neither installed, nor not-installed, nor triggers-pending.
func (p *Package) configVersion() (string, error) {
	switch p.State {
	case "", "installed", "not-installed", "triggers-pending":
		return "", nil
	}
	if p.ConfigVersion == "" {
		return "", nil
	}
	v, err := parseVersion(p.ConfigVersion)
	if err != nil {
		return "", fmt.Errorf("Config-Version '%s': %w", p.ConfigVersion, err)
	}
	return line("Config-Version", v.String()), nil
}

// conffiles writes the Conffiles field as w_conffiles.
func (p *Package) conffiles() string {
	if len(p.Conffiles) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Conffiles:\n")
	for _, c := range p.Conffiles {
		b.WriteString(" " + c.Path + " " + c.Hash)
		if c.Obsolete {
			b.WriteString(" obsolete")
		}
		if c.RemoveOnUpgrade {
			b.WriteString(" remove-on-upgrade")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// GenerateMD5Sums writes the md5sums file dpkg writes for a package that
// ships none (write_filehash_except): "digest  path" for every entry with a
// digest (regular files and hard links, conffiles included), in unpack
// order, paths without their leading "/".
func GenerateMD5Sums(files []string, md5s map[string]string) []byte {
	var b strings.Builder
	for _, f := range files {
		if s := md5s[f]; s != "" {
			b.WriteString(s + "  " + f[1:] + "\n")
		}
	}
	return []byte(b.String())
}
