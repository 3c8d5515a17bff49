package report

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/disk"
	"github.com/disco-build/disco/stages/lockfile"
	"github.com/disco-build/disco/stages/manifest"
	"github.com/disco-build/disco/stages/rpmver"
)

// SchemaVersion is the version of the JSON schema written here.
const SchemaVersion = 1

// Outcome is what became of one package or generator scriptlet.
type Outcome struct {
	Package  string  `json:"package"` // NEVRA; empty for a generator
	Name     string  `json:"name"`
	Status   string  `json:"status"` // "ran", "skipped", "failed"
	ExitCode int     `json:"exit_code"`
	Seconds  float64 `json:"seconds"`
	Reason   string  `json:"reason,omitempty"`
	// Isolation is how a package scriptlet was jailed (package scriptlet's
	// Isolation* modes); empty for generators and scriptlets not run.
	Isolation string `json:"isolation,omitempty"`
}

// Output is one file the build wrote.
type Output struct {
	Format string `json:"format"`
	Path   string `json:"path"` // relative to the machine's output folder
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Input is everything a report is made from. Machine is required; a nil
// Lock, Manifest or Layout leaves that part of the report empty.
type Input struct {
	Machine  *plan.Machine
	Lock     *lockfile.Machine
	Manifest *manifest.Manifest
	Layout   *disk.Layout
	DiskPlan *disk.Plan // nil: computed from Layout
	Outcomes []Outcome
	Outputs  []Output
	Boot     *Boot // nil when the machine does not boot
	Epoch    int64
	Tool     string
}

// Report is the plain data of one machine's build; see the package doc
// for the JSON schema.
type Report struct {
	Schema          int           `json:"schema"`
	Machine         string        `json:"machine"`
	Group           string        `json:"group"`
	Name            string        `json:"name"`
	Arch            string        `json:"arch"`
	PlanDigest      string        `json:"plan_digest"`
	SourceDateEpoch int64         `json:"source_date_epoch"`
	Tool            string        `json:"tool"`
	Repos           []Repo        `json:"repos"`
	Packages        []Package     `json:"packages"`
	Outcomes        []Outcome     `json:"outcomes"`
	Disk            *Disk         `json:"disk,omitempty"`
	Boot            *Boot         `json:"boot,omitempty"`
	Outputs         []Output      `json:"outputs"`
	Files           []File        `json:"files"`
	Sources         []SourceTotal `json:"sources"`
	SourceKinds     []SourceTotal `json:"source_kinds"`
}

// Repo is a repository the packages came from.
type Repo struct {
	ID           string `json:"id"`
	RepomdSHA256 string `json:"repomd_sha256"`
}

// Package is one installed RPM.
type Package struct {
	NEVRA     string `json:"nevra"`
	Name      string `json:"name"`
	Epoch     int    `json:"epoch"`
	Version   string `json:"version"`
	Release   string `json:"release"`
	Arch      string `json:"arch"`
	Repo      string `json:"repo"`
	Location  string `json:"location"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	BuildTime int64  `json:"buildtime,omitempty"`
}

// EVR is [epoch:]version-release.
func (p Package) EVR() string {
	return lockfile.Package{Epoch: p.Epoch, Version: p.Version, Release: p.Release}.EVR()
}

// Build makes the report of in. It checks that the lock was resolved for
// this plan, that digests are sha256 hex, that output paths are relative
// and that the disk plan matches the layout, naming what is at fault.
func Build(in Input) (*Report, error) {
	m := in.Machine
	if m == nil {
		return nil, fmt.Errorf("report: no machine given")
	}
	digest, err := m.Digest()
	if err != nil {
		return nil, fmt.Errorf("report: machine %s: %w", m.ID(), err)
	}
	r := &Report{
		Schema: SchemaVersion, Machine: m.ID(), Group: m.Group, Name: m.Name, Arch: m.Arch,
		PlanDigest: digest, SourceDateEpoch: in.Epoch, Tool: in.Tool, Boot: in.Boot,
	}
	steps := []func() error{
		func() (err error) { r.Outcomes, err = outcomes(in.Outcomes); return },
		func() (err error) { r.Repos, r.Packages, err = lockPart(in.Lock, digest); return },
		func() (err error) { r.Disk, err = diskPart(in.Layout, in.DiskPlan); return },
		func() (err error) { r.Outputs, err = outputs(in.Outputs); return },
		func() (err error) { r.Files, r.Sources, r.SourceKinds, err = files(in.Manifest); return },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("report: machine %s: %w", m.ID(), err)
		}
	}
	return r, nil
}

func lockPart(lm *lockfile.Machine, digest string) ([]Repo, []Package, error) {
	repos, pkgs := []Repo{}, []Package{}
	if lm == nil {
		return repos, pkgs, nil
	}
	if lm.Digest != digest {
		return nil, nil, fmt.Errorf("lock entry is for plan %s, the machine is %s: re-run disco lock", lm.Digest, digest)
	}
	for _, r := range lm.Repos {
		if err := checkSHA256(r.RepomdSHA256); err != nil {
			return nil, nil, fmt.Errorf("lock: repo %s: repomd_sha256: %w", r.ID, err)
		}
		repos = append(repos, Repo{ID: r.ID, RepomdSHA256: r.RepomdSHA256})
	}
	slices.SortFunc(repos, func(a, b Repo) int { return strings.Compare(a.ID, b.ID) })
	for _, p := range lm.Packages {
		if err := checkSHA256(p.SHA256); err != nil {
			return nil, nil, fmt.Errorf("lock: package %s: sha256: %w", p.NEVRA(), err)
		}
		pkgs = append(pkgs, Package{
			NEVRA: p.NEVRA(), Name: p.Name, Epoch: p.Epoch, Version: p.Version, Release: p.Release,
			Arch: p.Arch, Repo: p.Repo, Location: p.Location, SHA256: p.SHA256, Size: p.Size, BuildTime: p.BuildTime,
		})
	}
	slices.SortFunc(pkgs, comparePackages)
	return repos, pkgs, nil
}

// comparePackages orders by name, arch, then rpm's EVR order, with the
// NEVRA text as a final tie-break so the order is total.
func comparePackages(a, b Package) int {
	return cmp.Or(
		strings.Compare(a.Name, b.Name),
		strings.Compare(a.Arch, b.Arch),
		cmp.Compare(a.Epoch, b.Epoch),
		rpmver.Compare(a.Version, b.Version),
		rpmver.Compare(a.Release, b.Release),
		strings.Compare(a.NEVRA, b.NEVRA),
		strings.Compare(a.Repo, b.Repo),
	)
}

// outcomes keeps the run order and checks each status.
func outcomes(outs []Outcome) ([]Outcome, error) {
	for _, o := range outs {
		switch o.Status {
		case "ran", "skipped", "failed":
		default:
			return nil, fmt.Errorf("scriptlet %s of %q: unknown status %q", o.Name, o.Package, o.Status)
		}
	}
	return append([]Outcome{}, outs...), nil
}

func outputs(outs []Output) ([]Output, error) {
	res := []Output{}
	for _, o := range outs {
		if o.Path == "" || path.IsAbs(o.Path) || path.Clean(o.Path) != o.Path || strings.HasPrefix(o.Path, "../") || o.Path == ".." {
			return nil, fmt.Errorf("output %s: path %q is not a clean relative path", o.Format, o.Path)
		}
		if err := checkSHA256(o.SHA256); err != nil {
			return nil, fmt.Errorf("output %s: sha256: %w", o.Path, err)
		}
		res = append(res, o)
	}
	slices.SortFunc(res, func(a, b Output) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Format, b.Format))
	})
	return res, nil
}

// checkSHA256 requires 64 lower-case hex digits, as SPDX wants them.
func checkSHA256(s string) error {
	if len(s) != 64 {
		return fmt.Errorf("%q is not 64 hex digits", s)
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("%q is not lower-case hex", s)
		}
	}
	return nil
}
