package solve

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/rpmver"
)

// pb builds a test package the way rpmbuild would describe it: it provides
// its own name = EVR, and name(isa) = EVR for x86_64 and i686 builds.
type pb struct{ p *repo.Package }

func mk(repoID, name, evr, arch string) pb {
	e := rpmver.ParseEVR(evr)
	p := &repo.Package{Name: name, Arch: arch, EVR: e, RepoID: repoID}
	p.Location = fmt.Sprintf("%s-%s.%s.rpm", name, evr, arch)
	p.SourceRPM = fmt.Sprintf("%s-%s.src.rpm", name, e.Version+"-"+e.Release)
	s := sha256.Sum256([]byte(repoID + "/" + p.Location))
	p.ChecksumType, p.Checksum = "sha256", hex.EncodeToString(s[:])
	self := rpmver.EVR{Epoch: e.Epoch, HasEpoch: true, Version: e.Version, Release: e.Release}
	p.Provides = append(p.Provides, rpmver.Dep{Name: name, Flags: rpmver.EQ, EVR: self})
	if isa := isaOf(arch); isa != "" {
		p.Provides = append(p.Provides, rpmver.Dep{Name: name + "(" + isa + ")", Flags: rpmver.EQ, EVR: self})
	}
	return pb{p}
}

func isaOf(arch string) string {
	switch arch {
	case "x86_64":
		return "x86-64"
	case "i686":
		return "x86-32"
	}
	return ""
}

func deps(ss []string) []rpmver.Dep {
	var out []rpmver.Dep
	for _, s := range ss {
		d, err := rpmver.ParseDep(s)
		if err != nil {
			panic(err)
		}
		out = append(out, d)
	}
	return out
}

func (b pb) req(s ...string) pb  { b.p.Requires = append(b.p.Requires, deps(s)...); return b }
func (b pb) prov(s ...string) pb { b.p.Provides = append(b.p.Provides, deps(s)...); return b }
func (b pb) con(s ...string) pb  { b.p.Conflicts = append(b.p.Conflicts, deps(s)...); return b }
func (b pb) obs(s ...string) pb  { b.p.Obsoletes = append(b.p.Obsoletes, deps(s)...); return b }
func (b pb) rec(s ...string) pb  { b.p.Recommends = append(b.p.Recommends, deps(s)...); return b }
func (b pb) sup(s ...string) pb  { b.p.Supplements = append(b.p.Supplements, deps(s)...); return b }
func (b pb) file(s ...string) pb { b.p.Files = append(b.p.Files, s...); return b }

func depStrings(ds []rpmver.Dep) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}
