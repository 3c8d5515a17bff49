package aptsolve_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/apt"
	"github.com/disco-build/disco/stages/aptsolve"
	"github.com/disco-build/disco/stages/debver"
)

// checkInstallable fails the test unless the set can be installed as it
// is: every Depends and Pre-Depends has an alternative met inside the set
// (by a package of that name and version, or a provide: unversioned
// provides meet only unversioned dependencies; name:any only by a
// Multi-Arch: allowed package or its provides), and no package's
// Conflicts or Breaks hits another package of the set. It is written from
// Debian policy (§7), not from aptsolve's code.
//
// Then dose-debcheck (Debian's dose-distcheck, a SAT-based checker) judges
// the same set: each package and a package depending on all of them must
// be installable from the set alone.
func checkInstallable(t *testing.T, what string, pkgs []aptsolve.Package) {
	t.Helper()
	for _, p := range installProblems(pkgs) {
		t.Errorf("%s: %s", what, p)
	}
	for _, p := range reasonProblems(pkgs) {
		t.Errorf("%s: %s", what, p)
	}
	doseCheck(t, what, pkgs)
}

// reasonProblems checks each package's Reason: a package pulled in by
// another names one in the set, and a dependency of it that the package
// (or one of its provides) appears in.
func reasonProblems(pkgs []aptsolve.Package) []string {
	var problems []string
	in := map[string]aptsolve.Package{}
	for _, p := range pkgs {
		in[p.Name] = p
	}
	for _, p := range pkgs {
		r := p.Reason
		switch r.Kind {
		case "requested", "resolver":
			continue
		case "Depends", "Pre-Depends", "Recommends":
		default:
			problems = append(problems, fmt.Sprintf("%s: reason %q", p, r))
			continue
		}
		by, ok := in[r.By]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: pulled in by %s, which is not installed", p, r.By))
			continue
		}
		names := []string{p.Name}
		for _, pr := range p.Record.Provides {
			names = append(names, pr.Name)
		}
		rels := map[string][]debver.Alternatives{"Depends": by.Record.Depends, "Pre-Depends": by.Record.PreDepends, "Recommends": by.Record.Recommends}[r.Kind]
		found := false
		for _, alts := range rels {
			if alts.String() != r.Relation {
				continue
			}
			for _, rel := range alts {
				for _, n := range names {
					found = found || rel.Name == n
				}
			}
		}
		if !found {
			problems = append(problems, fmt.Sprintf("%s: reason %q: no such dependency of %s leads to it", p, r, by))
		}
	}
	return problems
}

// doseCheck runs dose-debcheck on the set.
func doseCheck(t testing.TB, what string, pkgs []aptsolve.Package) {
	t.Helper()
	dose := testtool.Need(t, "dose-debcheck")[0]
	var b strings.Builder
	var all []string
	for _, p := range pkgs {
		r := p.Record
		fmt.Fprintf(&b, "Package: %s\nVersion: %s\nArchitecture: %s\n", r.Name, r.Version, r.Architecture)
		if r.MultiArch != "" {
			fmt.Fprintf(&b, "Multi-Arch: %s\n", r.MultiArch)
		}
		for _, f := range []struct {
			name string
			l    []debver.Alternatives
		}{{"Pre-Depends", r.PreDepends}, {"Depends", r.Depends}, {"Conflicts", r.Conflicts}, {"Breaks", r.Breaks}} {
			if len(f.l) > 0 {
				fmt.Fprintf(&b, "%s: %s\n", f.name, debver.FormatRelations(f.l))
			}
		}
		if len(r.Provides) > 0 {
			ps := make([]string, len(r.Provides))
			for i, pr := range r.Provides {
				ps[i] = pr.String()
			}
			fmt.Fprintf(&b, "Provides: %s\n", strings.Join(ps, ", "))
		}
		b.WriteString("\n")
		all = append(all, fmt.Sprintf("%s (= %s)", r.Name, r.Version))
	}
	fmt.Fprintf(&b, "Package: disco-answer\nVersion: 1\nArchitecture: all\nDepends: %s\n", strings.Join(all, ", "))
	file := filepath.Join(t.TempDir(), "Packages")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(dose, "--deb-native-arch=amd64", "--failures", "--explain", file)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("%s: dose-debcheck finds the answer not installable: %v\n%s", what, err, out)
	}
}

func installProblems(pkgs []aptsolve.Package) []string {
	var problems []string
	byName := map[string]aptsolve.Package{}
	for _, p := range pkgs {
		if _, dup := byName[p.Name]; dup {
			problems = append(problems, "two versions of "+p.Name)
		}
		byName[p.Name] = p
	}
	// meets tells whether package q meets relation r, and how.
	meets := func(q aptsolve.Package, r debver.Relation, self string) bool {
		rec := q.Record
		if r.ArchQual != "" && r.ArchQual != "any" && r.ArchQual != "amd64" && r.ArchQual != "native" {
			return false // another architecture
		}
		if q.Name == r.Name && q.Name != self {
			if r.ArchQual == "any" && rec.MultiArch != "allowed" {
				return false
			}
			return r.Matches(rec.Version)
		}
		for _, pr := range rec.Provides {
			if pr.Name != r.Name || q.Name == self {
				continue
			}
			if r.ArchQual == "any" && rec.MultiArch != "allowed" && pr.ArchQual != "any" {
				continue
			}
			if r.Op == debver.None || pr.Op == debver.EQ && r.Matches(pr.Version) {
				return true
			}
		}
		return false
	}
	for _, p := range pkgs {
		for _, field := range [][]debver.Alternatives{p.Record.PreDepends, p.Record.Depends} {
			for _, alts := range field {
				ok := false
				for _, r := range alts {
					for _, q := range pkgs {
						if q.Name == p.Name && q.Name == r.Name {
							ok = ok || r.Matches(q.Record.Version)
							continue
						}
						if meets(q, r, "") {
							ok = true
						}
					}
				}
				if !ok {
					problems = append(problems, fmt.Sprintf("%s: Depends: %s not met", p, alts))
				}
			}
		}
		for _, field := range [][]debver.Alternatives{p.Record.Conflicts, p.Record.Breaks} {
			for _, alts := range field {
				for _, r := range alts {
					if r.ArchQual != "" && r.ArchQual != "amd64" && r.ArchQual != "native" {
						continue // only packages of that architecture, none here
					}
					r.ArchQual = ""
					for _, q := range pkgs {
						if q.Name != p.Name && meets(q, r, p.Name) {
							problems = append(problems, fmt.Sprintf("%s conflicts with %s (%s)", p, q, r))
						}
					}
				}
			}
		}
	}
	return problems
}

// TestCheckersCatch makes sure both installability checks refuse broken
// sets: an unmet dependency, a versioned dependency an unversioned
// provide does not meet, a conflict through a provide, and :any on a
// package that is not Multi-Arch: allowed.
func TestCheckersCatch(t *testing.T) {
	pkgs, err := apt.ParsePackages(stanzas(
		"Package: a\nDepends: b",
		"Package: c\nDepends: v (>= 1)",
		"Package: p\nProvides: v",
		"Package: d\nConflicts: w",
		"Package: q\nProvides: w",
		"Package: e\nDepends: f:any",
		"Package: f",
	), "Packages")
	if err != nil {
		t.Fatal(err)
	}
	var set []aptsolve.Package
	for _, p := range pkgs {
		set = append(set, aptsolve.Package{Name: p.Name, Version: p.Version.String(), Arch: p.Architecture, Record: p})
	}
	got := installProblems(set)
	if len(got) != 4 {
		t.Fatalf("installProblems found %d problems, want 4: %q", len(got), got)
	}
	ft := &fakeT{T: t}
	doseCheck(ft, "broken set", set)
	if !ft.failed {
		t.Fatal("dose-debcheck accepted a broken set")
	}
	set = set[:0]
	for _, p := range pkgs {
		if p.Name == "f" {
			set = append(set, aptsolve.Package{Name: p.Name, Version: p.Version.String(), Arch: p.Architecture, Record: p})
		}
	}
	if got := installProblems(set); len(got) != 0 {
		t.Fatalf("installProblems on a good set: %q", got)
	}
	doseCheck(t, "good set", set)
}

// fakeT records Errorf instead of failing.
type fakeT struct {
	*testing.T
	failed bool
}

func (f *fakeT) Errorf(string, ...any) { f.failed = true }
