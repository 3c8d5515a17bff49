package apt

import "github.com/disco-build/disco/stages/debver"

// Package is one binary package as a Packages index describes it: what
// a resolver needs to choose it and what a lock and fetch need to pin and
// download it.
type Package struct {
	Name         string
	Version      debver.Version
	Architecture string // "amd64", "all", ...
	// MultiArch is "same", "foreign", "allowed", or "" (no).
	MultiArch string
	Essential bool
	Protected bool
	Priority  string // "required", "important", "standard", "optional", "extra"
	Section   string

	// Source and SourceVersion name the source package (the package's
	// own name and version when the index gives no Source field).
	Source        string
	SourceVersion debver.Version

	Depends, PreDepends, Recommends, Suggests, Enhances []debver.Alternatives
	Conflicts, Breaks, Replaces                         []debver.Alternatives
	// Provides are unversioned or "=" relations (policy §7.5).
	Provides []debver.Relation

	// Filename is the .deb's path relative to the repository base
	// ("pool/main/b/bash/bash_5.2.15-2+b7_amd64.deb").
	Filename      string
	Size          int64  // of the .deb
	SHA256        string // of the .deb, lower-case hex
	InstalledSize int64  // KiB, as Installed-Size gives it; 0 when absent
	Description   string // the synopsis: the first line

	// Repo names the repository the package came from (set by the pool).
	Repo string
}

// String names the package as apt does: "name:arch (version)".
func (p *Package) String() string {
	return p.Name + ":" + p.Architecture + " (" + p.Version.String() + ")"
}

// relationLists are the relation fields of a package with their field
// names, in the order the cache encodes them.
func relationLists(p *Package) [8]*[]debver.Alternatives {
	return [8]*[]debver.Alternatives{&p.Depends, &p.PreDepends, &p.Recommends, &p.Suggests,
		&p.Enhances, &p.Conflicts, &p.Breaks, &p.Replaces}
}

var relationFields = [8]string{"Depends", "Pre-Depends", "Recommends", "Suggests",
	"Enhances", "Conflicts", "Breaks", "Replaces"}
