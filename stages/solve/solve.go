package solve

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/disco-build/disco/stages/repo"
	"github.com/disco-build/disco/stages/rpmver"
)

// DefaultPriority is dnf's priority for a repository that sets none.
const DefaultPriority = 99

// Request names what to install: each spec is a package name ("bash"),
// name.arch ("glibc.i686"), a provide ("libc.so.6()(64bit)",
// "bash(x86-64)") or a file path ("/usr/bin/sh"), as dnf install takes them.
type Request struct {
	Install []string
}

// Options tune a resolution.
type Options struct {
	// Arch is the machine architecture; "" means x86_64. Packages of other
	// architectures than it, its compatible ones (i686 on x86_64) and noarch
	// are ignored.
	Arch string
	// Priorities maps a RepoID to its dnf priority (lower wins); repositories
	// not listed get DefaultPriority.
	Priorities map[string]int
	// Exclude keeps packages whose name matches one of these globs from
	// being selected or installed, as dnf's excludepkgs does: like there,
	// they still provide (libsolv's whatprovideswithdisabled), so that an
	// explanation says "package X is filtered out by exclude filtering"
	// rather than "nothing provides".
	Exclude []string
	// WeakDeps installs Recommends and Supplements (dnf's
	// install_weak_deps); off by default.
	WeakDeps bool
}

// Reason tells why a package is in the result.
type Reason struct {
	// Spec is the request spec that selected the package, if any.
	Spec string
	// By is the chosen package whose dependency pulled this one in.
	By *repo.Package
	// Dep is that dependency (a Requires, or with WeakDeps a Recommends or
	// the package's own Supplements).
	Dep  rpmver.Dep
	Kind string // "request", "requires", "recommends", "supplements"
}

// Chosen is one package of the result and why it was chosen.
type Chosen struct {
	*repo.Package
	Reason Reason
}

// Result is a resolution: packages sorted by name, arch and EVR.
type Result struct {
	Packages []Chosen
}

// UnsolvableError reports a request that cannot be satisfied: every
// problem dnf would report, in dnf's words.
type UnsolvableError struct {
	Problems []Problem
}

func (e *UnsolvableError) Error() string {
	return "solve: no solution:\n" + e.Text()
}

// Text lays the problems out as dnf prints them:
//
//	Problem 1: conflicting requests
//	 - nothing provides libfoo.so.1()(64bit) needed by bar-1-1.x86_64
//	Problem 2: ...
//
// ("Problem:" without a number when there is one).
func (e *UnsolvableError) Text() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		if len(e.Problems) == 1 {
			b.WriteString(" Problem: ")
		} else {
			fmt.Fprintf(&b, " Problem %d: ", i+1)
		}
		b.WriteString(strings.Join(p, "\n  - "))
	}
	return b.String()
}

// Resolve picks the packages that satisfy req from universe.
func Resolve(ctx context.Context, universe []*repo.Package, req Request, opts Options) (*Result, error) {
	if len(req.Install) == 0 {
		return &Result{}, nil
	}
	pl, err := newPool(universe, opts)
	if err != nil {
		return nil, err
	}
	s, ok, err := solveOnce(ctx, pl, req, opts, true)
	if err == nil && !ok && s.hasInfarch && infarchFallback {
		// libsolv gives up a multilib (infarch) rule rather than fail.
		s, ok, err = solveOnce(ctx, pl, req, opts, false)
	}
	if err != nil {
		return nil, err
	}
	if !ok {
		probs, err := s.explainAll()
		if err != nil {
			return nil, err
		}
		return nil, &UnsolvableError{Problems: probs}
	}
	return s.result(), nil
}

func (s *solver) result() *Result {
	var out []Chosen
	for v := 1; v <= len(s.pool.pkgs); v++ {
		if s.value[v] > 0 {
			out = append(out, Chosen{Package: s.pool.pkgs[v-1].Package, Reason: s.reasonFor(int32(v))})
		}
	}
	sort.Slice(out, func(i, j int) bool { return pkgLess(out[i].Package, out[j].Package) })
	return &Result{Packages: out}
}

func pkgLess(a, b *repo.Package) bool {
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	if a.Arch != b.Arch {
		return a.Arch < b.Arch
	}
	if c := rpmver.LabelCompare(a.EVR, b.EVR); c != 0 {
		return c < 0
	}
	return a.RepoID < b.RepoID
}

// NEVRA formats a package as dnf prints it: name-[epoch:]version-release.arch.
func NEVRA(p *repo.Package) string {
	e := ""
	if p.Epoch != 0 {
		e = fmt.Sprintf("%d:", p.Epoch)
	}
	return fmt.Sprintf("%s-%s%s-%s.%s", p.Name, e, p.Version, p.Release, p.Arch)
}

// solveOnce runs one search, with or without the multilib rules.
func solveOnce(ctx context.Context, pl *pool, req Request, opts Options, infarch bool) (*solver, bool, error) {
	s := newSolver(ctx, pl, opts)
	s.noInfarch = !infarch
	if probs := s.addJobs(req.Install); len(probs) > 0 {
		return nil, false, &UnsolvableError{Problems: probs}
	}
	if err := s.buildRules(); err != nil {
		return nil, false, err
	}
	ok, err := s.run()
	return s, ok, err
}

var infarchFallback = false
