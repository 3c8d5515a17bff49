package rpm

import "fmt"

// DepFlags are rpm's RPMSENSE_* bits of a dependency.
type DepFlags uint32

// The RPMSENSE_* bits (include/rpm/rpmds.h).
const (
	SenseLess          DepFlags = 1 << 1
	SenseGreater       DepFlags = 1 << 2
	SenseEqual         DepFlags = 1 << 3
	SensePosttrans     DepFlags = 1 << 5 // Requires(posttrans)
	SensePrereq        DepFlags = 1 << 6 // legacy PreReq
	SensePretrans      DepFlags = 1 << 7 // Requires(pretrans)
	SenseInterp        DepFlags = 1 << 8 // a scriptlet interpreter
	SenseScriptPre     DepFlags = 1 << 9 // Requires(pre)
	SenseScriptPost    DepFlags = 1 << 10
	SenseScriptPreun   DepFlags = 1 << 11
	SenseScriptPostun  DepFlags = 1 << 12
	SenseScriptVerify  DepFlags = 1 << 13
	SenseFindRequires  DepFlags = 1 << 14
	SenseFindProvides  DepFlags = 1 << 15
	SenseTriggerIn     DepFlags = 1 << 16
	SenseTriggerUn     DepFlags = 1 << 17
	SenseTriggerPostun DepFlags = 1 << 18
	SenseMissingOK     DepFlags = 1 << 19
	SensePreuntrans    DepFlags = 1 << 20
	SensePostuntrans   DepFlags = 1 << 21
	SenseRpmlib        DepFlags = 1 << 24 // rpmlib(...) feature
	SenseTriggerPrein  DepFlags = 1 << 25
	SenseKeyring       DepFlags = 1 << 26
	SenseConfig        DepFlags = 1 << 28
	SenseMeta          DepFlags = 1 << 29 // Requires(meta)

	SenseCompare = SenseLess | SenseGreater | SenseEqual
)

// Compare is the comparison part of the flags (SenseLess|Greater|Equal).
func (f DepFlags) Compare() DepFlags { return f & SenseCompare }

// InstallPrereq reports the bits rpm's isInstallPreReq tests: the dependency
// must be installed before this package's install-time scriptlets run
// (Requires(pre), (post), (pretrans), (posttrans), rpmlib, keyring).
func (f DepFlags) InstallPrereq() bool {
	return f&(SenseScriptPre|SenseScriptPost|SenseRpmlib|SenseKeyring|SensePretrans|SensePosttrans) != 0
}

// ErasePrereq reports the bits rpm's isErasePreReq tests (Requires(preun),
// (postun), (preuntrans), (postuntrans)).
func (f DepFlags) ErasePrereq() bool {
	return f&(SenseScriptPreun|SenseScriptPostun|SensePreuntrans|SensePostuntrans) != 0
}

// Pre reports an ordering prerequisite as repository metadata marks it
// (primary.xml pre="1"): legacy PreReq, or Requires(pre), (post), (pretrans),
// (posttrans).
func (f DepFlags) Pre() bool {
	return f&(SensePrereq|SenseScriptPre|SenseScriptPost|SensePretrans|SensePosttrans) != 0
}

// Dependency is one provide, require, conflict, obsolete or weak dependency.
// Version is the EVR string as stored ("[epoch:]version[-release]"), empty for
// an unversioned one. A rich dependency keeps its whole "(a or b)" in Name.
type Dependency struct {
	Name    string
	Flags   DepFlags
	Version string
}

// IsRich reports a boolean ("rich") dependency.
func (d Dependency) IsRich() bool { return len(d.Name) > 0 && d.Name[0] == '(' }

// String renders the dependency as rpm -q --requires does.
func (d Dependency) String() string {
	if d.Version == "" && d.Flags.Compare() == 0 {
		return d.Name
	}
	op := ""
	if d.Flags&SenseLess != 0 {
		op += "<"
	}
	if d.Flags&SenseGreater != 0 {
		op += ">"
	}
	if d.Flags&SenseEqual != 0 {
		op += "="
	}
	return d.Name + " " + op + " " + d.Version
}

type depTags struct{ name, flags, version Tag }

var (
	provideTags    = depTags{TagProvideName, TagProvideFlags, TagProvideVersion}
	requireTags    = depTags{TagRequireName, TagRequireFlags, TagRequireVersion}
	conflictTags   = depTags{TagConflictName, TagConflictFlags, TagConflictVersion}
	obsoleteTags   = depTags{TagObsoleteName, TagObsoleteFlags, TagObsoleteVersion}
	recommendTags  = depTags{TagRecommendName, TagRecommendFlags, TagRecommendVersion}
	suggestTags    = depTags{TagSuggestName, TagSuggestFlags, TagSuggestVersion}
	supplementTags = depTags{TagSupplementName, TagSupplementFlags, TagSupplementVersion}
	enhanceTags    = depTags{TagEnhanceName, TagEnhanceFlags, TagEnhanceVersion}
)

// Provides lists the package's provides.
func (p *Package) Provides() ([]Dependency, error) { return p.deps("provides", provideTags) }

// Requires lists the package's requires, rpmlib() and scriptlet ones included.
func (p *Package) Requires() ([]Dependency, error) { return p.deps("requires", requireTags) }

// Conflicts lists the package's conflicts.
func (p *Package) Conflicts() ([]Dependency, error) { return p.deps("conflicts", conflictTags) }

// Obsoletes lists the package's obsoletes.
func (p *Package) Obsoletes() ([]Dependency, error) { return p.deps("obsoletes", obsoleteTags) }

// Recommends lists the package's recommends.
func (p *Package) Recommends() ([]Dependency, error) { return p.deps("recommends", recommendTags) }

// Suggests lists the package's suggests.
func (p *Package) Suggests() ([]Dependency, error) { return p.deps("suggests", suggestTags) }

// Supplements lists the package's supplements.
func (p *Package) Supplements() ([]Dependency, error) {
	return p.deps("supplements", supplementTags)
}

// Enhances lists the package's enhances.
func (p *Package) Enhances() ([]Dependency, error) { return p.deps("enhances", enhanceTags) }

func (p *Package) deps(kind string, t depTags) ([]Dependency, error) {
	names := p.Header.Strings(t.name)
	flags := p.Header.Ints(t.flags)
	versions := p.Header.Strings(t.version)
	if len(names) == 0 {
		return nil, nil
	}
	if flags == nil && versions == nil { // very old packages: unversioned
		flags, versions = make([]uint64, len(names)), make([]string, len(names))
	}
	if len(flags) != len(names) || len(versions) != len(names) {
		return nil, fmt.Errorf("%w: package %s: %s: %d names, %d flags, %d versions",
			ErrFormat, p.NEVRA(), kind, len(names), len(flags), len(versions))
	}
	out := make([]Dependency, len(names))
	for i := range names {
		out[i] = Dependency{Name: names[i], Flags: DepFlags(flags[i]), Version: versions[i]}
	}
	return out, nil
}
